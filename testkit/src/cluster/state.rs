//! The cluster's jobs: created activatable, activated with a deadline, offered again when the
//! deadline passes or after a failure's back-off, and finished once.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value as Json};

/// A job to create.
#[derive(Clone, Debug)]
pub struct JobSpec {
    /// The job type.
    pub job_type: String,
    /// The BPMN element id.
    pub element_id: String,
    /// The variables (the task's inputs, already mapped).
    pub variables: Map<String, Json>,
    /// The task headers.
    pub custom_headers: Map<String, Json>,
    /// The job's retries.
    pub retries: u32,
    /// The tenant.
    pub tenant_id: String,
}

impl JobSpec {
    /// A REST connector job with these inputs and headers, 3 retries, the default tenant.
    pub fn http_json(variables: Json, custom_headers: Json) -> Self {
        let map = |v: Json| match v {
            Json::Object(m) => m,
            _ => Map::new(),
        };
        JobSpec {
            job_type: "io.camunda:http-json:1".into(),
            element_id: "restCall".into(),
            variables: map(variables),
            custom_headers: map(custom_headers),
            retries: 3,
            tenant_id: "<default>".into(),
        }
    }
}

/// Where a job is.
#[derive(Clone, Debug, PartialEq)]
pub enum JobState {
    /// Waiting for a worker (not before the instant: a failure's back-off).
    Activatable {
        /// Not offered before this instant.
        not_before: Instant,
    },
    /// With a worker until the deadline.
    Activated {
        /// The worker's name.
        worker: String,
        /// The deadline (milliseconds since the Unix epoch).
        deadline_ms: i64,
    },
    /// Completed with these variables.
    Completed {
        /// The completion's variables.
        variables: Json,
    },
    /// A BPMN error was thrown.
    ErrorThrown {
        /// The error request's body.
        body: Json,
    },
    /// Failed with no retries left: an incident.
    Incident {
        /// The failure request's body.
        body: Json,
    },
}

/// A job and its history.
#[derive(Clone, Debug)]
pub struct Job {
    /// The key as sent to workers.
    pub key: String,
    /// What it was created with.
    pub spec: JobSpec,
    /// Retries left.
    pub retries: u32,
    /// Where it is now.
    pub state: JobState,
    /// The workers that activated it, in order.
    pub activations: Vec<String>,
    /// Commands the cluster accepted for it.
    pub accepted: u32,
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// All jobs and the queue of those that may be offered.
#[derive(Debug, Default)]
pub(crate) struct Jobs {
    pub(crate) by_key: HashMap<String, Job>,
    queue: VecDeque<String>,
    /// The activated jobs' deadlines (a few hundred at most, unlike all jobs).
    deadlines: HashMap<String, i64>,
    next_key: u64,
}

impl Jobs {
    pub(crate) fn create(&mut self, spec: JobSpec) -> String {
        self.next_key += 1;
        // keys look like Zeebe's: a partition prefix in the high bits
        let key = (2_251_799_813_685_248u64 + self.next_key).to_string();
        self.by_key.insert(
            key.clone(),
            Job {
                key: key.clone(),
                retries: spec.retries,
                spec,
                state: JobState::Activatable {
                    not_before: Instant::now(),
                },
                activations: Vec::new(),
                accepted: 0,
            },
        );
        self.queue.push_back(key.clone());
        key
    }

    /// Activated jobs whose deadline passed become activatable again.
    pub(crate) fn expire(&mut self) {
        let now = now_ms();
        let expired: Vec<String> = self
            .deadlines
            .iter()
            .filter(|(_, deadline)| **deadline <= now)
            .map(|(key, _)| key.clone())
            .collect();
        for key in expired {
            self.deadlines.remove(&key);
            if let Some(job) = self.by_key.get_mut(&key) {
                job.state = JobState::Activatable {
                    not_before: Instant::now(),
                };
                self.queue.push_back(key);
            }
        }
    }

