//! The city's directory (Active Directory, or any LDAP v3 server shaped like it): the one
//! package that speaks LDAP and its TLS. It finds an account through a service account, checks
//! a password by binding as the account, and lists the groups naming it as a member. What an
//! account may do in Hairyo is the core's to decide (`hairyo::directory`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ldap3::{LdapConn, LdapConnSettings, LdapError, Scope, SearchEntry};

/// How to reach the directory and act on it as the service account.
#[derive(Clone, PartialEq, Eq)]
pub struct Settings {
    /// `ldaps://host[:port]`, or `ldap://host[:port]` (StartTLS, or plain on loopback without a
    /// CA file).
    pub url: String,
    /// The city's CA (PEM); without it, the system's roots.
    pub ca_file: Option<PathBuf>,
    pub bind_dn: String,
    pub bind_password: String,
    /// How long a connection and each operation may take.
    pub timeout: Duration,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The service account's password is never printed.
        f.debug_struct("Settings").field("url", &self.url).field("ca_file", &self.ca_file).field("bind_dn", &self.bind_dn).finish_non_exhaustive()
    }
}

/// An entry as found: its DN and its attributes, by lower-case name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    pub dn: String,
    pub attrs: HashMap<String, Vec<String>>,
}

impl Entry {
    /// The first value of `name` (any case), or empty.
    pub fn first(&self, name: &str) -> &str {
        self.attrs.get(&name.to_ascii_lowercase()).and_then(|v| v.first()).map(String::as_str).unwrap_or("")
    }

