//! Types an embedding application might deserialize with serde: they stop working when any
//! crate of the build turns on serde_json's `arbitrary_precision` (numbers reach
//! `#[serde(untagged)]` enums and `#[serde(flatten)]` maps as a private map, not as `f64`).

use std::collections::HashMap;

use serde::Deserialize;

/// A number or a word, as an application's configuration might allow.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Limit {
    /// A number.
    Number(f64),
    /// A word such as `"unlimited"`.
    Word(String),
}

/// Named weights next to a known field.
#[derive(Debug, Deserialize, PartialEq)]
pub struct Weights {
    /// The known field.
    pub name: String,
    /// Every other field.
    #[serde(flatten)]
    pub rest: HashMap<String, f64>,
}
