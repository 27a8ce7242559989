//! Built-in functions: list family.

use super::Row;

/// The list functions.
pub(super) const TABLE: &[Row] = &[];
