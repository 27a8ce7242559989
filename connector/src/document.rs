//! Documents (placeholder): the store trait that `storeResponse` and document uploads will
//! use. Nothing stores documents yet; the response's `document` is always null.

/// A reference to a stored document, as a JSON object (`camunda.document.type`, …).
pub type DocumentReference = serde_json::Value;

/// Why a document operation failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DocumentError(pub String);

/// A document store.
pub trait DocumentStore: Send + Sync {
    /// Store content and return its reference.
    fn create(
        &self,
        content: &[u8],
        content_type: Option<&str>,
    ) -> Result<DocumentReference, DocumentError>;
    /// Read the content of a referenced document.
    fn content(&self, reference: &DocumentReference) -> Result<Vec<u8>, DocumentError>;
}

/// A store that holds nothing: every operation fails.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoDocumentStore;

impl DocumentStore for NoDocumentStore {
    fn create(&self, _: &[u8], _: Option<&str>) -> Result<DocumentReference, DocumentError> {
        Err(DocumentError("documents are not supported yet".into()))
    }

    fn content(&self, _: &DocumentReference) -> Result<Vec<u8>, DocumentError> {
        Err(DocumentError("documents are not supported yet".into()))
    }
}
