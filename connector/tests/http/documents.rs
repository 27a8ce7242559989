//! Documents against the loopback server: uploads as `multipart/form-data` (the server side
//! parses the body and checks every part) or as base64 in JSON, and responses stored as
//! documents (`storeResponse`, `documentReturnFormat`), with the in-memory and the
//! file-system store.

use std::sync::Arc;

use base64::Engine as _;
use connector::loopback::{CannedResponse, LoopbackServer, RecordedRequest};
use connector::{
    Blocklist, ClientOptions, DocumentMetadata, DocumentReference, DocumentStore,
    FileSystemDocumentStore, InMemoryDocumentStore, MapSecretProvider, Outcome, Runtime,
};
use serde_json::{json, Value as Json};

use crate::common::template;

fn runtime(store: Arc<dyn DocumentStore>) -> Runtime {
    Runtime::builder()
        .secrets(MapSecretProvider::new([("X", "y")]))
        .documents(store)
        .client_options(ClientOptions {
            blocklist: Blocklist::new(),
            ..ClientOptions::default()
        })
        .build()
        .unwrap()
}

fn run(rt: &Runtime, inputs: Json, headers: Json, vars: Json) -> Outcome {
    rt.compile(&template(inputs, headers))
        .unwrap()
        .execute(&vars)
}

/// One part of a multipart body.
#[derive(Debug, PartialEq)]
struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    content: Vec<u8>,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn disposition_param(disposition: &str, key: &str) -> Option<String> {
    disposition.split(';').map(str::trim).find_map(|p| {
        p.strip_prefix(&format!("{key}="))
            .map(|v| v.trim_matches('"').to_string())
    })
}

/// Parse a `multipart/form-data` body (RFC 7578) strictly: every delimiter, header block and
/// the closing delimiter must be where they belong.
fn parse_multipart(request: &RecordedRequest) -> Vec<Part> {
    let ct = request.header("content-type").unwrap();
    assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
    let boundary = ct.split("boundary=").nth(1).unwrap().trim_matches('"');
    let delimiter = format!("--{boundary}").into_bytes();
    let mut rest: &[u8] = &request.body;
    assert!(
        rest.starts_with(&delimiter),
        "body must start with the delimiter"
    );
    let mut parts = Vec::new();
    loop {
        rest = &rest[delimiter.len()..];
        if rest == b"--\r\n" || rest == b"--" {
            break;
        }
        assert!(rest.starts_with(b"\r\n"), "delimiter must end its line");
        rest = &rest[2..];
        let head_end = find(rest, b"\r\n\r\n").expect("part headers end with a blank line");
        let head = std::str::from_utf8(&rest[..head_end]).unwrap();
        let mut name = None;
        let (mut filename, mut content_type) = (None, None);
        for line in head.split("\r\n") {
            let (k, v) = line.split_once(':').expect("a header line");
            match k.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    assert!(v.trim().starts_with("form-data"), "{v}");
                    name = disposition_param(v, "name");
                    filename = disposition_param(v, "filename");
                }
                "content-type" => content_type = Some(v.trim().to_string()),
                other => panic!("unexpected part header {other}"),
            }
        }
        rest = &rest[head_end + 4..];
        let mut marker = b"\r\n".to_vec();
        marker.extend_from_slice(&delimiter);
        let end = find(rest, &marker).expect("part content ends before a delimiter");
        parts.push(Part {
            name: name.expect("every part has a name"),
            filename,
            content_type,
            content: rest[..end].to_vec(),
        });
        rest = &rest[end + 2..];
    }
    parts
}

fn binary() -> Vec<u8> {
    // Bytes that break naive parsers: NUL, CR LF, a fake delimiter, invalid UTF-8.
    let mut b = vec![0x89, b'P', b'N', b'G', 0, 0xff, 0xfe, b'\r', b'\n'];
    b.extend_from_slice(b"--not-the-boundary\r\n\r\n");
    b.extend((0..=255u8).rev());
    b
}

