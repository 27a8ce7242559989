//! Documents: the reference format (`camunda.document.type`), the [`DocumentStore`] trait, an
//! in-memory store and a file-system store. Request bodies may hold references (uploaded as
//! multipart parts or base64 in JSON); `storeResponse` / `documentReturnFormat: DOCUMENT` store
//! the raw response body and return its reference.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use base64::Engine as _;
use serde_json::{Map, Value as Json};
use sha2::Digest;

/// The discriminator key of a document reference.
pub const DOCUMENT_TYPE_KEY: &str = "camunda.document.type";

/// Metadata of a stored document; empty fields are left out of the JSON form.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DocumentMetadata {
    /// MIME type (`application/pdf`, …).
    pub content_type: Option<String>,
    /// File name (used as the multipart `filename`).
    pub file_name: Option<String>,
    /// Size in bytes.
    pub size: Option<u64>,
    /// Expiry as ISO-8601 text.
    pub expires_at: Option<String>,
    /// Custom properties.
    pub custom_properties: Map<String, Json>,
}

impl DocumentMetadata {
    /// Metadata with a content type and a file name.
    pub fn new(content_type: Option<&str>, file_name: Option<&str>) -> Self {
        DocumentMetadata {
            content_type: content_type.map(str::to_string),
            file_name: file_name.map(str::to_string),
            ..DocumentMetadata::default()
        }
    }

    /// `{contentType, fileName, size, expiresAt, customProperties}` without the empty fields.
    pub fn to_json(&self) -> Json {
        let mut m = Map::new();
        if let Some(v) = &self.content_type {
            m.insert("contentType".into(), Json::String(v.clone()));
        }
        if let Some(v) = self.size {
            m.insert("size".into(), Json::from(v));
        }
        if let Some(v) = &self.file_name {
            m.insert("fileName".into(), Json::String(v.clone()));
        }
        if let Some(v) = &self.expires_at {
            m.insert("expiresAt".into(), Json::String(v.clone()));
        }
        if !self.custom_properties.is_empty() {
            m.insert(
                "customProperties".into(),
                Json::Object(self.custom_properties.clone()),
            );
        }
        Json::Object(m)
    }

    fn from_json(json: Option<&Json>) -> Self {
        let text = |k: &str| {
            json.and_then(|m| m.get(k))
                .and_then(Json::as_str)
                .map(str::to_string)
        };
        DocumentMetadata {
            content_type: text("contentType"),
            file_name: text("fileName"),
            size: json.and_then(|m| m.get("size")).and_then(Json::as_u64),
            expires_at: text("expiresAt"),
            custom_properties: json
                .and_then(|m| m.get("customProperties"))
                .and_then(Json::as_object)
                .cloned()
                .unwrap_or_default(),
        }
    }
}

/// A reference to a document in a store (`camunda.document.type: camunda`).
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentReference {
    /// The store that holds the document.
    pub store_id: String,
    /// The document's id within the store.
    pub document_id: String,
    /// Hex SHA-256 of the content.
    pub content_hash: Option<String>,
    /// Metadata.
    pub metadata: DocumentMetadata,
}

impl DocumentReference {
    /// The JSON form: `{camunda.document.type, storeId, documentId, contentHash, metadata}`.
    pub fn to_json(&self) -> Json {
        let mut m = Map::new();
        m.insert(DOCUMENT_TYPE_KEY.into(), Json::String("camunda".into()));
        m.insert("storeId".into(), Json::String(self.store_id.clone()));
        m.insert("documentId".into(), Json::String(self.document_id.clone()));
        if let Some(h) = &self.content_hash {
            m.insert("contentHash".into(), Json::String(h.clone()));
        }
        m.insert("metadata".into(), self.metadata.to_json());
        Json::Object(m)
    }

