//! Built-in functions: string family.

use super::Row;

/// The string functions.
pub(super) const TABLE: &[Row] = &[];
