//! Shared helpers for the conformance tests: the FEEL fixture format and rendering
//! ([`fixtures`]), and the DMN TCK corpus runner and its comparison rules ([`tck`]).

pub mod fixtures;
pub mod tck;

/// The Rust examples of the workspace README, run as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct WorkspaceReadme;

/// The Rust examples of `feel`'s README (its crates.io page), run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../feel/README.md")]
struct FeelReadme;

/// The Rust examples of `connector`'s README (its crates.io page), run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../connector/README.md")]
struct ConnectorReadme;