    /// Read a `camunda` reference from JSON; `None` for anything else.
    pub fn from_json(json: &Json) -> Option<DocumentReference> {
        let m = json.as_object()?;
        if m.get(DOCUMENT_TYPE_KEY).and_then(Json::as_str) != Some("camunda") {
            return None;
        }
        Some(DocumentReference {
            store_id: m.get("storeId")?.as_str()?.to_string(),
            document_id: m.get("documentId")?.as_str()?.to_string(),
            content_hash: m
                .get("contentHash")
                .and_then(Json::as_str)
                .map(str::to_string),
            metadata: DocumentMetadata::from_json(m.get("metadata")),
        })
    }
}

/// Whether a JSON value is a document reference of any kind.
pub fn is_reference(json: &Json) -> bool {
    json.as_object()
        .is_some_and(|m| m.contains_key(DOCUMENT_TYPE_KEY))
}

/// A document's content and the metadata used when uploading it.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedDocument {
    /// The bytes.
    pub content: Vec<u8>,
    /// `metadata.fileName` (or an inline document's `name`).
    pub file_name: Option<String>,
    /// `metadata.contentType` (or an inline document's `contentType`).
    pub content_type: Option<String>,
}

/// Load the content of any document reference: `camunda` from the store, `inline` from the
/// reference itself. `external` references are not fetched.
pub fn load(json: &Json, store: &dyn DocumentStore) -> Result<LoadedDocument, DocumentError> {
    let kind = json
        .get(DOCUMENT_TYPE_KEY)
        .and_then(Json::as_str)
        .unwrap_or("");
    match kind {
        "camunda" => {
            let reference = DocumentReference::from_json(json).ok_or_else(|| {
                DocumentError("a camunda document reference needs storeId and documentId".into())
            })?;
            let content = store.content(&reference)?;
            Ok(LoadedDocument {
                content,
                file_name: reference.metadata.file_name,
                content_type: reference.metadata.content_type,
            })
        }
        "inline" => {
            let content = match json.get("content") {
                Some(Json::String(s)) => s.clone().into_bytes(),
                Some(other) => other.to_string().into_bytes(),
                None => Vec::new(),
            };
            let text = |k: &str| json.get(k).and_then(Json::as_str).map(str::to_string);
            Ok(LoadedDocument {
                content,
                file_name: text("name"),
                content_type: text("contentType"),
            })
        }
        other => Err(DocumentError(format!(
            "unsupported document reference type '{other}'"
        ))),
    }
}

