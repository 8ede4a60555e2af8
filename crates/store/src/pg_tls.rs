//! How a connection to PostgreSQL is secured, read from its URL (and the `PGSSLMODE` and
//! `PGSSLROOTCERT` variables) as libpq reads them: every connection the store makes goes
//! through [`connect`]. A server that is not on this machine is reached over TLS with its
//! certificate and name checked (`verify-full`) unless the URL says otherwise, and never in
//! plain text.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::StoreError;

/// What the URL asks of the connection's security (libpq's `sslmode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Plain text (this machine only).
    Disable,
    /// libpq's `allow` and `prefer`: plain text here (this machine only).
    Prefer,
    /// TLS, the certificate unchecked unless a root certificate is named (then as `VerifyCa`).
    Require,
    /// TLS, the certificate checked against the root certificates, not its name.
    VerifyCa,
    /// TLS, the certificate and the server's name checked.
    VerifyFull,
}

impl SslMode {
    fn parse(value: &str) -> Result<SslMode, StoreError> {
        Ok(match value {
            "disable" => SslMode::Disable,
            "allow" | "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(StoreError::Insecure(format!(
                    "sslmode={other} は使えません。disable・prefer・require・verify-ca・verify-full のいずれかを指定してください"
                )))
            }
        })
    }
}

/// How [`connect`] will reach a server: the mode, the root certificates and the URL as the
/// `postgres` crate takes it (without the parameters it does not know).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Security {
    pub mode: SslMode,
    pub root_cert: Option<PathBuf>,
    pub on_this_machine: bool,
    url: String,
}

/// Splits `key=value&…`, decoding `%XX`.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' && i + 2 < bytes.len() {
                if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                    out.push(b);
                    i += 3;
                    continue;
                }
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    query.split('&').filter(|p| !p.is_empty()).map(|p| p.split_once('=').unwrap_or((p, ""))).map(|(k, v)| (decode(k), decode(v))).collect()
}

/// Whether every host is this machine: a loopback address, `localhost`, or a Unix socket.
fn on_this_machine(hosts: &[String]) -> bool {
    hosts.iter().all(|h| {
        let h = h.trim_start_matches('[').trim_end_matches(']');
        h.is_empty() || h.starts_with('/') || h == "localhost" || h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
    })
}

/// Reads what `url` (and the environment, which the URL overrides) asks of the connection, and
/// refuses plain text to a server elsewhere.
pub fn security_of(url: &str) -> Result<Security, StoreError> {
    security_in(url, &|name| std::env::var(name).ok())
}

/// [`security_of`] with the environment's variables read through `var`.
fn security_in(url: &str, var: &dyn Fn(&str) -> Option<String>) -> Result<Security, StoreError> {
    let shown = super::pg::redact(url);
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut pairs = query_pairs(query);
    let authority = base.split_once("://").map(|(_, r)| r).unwrap_or(base);
    let authority = authority.split('/').next().unwrap_or("");
    let authority = authority.rsplit_once('@').map(|(_, h)| h).unwrap_or(authority);
    let mut hosts: Vec<String> = authority
        .split(',')
        .map(|h| if h.starts_with('[') { h.split(']').next().unwrap_or("").to_string() + "]" } else { h.split(':').next().unwrap_or("").to_string() })
        .collect();
    if let Some((_, h)) = pairs.iter().find(|(k, _)| k == "host") {
        hosts = h.split(',').map(str::to_string).collect();
    }
    // `hostaddr` is where the connection really goes, whatever `host` names.
    for (_, h) in pairs.iter().filter(|(k, _)| k == "hostaddr") {
        hosts.extend(h.split(',').map(str::to_string));
    }
    let here = on_this_machine(&hosts);
    let env = |name: &str| var(name).filter(|v| !v.is_empty());
    let mode_text = pairs.iter().find(|(k, _)| k == "sslmode").map(|(_, v)| v.clone()).or_else(|| env("PGSSLMODE"));
    let mode = match mode_text {
        Some(m) => SslMode::parse(&m)?,
        None if here => SslMode::Prefer,
        None => SslMode::VerifyFull,
    };
    if !here && matches!(mode, SslMode::Disable | SslMode::Prefer) {
        return Err(StoreError::Insecure(format!(
            "別のマシンの PostgreSQL ({shown}) には暗号化しない接続を使えません。URL に sslmode=verify-full と sslrootcert=CA証明書のパスを指定してください (docs/deployment.md)"
        )));
    }
    let root_cert = pairs.iter().find(|(k, _)| k == "sslrootcert").map(|(_, v)| PathBuf::from(v)).or_else(|| env("PGSSLROOTCERT").map(PathBuf::from));
    // Elsewhere, the certificate is always checked: `require` and `verify-ca` only with the
    // city's own CA named (a public CA's certificate for any name would do otherwise).
    if !here && matches!(mode, SslMode::Require | SslMode::VerifyCa) && root_cert.is_none() {
        return Err(StoreError::Insecure(format!(
            "別のマシンの PostgreSQL ({shown}) に sslmode=require または verify-ca で接続するには、sslrootcert に市の CA 証明書を指定してください (verify-full を勧めます)"
        )));
    }
    // The `postgres` crate knows `sslmode` only as disable, prefer and require, and no
    // `sslrootcert`: it gets `require` when TLS is wanted, the checks being ours.
    pairs.retain(|(k, _)| k != "sslmode" && k != "sslrootcert");
    pairs.push(("sslmode".into(), if matches!(mode, SslMode::Disable | SslMode::Prefer) { "disable" } else { "require" }.into()));
    if !pairs.iter().any(|(k, _)| k == "application_name") {
        pairs.push(("application_name".into(), "hairyo".into()));
    }
    let encode = |s: &str| {
        s.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect::<String>()
    };
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    Ok(Security { mode, root_cert, on_this_machine: here, url: format!("{base}?{}", query.join("&")) })
}

