//! Built-in functions: numeric family.

use super::Row;

/// The numeric functions.
pub(super) const TABLE: &[Row] = &[];