/// Replace every document reference inside `json` with the base64 of its content.
pub fn replace_with_base64(json: &Json, store: &dyn DocumentStore) -> Result<Json, DocumentError> {
    Ok(match json {
        j if is_reference(j) => {
            Json::String(base64::engine::general_purpose::STANDARD.encode(load(j, store)?.content))
        }
        Json::Object(m) => Json::Object(
            m.iter()
                .map(|(k, v)| Ok((k.clone(), replace_with_base64(v, store)?)))
                .collect::<Result<_, DocumentError>>()?,
        ),
        Json::Array(items) => Json::Array(
            items
                .iter()
                .map(|v| replace_with_base64(v, store))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}

/// Why a document operation failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DocumentError(pub String);

/// A document store.
pub trait DocumentStore: Send + Sync {
    /// Store content and return its reference (the store sets `size`).
    fn create(
        &self,
        content: &[u8],
        metadata: DocumentMetadata,
    ) -> Result<DocumentReference, DocumentError>;
    /// Read the content of a referenced document.
    fn content(&self, reference: &DocumentReference) -> Result<Vec<u8>, DocumentError>;
}

/// A shared store (keep a handle to the store given to the runtime).
impl<T: DocumentStore + ?Sized> DocumentStore for std::sync::Arc<T> {
    fn create(
        &self,
        content: &[u8],
        metadata: DocumentMetadata,
    ) -> Result<DocumentReference, DocumentError> {
        (**self).create(content, metadata)
    }

    fn content(&self, reference: &DocumentReference) -> Result<Vec<u8>, DocumentError> {
        (**self).content(reference)
    }
}

/// A store that holds nothing: every operation fails.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoDocumentStore;

impl DocumentStore for NoDocumentStore {
    fn create(&self, _: &[u8], _: DocumentMetadata) -> Result<DocumentReference, DocumentError> {
        Err(DocumentError("no document store is configured".into()))
    }

    fn content(&self, _: &DocumentReference) -> Result<Vec<u8>, DocumentError> {
        Err(DocumentError("no document store is configured".into()))
    }
}

/// Hex SHA-256 of `content`.
pub fn content_hash(content: &[u8]) -> String {
    sha2::Sha256::digest(content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn new_reference(
    store_id: &str,
    content: &[u8],
    mut metadata: DocumentMetadata,
) -> DocumentReference {
    metadata.size = Some(content.len() as u64);
    DocumentReference {
        store_id: store_id.to_string(),
        document_id: uuid::Uuid::new_v4().to_string(),
        content_hash: Some(content_hash(content)),
        metadata,
    }
}

fn check_store(reference: &DocumentReference, store_id: &str) -> Result<(), DocumentError> {
    if reference.store_id == store_id {
        Ok(())
    } else {
        Err(DocumentError(format!(
            "document '{}' belongs to store '{}', not '{store_id}'",
            reference.document_id, reference.store_id
        )))
    }
}

fn check_hash(reference: &DocumentReference, content: &[u8]) -> Result<(), DocumentError> {
    match &reference.content_hash {
        Some(h) if !h.eq_ignore_ascii_case(&content_hash(content)) => Err(DocumentError(format!(
            "document '{}' does not match its content hash",
            reference.document_id
        ))),
        _ => Ok(()),
    }
}

/// Documents in memory (store id `in-memory`).
#[derive(Debug, Default)]
pub struct InMemoryDocumentStore {
    documents: Mutex<HashMap<String, Vec<u8>>>,
}

impl InMemoryDocumentStore {
    /// The store id of this store.
    pub const STORE_ID: &'static str = "in-memory";

    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many documents are stored.
    pub fn len(&self) -> usize {
        self.documents.lock().map_or(0, |d| d.len())
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl DocumentStore for InMemoryDocumentStore {
    fn create(
        &self,
        content: &[u8],
        metadata: DocumentMetadata,
    ) -> Result<DocumentReference, DocumentError> {
        let reference = new_reference(Self::STORE_ID, content, metadata);
        self.documents
            .lock()
            .map_err(|_| DocumentError("the document store is poisoned".into()))?
            .insert(reference.document_id.clone(), content.to_vec());
        Ok(reference)
    }

    fn content(&self, reference: &DocumentReference) -> Result<Vec<u8>, DocumentError> {
        check_store(reference, Self::STORE_ID)?;
        let content = self
            .documents
            .lock()
            .map_err(|_| DocumentError("the document store is poisoned".into()))?
            .get(&reference.document_id)
            .cloned()
            .ok_or_else(|| {
                DocumentError(format!("document '{}' not found", reference.document_id))
            })?;
        check_hash(reference, &content)?;
        Ok(content)
    }
}

/// Documents as files in a directory (store id `file-system`): `<id>` holds the content and
/// `<id>.json` the metadata.
#[derive(Clone, Debug)]
pub struct FileSystemDocumentStore {
    root: PathBuf,
}

impl FileSystemDocumentStore {
    /// The store id of this store.
    pub const STORE_ID: &'static str = "file-system";

    /// A store in `root` (created if missing).
    pub fn new(root: impl Into<PathBuf>) -> Result<Self, DocumentError> {
        let root = root.into();
        std::fs::create_dir_all(&root)
            .map_err(|e| DocumentError(format!("cannot create {}: {e}", root.display())))?;
        Ok(FileSystemDocumentStore { root })
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, id: &str) -> Result<PathBuf, DocumentError> {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(DocumentError(format!("invalid document id '{id}'")));
        }
        Ok(self.root.join(id))
    }
}

impl DocumentStore for FileSystemDocumentStore {
    fn create(
        &self,
        content: &[u8],
        metadata: DocumentMetadata,
    ) -> Result<DocumentReference, DocumentError> {
        let reference = new_reference(Self::STORE_ID, content, metadata);
        let path = self.path(&reference.document_id)?;
        let io = |e: std::io::Error| DocumentError(format!("cannot write document: {e}"));
        std::fs::write(&path, content).map_err(io)?;
        std::fs::write(path.with_extension("json"), reference.to_json().to_string()).map_err(io)?;
        Ok(reference)
    }

    fn content(&self, reference: &DocumentReference) -> Result<Vec<u8>, DocumentError> {
        check_store(reference, Self::STORE_ID)?;
        let path = self.path(&reference.document_id)?;
        let content = std::fs::read(&path).map_err(|e| {
            DocumentError(format!(
                "document '{}' not found: {e}",
                reference.document_id
            ))
        })?;
        check_hash(reference, &content)?;
        Ok(content)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(store: &dyn DocumentStore, id: &str) {
        let meta = DocumentMetadata {
            expires_at: Some("2030-01-01T00:00:00Z".into()),
            custom_properties: json!({"k": 1}).as_object().cloned().unwrap(),
            ..DocumentMetadata::new(Some("text/plain"), Some("a.txt"))
        };
        let r = store.create(b"hello", meta).unwrap();
        assert_eq!(r.store_id, id);
        assert_eq!(
            r.content_hash.as_deref(),
            Some("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        );
        let j = r.to_json();
        assert_eq!(j["camunda.document.type"], "camunda");
        assert_eq!(
            j["metadata"],
            json!({"contentType": "text/plain", "size": 5, "fileName": "a.txt",
                   "expiresAt": "2030-01-01T00:00:00Z", "customProperties": {"k": 1}})
        );
        assert_eq!(DocumentReference::from_json(&j).unwrap(), r);
        assert_eq!(store.content(&r).unwrap(), b"hello");
        let loaded = load(&j, store).unwrap();
        assert_eq!(loaded.file_name.as_deref(), Some("a.txt"));
        let mut bad = r.clone();
        bad.content_hash = Some("00".into());
        assert!(store.content(&bad).unwrap_err().0.contains("content hash"));
        let mut missing = r.clone();
        missing.document_id = "nope".into();
        assert!(store.content(&missing).is_err());
        let mut other = r;
        other.store_id = "elsewhere".into();
        assert!(store.content(&other).is_err());
    }

    #[test]
    fn in_memory_store_round_trips() {
        let s = InMemoryDocumentStore::new();
        round_trip(&s, "in-memory");
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn file_system_store_round_trips_and_rejects_path_ids() {
        let dir = std::env::temp_dir().join(format!("connector-docs-{}", std::process::id()));
        let s = FileSystemDocumentStore::new(&dir).unwrap();
        round_trip(&s, "file-system");
        let evil = DocumentReference {
            store_id: "file-system".into(),
            document_id: "../etc/passwd".into(),
            content_hash: None,
            metadata: DocumentMetadata::default(),
        };
        assert!(s
            .content(&evil)
            .unwrap_err()
            .0
            .contains("invalid document id"));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn references_in_json_become_base64() {
        let s = InMemoryDocumentStore::new();
        let r = s
            .create(b"Hello World", DocumentMetadata::default())
            .unwrap();
        let body = json!({"file": r.to_json(), "list": [1, {"camunda.document.type": "inline", "content": "hi"}]});
        assert_eq!(
            replace_with_base64(&body, &s).unwrap(),
            json!({"file": "SGVsbG8gV29ybGQ=", "list": [1, "aGk="]})
        );
        let ext = json!({"camunda.document.type": "external", "url": "http://x"});
        assert!(replace_with_base64(&ext, &s).is_err());
    }
}
