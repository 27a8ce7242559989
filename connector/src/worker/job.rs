//! An activated job as the cluster sends it (`ActivatedJobResult`), read tolerantly: unknown
//! fields are ignored, fields added in later versions are optional, keys may be strings (the
//! API's form) or numbers.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value as Json};

/// One job of an activation response.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivatedJob {
    /// The job key, passed back as received (a Java long as text).
    pub key: String,
    /// The job type.
    pub job_type: String,
    /// The BPMN element the job belongs to.
    pub element_id: String,
    /// The process instance key.
    pub process_instance_key: String,
    /// Retries left.
    pub retries: u32,
    /// When the cluster offers the job again (milliseconds since the Unix epoch).
    pub deadline_ms: i64,
    /// The task headers.
    pub custom_headers: Map<String, Json>,
    /// The variables: the task's inputs, already mapped by the cluster.
    pub variables: Json,
    /// The tenant.
    pub tenant_id: Option<String>,
}

fn key_text(v: Option<&Json>) -> Option<String> {
    match v? {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn text(v: Option<&Json>) -> String {
    v.and_then(Json::as_str).unwrap_or_default().to_string()
}

impl ActivatedJob {
    /// Read one element of `jobs[]`; `Err` names what is missing.
    pub fn from_json(v: &Json) -> Result<ActivatedJob, String> {
        let obj = v.as_object().ok_or("a job is not a JSON object")?;
        let key = key_text(obj.get("jobKey")).ok_or("a job has no jobKey")?;
        let retries = obj
            .get("retries")
            .and_then(Json::as_i64)
            .map(|r| u32::try_from(r.max(0)).unwrap_or(u32::MAX))
            .unwrap_or(0);
        let deadline_ms = match obj.get("deadline") {
            Some(Json::Number(n)) => n.as_i64().unwrap_or(i64::MAX),
            Some(Json::String(s)) => s.parse().unwrap_or(i64::MAX),
            _ => i64::MAX,
        };
        let custom_headers = match obj.get("customHeaders") {
            Some(Json::Object(m)) => m.clone(),
            _ => Map::new(),
        };
        let variables = match obj.get("variables") {
            Some(v @ Json::Object(_)) => v.clone(),
            _ => Json::Object(Map::new()),
        };
        Ok(ActivatedJob {
            key,
            job_type: text(obj.get("type")),
            element_id: text(obj.get("elementId")),
            process_instance_key: key_text(obj.get("processInstanceKey")).unwrap_or_default(),
            retries,
            deadline_ms,
            custom_headers,
            variables,
            tenant_id: obj
                .get("tenantId")
                .and_then(Json::as_str)
                .map(str::to_string),
        })
    }

    /// Whether the job's deadline has passed (the cluster may have given it to another worker).
    pub fn expired(&self) -> bool {
        self.remaining().is_zero()
    }

    /// The time left until the deadline.
    pub fn remaining(&self) -> Duration {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Duration::from_millis(u64::try_from(self.deadline_ms.saturating_sub(now)).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_8_8_and_8_9_shapes_and_numeric_keys() {
        let job = json!({"type": "io.camunda:http-json:1", "jobKey": "2251799813685249",
            "processInstanceKey": 2251799813685240_i64, "elementId": "call", "retries": 3,
            "deadline": 4_102_444_800_000_i64, "customHeaders": {"resultVariable": "r"},
            "variables": {"url": "http://x"}, "tenantId": "<default>", "somethingNew": 1});
        let job = ActivatedJob::from_json(&job).unwrap();
        assert_eq!(job.key, "2251799813685249");
        assert_eq!(job.process_instance_key, "2251799813685240");
        assert_eq!(job.retries, 3);
        assert!(!job.expired());
        assert_eq!(job.custom_headers["resultVariable"], "r");
        let past = json!({"jobKey": 7, "deadline": 1});
        let past = ActivatedJob::from_json(&past).unwrap();
        assert_eq!(past.key, "7");
        assert!(past.expired());
        assert!(ActivatedJob::from_json(&json!({"type": "x"})).is_err());
    }
}
