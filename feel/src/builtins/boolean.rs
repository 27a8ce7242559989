//! Built-in functions: boolean family.

use super::Row;

/// The boolean functions.
pub(super) const TABLE: &[Row] = &[];
