//! Structured log lines on stderr: one JSON object a line, never a variable value or a secret.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value as Json};

/// Write `{"ts": <epoch ms>, "level": …, "event": …, …fields}` as one line to stderr.
pub(crate) fn line(level: &str, event: &str, fields: &[(&str, Json)]) {
    let mut map = Map::with_capacity(fields.len() + 3);
    let ts = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0);
    map.insert("ts".into(), ts.into());
    map.insert("level".into(), level.into());
    map.insert("event".into(), event.into());
    for (k, v) in fields {
        map.insert((*k).to_string(), v.clone());
    }
    let mut text = Json::Object(map).to_string();
    text.push('\n');
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