/// The root certificates: the named file, else the system's bundle.
fn roots(path: Option<&Path>, shown: &str) -> Result<rustls::RootCertStore, StoreError> {
    use rustls::pki_types::pem::PemObject;
    let path = path.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("/etc/ssl/certs/ca-certificates.crt"));
    let tls = |detail: String| StoreError::Tls { url: shown.to_string(), detail };
    let mut store = rustls::RootCertStore::empty();
    let certs = rustls::pki_types::CertificateDer::pem_file_iter(&path).map_err(|e| tls(format!("CA 証明書 {} を読めません: {e}", path.display())))?;
    for cert in certs {
        let cert = cert.map_err(|e| tls(format!("CA 証明書 {} を読めません: {e}", path.display())))?;
        store.add(cert).map_err(|e| tls(format!("CA 証明書 {} を使えません: {e}", path.display())))?;
    }
    if store.is_empty() {
        return Err(tls(format!("CA 証明書 {} に証明書がありません", path.display())));
    }
    Ok(store)
}

/// Checks a server's certificate chain against the roots but not its name (`verify-ca`), or
/// nothing at all (`require` with no root certificate, as libpq does).
#[derive(Debug)]
struct ChainOnly {
    inner: Option<Arc<rustls::client::WebPkiServerVerifier>>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl rustls::client::danger::ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        let Some(inner) = &self.inner else { return Ok(rustls::client::danger::ServerCertVerified::assertion()) };
        match inner.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName))
            | Err(rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForNameContext { .. })) => {
                Ok(rustls::client::danger::ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// What pg_dump and pg_restore are told (`PGSSLMODE`, `PGSSLROOTCERT`) so that they connect
/// as securely as Hairyo does: libpq's own default would be `prefer`.
pub fn tool_environment(url: &str) -> Result<Vec<(&'static str, String)>, StoreError> {
    let security = security_of(url)?;
    let mode = match security.mode {
        SslMode::Disable => "disable",
        SslMode::Prefer => "prefer",
        SslMode::Require => "require",
        SslMode::VerifyCa => "verify-ca",
        SslMode::VerifyFull => "verify-full",
    };
    let mut env = vec![("PGSSLMODE", mode.to_string())];
    if matches!(security.mode, SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull) {
        let root = security.root_cert.unwrap_or_else(|| PathBuf::from("/etc/ssl/certs/ca-certificates.crt"));
        env.push(("PGSSLROOTCERT", root.display().to_string()));
    }
    Ok(env)
}

/// Connects to the server at `url`, over TLS when the URL (or `PGSSLMODE`) asks for it and
/// always to a server elsewhere; refuses plain text to a server elsewhere before connecting.
pub(crate) fn connect(url: &str) -> Result<postgres::Client, StoreError> {
    let security = security_of(url)?;
    let shown = super::pg::redact(url);
    if matches!(security.mode, SslMode::Disable | SslMode::Prefer) {
        return Ok(postgres::Client::connect(&security.url, postgres::NoTls)?);
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Tls { url: shown.clone(), detail: e.to_string() })?;
    let config = match (security.mode, &security.root_cert) {
        (SslMode::VerifyFull, root) => builder.with_root_certificates(roots(root.as_deref(), &shown)?).with_no_client_auth(),
        (SslMode::Require, None) => builder.dangerous().with_custom_certificate_verifier(Arc::new(ChainOnly { inner: None, provider })).with_no_client_auth(),
        (_, root) => {
            let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots(root.as_deref(), &shown)?), provider.clone())
                .build()
                .map_err(|e| StoreError::Tls { url: shown.clone(), detail: e.to_string() })?;
            builder.dangerous().with_custom_certificate_verifier(Arc::new(ChainOnly { inner: Some(verifier), provider })).with_no_client_auth()
        }
    };
    let tls = tokio_postgres_rustls::MakeRustlsConnect::new(config);
    postgres::Client::connect(&security.url, tls).map_err(|e| StoreError::Tls { url: shown, detail: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_elsewhere_is_reached_over_verified_tls_and_never_in_plain_text() {
        let s = |url: &str| security_in(url, &|_| None);
        assert_eq!(s("postgres://app@db.city.lg.jp/hairyo").unwrap().mode, SslMode::VerifyFull);
        assert_eq!(s("postgres://app@127.0.0.1:5432/hairyo").unwrap().mode, SslMode::Prefer);
        assert_eq!(s("postgresql:///hairyo?host=/var/run/postgresql&user=hairyo").unwrap().mode, SslMode::Prefer);
        for plain in [
            "postgres://app@10.0.0.5/hairyo?sslmode=disable",
            "postgres://app@db.city.lg.jp/hairyo?sslmode=prefer",
            "postgres://app@localhost/h?host=10.1.1.1&sslmode=allow",
        ] {
            assert_eq!(s(plain).unwrap_err().code(), "store.insecure_connection", "{plain}");
        }
        assert_eq!(s("postgres://app@db/h?sslmode=verify-always").unwrap_err().code(), "store.insecure_connection");
        // Elsewhere, the certificate is checked against a named CA at least.
        for unchecked in ["postgres://app@db.city.lg.jp/h?sslmode=require", "postgres://app@db.city.lg.jp/h?sslmode=verify-ca"] {
            assert_eq!(s(unchecked).unwrap_err().code(), "store.insecure_connection", "{unchecked}");
        }
        assert_eq!(s("postgres://app@db.city.lg.jp/h?sslmode=require&sslrootcert=/etc/hairyo/ca.crt").unwrap().mode, SslMode::Require);
        // `hostaddr` is where the connection goes.
        for elsewhere in ["postgres://app@localhost/h?hostaddr=203.0.113.5", "postgres:///h?hostaddr=203.0.113.5&sslmode=disable"] {
            let got = s(elsewhere);
            assert!(got.as_ref().map_or(true, |g| g.mode == SslMode::VerifyFull), "{elsewhere}: {got:?}");
            assert!(got.map_or(true, |g| !g.on_this_machine), "{elsewhere}");
        }
        let v = s("postgres://app:pw@db.city.lg.jp:5433/hairyo?sslmode=verify-ca&sslrootcert=/etc/hairyo/ca%20root.crt").unwrap();
        assert_eq!((v.mode, v.root_cert.as_deref()), (SslMode::VerifyCa, Some(Path::new("/etc/hairyo/ca root.crt"))));
        assert_eq!(v.url, "postgres://app:pw@db.city.lg.jp:5433/hairyo?sslmode=require&application_name=hairyo");
        assert!(!v.on_this_machine);
        assert!(s("postgres://app@[::1]:5432/h").unwrap().on_this_machine);
        // The environment counts where the URL is silent, as for libpq.
        let env = |name: &str| (name == "PGSSLMODE").then(|| "verify-full".to_string());
        assert_eq!(security_in("postgres://app@127.0.0.1/h", &env).unwrap().mode, SslMode::VerifyFull);
        assert_eq!(security_in("postgres://app@127.0.0.1/h?sslmode=disable", &env).unwrap().mode, SslMode::Disable);
    }
}
