//! Camunda's official element templates as test input: read them ([`model`]), enumerate the
//! variants a user can pick ([`variants`]), write the BPMN Modeler would save ([`bpmn`]) and
//! compute what the request must look like ([`expect`]).

pub mod bpmn;
pub mod expect;
pub mod model;
pub mod variants;

pub use bpmn::{bpmn, TASK_ID};
pub use model::{load_dir, ElementTemplate};
pub use variants::{variants, Variant};

/// The version of `@camunda/connectors-element-templates` the tests run.
pub const PACKAGE_VERSION: &str = "1.0.29";

/// Where `.ci/setup.sh` unpacks the package: `$ELEMENT_TEMPLATES_DIR`, or
/// `$ELEMENT_TEMPLATES_CACHE` (default `~/.cache/connector-element-templates`)
/// `/<version>/package/src/element-templates`.
pub fn package_dir() -> std::path::PathBuf {
    if let Ok(dir) = std::env::var("ELEMENT_TEMPLATES_DIR") {
        return dir.into();
    }
    let cache = std::env::var("ELEMENT_TEMPLATES_CACHE").unwrap_or_else(|_| {
        let home = std::env::var("HOME").unwrap_or_else(|_| "/tmp".into());
        format!("{home}/.cache/connector-element-templates")
    });
    std::path::Path::new(&cache)
        .join(PACKAGE_VERSION)
        .join("package/src/element-templates")
}
