//! `connector`: run a REST connector task once and print its outcome as JSON.
//!
//! ```text
//! connector run <template.json | model.bpmn --task ID> [--variables vars.json] [--secrets secrets.json]
//!               [--ca-bundle ca.pem] [--documents DIR] [--dialect camunda|dmn]
//! connector worker [--address URL] [--auth-strategy NONE|BASIC|OAUTH] [--type T]... [options]
//! connector demo
//! ```
//! Exit status: 0 for every outcome (complete, bpmnError, failed) and for a worker that shut
//! down on SIGTERM/SIGINT; 2 for unreadable input or a bad worker configuration; 3 for a
//! template that does not compile (an invalid template, a FEEL syntax error), reported on
//! stderr rather than as a `failed` outcome. `run` prints the FEEL warnings of the task's
//! expressions (why one gave `null`) on stderr, one `connector: warning:` line each.

/// A fast general-purpose allocator (feature `mimalloc`, on with `cli`): an execution allocates
/// some seventy small blocks, and glibc's malloc spends as much on them as the rest of the
/// connector's own work when the HTTP client's thread frees blocks too.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use connector::{JsonFileSecretProvider, Runtime, Template};
use serde_json::{json, Value as Json};

#[derive(Parser)]
#[command(
    name = "connector",
    version,
    about = "Camunda REST connector (io.camunda:http-json:1)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Execute a template (JSON) or a BPMN service task once and print the outcome.
    Run(RunArgs),
    /// Serve a Camunda 8 cluster as a job worker: activate REST connector jobs, execute them,
    /// answer the cluster; stop on SIGTERM/SIGINT.
    Worker(Box<worker_cli::WorkerArgs>),
    /// Start a loopback HTTP server and run a sample template against it.
    Demo,
}

/// The options of `connector run`.
#[derive(clap::Args)]
struct RunArgs {
    /// A template JSON file, or a BPMN file (with --task).
    template: PathBuf,
    /// The id of the service task in a BPMN file.
    #[arg(long)]
    task: Option<String>,
    /// A JSON file with the process variables.
    #[arg(long)]
    variables: Option<PathBuf>,
    #[command(flatten)]
    runtime: RuntimeArgs,
    /// Tests only: send every request to this origin (see route.rs).
    #[arg(long, hide = true)]
    route_to: Option<String>,
    /// The FEEL dialect of the template's expressions: `camunda` (Camunda 8) or `dmn`.
    #[arg(long, default_value = "camunda", value_name = "camunda|dmn")]
    dialect: feel::Dialect,
}

/// The runtime options `run` and `worker` share.
#[derive(clap::Args, Debug)]
pub struct RuntimeArgs {
    /// A JSON file of secrets ({"NAME": "value"}); SECRET_* environment variables are also read.
    #[arg(long)]
    secrets: Option<PathBuf>,
    /// A PEM CA bundle trusted instead of the system's trust store.
    #[arg(long)]
    ca_bundle: Option<PathBuf>,
    /// A directory used as the document store (uploads, storeResponse); default: in memory.
    #[arg(long)]
    documents: Option<PathBuf>,
}

mod demo;
mod route;
mod worker_cli;

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Why a command could not produce an outcome.
enum Failure {
    /// Unreadable input, bad options (exit 2).
    Input(String),
    /// The template is invalid or one of its FEEL expressions does not compile (exit 3).
    Compile(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Input(message)
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Self {
        Failure::Input(message.to_string())
    }
}

fn load_template(path: &Path, task: Option<&str>) -> Result<Template, Failure> {
    let text = read(path)?;
    let is_bpmn = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("bpmn"))
        || text.trim_start().starts_with('<');
    let template = if is_bpmn {
        let task = task.ok_or("a BPMN file needs --task <service task id>")?;
        Template::from_bpmn(&text, task)
    } else {
        Template::from_json_str(&text)
    };
    template.map_err(|e| Failure::Compile(e.to_string()))
}

fn run(args: &RunArgs) -> Result<Json, Failure> {
    let template = load_template(&args.template, args.task.as_deref())?;
    let runtime = args.runtime.build(args.route_to.as_deref(), args.dialect)?;
    let variables = args.variables.as_deref();
    let variables = match variables {
        Some(p) => serde_json::from_str::<Json>(&read(p)?)
            .map_err(|e| format!("invalid variables file {}: {e}", p.display()))?,
        None => json!({}),
    };
    if !variables.is_object() {
        return Err("the variables file must hold a JSON object".into());
    }
    let task = runtime
        .compile(&template)
        .map_err(|e| Failure::Compile(e.to_string()))?;
    for warning in task.template_warnings() {
        eprintln!("connector: warning: {warning}");
    }
    let execution = task.execute_with_warnings(&variables);
    for warning in &execution.warnings {
        eprintln!("connector: warning: {warning}");
    }
    Ok(execution.outcome.to_json())
}

impl RuntimeArgs {
    /// The runtime of `run` and `worker`: secrets from a JSON file over `SECRET_*` variables,
    /// an optional CA bundle and document folder, the FEEL dialect.
    fn build(&self, route_to: Option<&str>, dialect: feel::Dialect) -> Result<Runtime, String> {
        build_runtime(
            self.secrets.as_deref(),
            self.ca_bundle.as_deref(),
            self.documents.as_deref(),
            route_to,
            dialect,
        )
    }
}

fn build_runtime(
    secrets: Option<&Path>,
    ca_bundle: Option<&Path>,
    documents: Option<&Path>,
    route_to: Option<&str>,
    dialect: feel::Dialect,
) -> Result<Runtime, String> {
    let file = secrets.map(JsonFileSecretProvider::from_path).transpose()?;
    let mut builder = Runtime::builder()
        .secrets(connector::runtime::file_then_env_secrets(file))
        .dialect(dialect);
    if let Some(path) = ca_bundle {
        builder = builder.client_options(connector::ClientOptions {
            tls: connector::TlsOptions::ca_bundle(path),
            ..connector::ClientOptions::default()
        });
    }
    // documents live in memory for the process unless a folder is given
    builder = match documents {
        Some(dir) => builder
            .documents(connector::FileSystemDocumentStore::new(dir).map_err(|e| e.to_string())?),
        None => builder.documents(connector::InMemoryDocumentStore::new()),
    };
    if let Some(origin) = route_to {
        let options = connector::ClientOptions::default();
        let inner = connector::IsahcTransport::new(&options)
            .map_err(|e| format!("cannot start the HTTP client: {e}"))?;
        builder = builder.transport(route::Routed {
            inner,
            origin: origin.to_string(),
        });
    }
    builder
        .build()
        .map_err(|e| format!("cannot start the HTTP client: {e}"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Run(args) => run(args),
        Command::Demo => demo::run().map_err(Failure::Input),
        Command::Worker(args) => return worker_cli::run(args),
    };
    match result {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(Failure::Input(message)) => {
            eprintln!("connector: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Compile(message)) => {
            eprintln!("connector: compile error: {message}");
            ExitCode::from(3)
        }
    }
}
