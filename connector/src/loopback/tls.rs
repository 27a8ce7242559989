//! HTTPS for the loopback server, and certificates generated on the fly (with the OpenSSL that
//! libcurl already links): a CA, a server certificate for `localhost` / `127.0.0.1`, and a
//! client certificate for mutual TLS. Also a TLS-terminating TCP forwarder (to put TLS in front
//! of a plain proxy).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::error::ErrorStack;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::ssl::{SslAcceptor, SslMethod, SslVerifyMode};
use openssl::symm::Cipher;
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
    SubjectKeyIdentifier,
};
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::{X509NameBuilder, X509};

use super::{CannedResponse, LoopbackServer, RecordedRequest};

/// Why the TLS test material or server could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TlsSetupError(String);

impl From<ErrorStack> for TlsSetupError {
    fn from(e: ErrorStack) -> Self {
        TlsSetupError(e.to_string())
    }
}

impl From<std::io::Error> for TlsSetupError {
    fn from(e: std::io::Error) -> Self {
        TlsSetupError(e.to_string())
    }
}

fn new_key() -> Result<PKey<Private>, ErrorStack> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1)?;
    PKey::from_ec_key(EcKey::generate(&group)?)
}

enum Role {
    Ca,
    Server,
    Client,
}

fn certificate(
    common_name: &str,
    key: &PKey<Private>,
    role: Role,
    issuer: Option<(&X509, &PKey<Private>)>,
) -> Result<X509, ErrorStack> {
    let mut name = X509NameBuilder::new()?;
    name.append_entry_by_nid(Nid::COMMONNAME, common_name)?;
    let name = name.build();
    let mut b = X509::builder()?;
    b.set_version(2)?;
    let mut serial = BigNum::new()?;
    serial.rand(120, MsbOption::MAYBE_ZERO, false)?;
    let serial = serial.to_asn1_integer()?;
    b.set_serial_number(&serial)?;
    b.set_subject_name(&name)?;
    b.set_issuer_name(issuer.map_or(&name, |(c, _)| c.subject_name()))?;
    b.set_pubkey(key)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    let not_before = Asn1Time::from_unix(now - 3600)?;
    let not_after = Asn1Time::days_from_now(30)?;
    b.set_not_before(&not_before)?;
    b.set_not_after(&not_after)?;
    let ski = SubjectKeyIdentifier::new().build(&b.x509v3_context(None, None))?;
    b.append_extension(ski)?;
    match role {
        Role::Ca => {
            b.append_extension(BasicConstraints::new().critical().ca().build()?)?;
            b.append_extension(
                KeyUsage::new()
                    .critical()
                    .key_cert_sign()
                    .crl_sign()
                    .build()?,
            )?;
        }
        Role::Server | Role::Client => {
            b.append_extension(BasicConstraints::new().build()?)?;
            b.append_extension(
                KeyUsage::new()
                    .critical()
                    .digital_signature()
                    .key_agreement()
                    .build()?,
            )?;
            let mut eku = ExtendedKeyUsage::new();
            match role {
                Role::Client => eku.client_auth(),
                _ => eku.server_auth(),
            };
            b.append_extension(eku.build()?)?;
            if !matches!(role, Role::Client) {
                let san = SubjectAlternativeName::new()
                    .dns("localhost")
                    .ip("127.0.0.1")
                    .build(&b.x509v3_context(issuer.map(|(c, _)| c.as_ref()), None))?;
                b.append_extension(san)?;
            }
            if let Some((ca, _)) = issuer {
                let aki = AuthorityKeyIdentifier::new()
                    .keyid(true)
                    .build(&b.x509v3_context(Some(ca), None))?;
                b.append_extension(aki)?;
            }
        }
    }
    b.sign(issuer.map_or(key, |(_, k)| k), MessageDigest::sha256())?;
    Ok(b.build())
}

/// A CA with a server certificate (`localhost`, `127.0.0.1`) and a client certificate it
/// issued, as PEM text.
pub struct TestCertificates {
    /// The CA certificate (trust this to trust the server).
    pub ca_pem: String,
    /// The server certificate.
    pub server_cert_pem: String,
    /// The server's private key (PKCS#8).
    pub server_key_pem: String,
    /// The client certificate (for mutual TLS).
    pub client_cert_pem: String,
    /// The client's private key (PKCS#8, unencrypted).
    pub client_key_pem: String,
    client_key: PKey<Private>,
}

