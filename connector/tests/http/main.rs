//! Wire-level tests against real HTTP servers on 127.0.0.1 (mockito, and the crate's own
//! loopback server where a delay or raw control is needed).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

mod auth;
mod body;
mod cli;
mod common;
mod documents;
mod embedding;
mod intrinsic;
mod output;
mod proxy;
mod request;
mod tls;