    /// Every value of `name` (any case).
    pub fn all(&self, name: &str) -> &[String] {
        self.attrs.get(&name.to_ascii_lowercase()).map(Vec::as_slice).unwrap_or(&[])
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// The directory could not be reached or answered something unexpected; nobody is signed
    /// in on a stale answer.
    #[error("{0}")]
    Unavailable(String),
    #[error("the password is wrong")]
    BadCredentials,
    /// Active Directory's own lockout (`data 775`).
    #[error("the account is locked by the directory")]
    Locked,
    /// `data 533`.
    #[error("the account is disabled in the directory")]
    Disabled,
    /// `data 701` (the account) or `data 532` (its password).
    #[error("the account or its password has expired in the directory")]
    Expired,
    #[error("{0}")]
    Settings(String),
}

/// `value` escaped for an LDAP filter (RFC 4515): a login never widens a search.
pub fn escape(value: &str) -> String {
    ldap3::ldap_escape(value).into_owned()
}

/// Whether `url`'s host is the loopback interface, where plain LDAP may be allowed.
pub fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host = rest.split('/').next().unwrap_or("");
    let host = if let Some(v6) = host.strip_prefix('[') { v6.split(']').next().unwrap_or("") } else { host.split(':').next().unwrap_or("") };
    // An address, read as one (a name such as 127.city.example is no loopback), or localhost.
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn tls_config(s: &Settings) -> Result<Arc<rustls::ClientConfig>, DirectoryError> {
    use rustls::pki_types::pem::PemObject;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    match &s.ca_file {
        Some(path) => {
            let certs = rustls::pki_types::CertificateDer::pem_file_iter(path)
                .map_err(|e| DirectoryError::Settings(format!("CA file {} cannot be read: {e}", path.display())))?;
            for cert in certs {
                let cert = cert.map_err(|e| DirectoryError::Settings(format!("CA file {}: {e}", path.display())))?;
                roots.add(cert).map_err(|e| DirectoryError::Settings(format!("CA file {}: {e}", path.display())))?;
            }
            if roots.is_empty() {
                return Err(DirectoryError::Settings(format!("CA file {} holds no certificate", path.display())));
            }
        }
        None => {
            for path in ["/etc/ssl/certs/ca-certificates.crt"] {
                if let Ok(certs) = rustls::pki_types::CertificateDer::pem_file_iter(path) {
                    for cert in certs.flatten() {
                        let _ = roots.add(cert);
                    }
                }
            }
        }
    }
    if roots.is_empty() {
        return Err(DirectoryError::Settings("no CA to trust the directory's certificate: give directory_ca_file".into()));
    }
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| DirectoryError::Settings(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// A connection as the settings say: LDAPS, StartTLS on `ldap://`, or plain `ldap://` to
/// loopback without a CA file (a test directory on the same machine). Plain LDAP elsewhere is
/// refused: a password would cross the network in the clear.
fn connect(s: &Settings) -> Result<LdapConn, DirectoryError> {
    let plain = s.url.starts_with("ldap://");
    if !plain && !s.url.starts_with("ldaps://") {
        return Err(DirectoryError::Settings(format!("directory_url must start with ldaps:// or ldap:// ({})", s.url)));
    }
    let mut settings = LdapConnSettings::new().set_conn_timeout(s.timeout);
    let clear = plain && s.ca_file.is_none() && is_loopback(&s.url);
    if !clear {
        settings = settings.set_config(tls_config(s)?).set_starttls(plain);
    }
    let conn = LdapConn::with_settings(settings, &s.url).map_err(unavailable)?;
    Ok(conn)
}

fn unavailable(e: LdapError) -> DirectoryError {
    DirectoryError::Unavailable(e.to_string())
}

/// A refused bind, read as Active Directory explains it in its diagnostic (`data 775` …).
fn refused_bind(text: &str) -> DirectoryError {
    let data = text.split("data ").nth(1).map(|d| d.chars().take_while(|c| c.is_ascii_hexdigit()).collect::<String>()).unwrap_or_default();
    match data.as_str() {
        "775" => DirectoryError::Locked,
        // Disabled, or not allowed to log on at this time (530) or from here (531).
        "533" | "530" | "531" => DirectoryError::Disabled,
        // The account expired (701), the password expired (532) or must be changed first (773).
        "701" | "532" | "773" => DirectoryError::Expired,
        _ => DirectoryError::BadCredentials,
    }
}

/// Binds as `dn` with `password`; an empty password is refused here, since a directory may take
/// it as an anonymous bind that succeeds.
fn bind(conn: &mut LdapConn, timeout: Duration, dn: &str, password: &str) -> Result<(), DirectoryError> {
    if password.is_empty() {
        return Err(DirectoryError::BadCredentials);
    }
    // ldap3's timeout holds for the next operation only: each one is given it.
    let result = conn.with_timeout(timeout).simple_bind(dn, password).map_err(unavailable)?;
    match result.rc {
        0 => Ok(()),
        49 => Err(refused_bind(&result.text)),
        rc => Err(DirectoryError::Unavailable(format!("bind answered {rc}: {}", result.text))),
    }
}

/// Connects and binds as the service account.
fn as_service(s: &Settings) -> Result<LdapConn, DirectoryError> {
    let mut conn = connect(s)?;
    bind(&mut conn, s.timeout, &s.bind_dn, &s.bind_password).map_err(|e| match e {
        DirectoryError::Unavailable(m) => DirectoryError::Unavailable(m),
        other => DirectoryError::Settings(format!("the service account {} cannot bind: {other}", s.bind_dn)),
    })?;
    Ok(conn)
}

fn entries(conn: &mut LdapConn, timeout: Duration, base: &str, filter: &str, attrs: &[&str]) -> Result<Vec<Entry>, DirectoryError> {
    let ldap3::SearchResult(found, result) = conn.with_timeout(timeout).search(base, Scope::Subtree, filter, attrs.to_vec()).map_err(unavailable)?;
    match result.rc {
        // 32 (no such object) is an empty answer: the base holds nothing.
        0 | 32 => {}
        // What the service account may not read, or a filter the directory refuses, is the
        // settings' fault and stays so: no retry makes it right.
        50 | 87 | 34 => return Err(DirectoryError::Settings(format!("the directory refused the search ({}): {}", result.rc, result.text))),
        rc => return Err(DirectoryError::Unavailable(format!("search answered {rc}: {}", result.text))),
    }
    Ok(found
        .into_iter()
        .map(|e| {
            let e = SearchEntry::construct(e);
            Entry { dn: e.dn, attrs: e.attrs.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect() }
        })
        .collect())
}

/// The one entry under `base` matching `filter`, read as the service account; `None` when there
/// is none, and an error when there are several (a filter that names no single account).
pub fn find(s: &Settings, base: &str, filter: &str, attrs: &[&str]) -> Result<Option<Entry>, DirectoryError> {
    let mut conn = as_service(s)?;
    let mut found = entries(&mut conn, s.timeout, base, filter, attrs)?;
    let _ = conn.unbind();
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop()),
        n => Err(DirectoryError::Settings(format!("the filter {filter} finds {n} accounts, not one"))),
    }
}

/// The DNs of the groups under `base` that name `member_dn` as a member (`member=`), for a
/// directory whose accounts carry no `memberOf`.
pub fn groups_of(s: &Settings, base: &str, member_dn: &str) -> Result<Vec<String>, DirectoryError> {
    let mut conn = as_service(s)?;
    let filter = format!("(member={})", escape(member_dn));
    let found = entries(&mut conn, s.timeout, base, &filter, &["cn"])?;
    let _ = conn.unbind();
    Ok(found.into_iter().map(|e| e.dn).collect())
}

/// Checks `password` by binding as `dn` on a connection of its own.
pub fn check_password(s: &Settings, dn: &str, password: &str) -> Result<(), DirectoryError> {
    let mut conn = connect(s)?;
    let result = bind(&mut conn, s.timeout, dn, password);
    let _ = conn.unbind();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_bind_is_read_as_active_directory_explains_it() {
        let ad = |data: &str| format!("80090308: LdapErr: DSID-0C090447, comment: AcceptSecurityContext error, data {data}, v3839");
        assert!(matches!(refused_bind(&ad("52e")), DirectoryError::BadCredentials));
        assert!(matches!(refused_bind(&ad("775")), DirectoryError::Locked));
        assert!(matches!(refused_bind(&ad("533")), DirectoryError::Disabled));
        assert!(matches!(refused_bind(&ad("701")), DirectoryError::Expired));
        assert!(matches!(refused_bind(""), DirectoryError::BadCredentials));
    }

    #[test]
    fn only_loopback_is_loopback() {
        assert!(is_loopback("ldap://127.0.0.1:3890"));
        assert!(is_loopback("ldap://localhost"));
        assert!(is_loopback("ldap://[::1]:389"));
        assert!(!is_loopback("ldap://ad.city.example"));
        assert!(!is_loopback("ldap://127example.com"));
        assert!(!is_loopback("ldap://127.city.example"));
        assert!(is_loopback("ldap://127.0.0.2:389"));
        assert_eq!(escape("a*b(c)"), "a\\2ab\\28c\\29");
    }
}