    /// Take up to `max` activatable jobs of `job_type` for `worker`.
    pub(crate) fn activate(
        &mut self,
        job_type: &str,
        tenants: &[String],
        max: usize,
        worker: &str,
        timeout: Duration,
    ) -> Vec<Job> {
        let now = Instant::now();
        let deadline_ms =
            now_ms().saturating_add(i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX));
        let mut taken = Vec::new();
        let mut keep = VecDeque::with_capacity(self.queue.len());
        while let Some(key) = self.queue.pop_front() {
            if taken.len() >= max {
                keep.push_back(key);
                keep.extend(self.queue.drain(..));
                break;
            }
            let Some(job) = self.by_key.get_mut(&key) else {
                continue;
            };
            let JobState::Activatable { not_before } = job.state else {
                continue; // stale queue entry
            };
            let tenant_ok = if tenants.is_empty() {
                job.spec.tenant_id == "<default>"
            } else {
                tenants.contains(&job.spec.tenant_id)
            };
            if not_before <= now && job.spec.job_type == job_type && tenant_ok {
                job.state = JobState::Activated {
                    worker: worker.to_string(),
                    deadline_ms,
                };
                job.activations.push(worker.to_string());
                taken.push(job.clone());
                self.deadlines.insert(key, deadline_ms);
                continue;
            }
            keep.push_back(key);
        }
        self.queue = keep;
        taken
    }

    /// Whether a job may still be answered (activated, or offered again after its deadline).
    pub(crate) fn answerable(&self, key: &str) -> bool {
        self.by_key.get(key).is_some_and(|j| {
            matches!(
                j.state,
                JobState::Activated { .. } | JobState::Activatable { .. }
            )
        })
    }

    pub(crate) fn complete(&mut self, key: &str, body: &Json) {
        self.deadlines.remove(key);
        if let Some(job) = self.by_key.get_mut(key) {
            job.accepted += 1;
            job.state = JobState::Completed {
                variables: body.get("variables").cloned().unwrap_or(Json::Null),
            };
        }
    }

    pub(crate) fn throw_error(&mut self, key: &str, body: &Json) {
        self.deadlines.remove(key);
        if let Some(job) = self.by_key.get_mut(key) {
            job.accepted += 1;
            job.state = JobState::ErrorThrown { body: body.clone() };
        }
    }

    pub(crate) fn fail(&mut self, key: &str, body: &Json) {
        self.deadlines.remove(key);
        let retries = body
            .get("retries")
            .and_then(Json::as_i64)
            .unwrap_or(0)
            .max(0);
        let backoff = body.get("retryBackOff").and_then(Json::as_u64).unwrap_or(0);
        if let Some(job) = self.by_key.get_mut(key) {
            job.accepted += 1;
            job.retries = u32::try_from(retries).unwrap_or(u32::MAX);
            if retries > 0 {
                job.state = JobState::Activatable {
                    not_before: Instant::now() + Duration::from_millis(backoff),
                };
                self.queue.push_back(key.to_string());
            } else {
                job.state = JobState::Incident { body: body.clone() };
            }
        }
    }

    /// One element of an activation response, as `ActivatedJobResult` defines it.
    pub(crate) fn activated_json(job: &Job, fetch: Option<&[String]>) -> Json {
        let deadline = match job.state {
            JobState::Activated { deadline_ms, .. } => deadline_ms,
            _ => 0,
        };
        let worker = job.activations.last().cloned().unwrap_or_default();
        let variables: Map<String, Json> = match fetch {
            Some(names) if !names.is_empty() => job
                .spec
                .variables
                .iter()
                .filter(|(k, _)| names.iter().any(|n| n == *k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            _ => job.spec.variables.clone(),
        };
        let instance = (job.key.parse::<u64>().unwrap_or(0) + 1_000_000).to_string();
        json!({
            "type": job.spec.job_type,
            "processDefinitionId": "restProcess",
            "processDefinitionVersion": 1,
            "elementId": job.spec.element_id,
            "customHeaders": job.spec.custom_headers,
            "worker": worker,
            "retries": job.retries,
            "deadline": deadline,
            "variables": variables,
            "tenantId": job.spec.tenant_id,
            "jobKey": job.key,
            "processInstanceKey": instance,
            "processDefinitionKey": "2251799813685100",
            "elementInstanceKey": (job.key.parse::<u64>().unwrap_or(0) + 2_000_000).to_string(),
            "kind": "BPMN_ELEMENT",
            "listenerEventType": "UNSPECIFIED",
            "userTask": null,
            "tags": [],
            "rootProcessInstanceKey": instance,
        })
    }
}