impl std::fmt::Debug for TestCertificates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCertificates").finish_non_exhaustive()
    }
}

impl TestCertificates {
    /// Generate a fresh CA, server and client certificate (EC P-256, valid for 30 days).
    pub fn generate() -> Result<Self, TlsSetupError> {
        let ca_key = new_key()?;
        let ca = certificate("connector test CA", &ca_key, Role::Ca, None)?;
        let server_key = new_key()?;
        let server = certificate("localhost", &server_key, Role::Server, Some((&ca, &ca_key)))?;
        let client_key = new_key()?;
        let client = certificate(
            "connector client",
            &client_key,
            Role::Client,
            Some((&ca, &ca_key)),
        )?;
        let pem = |v: Vec<u8>| String::from_utf8_lossy(&v).into_owned();
        Ok(TestCertificates {
            ca_pem: pem(ca.to_pem()?),
            server_cert_pem: pem(server.to_pem()?),
            server_key_pem: pem(server_key.private_key_to_pem_pkcs8()?),
            client_cert_pem: pem(client.to_pem()?),
            client_key_pem: pem(client_key.private_key_to_pem_pkcs8()?),
            client_key,
        })
    }

    /// The client key as encrypted PKCS#8 PEM (AES-256-CBC) under `password`.
    pub fn client_key_encrypted_pem(&self, password: &str) -> Result<String, TlsSetupError> {
        let pem = self
            .client_key
            .private_key_to_pem_pkcs8_passphrase(Cipher::aes_256_cbc(), password.as_bytes())?;
        Ok(String::from_utf8_lossy(&pem).into_owned())
    }

    fn acceptor(
        &self,
        require_client_certificate: bool,
    ) -> Result<Arc<SslAcceptor>, TlsSetupError> {
        let mut b = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server())?;
        b.set_certificate(X509::from_pem(self.server_cert_pem.as_bytes())?.as_ref())?;
        b.set_private_key(PKey::private_key_from_pem(self.server_key_pem.as_bytes())?.as_ref())?;
        b.check_private_key()?;
        if require_client_certificate {
            let mut store = X509StoreBuilder::new()?;
            store.add_cert(X509::from_pem(self.ca_pem.as_bytes())?)?;
            b.set_verify_cert_store(store.build())?;
            b.set_verify(SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT);
        }
        Ok(Arc::new(b.build()))
    }
}

impl LoopbackServer {
    /// An HTTPS loopback server presenting `certs`' server certificate; with
    /// `require_client_certificate`, only clients with a certificate issued by the CA get an
    /// answer (mutual TLS).
    pub fn start_tls(
        certs: &TestCertificates,
        require_client_certificate: bool,
        handler: impl Fn(&RecordedRequest) -> CannedResponse + Send + Sync + 'static,
    ) -> Result<Self, TlsSetupError> {
        let acceptor = certs.acceptor(require_client_certificate)?;
        Ok(Self::start_with("https", handler, move |stream| {
            acceptor.accept(stream).ok()
        })?)
    }
}

/// Accepts TLS on 127.0.0.1 and forwards the plain bytes to a target address (TLS
/// termination in front of a plain server, e.g. an HTTP proxy). Stops when dropped.
pub struct TlsForwarder {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for TlsForwarder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsForwarder")
            .field("addr", &self.addr)
            .finish()
    }
}

impl TlsForwarder {
    /// Terminate TLS with `certs`' server certificate and forward to `target`.
    pub fn start(certs: &TestCertificates, target: SocketAddr) -> Result<Self, TlsSetupError> {
        let acceptor = certs.acceptor(false)?;
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (acceptor, stop) = (acceptor.clone(), stop2.clone());
                std::thread::spawn(move || {
                    let Ok(upstream) = TcpStream::connect(target) else {
                        return;
                    };
                    let Ok(tls) = acceptor.accept(stream) else {
                        return;
                    };
                    crate::proxy_tls::pump(tls, upstream, &stop);
                });
            }
        });
        Ok(TlsForwarder {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }
}

impl Drop for TlsForwarder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
