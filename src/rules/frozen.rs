//! The compiled rules in a binary form (postcard): build.rs freezes the
//! built-in rules once, loaded and validated by the same loader that reads
//! packs, and the program thaws them at start-up without parsing any YAML.
//!
//! The bulky parts — each tree's nodes, the shared checks, the response
//! codes — are [`Lazy`]: they stay bytes in the binary (borrowed, not
//! copied) until a command first looks at them, so `list` reads no node
//! and `run` only the trees it walks.
//!
//! A [`Place`] (where a node came from, for messages) is frozen as the
//! number of its file and its YAML path; thawing gives every place of a
//! file the same shared source, the text embedded in the binary, whose
//! position index is built only if a message needs it.

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::yaml::LazyIndex;
use super::{Node, Place, RuleSet};
use crate::diag::SourceFile;

/// The files of frozen rules, by number: where their places point.
type Files = Arc<Vec<(Arc<SourceFile>, Arc<LazyIndex>)>>;

/// What a part of the frozen rules is read against: the whole frozen
/// bytes (a lazy part is a range of them) and the files.
#[derive(Clone)]
struct Thawing {
    blob: &'static [u8],
    files: Files,
}

thread_local! {
    /// The files met while freezing, in order of first use.
    static FREEZING: RefCell<Vec<Arc<SourceFile>>> = const { RefCell::new(Vec::new()) };
    /// The rules being thawed.
    static THAWING: RefCell<Option<Thawing>> = const { RefCell::new(None) };
}

/// The rules as bytes: the names of their files, then the rules.
pub fn freeze(rules: &RuleSet) -> Result<Vec<u8>, postcard::Error> {
    FREEZING.with(|f| f.borrow_mut().clear());
    let body = postcard::to_stdvec(rules);
    let names: Vec<String> =
        FREEZING.with(|f| f.borrow_mut().drain(..).map(|s| s.name.clone()).collect());
    postcard::to_stdvec(&(names, Bytes(&body?)))
}

/// Why frozen rules could not be read back.
#[derive(Debug)]
pub struct ThawError(pub String);

impl std::fmt::Display for ThawError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The rules frozen in `bytes`; `source` gives the text of each file by
/// the name it had when frozen.
pub fn thaw(
    bytes: &'static [u8],
    source: impl Fn(&str) -> Option<&'static str>,
) -> Result<RuleSet, ThawError> {
    let (names, body): (Vec<String>, &'static [u8]) =
        postcard::from_bytes(bytes).map_err(|e| ThawError(e.to_string()))?;
    let files = names
        .into_iter()
        .map(|name| {
            let text = source(&name).ok_or_else(|| ThawError(format!("no source for `{name}`")))?;
            let file = Arc::new(SourceFile::new(name, text));
            let index = Arc::new(LazyIndex::new(&file));
            Ok((file, index))
        })
        .collect::<Result<Vec<_>, ThawError>>()?;
    let thawing = Thawing {
        blob: body,
        files: Arc::new(files),
    };
    let mut rules = with(&thawing, || postcard::from_bytes::<RuleSet>(body))
        .map_err(|e| ThawError(e.to_string()))?;
    rules.reindex();
    Ok(rules)
}

/// Runs `f` with `thawing` as what places and lazy parts are read against.
fn with<T>(thawing: &Thawing, f: impl FnOnce() -> T) -> T {
    let earlier = THAWING.with(|t| t.borrow_mut().replace(thawing.clone()));
    let out = f();
    THAWING.with(|t| *t.borrow_mut() = earlier);
    out
}

/// A part of the rules that frozen rules read on first use.
pub struct Lazy<T> {
    cell: OnceLock<T>,
    frozen: Option<(&'static [u8], Thawing)>,
}

impl<T: serde::de::DeserializeOwned> Lazy<T> {
    fn get(&self) -> &T {
        self.cell.get_or_init(|| {
            let (bytes, thawing) = self
                .frozen
                .as_ref()
                .expect("a lazy part is either read or frozen");
            with(thawing, || postcard::from_bytes::<T>(bytes))
                .expect("parts frozen by this very code read back")
        })
    }
}

impl<T> From<T> for Lazy<T> {
    fn from(value: T) -> Lazy<T> {
        Lazy {
            cell: OnceLock::from(value),
            frozen: None,
        }
    }
}

impl<T: Default> Default for Lazy<T> {
    fn default() -> Lazy<T> {
        Lazy::from(T::default())
    }
}

impl<T: serde::de::DeserializeOwned> std::ops::Deref for Lazy<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.get()
    }
}

