//! The DMN TCK corpus (`cases.jsonl`, see its README): loading, running through the same
//! code as `feel batch` ([`feel::cli::batch`]), comparing, and reporting.
//!
//! Comparison is independent of the engine's own equality: numbers are equal when they
//! differ by at most 1e-8; strings and booleans exactly; temporal values by tag and then by
//! text, or by value after parsing both texts; lists and contexts deeply (context entry
//! order ignored). An expected `{"error": true}` is met by an error or a `null` result.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use feel::cli::batch::run_case;
use feel::{parse_decimal, temporal, Decimal, Engine};
use serde_json::Value as Json;

/// Levels that count towards the pass rate.
pub const COUNTED_LEVELS: [&str; 2] = ["compliance-level-2", "compliance-level-3"];

/// The corpus directory: `$TCK_DIR`, else `<workspace>/../shared/conformance/tck`.
/// `manifest_dir` is the conformance crate's folder.
pub fn corpus_dir(manifest_dir: &Path) -> PathBuf {
    match std::env::var_os("TCK_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => manifest_dir.join("../../shared/conformance/tck"),
    }
}

/// One case of the corpus, with the outcome of running it.
#[derive(Clone, Debug)]
pub struct CaseResult {
    /// The case id (`<directory>/<test case>/<result node>`).
    pub id: String,
    /// Compliance level.
    pub level: String,
    /// FEEL text.
    pub expression: String,
    /// The expected typed value.
    pub expected: Json,
    /// What the runner answered (`result`/`error`/`warnings` object).
    pub got: Json,
    /// Whether `got` meets `expected`.
    pub passed: bool,
}

impl CaseResult {
    /// The TCK test directory the case comes from.
    pub fn directory(&self) -> &str {
        self.id.split('/').next().unwrap_or(&self.id)
    }

    /// Whether the case counts towards the pass rate.
    pub fn counted(&self) -> bool {
        COUNTED_LEVELS.contains(&self.level.as_str())
    }
}

/// Run every line of a `cases.jsonl` text. Lines that are not cases are reported as
/// failures under the id `line <n>`; a panic in the engine fails that case only.
pub fn run_corpus(engine: &Engine, text: &str) -> Vec<CaseResult> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| run_one(engine, n + 1, line))
        .collect()
}

fn run_one(engine: &Engine, line_no: usize, line: &str) -> CaseResult {
    let case: Json = serde_json::from_str(line).unwrap_or(Json::Null);
    let field = |name: &str| {
        case.get(name)
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string()
    };
    let id = match case.get("id").and_then(Json::as_str) {
        Some(id) => id.to_string(),
        None => format!("line {line_no}"),
    };
    let expected = case.get("expected").cloned();
    let got = catch_unwind(AssertUnwindSafe(|| run_case(engine, &case).to_json()))
        .unwrap_or_else(|_| serde_json::json!({ "error": "the engine panicked" }));
    let passed = expected.as_ref().is_some_and(|e| meets(e, &got));
    CaseResult {
        id,
        level: field("level"),
        expression: field("expression"),
        expected: expected.unwrap_or(Json::Null),
        got,
        passed,
    }
}

/// Whether a runner answer (`{"result": …}` or `{"error": …}`) meets the expected value.
pub fn meets(expected: &Json, got: &Json) -> bool {
    let result = got.get("result");
    if expected
        .get("error")
        .is_some_and(|e| e == &Json::Bool(true))
    {
        return got.get("error").is_some() || result.is_some_and(Json::is_null);
    }
    result.is_some_and(|r| same_value(expected, r))
}

/// Deep comparison of two typed values.
pub fn same_value(expected: &Json, got: &Json) -> bool {
    match (expected, got) {
        (Json::Null, Json::Null) => true,
        (Json::Bool(a), Json::Bool(b)) => a == b,
        (Json::String(a), Json::String(b)) => a == b,
        (Json::Array(a), Json::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(x, y))
        }
        (Json::Object(a), Json::Object(b)) => {
            let (Some((tag, x)), Some((tag2, y))) = (single(a), single(b)) else {
                return false;
            };
            if tag != tag2 {
                return false;
            }
            match (tag.as_str(), x, y) {
                ("number", Json::String(x), Json::String(y)) => same_number(x, y),
                ("date" | "time" | "dateTime" | "duration", Json::String(x), Json::String(y)) => {
                    same_temporal(x, y)
                }
                ("context", Json::Object(x), Json::Object(y)) => {
                    x.len() == y.len()
                        && x.iter()
                            .all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
                }
                _ => false,
            }
        }
        _ => false,
    }
}

fn single(map: &serde_json::Map<String, Json>) -> Option<(&String, &Json)> {
    let mut it = map.iter();
    match (it.next(), it.next()) {
        (Some(entry), None) => Some(entry),
        _ => None,
    }
}

/// Numbers within 1e-8 of each other (texts that are not decimals: by `f64`, relative).
pub fn same_number(a: &str, b: &str) -> bool {
    if let (Some(x), Some(y)) = (parse_decimal(a), parse_decimal(b)) {
        if let Some(diff) = x.checked_sub(y) {
            return diff.abs() <= Decimal::new(1, 8);
        }
    }
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y || (x - y).abs() <= 1e-8_f64.max(1e-12 * x.abs().max(y.abs())),
        _ => false,
    }
}

