//! Built-in functions: temporal family.

use super::Row;

/// The temporal functions.
pub(super) const TABLE: &[Row] = &[];