impl<T: serde::de::DeserializeOwned> std::ops::DerefMut for Lazy<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.get();
        self.frozen = None;
        self.cell.get_mut().expect("just read")
    }
}

impl<T: serde::de::DeserializeOwned + Clone> Clone for Lazy<T> {
    fn clone(&self) -> Lazy<T> {
        Lazy::from(self.get().clone())
    }
}

impl<T: serde::de::DeserializeOwned + std::fmt::Debug> std::fmt::Debug for Lazy<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

impl<T: serde::de::DeserializeOwned + Serialize> Serialize for Lazy<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let bytes = postcard::to_stdvec(self.get()).map_err(serde::ser::Error::custom)?;
        Bytes(&bytes).serialize(s)
    }
}

impl<'de, T> Deserialize<'de> for Lazy<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Lazy<T>, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = (usize, usize);
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a frozen part, borrowed from the frozen rules")
            }
            fn visit_borrowed_bytes<E: serde::de::Error>(
                self,
                v: &'de [u8],
            ) -> Result<(usize, usize), E> {
                Ok((v.as_ptr() as usize, v.len()))
            }
        }
        let (at, len) = d.deserialize_bytes(V)?;
        let thawing = THAWING
            .with(|t| t.borrow().clone())
            .ok_or_else(|| serde::de::Error::custom("a frozen part read outside `thaw`"))?;
        // Where the borrowed bytes lie in the frozen rules: kept as a range
        // of the 'static bytes, read when first needed.
        let start = at
            .checked_sub(thawing.blob.as_ptr() as usize)
            .filter(|s| s + len <= thawing.blob.len())
            .ok_or_else(|| serde::de::Error::custom("a frozen part outside the frozen rules"))?;
        Ok(Lazy {
            cell: OnceLock::new(),
            frozen: Some((&thawing.blob[start..start + len], thawing)),
        })
    }
}

/// A tree's nodes, read on first use; how many there are is known without
/// reading them (`list --json` counts them).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Nodes {
    len: usize,
    nodes: Lazy<Vec<Node>>,
}

impl Nodes {
    /// How many nodes, without reading them.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl From<Vec<Node>> for Nodes {
    fn from(nodes: Vec<Node>) -> Nodes {
        Nodes {
            len: nodes.len(),
            nodes: Lazy::from(nodes),
        }
    }
}

impl std::ops::Deref for Nodes {
    type Target = [Node];
    fn deref(&self) -> &[Node] {
        &self.nodes
    }
}

impl<'a> IntoIterator for &'a Nodes {
    type Item = &'a Node;
    type IntoIter = std::slice::Iter<'a, Node>;
    fn into_iter(self) -> Self::IntoIter {
        self.nodes.iter()
    }
}

/// Bytes as one postcard byte string (not a sequence of numbers).
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

pub(super) fn serialize_place<S: Serializer>(place: &Place, s: S) -> Result<S::Ok, S::Error> {
    let n = FREEZING.with(|f| {
        let mut f = f.borrow_mut();
        match f.iter().position(|x| Arc::ptr_eq(x, &place.file)) {
            Some(n) => n,
            None => {
                f.push(Arc::clone(&place.file));
                f.len() - 1
            }
        }
    });
    (n as u32, &place.path).serialize(s)
}

pub(super) fn deserialize_place<'de, D: Deserializer<'de>>(d: D) -> Result<Place, D::Error> {
    let (n, path) = <(u32, String)>::deserialize(d)?;
    THAWING.with(|t| {
        let t = t.borrow();
        let (file, index) = t
            .as_ref()
            .and_then(|t| t.files.get(n as usize))
            .ok_or_else(|| {
                serde::de::Error::custom(format!("a place in file {n}, which is not there"))
            })?;
        Ok(Place {
            file: Arc::clone(file),
            index: Arc::clone(index),
            path,
        })
    })
}
