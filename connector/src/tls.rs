//! Per-task TLS material (`clientTls`): trusted CA certificates and a client certificate with
//! its (optionally encrypted) private key for mutual TLS, all as PEM text.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value as Json};

use crate::error::ConnectorError;
use crate::request::{invalid_field, string_field};

/// The `clientTls` input of a task. `Debug` hides the private key and its password.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ClientTls {
    /// PEM CA bundle trusted for this request (replaces the runtime's trust).
    pub trusted_certificate: Option<String>,
    /// PEM client certificate (chain) for mutual TLS.
    pub client_certificate: Option<String>,
    /// PEM private key of the client certificate (PKCS#1, PKCS#8 or SEC1; may be encrypted).
    pub client_private_key: Option<String>,
    /// Password of an encrypted private key.
    pub private_key_password: Option<String>,
}

impl std::fmt::Debug for ClientTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "***");
        f.debug_struct("ClientTls")
            .field("trusted_certificate", &self.trusted_certificate)
            .field("client_certificate", &self.client_certificate)
            .field("client_private_key", &hidden(&self.client_private_key))
            .field("private_key_password", &hidden(&self.private_key_password))
            .finish()
    }
}

/// The message of unusable certificate material (Camunda's wording).
pub(crate) const BAD_MATERIAL: &str =
    "Failed to build SSL context for mTLS from the provided certificate material";

fn looks_like_pem(text: &str) -> bool {
    text.contains("-----BEGIN ") && text.contains("-----END ")
}

impl ClientTls {
    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        *self == ClientTls::default()
    }

    /// Bind `clientTls` (absent or null means none); blank fields count as absent.
    pub(crate) fn parse(json: Option<&Json>) -> Result<ClientTls, ConnectorError> {
        let empty = Map::new();
        let obj = match json {
            None | Some(Json::Null) => &empty,
            Some(Json::Object(o)) => o,
            Some(_) => return Err(invalid_field("clientTls", "ClientTls")),
        };
        let field = |key: &str| -> Result<Option<String>, ConnectorError> {
            Ok(string_field(obj, "clientTls.", key)?.filter(|s| !s.trim().is_empty()))
        };
        let tls = ClientTls {
            trusted_certificate: field("trustedCertificate")?,
            client_certificate: field("clientCertificate")?,
            client_private_key: field("clientPrivateKey")?,
            private_key_password: string_field(obj, "clientTls.", "privateKeyPassword")?
                .filter(|s| !s.is_empty()),
        };
        match (&tls.client_certificate, &tls.client_private_key) {
            (Some(_), None) => return Err(ConnectorError::input(
                "clientTls.clientPrivateKey is required when clientTls.clientCertificate is set",
            )),
            (None, Some(_)) => return Err(ConnectorError::input(
                "clientTls.clientCertificate is required when clientTls.clientPrivateKey is set",
            )),
            _ => {}
        }
        let all = [
            &tls.trusted_certificate,
            &tls.client_certificate,
            &tls.client_private_key,
        ];
        if all
            .iter()
            .filter_map(|v| v.as_deref())
            .any(|v| !looks_like_pem(v))
        {
            return Err(ConnectorError::input(format!(
                "{BAD_MATERIAL}: not PEM text"
            )));
        }
        Ok(tls)
    }
}

/// A PEM file written for the duration of one request (libcurl reads CA bundles only from
/// files); removed when dropped.
#[derive(Debug)]
pub(crate) struct TempPem {
    path: PathBuf,
}

impl TempPem {
    /// Write `pem` to a new private file in the temporary directory.
    pub(crate) fn write(pem: &str) -> std::io::Result<TempPem> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "connector-ca-{}-{}-{nanos}.pem",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&path)?;
        std::io::Write::write_all(&mut file, pem.as_bytes())?;
        Ok(TempPem { path })
    }

    /// The file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempPem {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PEM: &str = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";

    #[test]
    fn certificate_and_key_come_together() {
        let e = ClientTls::parse(Some(&json!({"clientCertificate": PEM}))).unwrap_err();
        assert!(e.message.contains("clientPrivateKey is required"));
        let e = ClientTls::parse(Some(&json!({"clientPrivateKey": PEM}))).unwrap_err();
        assert!(e.message.contains("clientCertificate is required"));
        let e = ClientTls::parse(Some(&json!({"trustedCertificate": "nope"}))).unwrap_err();
        assert!(e.message.starts_with(BAD_MATERIAL));
        let t = ClientTls::parse(Some(
            &json!({"trustedCertificate": PEM, "clientCertificate": " "}),
        ))
        .unwrap();
        assert_eq!(t.trusted_certificate.as_deref(), Some(PEM));
        assert!(t.client_certificate.is_none());
        assert!(ClientTls::parse(None).unwrap().is_empty());
    }

    #[test]
    fn temp_pem_is_removed_on_drop() {
        let t = TempPem::write(PEM).unwrap();
        let path = t.path().to_path_buf();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), PEM);
        drop(t);
        assert!(!path.exists());
    }
}
