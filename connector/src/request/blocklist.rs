//! The URL blocklist read from `CAMUNDA_CONNECTOR_HTTP_BLOCK_<TYPE>_<NAME>` environment
//! variables (`URL`: contains, `PORT`: comma-separated ports, `REGEX`: full match).

use regex::Regex;

use crate::error::ConnectorError;

/// One blocklist rule.
#[derive(Clone, Debug)]
pub enum BlockRule {
    /// Blocks URLs that contain the text.
    Url {
        /// The rule's name (reported in the error).
        name: String,
        /// The text to look for.
        contains: String,
    },
    /// Blocks URLs that connect to one of the ports.
    Port {
        /// The rule's name.
        name: String,
        /// The blocked ports.
        ports: Vec<u16>,
    },
    /// Blocks URLs that the regular expression matches in full.
    Regex {
        /// The rule's name.
        name: String,
        /// The pattern, anchored at both ends.
        regex: Regex,
    },
}

/// A list of blocked URLs, checked against the raw URL before query parameters are added.
#[derive(Clone, Debug, Default)]
pub struct Blocklist {
    rules: Vec<BlockRule>,
}

impl Blocklist {
    /// The environment prefix.
    pub const ENV_PREFIX: &'static str = "CAMUNDA_CONNECTOR_HTTP_BLOCK_";

    /// An empty blocklist.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a rule from its type (`URL`, `PORT`, `REGEX`), name and value; an unknown type or
    /// an invalid regex or port list is ignored and reported as `false`.
    pub fn add(&mut self, kind: &str, name: &str, value: &str) -> bool {
        let name = name.to_string();
        let rule = match kind.to_ascii_uppercase().as_str() {
            "URL" => BlockRule::Url {
                name,
                contains: value.to_string(),
            },
            "PORT" => {
                let ports: Result<Vec<u16>, _> =
                    value.split(',').map(|p| p.trim().parse::<u16>()).collect();
                match ports {
                    Ok(ports) => BlockRule::Port { name, ports },
                    Err(_) => return false,
                }
            }
            "REGEX" => match Regex::new(&format!("^(?:{value})$")) {
                Ok(regex) => BlockRule::Regex { name, regex },
                Err(_) => return false,
            },
            _ => return false,
        };
        self.rules.push(rule);
        true
    }

    /// Builder form of [`Blocklist::add`].
    pub fn with(mut self, kind: &str, name: &str, value: &str) -> Self {
        self.add(kind, name, value);
        self
    }

    /// Read the rules from the environment.
    pub fn from_env() -> Self {
        let mut list = Blocklist::new();
        let mut vars: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| k.starts_with(Self::ENV_PREFIX))
            .collect();
        vars.sort();
        for (key, value) in vars {
            let rest = key.get(Self::ENV_PREFIX.len()..).unwrap_or_default();
            if let Some((kind, name)) = rest.split_once('_') {
                list.add(kind, name, &value);
            }
        }
        list
    }

    /// Check a URL; `port` is the port it connects to.
    pub fn check(&self, url: &str, port: Option<u16>) -> Result<(), ConnectorError> {
        for rule in &self.rules {
            let (blocked, name) = match rule {
                BlockRule::Url { name, contains } => (url.contains(contains.as_str()), name),
                BlockRule::Port { name, ports } => (port.is_some_and(|p| ports.contains(&p)), name),
                BlockRule::Regex { name, regex } => (regex.is_match(url), name),
            };
            if blocked {
                return Err(ConnectorError::input(format!(
                    "The provided URL is not allowed (Block Name: {name})"
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_block_by_text_port_and_full_regex() {
        let list = Blocklist::new()
            .with("URL", "INTERNAL", "internal.example")
            .with("PORT", "ADMIN", "8081, 9000")
            .with("REGEX", "META", r"http://169\.254\..*");
        assert!(list.check("http://internal.example/x", Some(80)).is_err());
        assert!(list.check("http://ok/x", Some(9000)).is_err());
        let e = list.check("http://169.254.1.1/x", Some(80)).unwrap_err();
        assert_eq!(
            e.message,
            "The provided URL is not allowed (Block Name: META)"
        );
        assert!(list
            .check("https://x/http://169.254.1.1", Some(443))
            .is_ok());
        assert!(list.check("http://ok/x", Some(80)).is_ok());
    }
}

#[cfg(test)]
mod env_tests {
    use super::*;

    #[test]
    fn rules_are_read_from_the_environment() {
        std::env::set_var(
            "CAMUNDA_CONNECTOR_HTTP_BLOCK_URL_UNIT_TEST_RULE",
            "blocked-by-unit-test.invalid",
        );
        let list = Blocklist::from_env();
        let e = list
            .check("http://blocked-by-unit-test.invalid/", Some(80))
            .unwrap_err();
        assert_eq!(
            e.message,
            "The provided URL is not allowed (Block Name: UNIT_TEST_RULE)"
        );
    }
}
