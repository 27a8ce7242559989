//! `feel`: evaluate FEEL (DMN 1.5) expressions from the command line.
//!
//! - `feel eval '<expression>' [--context file.json] [--var name=<json>]… [--json] [--dialect camunda|dmn]`
//! - `feel batch [FILE|-] [--dialect camunda|dmn]`: JSON-lines cases in the DMN TCK corpus format.
//!
//! Exit codes: 0 success, 1 the expression failed (syntax error or other hard error),
//! 2 bad input (unreadable or invalid files, bad `--var`, bad arguments).

#[path = "feel/batch.rs"]
mod batch;
#[path = "feel/eval.rs"]
mod eval;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use feel::Dialect;

/// Evaluate FEEL (DMN 1.5) expressions.
#[derive(Parser)]
#[command(name = "feel", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate one expression and print its value (FEEL text, or JSON with --json).
    ///
    /// Warnings go to stderr. Exit status: 0 success, 1 syntax or evaluation error,
    /// 2 bad input file or variable.
    Eval {
        /// The FEEL expression.
        expression: String,
        /// A JSON file holding an object of variables.
        #[arg(long, value_name = "FILE")]
        context: Option<PathBuf>,
        /// A variable as NAME=JSON (repeatable; overrides the context file).
        #[arg(long = "var", value_name = "NAME=JSON")]
        vars: Vec<String>,
        /// Print the result as JSON instead of FEEL text.
        #[arg(long)]
        json: bool,
        /// The FEEL dialect: `dmn` (the DMN 1.5 specification) or `camunda` (Camunda 8).
        #[arg(long, default_value = "dmn", value_name = "camunda|dmn")]
        dialect: Dialect,
    },
    /// Run JSON-lines cases (DMN TCK corpus format) and print one JSON result line per case.
    ///
    /// A malformed line gives an error line; exit status 2 only when the input cannot be read.
    Batch {
        /// The input file; `-` (the default) reads stdin.
        #[arg(default_value = "-")]
        file: String,
        /// The FEEL dialect: `dmn` (the DMN 1.5 specification) or `camunda` (Camunda 8).
        #[arg(long, default_value = "dmn", value_name = "camunda|dmn")]
        dialect: Dialect,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Eval {
            expression,
            context,
            vars,
            json,
            dialect,
        } => eval::run(&expression, context.as_deref(), &vars, json, dialect),
        Command::Batch { file, dialect } => batch::run(&file, dialect),
    }
}
