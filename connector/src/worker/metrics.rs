//! The worker's counters, printed on shutdown and served in Prometheus' text format.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

/// Counters of one worker process.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// Jobs activated.
    pub activated: Counter,
    /// Jobs completed (including `ignoreError`).
    pub completed: Counter,
    /// Jobs failed (retries or an incident).
    pub failed: Counter,
    /// Jobs that threw a BPMN error.
    pub errored: Counter,
    /// Answers the cluster refused with 404: the job timed out and went to another worker, or
    /// its instance was cancelled.
    pub not_found: Counter,
    /// Answers that could not be delivered before the job's deadline.
    pub undelivered: Counter,
    /// Jobs activated after their deadline had passed, skipped.
    pub expired: Counter,
    /// Activation requests that failed (the worker backed off).
    pub activation_errors: Counter,
    /// Jobs in flight now.
    pub in_flight: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Counters at zero, registered under `connector_worker_*`.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("connector_worker");
        let m = |registry: &mut Registry, name: &str, help: &str| {
            let c = Counter::default();
            registry.register(name, help, c.clone());
            c
        };
        let activated = m(&mut registry, "jobs_activated", "Jobs activated");
        let completed = m(&mut registry, "jobs_completed", "Jobs completed");
        let failed = m(&mut registry, "jobs_failed", "Jobs failed");
        let errored = m(
            &mut registry,
            "jobs_errored",
            "Jobs that threw a BPMN error",
        );
        let not_found = m(
            &mut registry,
            "answers_not_found",
            "Job answers refused with 404 (job reassigned or cancelled)",
        );
        let undelivered = m(
            &mut registry,
            "answers_undelivered",
            "Job answers not delivered before the job's deadline",
        );
        let expired = m(
            &mut registry,
            "jobs_expired",
            "Jobs skipped because their deadline had passed",
        );
        let activation_errors = m(
            &mut registry,
            "activation_errors",
            "Activation requests that failed",
        );
        let in_flight = Gauge::default();
        registry.register("jobs_in_flight", "Jobs in flight", in_flight.clone());
        Metrics {
            registry,
            activated,
            completed,
            failed,
            errored,
            not_found,
            undelivered,
            expired,
            activation_errors,
            in_flight,
        }
    }

    /// The counters in Prometheus' text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }

    /// One line: `activated=… completed=… failed=… errored=…`.
    pub fn summary(&self) -> String {
        format!(
            "activated={} completed={} failed={} errored={} not_found={} undelivered={} expired={} activation_errors={}",
            self.activated.get(),
            self.completed.get(),
            self.failed.get(),
            self.errored.get(),
            self.not_found.get(),
            self.undelivered.get(),
            self.expired.get(),
            self.activation_errors.get()
        )
    }

    /// Serve [`Metrics::render`] over HTTP on `addr` (any path) from a background thread;
    /// returns the bound address.
    pub fn serve(self: &Arc<Self>, addr: &str) -> std::io::Result<SocketAddr> {
        let listener = TcpListener::bind(addr)?;
        let bound = listener.local_addr()?;
        let metrics = self.clone();
        std::thread::Builder::new()
            .name("metrics".into())
            .spawn(move || {
                for stream in listener.incoming().flatten() {
                    let mut reader = BufReader::new(&stream);
                    let mut line = String::new();
                    // the request head, up to the blank line
                    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                        line.clear();
                    }
                    let body = metrics.render();
                    let mut stream = &stream;
                    let _ = write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Type: application/openmetrics-text; version=1.0.0; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                }
            })?;
        Ok(bound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_in_text_format() {
        let m = Metrics::new();
        m.activated.inc_by(3);
        m.completed.inc();
        let text = m.render();
        assert!(
            text.contains("connector_worker_jobs_activated_total 3"),
            "{text}"
        );
        assert!(
            text.contains("connector_worker_jobs_completed_total 1"),
            "{text}"
        );
        assert!(text.contains("# EOF"), "{text}");
        assert!(m.summary().starts_with("activated=3 completed=1 failed=0"));
    }
}
