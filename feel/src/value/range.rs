//! FEEL ranges (intervals).

use super::Value;

/// A range: two end points (`Null` for an unbounded end) and whether each is included.
///
/// `[1..10]` is `{start: 1, start_included: true, end: 10, end_included: true}`;
/// `< 10` is `{start: null, start_included: false, end: 10, end_included: false}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Range {
    /// Lower end point, `Null` when unbounded.
    pub start: Value,
    /// Whether the lower end point belongs to the range.
    pub start_included: bool,
    /// Upper end point, `Null` when unbounded.
    pub end: Value,
    /// Whether the upper end point belongs to the range.
    pub end_included: bool,
}
