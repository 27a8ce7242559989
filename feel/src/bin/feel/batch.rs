//! `feel batch`: one JSON result line per JSON case line.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::process::ExitCode;

use feel::cli::batch::run_line;
use feel::{Dialect, Engine};

/// Exit status when the input cannot be read.
const BAD_INPUT: u8 = 2;

/// Run `feel batch` over `file` (`-` for stdin).
pub fn run(file: &str, dialect: Dialect) -> ExitCode {
    let input: Box<dyn BufRead> = if file == "-" {
        Box::new(io::stdin().lock())
    } else {
        match File::open(file) {
            Ok(f) => Box::new(BufReader::new(f)),
            Err(e) => {
                eprintln!("error: cannot open {file}: {e}");
                return ExitCode::from(BAD_INPUT);
            }
        }
    };
    match process(input, &mut io::stdout().lock(), dialect) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (e.g. `| head`): stop quietly.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(BAD_INPUT)
        }
    }
}

/// Answer each non-blank line; blank lines are skipped.
fn process(input: impl BufRead, out: &mut impl Write, dialect: Dialect) -> io::Result<()> {
    let engine = Engine::builder().dialect(dialect).build();
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        writeln!(out, "{}", run_line(&engine, &line).to_json())?;
        out.flush()?;
    }
    Ok(())
}
