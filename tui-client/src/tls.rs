//! Whom the client trusts for `https://` and `wss://` servers: the public certificate
//! authorities (webpki roots) and, with `--ca-cert` / `QUID_CA_CERT`, a private one (a
//! server with a certificate of its own making). One rustls configuration, set once at
//! start, serves the HTTP client and the WebSocket alike.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use rustls::{ClientConfig, RootCertStore};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

static CONFIG: OnceLock<Arc<ClientConfig>> = OnceLock::new();

/// Why a CA certificate could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the CA certificate {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{0} holds no PEM certificate")]
    Empty(String),
}

/// Trusts the PEM certificates in `path` besides the public authorities, from now on.
/// Call before the first connection; later calls change nothing.
pub fn trust_ca(path: &Path) -> Result<(), TlsError> {
    let shown = path.display().to_string();
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .and_then(|iter| iter.collect::<Result<_, _>>())
        .map_err(|e| TlsError::Read {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TlsError::Empty(shown));
    }
    let _ = CONFIG.set(build(certs));
    Ok(())
}

/// The configuration every TLS connection of this process uses.
pub fn client_config() -> Arc<ClientConfig> {
    CONFIG.get_or_init(|| build(Vec::new())).clone()
}

fn build(extra: Vec<CertificateDer<'static>>) -> Arc<ClientConfig> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for cert in extra {
        // a certificate rustls cannot parse is left out; the handshake then says so
        let _ = roots.add(cert);
    }
    // ring, as the server and the HTTP client's own TLS use
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map(|b| b.with_root_certificates(roots).with_no_client_auth())
        .unwrap_or_else(|_| {
            // the ring provider supports the default versions; this is never reached
            ClientConfig::builder()
                .with_root_certificates(RootCertStore::empty())
                .with_no_client_auth()
        });
    Arc::new(config)
}
