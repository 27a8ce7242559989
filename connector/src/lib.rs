//! # connector — Camunda's REST connector (`io.camunda:http-json:1`) in Rust
//!
//! A template (JSON, or a service task of a BPMN file) holds the task's input mappings and
//! headers. The [`Runtime`] evaluates the inputs with FEEL over the process variables,
//! substitutes secrets, builds and sends the HTTP request with isahc, maps the response with
//! `resultVariable` / `resultExpression`, evaluates `errorExpression`, and returns an
//! [`Outcome`] that mirrors Zeebe's job commands.
//!
//! ```no_run
//! let template = connector::Template::from_json_str(r#"{
//!   "type": "io.camunda:http-json:1",
//!   "inputs": [{"source": "GET", "target": "method"},
//!              {"source": "http://127.0.0.1:8080/users/1", "target": "url"}],
//!   "taskHeaders": {"resultVariable": "user"}
//! }"#).unwrap();
//! let outcome = connector::evaluate_and_execute(&template, &serde_json::json!({}));
//! println!("{}", outcome.to_json());
//! ```
//!
//! Modules: [`template`] (loading), `inputs` (Zeebe input mappings), [`secrets`]
//! (providers, substitution, redaction), `auth`, [`request`] (URL, query, headers, body,
//! blocklist), [`proxy`] (proxy settings and non-proxy hosts), [`transport`] (isahc, TLS),
//! [`response`] (including `storeResponse` / `documentReturnFormat`), [`document`] (stores),
//! [`outcome`] (output mapping, FEEL functions), [`runtime`].

mod auth;
pub mod document;
mod error;
mod inputs;
pub mod loopback;
pub mod outcome;
pub mod proxy;
mod proxy_tls;
pub mod request;
pub mod response;
pub mod runtime;
pub mod secrets;
pub mod template;
mod tls;
pub mod transport;
pub mod worker;

pub use auth::TokenCache;
pub use document::{
    DocumentMetadata, DocumentReference, DocumentStore, FileSystemDocumentStore,
    InMemoryDocumentStore, NoDocumentStore,
};
pub use error::{ConnectorError, Retry, TemplateError};
pub use outcome::{register_functions, Outcome};
pub use request::Blocklist;
pub use runtime::{evaluate_and_execute, CompiledTemplate, Runtime, RuntimeBuilder};
pub use secrets::{
    ChainSecretProvider, EnvSecretProvider, JsonFileSecretProvider, MapSecretProvider,
    SecretProvider,
};
pub use template::{Input, Template};
pub use transport::{
    ClientOptions, ClientTls, IsahcTransport, ProxyOptions, ProxyServer, SendFuture, TlsOptions,
    Transport, WireRequest, WireResponse, DEFAULT_MAX_RESPONSE_BYTES,
};
