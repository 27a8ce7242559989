//! Ordered FEEL contexts.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use indexmap::IndexMap;

use super::Value;

/// Contexts up to this many entries are a vector searched linearly; larger ones an
/// `IndexMap`.
const INDEX_AT: usize = 12;

/// Context keys are short strings looked up on every path step: a fast hash (seeded per
/// process, so crafted keys cannot be aimed at it) instead of SipHash.
type Hasher = foldhash::fast::RandomState;

/// Whether two entry names are equal: the lengths first, then short names (most of them)
/// compared as one or two machine words, inline, instead of a call to `memcmp`.
#[inline(always)]
pub(crate) fn key_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    // overlapping reads of the first and the last bytes cover every length up to twice the
    // word size
    if n >= 8 {
        if n > 16 {
            return a == b;
        }
        let word =
            |s: &[u8], i: usize| u64::from_ne_bytes(s[i..i + 8].try_into().unwrap_or([0; 8]));
        return word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8);
    }
    if n >= 4 {
        let word =
            |s: &[u8], i: usize| u32::from_ne_bytes(s[i..i + 4].try_into().unwrap_or([0; 4]));
        return word(a, 0) == word(b, 0) && word(a, n - 4) == word(b, n - 4);
    }
    n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1])
}

/// Where a name was last found in a context: the position a lookup of that name (a variable,
/// a path step) tries first — one name comparison instead of a search or a hash. Only ever
/// a hint: the entry's name is always compared. Shared by the threads evaluating one
/// compiled expression (a relaxed atomic: a plain load, a store only when the position
/// changes).
#[derive(Default)]
pub(crate) struct Hint(AtomicU32);

impl Hint {
    #[inline(always)]
    fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed) as usize
    }

    fn set(&self, i: usize) {
        self.0
            .store(u32::try_from(i).unwrap_or(u32::MAX), Ordering::Relaxed);
    }
}

impl Clone for Hint {
    fn clone(&self) -> Self {
        Hint(AtomicU32::new(self.0.load(Ordering::Relaxed)))
    }
}

impl std::fmt::Debug for Hint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hint({})", self.get())
    }
}

/// An ordered map from entry names to values (insertion order is kept).
///
/// Small contexts (the common case: a request body, an entry of a response) are a plain
/// vector, cheaper to build and to search than a hash map; a context that grows past a dozen
/// entries becomes an `IndexMap`.
///
/// ```
/// use feel::{Context, Value};
/// let mut c = Context::new();
/// c.insert("a", Value::from(1));
/// assert_eq!(c.get("a").map(|v| v.to_string()), Some("1".to_string()));
/// ```
#[derive(Clone)]
pub struct Context {
    repr: Repr,
    /// Whether an entry may hold a function (set when one is stored, or when an entry is
    /// borrowed mutably): a call of a built-in by name checks the variables for a function
    /// of that name only then.
    functions: bool,
}

#[derive(Clone)]
enum Repr {
    Small(Vec<(Arc<str>, Value)>),
    Large(IndexMap<Arc<str>, Value, Hasher>),
}

impl Default for Context {
    fn default() -> Self {
        Context {
            repr: Repr::Small(Vec::new()),
            functions: false,
        }
    }
}

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty context with room for `n` entries.
    pub fn with_capacity(n: usize) -> Self {
        let repr = if n > INDEX_AT {
            Repr::Large(IndexMap::with_capacity_and_hasher(n, Hasher::default()))
        } else {
            Repr::Small(Vec::with_capacity(n))
        };
        Context {
            repr,
            functions: false,
        }
    }

    /// Whether an entry may hold a function (never false when one does).
    #[inline]
    pub(crate) fn may_hold_functions(&self) -> bool {
        self.functions
    }

    /// Insert or replace an entry (a replaced entry keeps its position).
    pub fn insert(&mut self, key: impl Into<Arc<str>>, value: impl Into<Value>) {
        let key = key.into();
        let value = value.into();
        self.functions |= matches!(value, Value::Function(_));
        match &mut self.repr {
            Repr::Large(map) => {
                map.insert(key, value);
            }
            Repr::Small(entries) => {
                if let Some(slot) = entries.iter_mut().find(|(k, _)| key_eq(k, &key)) {
                    slot.1 = value;
                } else if entries.len() < INDEX_AT {
                    entries.push((key, value));
                } else {
                    let mut map =
                        IndexMap::with_capacity_and_hasher(entries.len() * 2, Hasher::default());
                    map.extend(entries.drain(..));
                    map.insert(key, value);
                    self.repr = Repr::Large(map);
                }
            }
        }
    }

    /// Append an entry whose key is known not to be present (context literals, whose keys
    /// the parser has checked).
    pub(crate) fn push_new(&mut self, key: Arc<str>, value: Value) {
        self.functions |= matches!(value, Value::Function(_));
        match &mut self.repr {
            Repr::Small(entries) if entries.len() < INDEX_AT => entries.push((key, value)),
            _ => self.insert(key, value),
        }
    }

    /// The value of an entry.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&Value> {
        match &self.repr {
            Repr::Small(entries) => entries.iter().find(|(k, _)| key_eq(k, key)).map(|(_, v)| v),
            Repr::Large(map) => map.get(key),
        }
    }

    /// The value of an entry, trying the position in `hint` first; a found entry's
    /// position is kept in `hint` for the next lookup.
    #[inline(always)]
    pub(crate) fn get_hinted(&self, key: &str, hint: &Hint) -> Option<&Value> {
        let i = hint.get();
        let at = match &self.repr {
            Repr::Small(entries) => entries.get(i).map(|(k, v)| (k, v)),
            Repr::Large(map) => map.get_index(i),
        };
        if let Some((k, v)) = at {
            if key_eq(k, key) {
                return Some(v);
            }
        }
        self.find_and_hint(key, hint)
    }

    #[inline(never)]
    fn find_and_hint(&self, key: &str, hint: &Hint) -> Option<&Value> {
        let (i, v) = match &self.repr {
            Repr::Small(entries) => entries
                .iter()
                .enumerate()
                .find(|(_, (k, _))| key_eq(k, key))
                .map(|(i, (_, v))| (i, v))?,
            Repr::Large(map) => map.get_full(key).map(|(i, _, v)| (i, v))?,
        };
        hint.set(i);
        Some(v)
    }

    /// Whether an entry exists.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Remove an entry, keeping the order of the others.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        match &mut self.repr {
            Repr::Small(entries) => {
                let i = entries.iter().position(|(k, _)| key_eq(k, key))?;
                Some(entries.remove(i).1)
            }
            Repr::Large(map) => map.shift_remove(key),
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Small(entries) => entries.len(),
            Repr::Large(map) => map.len(),
        }
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entries in order.
    pub fn iter(&self) -> Iter<'_> {
        match &self.repr {
            Repr::Small(entries) => Iter::Small(entries.iter()),
            Repr::Large(map) => Iter::Large(map.iter()),
        }
    }

    /// Entry names in order.
    pub fn keys(&self) -> impl Iterator<Item = &Arc<str>> {
        self.iter().map(|(k, _)| k)
    }

    /// Entry values in order.
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.iter().map(|(_, v)| v)
    }

    /// Mutable access to an entry.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        // the caller may store a function through the reference
        self.functions = true;
        match &mut self.repr {
            Repr::Small(entries) => entries
                .iter_mut()
                .find(|(k, _)| key_eq(k, key))
                .map(|(_, v)| v),
            Repr::Large(map) => map.get_mut(key),
        }
    }
}

