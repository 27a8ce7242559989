//! Test support for the workspace, not part of any published crate: [`cluster`], a loopback
//! Camunda 8 cluster serving the job endpoints of the Orchestration Cluster REST API (v2), on
//! [`http`], a small HTTP/1.1 server with persistent connections.

pub mod cluster;
pub mod http;
pub mod templates;