fn ok_server() -> LoopbackServer {
    LoopbackServer::start(|_| CannedResponse::new(200, "{}")).unwrap()
}

fn upload_multipart(store: Arc<dyn DocumentStore>) {
    let picture = store
        .create(
            &binary(),
            DocumentMetadata::new(Some("image/png"), Some("pic.png")),
        )
        .unwrap();
    let notes = store
        .create("Grüße\n".as_bytes(), DocumentMetadata::default())
        .unwrap();
    let server = ok_server();
    let rt = runtime(store);
    let outcome = run(
        &rt,
        json!({"method": "POST", "url": format!("{}/upload", server.url()),
               "headers": "={\"Content-Type\": \"multipart/form-data\"}",
               "body": "={file: picture, attachments: [notes, \"a note\"], title: \"Report\", n: 5, skip: null}"}),
        json!({}),
        json!({"picture": picture.to_json(), "notes": notes.to_json()}),
    );
    assert!(matches!(outcome, Outcome::Complete { .. }), "{outcome:?}");
    let parts = parse_multipart(&server.requests()[0]);
    let text = |name: &str, content: &str| Part {
        name: name.into(),
        filename: None,
        content_type: Some("text/plain; charset=UTF-8".into()),
        content: content.as_bytes().to_vec(),
    };
    assert_eq!(
        parts,
        vec![
            Part {
                name: "file".into(),
                filename: Some("pic.png".into()),
                content_type: Some("image/png".into()),
                content: binary(),
            },
            Part {
                name: "attachments".into(),
                filename: Some("attachments".into()),
                content_type: Some("application/octet-stream".into()),
                content: "Grüße\n".as_bytes().to_vec(),
            },
            text("attachments", "a note"),
            text("title", "Report"),
            text("n", "5"),
        ]
    );
}

#[test]
fn multipart_upload_from_the_in_memory_store() {
    upload_multipart(Arc::new(InMemoryDocumentStore::new()));
}

