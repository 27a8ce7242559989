//! Wire-level tests against real HTTP servers on 127.0.0.1 (mockito, and the crate's own
//! loopback server where a delay or raw control is needed).

mod auth;
mod body;
mod cli;
mod common;
mod output;
mod request;
