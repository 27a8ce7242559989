//! Built-in functions: context family.

use super::Row;

/// The context functions.
pub(super) const TABLE: &[Row] = &[];
