//! The dialects an [`Engine`](crate::Engine) evaluates FEEL in.

use std::fmt;
use std::str::FromStr;

/// Which FEEL an engine evaluates: the DMN 1.5 specification (the default) or Camunda's
/// engine (feel-scala 1.19, as in Camunda 8.9). Chosen when the engine is built; every
/// expression the engine compiles evaluates in it. `COMPATIBILITY.md` lists what differs.
///
/// ```
/// use feel::{Context, Dialect, Engine, Value};
/// let camunda = Engine::builder().dialect(Dialect::Camunda).build();
/// let out = camunda.evaluate("string(duration(\"PT0S\"))", &Context::new()).unwrap();
/// assert_eq!(out.value, Value::from("P0D"));
/// let dmn = Engine::new();
/// let out = dmn.evaluate("string(duration(\"PT0S\"))", &Context::new()).unwrap();
/// assert_eq!(out.value, Value::from("PT0S"));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// The DMN 1.5 specification, as the DMN TCK tests it.
    #[default]
    Dmn,
    /// Camunda 8's engine (feel-scala 1.19): what connector templates are written for.
    Camunda,
}

impl Dialect {
    /// The dialect's name on the command line: `dmn` or `camunda`.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Dmn => "dmn",
            Dialect::Camunda => "camunda",
        }
    }

    /// Whether this is the Camunda dialect.
    #[inline]
    pub fn is_camunda(self) -> bool {
        self == Dialect::Camunda
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A dialect name that is neither `dmn` nor `camunda`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownDialect(pub String);

impl fmt::Display for UnknownDialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown dialect '{}' (expected 'dmn' or 'camunda')",
            self.0
        )
    }
}

impl std::error::Error for UnknownDialect {}

impl FromStr for Dialect {
    type Err = UnknownDialect;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dmn" => Ok(Dialect::Dmn),
            "camunda" => Ok(Dialect::Camunda),
            _ => Err(UnknownDialect(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_fail() {
        for d in [Dialect::Dmn, Dialect::Camunda] {
            assert_eq!(d.name().parse::<Dialect>(), Ok(d));
        }
        assert_eq!("Camunda".parse::<Dialect>(), Ok(Dialect::Camunda));
        assert!("scala".parse::<Dialect>().is_err());
        assert_eq!(Dialect::default(), Dialect::Dmn);
    }
}
