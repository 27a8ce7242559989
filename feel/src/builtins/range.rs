//! Built-in functions: range family.

use super::Row;

/// The range functions.
pub(super) const TABLE: &[Row] = &[];
