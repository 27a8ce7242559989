//! Ordered FEEL contexts.

use std::sync::Arc;

use indexmap::IndexMap;

use super::Value;

/// An ordered map from entry names to values (insertion order is kept).
///
/// ```
/// use feel::{Context, Value};
/// let mut c = Context::new();
/// c.insert("a", Value::from(1));
/// assert_eq!(c.get("a").map(|v| v.to_string()), Some("1".to_string()));
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct Context {
    entries: IndexMap<Arc<str>, Value, Hasher>,
}

/// Context keys are short strings looked up on every path step: a fast hash (seeded per
/// process, so crafted keys cannot be aimed at it) instead of SipHash.
type Hasher = foldhash::fast::RandomState;

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty context with room for `n` entries.
    pub fn with_capacity(n: usize) -> Self {
        Context {
            entries: IndexMap::with_capacity_and_hasher(n, Hasher::default()),
        }
    }

    /// Insert or replace an entry (a replaced entry keeps its position).
    pub fn insert(&mut self, key: impl Into<Arc<str>>, value: impl Into<Value>) {
        self.entries.insert(key.into(), value.into());
    }

    /// The value of an entry.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.get(key)
    }

    /// Whether an entry exists.
    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// Remove an entry, keeping the order of the others.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.entries.shift_remove(key)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&Arc<str>, &Value)> {
        self.entries.iter()
    }

    /// Entry names in order.
    pub fn keys(&self) -> impl Iterator<Item = &Arc<str>> {
        self.entries.keys()
    }

    /// Entry values in order.
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.entries.values()
    }

    /// Mutable access to an entry.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.entries.get_mut(key)
    }
}

impl FromIterator<(Arc<str>, Value)> for Context {
    fn from_iter<T: IntoIterator<Item = (Arc<str>, Value)>>(iter: T) -> Self {
        Context {
            entries: iter.into_iter().collect(),
        }
    }
}

impl<'a> IntoIterator for &'a Context {
    type Item = (&'a Arc<str>, &'a Value);
    type IntoIter = indexmap::map::Iter<'a, Arc<str>, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", Value::Context(Arc::new(self.clone())))
    }
}
