//! Runs the DMN TCK corpus (`../shared/conformance/tck/cases.jsonl`, or `$TCK_DIR`) through
//! the same code as `feel batch`, prints the pass rate and every failing case, and fails
//! below [`PASS_RATE_FLOOR`]. Without the corpus it skips, unless `CI=true`.
//!
//! See the full report with `cargo test -p conformance --test tck -- --nocapture`; it is
//! also written to `<target>/tmp/tck-report.txt`. `TCK_FILTER=<text>` keeps only the cases
//! whose id contains the text (for debugging; the floor is then not checked).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test code

use std::io::Write as _;
use std::path::Path;

use conformance::tck::{corpus_dir, failures, run_corpus, summary, Tally};

/// Minimum pass rate (percent) over compliance levels 2 and 3; raise it as the engine
/// improves.
const PASS_RATE_FLOOR: f64 = 99.9;

/// The engine recurses; give debug builds room.
const STACK_SIZE: usize = 256 * 1024 * 1024;

#[test]
fn tck_corpus() {
    let dir = corpus_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    let file = dir.join("cases.jsonl");
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) => {
            let msg = format!("TCK corpus not found at {} ({e})", file.display());
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{msg}; it is required when CI=true (set TCK_DIR to its folder)");
            }
            // The real stderr, so the skip shows without --nocapture.
            let _ = writeln!(std::io::stderr(), "SKIPPED: {msg}; set TCK_DIR to run it");
            return;
        }
    };
    let results = std::thread::Builder::new()
        .stack_size(STACK_SIZE)
        .spawn(move || run_corpus(&feel::Engine::new(), &text))
        .expect("spawn the TCK thread")
        .join()
        .expect("the TCK thread finished");
    let filter = std::env::var("TCK_FILTER").ok().filter(|f| !f.is_empty());
    let results: Vec<_> = match &filter {
        Some(f) => results
            .into_iter()
            .filter(|r| r.id.contains(f.as_str()))
            .collect(),
        None => results,
    };

    let summary = summary(&results);
    let report = format!("{summary}\n{}", failures(&results));
    let report_file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tck-report.txt");
    if let Err(e) = std::fs::write(&report_file, &report) {
        eprintln!("cannot write {}: {e}", report_file.display());
    }
    println!("{report}");
    // Written to the real stderr (not the captured one) so the rate shows in every run.
    let _ = writeln!(
        std::io::stderr(),
        "{} (full report: {})",
        summary.lines().next().unwrap_or_default(),
        report_file.display()
    );

    if filter.is_some() {
        return;
    }
    let counted = Tally::of(results.iter().filter(|r| r.counted()));
    // The shared corpus has a known size; another one (TCK_DIR) has its own.
    if std::env::var_os("TCK_DIR").is_none() {
        assert_eq!(
            counted.total, 3204,
            "compliance levels 2 and 3 should hold 3,204 cases"
        );
    }
    assert!(
        counted.percent() >= PASS_RATE_FLOOR,
        "TCK pass rate {:.2}% is below the floor {PASS_RATE_FLOOR}%",
        counted.percent()
    );
}
