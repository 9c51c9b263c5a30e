//! The WebTransport door's certificate: the operator's (`--tls-cert`, shared
//! with the HTTPS listener, so a reload replaces both), or one the relay
//! makes itself for local use. Browsers accept a certificate by its hash
//! (`serverCertificateHashes`) only if it is ECDSA P-256 and valid for at
//! most 14 days, so the relay's own lasts [`SELF_SIGNED_VALIDITY`] and is
//! replaced every [`RENEW_EVERY`]; new handshakes get the new one at once
//! (the TLS config resolves the certificate per handshake), sessions open
//! keep theirs.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use sha2::{Digest, Sha256};
use tokio_rustls::rustls::{
    self,
    pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer},
    sign::CertifiedKey,
};
use tokio_util::sync::CancellationToken;
use wtransport::tls::self_signed::time::{Duration as TimeDuration, OffsetDateTime};

use crate::tls::{provider, CertStore};

/// How long a self-signed certificate is valid in total, `notBefore` to
/// `notAfter` (browsers refuse more than 14 days).
pub const SELF_SIGNED_VALIDITY: Duration = Duration::from_secs(13 * 24 * 3600);

/// How far `notBefore` lies in the past, for visitors whose clocks lag.
pub const SELF_SIGNED_BACKDATE: Duration = Duration::from_secs(3600);

/// How often the relay replaces its self-signed certificate (well before
/// it expires, so a page that read the hash just before keeps working).
pub const RENEW_EVERY: Duration = Duration::from_secs(10 * 24 * 3600);

/// The names a self-signed certificate carries (browsers want a
/// SubjectAltName; with a hash they do not check it).
const SELF_SIGNED_NAMES: &[&str] = &["localhost", "127.0.0.1", "::1"];

/// Where the door's certificate comes from.
pub struct DoorCerts {
    store: Arc<CertStore>,
    self_signed: bool,
}

impl DoorCerts {
    /// The operator's certificate, from the HTTPS listener's store.
    pub fn operator(store: Arc<CertStore>) -> Self {
        Self {
            store,
            self_signed: false,
        }
    }

    /// A fresh self-signed certificate.
    pub fn self_signed() -> anyhow::Result<Self> {
        Ok(Self {
            store: CertStore::new(make_self_signed()?),
            self_signed: true,
        })
    }

    /// True for a certificate the relay made itself.
    pub fn is_self_signed(&self) -> bool {
        self.self_signed
    }

    /// SHA-256 of the leaf certificate served now, in lowercase hex.
    pub fn sha256_hex(&self) -> String {
        let key = self.store.current();
        let leaf = key.cert.first().map(|c| c.as_ref()).unwrap_or_default();
        Sha256::digest(leaf)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Replaces a self-signed certificate with a new one (nothing for the
    /// operator's: a reload replaces that).
    pub fn renew(&self) -> anyhow::Result<()> {
        if self.self_signed {
            self.store.replace(make_self_signed()?);
        }
        Ok(())
    }

    /// Renews a self-signed certificate every `every` until `shutdown`.
    pub fn spawn_renewal(self: &Arc<Self>, every: Duration, shutdown: CancellationToken) {
        if !self.self_signed {
            return;
        }
        let certs = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    () = shutdown.cancelled() => return,
                }
                match certs.renew() {
                    Ok(()) => {
                        tracing::info!(sha256 = %certs.sha256_hex(), "webtransport certificate renewed")
                    }
                    Err(err) => {
                        tracing::warn!(err = %format!("{err:#}"), "cannot renew the webtransport certificate")
                    }
                }
            }
        });
    }

    /// The TLS configuration of the door: TLS 1.3 with the HTTP/3 ALPN, its
    /// certificate looked up in the store at each handshake.
    pub fn tls_config(&self) -> anyhow::Result<rustls::ServerConfig> {
        let mut config = rustls::ServerConfig::builder_with_provider(provider())
            .with_protocol_versions(&[&rustls::version::TLS13])
            .context("TLS 1.3 for QUIC")?
            .with_no_client_auth()
            .with_cert_resolver(self.store.clone());
        config.alpn_protocols = vec![wtransport::tls::WEBTRANSPORT_ALPN.to_vec()];
        Ok(config)
    }
}

/// An ECDSA P-256 certificate valid from [`SELF_SIGNED_BACKDATE`] ago for
/// [`SELF_SIGNED_VALIDITY`] in all, and its key.
fn make_self_signed() -> anyhow::Result<Arc<CertifiedKey>> {
    let not_before = OffsetDateTime::now_utc() - TimeDuration::try_from(SELF_SIGNED_BACKDATE)?;
    let not_after = not_before + TimeDuration::try_from(SELF_SIGNED_VALIDITY)?;
    let identity = wtransport::Identity::self_signed_builder()
        .subject_alt_names(SELF_SIGNED_NAMES)
        .validity_period(not_before, not_after)
        .build()
        .context("cannot make a self-signed certificate")?;
    let chain = identity
        .certificate_chain()
        .as_slice()
        .iter()
        .map(|cert| CertificateDer::from(cert.der().to_vec()))
        .collect();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        identity.private_key().secret_der().to_vec(),
    ));
    let signing_key = provider()
        .key_provider
        .load_private_key(key)
        .context("the self-signed certificate's key")?;
    Ok(Arc::new(CertifiedKey::new(chain, signing_key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renewal_changes_the_certificate_and_keeps_the_limits() {
        let certs = DoorCerts::self_signed().unwrap();
        let before = certs.sha256_hex();
        assert_eq!(before.len(), 64);
        certs.renew().unwrap();
        assert_ne!(certs.sha256_hex(), before, "a new certificate");
        assert!(SELF_SIGNED_VALIDITY < Duration::from_secs(14 * 24 * 3600));
        assert!(RENEW_EVERY + SELF_SIGNED_BACKDATE < SELF_SIGNED_VALIDITY);
        assert!(certs.tls_config().is_ok());
    }
}
