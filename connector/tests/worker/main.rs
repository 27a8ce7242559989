//! The job worker against a loopback Camunda 8 cluster (testkit) that validates every request
//! and response against Camunda's published API description; targets are loopback servers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

mod outcomes;
mod processes;
mod resilience;
mod support;