/// Temporal texts: equal as text, or equal as values once both are parsed.
pub fn same_temporal(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (temporal::parse_literal(a), temporal::parse_literal(b)) {
        (Some(x), Some(y)) => x == y || x.to_feel_string() == y.to_feel_string(),
        _ => false,
    }
}

/// Pass counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Cases that passed.
    pub passed: usize,
    /// All cases.
    pub total: usize,
}

impl Tally {
    /// Count the results that `filter` selects.
    pub fn of<'a>(results: impl IntoIterator<Item = &'a CaseResult>) -> Tally {
        results.into_iter().fold(Tally::default(), |t, r| Tally {
            passed: t.passed + usize::from(r.passed),
            total: t.total + 1,
        })
    }

    /// Pass rate in percent (0 when there are no cases).
    pub fn percent(self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            100.0 * self.passed as f64 / self.total as f64
        }
    }
}

/// A one-paragraph summary plus per-directory pass counts of the counted levels.
pub fn summary(results: &[CaseResult]) -> String {
    let counted = Tally::of(results.iter().filter(|r| r.counted()));
    let other = Tally::of(results.iter().filter(|r| !r.counted()));
    let mut out = format!(
        "TCK: {}/{} passed ({:.2}%) over compliance levels 2 and 3; non-compliant: {}/{}\n",
        counted.passed,
        counted.total,
        counted.percent(),
        other.passed,
        other.total
    );
    let mut by_dir: BTreeMap<&str, Tally> = BTreeMap::new();
    for r in results.iter().filter(|r| r.counted()) {
        let t = by_dir.entry(r.directory()).or_default();
        t.total += 1;
        t.passed += usize::from(r.passed);
    }
    for (dir, t) in by_dir.iter().filter(|(_, t)| t.passed < t.total) {
        let _ = writeln!(out, "  {dir}: {}/{}", t.passed, t.total);
    }
    out
}

/// Every failing case (all levels), grouped by TCK directory: id, expression, expected, got.
pub fn failures(results: &[CaseResult]) -> String {
    let mut by_dir: BTreeMap<&str, Vec<&CaseResult>> = BTreeMap::new();
    for r in results.iter().filter(|r| !r.passed) {
        by_dir.entry(r.directory()).or_default().push(r);
    }
    let mut out = String::new();
    for (dir, cases) in by_dir {
        let _ = writeln!(out, "== {dir} ({} failing) ==", cases.len());
        for r in cases {
            let level = if r.counted() { "" } else { " [non-compliant]" };
            let _ = writeln!(out, "{}{level}", r.id);
            let _ = writeln!(
                out,
                "    expression: {}",
                r.expression.replace('\n', "\n                ")
            );
            let _ = writeln!(out, "    expected:   {}", r.expected);
            let _ = writeln!(out, "    got:        {}", r.got);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_within_tolerance() {
        assert!(same_number("2778.69354943277", "2778.693549432766"));
        assert!(same_number("1", "1.000"));
        assert!(!same_number("1", "1.0001"));
        assert!(same_number("1E+40", "1e40"));
        assert!(!same_number("1", "x"));
    }

    #[test]
    fn error_expectation() {
        let err = json!({"error": true});
        assert!(meets(&err, &json!({"id": 1, "error": "syntax error"})));
        assert!(meets(&err, &json!({"id": 1, "result": null})));
        assert!(!meets(&err, &json!({"id": 1, "result": false})));
    }

    #[test]
    fn deep_values() {
        let exp = json!({"context": {"a": [{"number": "1"}, "x"], "b": true}});
        assert!(meets(
            &exp,
            &json!({"result": {"context": {"b": true, "a": [{"number": "1.0"}, "x"]}}})
        ));
        assert!(!meets(
            &exp,
            &json!({"result": {"context": {"b": true, "a": [{"number": "2"}, "x"]}}})
        ));
        assert!(!meets(
            &exp,
            &json!({"result": {"context": {"a": [{"number": "1"}, "x"]}}})
        ));
        assert!(!meets(&json!(null), &json!({"error": "boom"})));
        assert!(meets(&json!(null), &json!({"result": null})));
        assert!(!meets(
            &json!({"date": "2017-01-01"}),
            &json!({"result": {"dateTime": "2017-01-01"}})
        ));
        assert!(meets(
            &json!({"date": "2017-01-01"}),
            &json!({"result": {"date": "2017-01-01"}})
        ));
        assert!(!meets(&json!(["a"]), &json!({"result": "a"})));
    }

    #[test]
    fn summary_counts_levels() {
        let mk = |id: &str, level: &str, passed| CaseResult {
            id: id.into(),
            level: level.into(),
            expression: "x".into(),
            expected: Json::Null,
            got: json!({"result": null}),
            passed,
        };
        let results = vec![
            mk("d1/1/a", "compliance-level-3", true),
            mk("d1/2/a", "compliance-level-3", false),
            mk("d2/1/a", "compliance-level-2", true),
            mk("d3/1/a", "non-compliant", false),
        ];
        let s = summary(&results);
        assert!(s.starts_with("TCK: 2/3 passed (66.67%)"), "{s}");
        assert!(s.contains("non-compliant: 0/1"), "{s}");
        assert!(s.contains("  d1: 1/2"), "{s}");
        let f = failures(&results);
        assert!(f.contains("== d1 (1 failing) ==\nd1/2/a\n"), "{f}");
        assert!(f.contains("d3/1/a [non-compliant]"), "{f}");
    }
}