#[test]
fn multipart_upload_from_the_file_system_store() {
    let dir = std::env::temp_dir().join(format!("connector-fs-upload-{}", std::process::id()));
    upload_multipart(Arc::new(FileSystemDocumentStore::new(&dir).unwrap()));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn json_upload_replaces_documents_with_base64() {
    let store = Arc::new(InMemoryDocumentStore::new());
    let doc = store
        .create(
            &binary(),
            DocumentMetadata::new(Some("image/png"), Some("pic.png")),
        )
        .unwrap();
    let server = ok_server();
    let outcome = run(
        &runtime(store),
        json!({"method": "POST", "url": server.url(), "body": "={name: \"pic\", file: doc, nested: {list: [doc]}}"}),
        json!({}),
        json!({"doc": doc.to_json()}),
    );
    assert!(matches!(outcome, Outcome::Complete { .. }), "{outcome:?}");
    let req = &server.requests()[0];
    assert_eq!(req.header("content-type"), Some("application/json"));
    let sent: Json = serde_json::from_slice(&req.body).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(binary());
    assert_eq!(
        sent,
        json!({"name": "pic", "file": b64, "nested": {"list": [b64]}})
    );
}

#[test]
fn a_missing_document_fails_without_sending() {
    let store = Arc::new(InMemoryDocumentStore::new());
    let other = InMemoryDocumentStore::new()
        .create(b"x", DocumentMetadata::default())
        .unwrap();
    let server = ok_server();
    match run(
        &runtime(store),
        json!({"method": "POST", "url": server.url(), "body": "={file: doc}"}),
        json!({}),
        json!({"doc": other.to_json()}),
    ) {
        Outcome::Failed {
            message, retries, ..
        } => {
            assert!(
                message.starts_with("Failed to read a document of the request body: document '"),
                "{message}"
            );
            assert_eq!(retries, 0);
        }
        o => panic!("{o:?}"),
    }
    assert!(server.requests().is_empty());
}

fn pdf_server() -> LoopbackServer {
    LoopbackServer::start(|_| {
        CannedResponse::new(200, binary()).header("Content-Type", "application/pdf")
    })
    .unwrap()
}

fn stored(store: Arc<dyn DocumentStore>, format_inputs: Json) -> (Outcome, Arc<dyn DocumentStore>) {
    let server = pdf_server();
    let mut inputs = json!({"method": "GET", "url": format!("{}/report.pdf", server.url())});
    for (k, v) in format_inputs.as_object().unwrap() {
        inputs[k] = v.clone();
    }
    let outcome = run(
        &runtime(store.clone()),
        inputs,
        json!({"resultVariable": "result", "resultExpression": "={docId: response.document.documentId, hash: response.document.contentHash}"}),
        json!({}),
    );
    (outcome, store)
}

fn check_stored(outcome: &Outcome, store: &dyn DocumentStore, store_id: &str) {
    let vars = match outcome {
        Outcome::Complete { variables } => variables,
        o => panic!("{o:?}"),
    };
    assert_eq!(vars["result"]["body"], Json::Null);
    let reference = DocumentReference::from_json(&vars["result"]["document"]).unwrap();
    assert_eq!(reference.store_id, store_id);
    assert_eq!(vars["docId"], reference.document_id.as_str());
    assert_eq!(
        vars["hash"],
        connector::document::content_hash(&binary()).as_str()
    );
    assert_eq!(
        reference.metadata.content_type.as_deref(),
        Some("application/pdf")
    );
    assert_eq!(reference.metadata.size, Some(binary().len() as u64));
    assert_eq!(store.content(&reference).unwrap(), binary());
}

#[test]
fn store_response_in_memory_and_on_disk() {
    let (o, s) = stored(
        Arc::new(InMemoryDocumentStore::new()),
        json!({"storeResponse": "=true"}),
    );
    check_stored(&o, s.as_ref(), "in-memory");
    let dir = std::env::temp_dir().join(format!("connector-fs-store-{}", std::process::id()));
    let (o, s) = stored(
        Arc::new(FileSystemDocumentStore::new(&dir).unwrap()),
        json!({"storeResponse": "=true"}),
    );
    check_stored(&o, s.as_ref(), "file-system");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn document_return_format_document_text_and_json() {
    let (o, s) = stored(
        Arc::new(InMemoryDocumentStore::new()),
        json!({"documentReturnFormat.choice": "DOCUMENT"}),
    );
    check_stored(&o, s.as_ref(), "in-memory");

    let server = LoopbackServer::start(|_| CannedResponse::new(200, "123")).unwrap();
    let rt = runtime(Arc::new(InMemoryDocumentStore::new()));
    let body = |choice: &str| match run(
        &rt,
        json!({"method": "GET", "url": server.url(), "documentReturnFormat.choice": choice}),
        json!({"resultExpression": "={body: response.body, document: response.document}"}),
        json!({}),
    ) {
        Outcome::Complete { variables } => {
            assert_eq!(variables["document"], Json::Null);
            variables["body"].clone()
        }
        o => panic!("{o:?}"),
    };
    assert_eq!(body("JSON"), json!(123));
    assert_eq!(body("TEXT"), json!("123"));
    // The legacy rules keep a JSON scalar as text.
    assert_eq!(body(""), json!("123"));
}

#[test]
fn storing_without_a_store_is_a_500_failure() {
    let server = pdf_server();
    let rt = Runtime::builder()
        .client_options(ClientOptions {
            blocklist: Blocklist::new(),
            ..ClientOptions::default()
        })
        .build()
        .unwrap();
    match run(
        &rt,
        json!({"method": "GET", "url": server.url(), "storeResponse": "=true"}),
        json!({}),
        json!({}),
    ) {
        Outcome::Failed {
            message,
            variables,
            retries,
            ..
        } => {
            assert_eq!(message, "Error while executing an HTTP request: Failed to create document: no document store is configured");
            assert_eq!(variables["error"]["code"], "500");
            assert_eq!(retries, 2);
        }
        o => panic!("{o:?}"),
    }
}
