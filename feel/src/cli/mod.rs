//! Support for the `feel` command-line tool and the conformance runner: the typed JSON
//! encoding of values used by the DMN TCK corpus ([`codec`]) and the JSON-lines case
//! runner behind `feel batch` ([`batch`]).
//!
//! ```
//! let engine = feel::Engine::new();
//! let out = feel::cli::batch::run_line(&engine, r#"{"id": 1, "expression": "x", "context": {"x": {"number": "2.50"}}}"#);
//! assert_eq!(out.to_json().to_string(), r#"{"id":1,"result":{"number":"2.5"}}"#);
//! ```

pub mod batch;
pub mod codec;
