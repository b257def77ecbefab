//! HTTPS and WSS from the same binary (`--tls-cert`, `--tls-key`): rustls terminates TLS
//! at the edge of each connection. What it decrypts is handed to the plain server through
//! a local socket pair, so everything above (hyper, the WebSocket outbox that writes into
//! its socket without waiting) runs unchanged over TLS; the pair's kernel buffers pass
//! back-pressure through, so a slow reader over TLS is still found slow.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpStream, UnixStream};
use tokio_rustls::TlsAcceptor;

/// Longest a client may take over the TLS handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The acceptor of the configuration's `--tls-cert` and `--tls-key`, if given.
pub fn from_config(config: &crate::config::Config) -> anyhow::Result<Option<TlsAcceptor>> {
    match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => acceptor(cert, key).map(Some),
        _ => Ok(None),
    }
}

/// The acceptor for the PEM certificate chain and key at these paths (HTTP/1.1 only).
pub fn acceptor(cert: &Path, key: &Path) -> anyhow::Result<TlsAcceptor> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("cannot read the certificate {}", cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("{} is not a PEM certificate chain", cert.display()))?;
    if chain.is_empty() {
        bail!("{} holds no certificate", cert.display());
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("cannot read a PEM private key from {}", key.display()))?;
    // ring, the one provider of the whole build (the client's reqwest uses it too); rustls
    // marks it deprecated for lacking post-quantum key exchange, which aws-lc-rs adds.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("the certificate and the key do not go together")?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Completes the handshake on `stream` and returns the plaintext end of a local socket
/// pair; a task copies between the pair's other end and the TLS stream until either side
/// closes. `None` when the handshake fails or times out.
pub async fn terminate(acceptor: &TlsAcceptor, stream: TcpStream) -> Option<UnixStream> {
    let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(tls)) => tls,
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "TLS handshake failed");
            return None;
        }
        Err(_) => {
            tracing::debug!("TLS handshake timed out");
            return None;
        }
    };
    let (inner, outer) = match UnixStream::pair() {
        Ok(pair) => pair,
        Err(e) => {
            tracing::warn!(error = %e, "cannot make a socket pair for a TLS connection");
            return None;
        }
    };
    tokio::spawn(async move {
        let (mut tls, mut outer) = (tls, outer);
        let _ = tokio::io::copy_bidirectional(&mut tls, &mut outer).await;
    });
    Some(inner)
}