/// Map equality: the same keys with equal values, in any order.
impl PartialEq for Context {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl FromIterator<(Arc<str>, Value)> for Context {
    fn from_iter<T: IntoIterator<Item = (Arc<str>, Value)>>(iter: T) -> Self {
        let mut c = Context::new();
        for (k, v) in iter {
            c.insert(k, v);
        }
        c
    }
}

/// Iterator over a context's entries, in order.
pub enum Iter<'a> {
    /// Over a small context.
    #[doc(hidden)]
    Small(std::slice::Iter<'a, (Arc<str>, Value)>),
    /// Over a large context.
    #[doc(hidden)]
    Large(indexmap::map::Iter<'a, Arc<str>, Value>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a Arc<str>, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Small(it) => it.next().map(|(k, v)| (k, v)),
            Iter::Large(it) => it.next(),
        }
    }
}

impl<'a> IntoIterator for &'a Context {
    type Item = (&'a Arc<str>, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", Value::Context(Arc::new(self.clone())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_indexed_contexts_behave_alike() {
        for n in [3usize, 40] {
            let mut c = Context::new();
            for i in 0..n {
                c.insert(format!("k{i}").as_str(), Value::from(i));
            }
            c.insert("k1", Value::from("replaced"));
            assert_eq!(c.len(), n);
            assert_eq!(c.get("k1"), Some(&Value::from("replaced")));
            assert_eq!(
                c.keys().nth(1).map(|k| k.to_string()),
                Some("k1".to_string())
            );
            assert_eq!(c.remove("k0"), Some(Value::from(0)));
            assert_eq!(c.get("k0"), None);
            assert_eq!(c.get("k2"), Some(&Value::from(2)));
            assert_eq!(
                c.keys().next().map(|k| k.to_string()),
                Some("k1".to_string())
            );
            let reversed: Context = c.iter().rev_collect();
            assert_eq!(reversed, c);
        }
    }

    trait RevCollect {
        fn rev_collect(self) -> Context;
    }
    impl<'a, I: Iterator<Item = (&'a Arc<str>, &'a Value)>> RevCollect for I {
        fn rev_collect(self) -> Context {
            let mut v: Vec<_> = self.map(|(k, v)| (k.clone(), v.clone())).collect();
            v.reverse();
            v.into_iter().collect()
        }
    }
}

#[cfg(test)]
mod key_tests {
    use super::key_eq;
    use proptest::prelude::*;

    proptest! {
        /// The word-wise comparison agrees with `==`, for every length it handles
        /// differently (0–3, 4–7, 8–16, longer) and for names differing in one byte.
        #[test]
        fn key_eq_is_string_equality(a in "[a-c]{0,20}", b in "[a-c]{0,20}", at in 0usize..20) {
            prop_assert_eq!(key_eq(&a, &b), a == b);
            prop_assert!(key_eq(&a, &a.clone()));
            if !a.is_empty() {
                let mut c = a.clone().into_bytes();
                let i = at % c.len();
                c[i] = b'x';
                let c = String::from_utf8(c).unwrap_or_default();
                prop_assert!(!key_eq(&a, &c));
            }
        }
    }
}
