//! Shared helpers for the conformance tests: the FEEL fixture format and rendering
//! ([`fixtures`]), and the DMN TCK corpus runner and its comparison rules ([`tck`]).

pub mod fixtures;
pub mod tck;

/// The Rust examples of the workspace README, run as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct WorkspaceReadme;
