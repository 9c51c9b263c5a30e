//! Optional TLS (`wss://` and `https://`) with rustls, from PEM files. The
//! certificate is looked up on every handshake from a [`CertStore`], so a
//! reload can replace it: new handshakes get the new one, while sessions
//! already open keep the TLS session they have.

use std::{
    fmt,
    path::{Path, PathBuf},
    sync::Arc,
};

use anyhow::{bail, Context};
use arc_swap::ArcSwap;
use tokio_rustls::{
    rustls::{
        self,
        crypto::CryptoProvider,
        pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer},
        server::{ClientHello, ResolvesServerCert},
        sign::CertifiedKey,
    },
    TlsAcceptor,
};

/// Where the certificate chain and its private key are (PEM files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub cert: PathBuf,
    /// The private key of the leaf certificate.
    pub key: PathBuf,
}

impl TlsFiles {
    /// The pair of files.
    pub fn new(cert: impl Into<PathBuf>, key: impl Into<PathBuf>) -> Self {
        Self {
            cert: cert.into(),
            key: key.into(),
        }
    }

    /// Reads both files and checks that the key belongs to the certificate.
    pub fn load(&self) -> anyhow::Result<Arc<CertifiedKey>> {
        load_certified_key(&self.cert, &self.key)
    }
}

/// The one crypto provider of every TLS the relay speaks (ring), the
/// WebTransport door's QUIC included.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The certificate chain and key in these PEM files, checked to be a pair.
pub fn load_certified_key(cert_path: &Path, key_path: &Path) -> anyhow::Result<Arc<CertifiedKey>> {
    let certs = CertificateDer::pem_file_iter(cert_path)
        .with_context(|| format!("cannot read certificate file {}", cert_path.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("bad PEM in {}", cert_path.display()))?;
    if certs.is_empty() {
        bail!("no certificate in {}", cert_path.display());
    }
    let key = PrivateKeyDer::from_pem_file(key_path)
        .with_context(|| format!("cannot read a private key from {}", key_path.display()))?;
    let signing_key = provider()
        .key_provider
        .load_private_key(key)
        .with_context(|| format!("unusable private key in {}", key_path.display()))?;
    let certified = CertifiedKey::new(certs, signing_key);
    match certified.keys_match() {
        // Some key types cannot say; rustls then finds out at the handshake.
        Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {}
        Err(err) => bail!(
            "the key in {} does not belong to the certificate in {}: {err}",
            key_path.display(),
            cert_path.display()
        ),
    }
    Ok(Arc::new(certified))
}

/// The certificate new handshakes are given; replaced by a reload.
pub struct CertStore(ArcSwap<CertifiedKey>);

impl CertStore {
    /// A store serving `key` until it is replaced.
    pub fn new(key: Arc<CertifiedKey>) -> Arc<Self> {
        Arc::new(Self(ArcSwap::new(key)))
    }

    /// The certificate handshakes get now.
    pub fn current(&self) -> Arc<CertifiedKey> {
        self.0.load_full()
    }

    /// From now on, handshakes get `key`.
    pub fn replace(&self, key: Arc<CertifiedKey>) {
        self.0.store(key);
    }
}

impl fmt::Debug for CertStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CertStore")
    }
}

impl ResolvesServerCert for CertStore {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.load_full())
    }
}

/// A running relay's TLS: the acceptor every connection goes through, and
/// the store its certificate comes from.
#[derive(Clone)]
pub struct ServerTls {
    /// Accepts TLS connections.
    pub acceptor: TlsAcceptor,
    /// Replace the certificate here.
    pub certs: Arc<CertStore>,
}

impl ServerTls {
    /// TLS serving `key` until it is replaced.
    pub fn new(key: Arc<CertifiedKey>) -> anyhow::Result<Self> {
        let certs = CertStore::new(key);
        let mut config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .context("TLS protocol versions")?
            .with_no_client_auth()
            .with_cert_resolver(certs.clone());
        // WebSocket upgrades are HTTP/1.1.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            certs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(dir: &Path, name: &str) -> TlsFiles {
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let files = TlsFiles::new(
            dir.join(format!("{name}.crt")),
            dir.join(format!("{name}.key")),
        );
        std::fs::write(&files.cert, cert.cert.pem()).unwrap();
        std::fs::write(&files.key, cert.signing_key.serialize_pem()).unwrap();
        files
    }

    #[test]
    fn loads_a_generated_pair_and_rejects_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let files = pair(dir.path(), "a");
        assert!(ServerTls::new(files.load().unwrap()).is_ok());

        std::fs::write(&files.key, "not a key").unwrap();
        let err = files.load().expect_err("garbage key refused");
        assert!(format!("{err:#}").contains("private key"), "{err:#}");
        let err = load_certified_key(&dir.path().join("missing.pem"), &files.key)
            .expect_err("missing file refused");
        assert!(format!("{err:#}").contains("missing.pem"), "{err:#}");
    }

    #[test]
    fn a_key_of_another_certificate_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (pair(dir.path(), "a"), pair(dir.path(), "b"));
        let err = load_certified_key(&a.cert, &b.key).expect_err("mismatch");
        assert!(format!("{err:#}").contains("does not belong"), "{err:#}");
    }
}
