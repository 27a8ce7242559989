//! # connector — Camunda's REST connector (`io.camunda:http-json:1`) in Rust
//!
//! A template (JSON, or a service task of a BPMN file) holds the task's input mappings and
//! headers. The [`Runtime`] evaluates the inputs with FEEL over the process variables,
//! substitutes secrets, builds and sends the HTTP request with isahc, maps the response with
//! `resultVariable` / `resultExpression`, evaluates `errorExpression`, and returns an
//! [`Outcome`] that mirrors Zeebe's job commands (complete, throw a BPMN error, fail).
//!
//! Build a runtime once, compile a template once, execute it for every job:
//!
//! ```
//! use connector::{MapSecretProvider, Outcome, Runtime, Template};
//! use serde_json::json;
//! # use std::io::{Read, Write};
//! # // A one-request HTTP server on 127.0.0.1 standing in for the real API.
//! # let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
//! # let base = format!("http://{}", listener.local_addr().unwrap());
//! # std::thread::spawn(move || {
//! #     let (mut socket, _) = listener.accept().unwrap();
//! #     let mut head = Vec::new();
//! #     let mut byte = [0u8; 1];
//! #     while !head.ends_with(b"\r\n\r\n") && socket.read(&mut byte).unwrap() == 1 {
//! #         head.push(byte[0]);
//! #     }
//! #     let body = r#"{"id": 7, "name": "Ada"}"#;
//! #     let reply = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
//! #         Content-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
//! #     socket.write_all(reply.as_bytes()).unwrap();
//! # });
//!
//! let template = Template::from_json_str(r#"{
//!   "type": "io.camunda:http-json:1",
//!   "inputs": {
//!     "method": "GET",
//!     "url": "=baseUrl + \"/users/\" + string(userId)",
//!     "authentication.type": "bearer",
//!     "authentication.token": "{{secrets.API_TOKEN}}"
//!   },
//!   "taskHeaders": {"resultExpression": "={name: response.body.name}"}
//! }"#)?;
//!
//! let runtime = Runtime::builder()
//!     .secrets(MapSecretProvider::new([("API_TOKEN", "t0ken")]))
//!     .build()?;
//! let task = runtime.compile(&template)?; // every FEEL expression compiled once
//!
//! let outcome = task.execute(&json!({"baseUrl": base, "userId": 7}));
//! assert_eq!(outcome, Outcome::Complete {
//!     variables: json!({"name": "Ada"}).as_object().cloned().unwrap_or_default(),
//! });
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`evaluate_and_execute`] does the same in one call with the default providers (secrets
//! from `SECRET_*` environment variables). `execute_async` returns a future for embedders
//! with an executor; [`IsahcTransport::with_client`] sends through an existing isahc client.
//!
//! Modules: [`template`] (loading), `inputs` (Zeebe input mappings), [`secrets`]
//! (providers, substitution, redaction), `auth`, [`request`] (URL, query, headers, body,
//! blocklist), [`proxy`] (proxy settings and non-proxy hosts), [`transport`] (isahc, TLS),
//! [`response`] (including `storeResponse` / `documentReturnFormat`), [`document`] (stores),
//! [`outcome`] (output mapping, FEEL functions), [`runtime`].
//!
//! Every template field and task header is described in the project's `docs/connector.md`;
//! differences from Camunda 8.9 are in [`compatibility`].

#![warn(missing_docs)]

pub mod compatibility {
    //! Where this runtime differs from Camunda 8.9's REST connector, and why.
    #![doc = include_str!("../COMPATIBILITY.md")]
}

mod auth;
pub mod document;
mod error;
mod inputs;
mod intrinsic;
#[cfg(feature = "test-support")]
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
pub use outcome::{register_functions, Execution, FeelWarning, Outcome};
pub use request::Blocklist;
pub use runtime::{
    evaluate_and_execute, evaluate_and_execute_with, CompiledTemplate, Runtime, RuntimeBuilder,
};
pub use secrets::{
    ChainSecretProvider, EnvSecretProvider, JsonFileSecretProvider, MapSecretProvider,
    SecretProvider,
};
pub use template::{Input, Template};
pub use transport::{
    ClientOptions, ClientTls, IsahcTransport, ProxyOptions, ProxyServer, SendFuture, TlsOptions,
    Transport, WireRequest, WireResponse, DEFAULT_MAX_RESPONSE_BYTES,
};
