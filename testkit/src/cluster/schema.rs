//! Camunda's published description of the job endpoints, as JSON Schema extracted from the
//! official npm package by `testkit/api/extract-job-schema.mjs`: every request the cluster
//! receives and every response it sends is checked against it.

use std::sync::OnceLock;

use serde_json::Value as Json;

const SCHEMA: &str = include_str!("../../api/jobs.schema.json");

/// A body the API describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `POST /v2/jobs/activation` request.
    JobActivationRequest,
    /// `POST /v2/jobs/activation` 200 response.
    JobActivationResult,
    /// `POST /v2/jobs/{jobKey}/completion` request.
    JobCompletionRequest,
    /// `POST /v2/jobs/{jobKey}/failure` request.
    JobFailRequest,
    /// `POST /v2/jobs/{jobKey}/error` request.
    JobErrorRequest,
    /// An error response (`application/problem+json`).
    ProblemDetail,
}

const SHAPES: [Shape; 6] = [
    Shape::JobActivationRequest,
    Shape::JobActivationResult,
    Shape::JobCompletionRequest,
    Shape::JobFailRequest,
    Shape::JobErrorRequest,
    Shape::ProblemDetail,
];

impl Shape {
    fn name(self) -> &'static str {
        match self {
            Shape::JobActivationRequest => "JobActivationRequest",
            Shape::JobActivationResult => "JobActivationResult",
            Shape::JobCompletionRequest => "JobCompletionRequest",
            Shape::JobFailRequest => "JobFailRequest",
            Shape::JobErrorRequest => "JobErrorRequest",
            Shape::ProblemDetail => "ProblemDetail",
        }
    }
}

type Validators = Vec<(Shape, jsonschema::Validator)>;

fn validators() -> Result<&'static Validators, String> {
    static VALIDATORS: OnceLock<Result<Validators, String>> = OnceLock::new();
    VALIDATORS
        .get_or_init(|| {
            let root: Json = serde_json::from_str(SCHEMA).map_err(|e| e.to_string())?;
            SHAPES
                .iter()
                .map(|shape| {
                    let def = root
                        .pointer(&format!("/$defs/{}", shape.name()))
                        .ok_or_else(|| format!("the schema file has no {}", shape.name()))?;
                    jsonschema::draft202012::new(def)
                        .map(|v| (*shape, v))
                        .map_err(|e| format!("{}: {e}", shape.name()))
                })
                .collect()
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Check `body` against the API's description of `shape`; `Err` lists every violation.
pub fn validate(shape: Shape, body: &Json) -> Result<(), String> {
    let validators = validators()?;
    let validator = validators
        .iter()
        .find(|(s, _)| *s == shape)
        .map(|(_, v)| v)
        .ok_or_else(|| format!("no validator for {shape:?}"))?;
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{}: {}", shape.name(), errors.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_schema_accepts_valid_bodies_and_rejects_drift() {
        let ok = json!({"type": "io.camunda:http-json:1", "worker": "w", "timeout": 300000,
            "maxJobsToActivate": 32, "requestTimeout": 10000, "fetchVariable": ["url"]});
        assert_eq!(validate(Shape::JobActivationRequest, &ok), Ok(()));
        // a field the API does not define, a missing required field, a wrong type
        for bad in [
            json!({"type": "t", "timeout": 1, "maxJobsToActivate": 1, "maxJobs": 1}),
            json!({"type": "t", "maxJobsToActivate": 1}),
            json!({"type": "t", "timeout": "soon", "maxJobsToActivate": 1}),
        ] {
            assert!(
                validate(Shape::JobActivationRequest, &bad).is_err(),
                "{bad}"
            );
        }
        // the failure's back-off is spelled retryBackOff
        assert!(validate(
            Shape::JobFailRequest,
            &json!({"retries": 1, "retryBackoff": 5})
        )
        .is_err());
        assert_eq!(
            validate(
                Shape::JobFailRequest,
                &json!({"retries": 1, "retryBackOff": 5, "errorMessage": "m", "variables": {}})
            ),
            Ok(())
        );
        assert!(validate(Shape::JobErrorRequest, &json!({"errorMessage": "no code"})).is_err());
        assert!(validate(
            Shape::JobActivationResult,
            &json!({"jobs": [{"jobKey": "1"}]})
        )
        .is_err());
    }
}
