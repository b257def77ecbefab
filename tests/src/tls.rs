//! Certificates made inside a test: a private certificate authority and a server
//! certificate it signs for `localhost` and `127.0.0.1`, written as PEM files for
//! `--tls-cert` / `--tls-key`, and a client configuration that trusts the authority.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::{ClientConfig, RootCertStore};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use tempfile::TempDir;

/// A private authority and a server certificate, as files.
pub struct TestCa {
    dir: TempDir,
    ca_pem: String,
}

impl TestCa {
    /// Makes the authority and the server's certificate and key.
    pub fn new() -> Result<TestCa> {
        let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "Quid test authority");
        let ca_key = KeyPair::generate()?;
        let ca = ca_params.self_signed(&ca_key)?;
        let leaf_params =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])?;
        let leaf_key = KeyPair::generate()?;
        let leaf = leaf_params.signed_by(&leaf_key, &ca, &ca_key)?;
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("server.pem"), leaf.pem())?;
        std::fs::write(dir.path().join("server.key"), leaf_key.serialize_pem())?;
        std::fs::write(dir.path().join("ca.pem"), ca.pem())?;
        Ok(TestCa {
            dir,
            ca_pem: ca.pem(),
        })
    }

    /// The server's certificate (PEM file).
    pub fn cert_path(&self) -> PathBuf {
        self.dir.path().join("server.pem")
    }

    /// The server's private key (PEM file).
    pub fn key_path(&self) -> PathBuf {
        self.dir.path().join("server.key")
    }

    /// The authority's certificate (PEM file), for a client's `--ca-cert`.
    pub fn ca_path(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// The directory holding the files.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The authority's certificate, for `reqwest::Certificate::from_pem`.
    pub fn ca_pem(&self) -> &[u8] {
        self.ca_pem.as_bytes()
    }

    /// A rustls client configuration that trusts only this authority.
    pub fn client_config(&self) -> Result<Arc<ClientConfig>> {
        let mut roots = RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(self.ca_pem()) {
            roots.add(cert?)?;
        }
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        Ok(Arc::new(
            ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()?
                .with_root_certificates(roots)
                .with_no_client_auth(),
        ))
    }
}
