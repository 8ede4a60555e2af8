//! The installed configuration files: the server's (`/etc/hairyo/hairyo.conf`: where `hairyo
//! serve` listens, which database it holds, its TLS files, how long a session may sit idle)
//! and a desk PC's (`client.conf`: which server the window connects to).
//!
//! The format is one `key = value` per line, `#` starting a comment line, so that an IT section
//! edits it with any editor and a package or an installer can write it. Every line is checked
//! before the program starts: an unknown key, a repeated key or a bad value stops it with the
//! file, the line and what is wrong, never with a default in its place.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::store::Location;

/// Where the Debian package installs the configuration.
pub const PACKAGED_PATH: &str = "/etc/hairyo/hairyo.conf";

/// The range `session_idle_seconds` (and `serve --session-idle`) accepts: a second to a day.
pub const SESSION_IDLE_SECONDS: std::ops::RangeInclusive<u64> = 1..=86_400;
/// The range `session_lifetime_seconds` (and `serve --session-lifetime`) accepts: a session
/// ends this long after sign-in, however much it is used (at most a week).
pub const SESSION_LIFETIME_SECONDS: std::ops::RangeInclusive<u64> = 1..=604_800;
/// The range `connections` (and `serve --connections`) accepts.
pub const CONNECTIONS: std::ops::RangeInclusive<usize> = 1..=500;

/// The keys the server's file may hold, in the order the packaged file lists them.
pub const KEYS: &[&str] = &[
    "listen",
    "database_url",
    "tls_cert",
    "tls_key",
    "behind_proxy",
    "session_idle_seconds",
    "session_lifetime_seconds",
    "connections",
    "max_clients",
    "max_requests",
    "ui_dir",
    "backup_dir",
    "audit_key_file",
    "directory_url",
    "directory_ca_file",
    "directory_bind_dn",
    "directory_bind_password_file",
    "directory_user_base",
    "directory_user_filter",
    "directory_group",
    "directory_break_glass",
];

/// The keys a file may give more than once, each line one more of them.
const REPEATABLE: &[&str] = &["directory_group", "directory_break_glass"];

/// The range `max_clients` (and `serve --max-clients`) accepts: open client connections.
pub const MAX_CLIENTS: std::ops::RangeInclusive<usize> = 1..=100_000;
/// The range `max_requests` (and `serve --max-requests`) accepts: requests in flight.
pub const MAX_REQUESTS: std::ops::RangeInclusive<usize> = 1..=10_000;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("設定ファイル {path} を読めません ({source})。ファイルがあるか、読む権限があるか (サーバーではサービスのユーザー hairyo に) を確認してください")]
    Unreadable { path: String, source: std::io::Error },
    #[error("設定ファイル {path} の {line} 行目は「キー = 値」の形ではありません: {text}")]
    Syntax { path: String, line: usize, text: String },
    #[error("設定ファイル {path} の {line} 行目: 「{key}」という設定はありません。使える設定: {}", known.join(", "))]
    UnknownKey { path: String, line: usize, key: String, known: &'static [&'static str] },
    #[error("設定ファイル {path} の {line} 行目: 「{key}」は {first} 行目にもあります。どちらか一つにしてください")]
    Repeated { path: String, line: usize, key: String, first: usize },
    #[error("設定ファイル {path} の {line} 行目: {key} = {value} は使えません。{why}")]
    Invalid { path: String, line: usize, key: String, value: String, why: String },
    #[error("設定ファイル {path} に {key} がありません。{why}")]
    Missing { path: String, key: &'static str, why: &'static str },
    #[error("接続先「{address}」は使えません。{why}")]
    Address { address: String, why: &'static str },
}

impl ConfigError {
    pub fn code(&self) -> &'static str {
        match self {
            ConfigError::Unreadable { .. } => "config.unreadable",
            ConfigError::Syntax { .. } => "config.syntax",
            ConfigError::UnknownKey { .. } => "config.unknown_key",
            ConfigError::Repeated { .. } => "config.repeated_key",
            ConfigError::Invalid { .. } => "config.invalid_value",
            ConfigError::Missing { .. } => "config.missing_key",
            ConfigError::Address { .. } => "config.server_address",
        }
    }
}

/// What a configuration file says; a key the file leaves out is None, and `hairyo serve` then
/// takes its command-line flag or its default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerConfig {
    pub listen: Option<SocketAddr>,
    pub database: Option<Location>,
    pub tls: Option<(PathBuf, PathBuf)>,
    pub behind_proxy: Option<bool>,
    pub session_idle: Option<Duration>,
    pub session_lifetime: Option<Duration>,
    pub connections: Option<usize>,
    /// Client connections open at once; one more is turned away.
    pub max_clients: Option<usize>,
    /// Requests being answered at once; one more is answered 503.
    pub max_requests: Option<usize>,
    pub ui_dir: Option<PathBuf>,
    /// The audit chain's key (`hairyo audit key`), readable by the server's user only.
    pub audit_key_file: Option<PathBuf>,
    /// Where the backup taken before a schema upgrade is written.
    pub backup_dir: Option<PathBuf>,
    /// The city's directory: staff sign in with its accounts (`directory_*`).
    pub directory: Option<crate::directory::DirectoryConfig>,
}

/// Reads and checks the file at `path`.
pub fn load(path: &Path) -> Result<ServerConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Unreadable { path: path.display().to_string(), source })?;
    parse(&text, path)
}

/// One line's value, with where it stands for the messages.
struct Entry<'t> {
    line: usize,
    key: &'static str,
    value: &'t str,
}

/// Splits `text` into its `key = value` lines, refusing a line of another shape, a key not in
/// `keys` and a key given twice.
fn entries<'t>(text: &'t str, shown: &str, keys: &'static [&'static str]) -> Result<Vec<Entry<'t>>, ConfigError> {
    let mut entries: Vec<Entry> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        // A file saved by Windows Notepad may start with a byte-order mark.
        let trimmed = raw.trim_start_matches('\u{feff}').trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            return Err(ConfigError::Syntax { path: shown.to_string(), line, text: trimmed.to_string() });
        };
        let key = key.trim();
        let Some(&known) = keys.iter().find(|k| **k == key) else {
            return Err(ConfigError::UnknownKey { path: shown.to_string(), line, key: key.to_string(), known: keys });
        };
        if let Some(first) = entries.iter().find(|e| e.key == known && !REPEATABLE.contains(&known)) {
            return Err(ConfigError::Repeated { path: shown.to_string(), line, key: key.to_string(), first: first.line });
        }
        // A value may be quoted, as many editors and examples do; the quotes are not part of it.
        let value = value.trim();
        let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
        if value.is_empty() {
            return Err(ConfigError::Invalid {
                path: shown.to_string(),
                line,
                key: key.to_string(),
                value: String::new(),
                why: "値が空です。使わない設定は行ごと消すか、先頭に # を付けてください".into(),
            });
        }
        entries.push(Entry { line, key: known, value });
    }
    Ok(entries)
}

/// Checks `text` as the contents of the file `path` (named in the messages). Files named in it
/// (TLS, the UI) must exist, so that a typing mistake shows at start and not at the first
/// browser's request.
pub fn parse(text: &str, path: &Path) -> Result<ServerConfig, ConfigError> {
    let shown = path.display().to_string();
    let entries = entries(text, &shown, KEYS)?;

    let invalid = |e: &Entry, why: String| ConfigError::Invalid { path: shown.clone(), line: e.line, key: e.key.to_string(), value: e.value.to_string(), why };
    let existing_file = |e: &Entry, want_dir: bool| -> Result<PathBuf, ConfigError> {
        let p = PathBuf::from(e.value);
        if !p.is_absolute() {
            return Err(invalid(e, "絶対パス (/ で始まる) で指定してください".into()));
        }
        match std::fs::metadata(&p) {
            Ok(m) if want_dir && !m.is_dir() => Err(invalid(e, "フォルダーではありません".into())),
            Ok(m) if !want_dir && !m.is_file() => Err(invalid(e, "ファイルではありません".into())),
            Ok(_) => Ok(p),
            Err(err) => Err(invalid(e, format!("開けません ({err})"))),
        }
    };

    let mut config = ServerConfig::default();
    let mut cert: Option<(PathBuf, usize)> = None;
    let mut key: Option<(PathBuf, usize)> = None;
    for e in &entries {
        match e.key {
            "listen" => {
                let addr: SocketAddr =
                    e.value.parse().map_err(|_| invalid(e, "アドレスとポートを 127.0.0.1:8443 や 0.0.0.0:8443 の形で指定してください".into()))?;
                config.listen = Some(addr);
            }
            "database_url" => {
                let location = Location::parse(e.value);
                if let Location::File(p) = &location {
                    if !p.is_absolute() {
                        return Err(invalid(e, "postgresql://ユーザー@ホスト/データベース の形の URL か、SQLite ファイルの絶対パスで指定してください".into()));
                    }
                }
                config.database = Some(location);
            }
            "tls_cert" => cert = Some((existing_file(e, false)?, e.line)),
            "tls_key" => key = Some((existing_file(e, false)?, e.line)),
            "behind_proxy" => {
                config.behind_proxy = Some(match e.value {
                    "true" | "yes" => true,
                    "false" | "no" => false,
                    _ => return Err(invalid(e, "true か false で指定してください".into())),
                });
            }
            "session_idle_seconds" => {
                let seconds: u64 =
                    e.value.parse().ok().filter(|s| SESSION_IDLE_SECONDS.contains(s)).ok_or_else(|| {
                        invalid(e, format!("{}〜{} の整数 (秒) で指定してください", SESSION_IDLE_SECONDS.start(), SESSION_IDLE_SECONDS.end()))
                    })?;
                config.session_idle = Some(Duration::from_secs(seconds));
            }
            "session_lifetime_seconds" => {
                let seconds: u64 = e.value.parse().ok().filter(|s| SESSION_LIFETIME_SECONDS.contains(s)).ok_or_else(|| {
                    invalid(e, format!("{}〜{} の整数 (秒) で指定してください", SESSION_LIFETIME_SECONDS.start(), SESSION_LIFETIME_SECONDS.end()))
                })?;
                config.session_lifetime = Some(Duration::from_secs(seconds));
            }
            "connections" => {
                let n: usize = e
                    .value
                    .parse()
                    .ok()
                    .filter(|n| CONNECTIONS.contains(n))
                    .ok_or_else(|| invalid(e, format!("{}〜{} の整数で指定してください", CONNECTIONS.start(), CONNECTIONS.end())))?;
                config.connections = Some(n);
            }
            "max_clients" | "max_requests" => {
                let range = if e.key == "max_clients" { MAX_CLIENTS } else { MAX_REQUESTS };
                let n: usize = e
                    .value
                    .parse()
                    .ok()
                    .filter(|n| range.contains(n))
                    .ok_or_else(|| invalid(e, format!("{}〜{} の整数で指定してください", range.start(), range.end())))?;
                if e.key == "max_clients" {
                    config.max_clients = Some(n);
                } else {
                    config.max_requests = Some(n);
                }
            }
            "ui_dir" => config.ui_dir = Some(existing_file(e, true)?),
            "audit_key_file" => config.audit_key_file = Some(existing_file(e, false)?),
            "backup_dir" => {
                let p = PathBuf::from(e.value);
                if !p.is_absolute() {
                    return Err(invalid(e, "絶対パス (/ で始まる) で指定してください".into()));
                }
                config.backup_dir = Some(p);
            }
            k if k.starts_with("directory_") => {}
            other => unreachable!("KEYS lists {other} but parse does not read it"),
        }
    }
    config.directory = directory(&entries, &shown, &invalid, &existing_file)?;
    config.tls = match (cert, key) {
        (Some((c, _)), Some((k, _))) => Some((c, k)),
        (None, None) => None,
        (Some(_), None) => {
            return Err(ConfigError::Missing {
                path: shown, key: "tls_key", why: "tls_cert を指定したときは秘密鍵 (tls_key) も指定してください"
            })
        }
        (None, Some(_)) => {
            return Err(ConfigError::Missing {
                path: shown, key: "tls_cert", why: "tls_key を指定したときは証明書 (tls_cert) も指定してください"
            })
        }
    };
    Ok(config)
}

/// The `directory_*` lines as the city's directory: all of url, bind DN, its password file,
/// user base and filter, and at least one group, or none of them. Plain `ldap://` is refused
/// except to loopback (StartTLS otherwise needs the CA file to trust).
fn directory<'t>(
    entries: &[Entry<'t>],
    shown: &str,
    invalid: &dyn Fn(&Entry<'t>, String) -> ConfigError,
    existing_file: &dyn Fn(&Entry<'t>, bool) -> Result<PathBuf, ConfigError>,
) -> Result<Option<crate::directory::DirectoryConfig>, ConfigError> {
    let of = |key: &'static str| entries.iter().filter(move |e| e.key == key);
    let one = |key: &'static str| of(key).next();
    if !entries.iter().any(|e| e.key.starts_with("directory_")) {
        return Ok(None);
    }
    let required: [(&'static str, &'static str); 5] = [
        ("directory_url", "ディレクトリの URL (ldaps://…) を指定してください"),
        ("directory_bind_dn", "ユーザーを探すサービスアカウントの DN を指定してください"),
        ("directory_bind_password_file", "サービスアカウントのパスワードを書いたファイルを指定してください"),
        ("directory_user_base", "職員のアカウントを探す場所 (OU=…) を指定してください"),
        ("directory_user_filter", "アカウントを探すフィルター (例: (sAMAccountName={login})) を指定してください"),
    ];
    for (key, why) in required {
        if one(key).is_none() {
            return Err(ConfigError::Missing { path: shown.to_string(), key, why });
        }
    }
    if one("directory_group").is_none() {
        return Err(ConfigError::Missing {
            path: shown.to_string(),
            key: "directory_group",
            why: "どのグループの職員がどの窓口・役割で使うか (directory_group = DN => 窓口 役割) を1行以上指定してください",
        });
    }
    let url_entry = one("directory_url").expect("checked above");
    let url = url_entry.value.to_string();
    let ca_file = match one("directory_ca_file") {
        Some(e) => Some(existing_file(e, false)?),
        None => None,
    };
    if !(url.starts_with("ldaps://") || url.starts_with("ldap://")) {
        return Err(invalid(url_entry, "ldaps:// (または StartTLS の ldap://) で始まる URL を指定してください".into()));
    }
    if url.starts_with("ldap://") && ca_file.is_none() && !hairyo_directory::is_loopback(&url) {
        return Err(invalid(
            url_entry,
            "暗号化のない LDAP ではパスワードがネットワークを平文で流れます。ldaps:// にするか、StartTLS のため directory_ca_file を指定してください".into(),
        ));
    }
    if url.starts_with("ldaps://") && ca_file.is_none() {
        return Err(ConfigError::Missing {
            path: shown.to_string(),
            key: "directory_ca_file",
            why: "ディレクトリのサーバー証明書を確かめる市の CA 証明書 (PEM) を指定してください",
        });
    }
    let password_entry = one("directory_bind_password_file").expect("checked above");
    let password_file = existing_file(password_entry, false)?;
    let bind_password =
        std::fs::read_to_string(&password_file).map_err(|e| invalid(password_entry, format!("読めません ({e})")))?.trim_end_matches(['\r', '\n']).to_string();
    if bind_password.is_empty() {
        return Err(invalid(password_entry, "ファイルが空です".into()));
    }
    let filter_entry = one("directory_user_filter").expect("checked above");
    if !filter_entry.value.contains("{login}") || !filter_entry.value.starts_with('(') {
        return Err(invalid(filter_entry, "( で始まり、ログイン名の入る {login} を含むフィルターにしてください (例: (sAMAccountName={login}))".into()));
    }
    let mut groups = Vec::new();
    for e in of("directory_group") {
        groups.push(crate::directory::parse_group(e.value).map_err(|why| invalid(e, why))?);
    }
    let mut break_glass = Vec::new();
    for e in of("directory_break_glass") {
        let login = crate::staff::typed_login(e.value);
        if login.is_empty() || !login.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.') {
            return Err(invalid(e, "Hairyo のローカルアカウントのログイン名 (半角英数字と _ - .) を指定してください".into()));
        }
        break_glass.push(login);
    }
    Ok(Some(crate::directory::DirectoryConfig {
        settings: crate::directory::Settings {
            url,
            ca_file,
            bind_dn: one("directory_bind_dn").expect("checked above").value.to_string(),
            bind_password,
            timeout: crate::directory::TIMEOUT,
        },
        user_base: one("directory_user_base").expect("checked above").value.to_string(),
        user_filter: filter_entry.value.to_string(),
        groups,
        break_glass,
    }))
}

/// The keys a desk PC's `client.conf` may hold.
pub const CLIENT_KEYS: &[&str] = &["server"];

/// What a desk PC's `client.conf` says: the server every window on the PC connects to, set by
/// the IT section (the Windows installer's `/SERVER=`, or by hand).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientConfig {
    pub server: Option<String>,
}

/// Where a desk PC's configuration lives: `%ProgramData%\Hairyo\client.conf` on Windows (the
/// installer writes it), `/etc/hairyo/client.conf` elsewhere.
pub fn machine_client_path() -> PathBuf {
    if cfg!(windows) {
        let data = std::env::var_os("ProgramData").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(r"C:\ProgramData"));
        data.join("Hairyo").join("client.conf")
    } else {
        PathBuf::from("/etc/hairyo/client.conf")
    }
}

/// Reads and checks the desk PC's file at `path`; a PC without one has no machine setting.
pub fn load_client(path: &Path) -> Result<Option<ClientConfig>, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_client(&text, path).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ConfigError::Unreadable { path: path.display().to_string(), source }),
    }
}

/// Checks `text` as a desk PC's `client.conf` at `path`.
pub fn parse_client(text: &str, path: &Path) -> Result<ClientConfig, ConfigError> {
    let shown = path.display().to_string();
    let mut config = ClientConfig::default();
    for e in entries(text, &shown, CLIENT_KEYS)? {
        let invalid = |why: String| ConfigError::Invalid { path: shown.clone(), line: e.line, key: e.key.to_string(), value: e.value.to_string(), why };
        match e.key {
            "server" => {
                let address = server_address(e.value).map_err(|err| match err {
                    ConfigError::Address { why, .. } => invalid(why.to_string()),
                    other => other,
                })?;
                config.server = Some(address);
            }
            other => unreachable!("CLIENT_KEYS lists {other} but parse_client does not read it"),
        }
    }
    Ok(config)
}

/// Checks a server's address as a window connects to it: `https://host[:port]`, or plain
/// `http://` to this PC only (a server on another PC would see passwords and personal data in
/// clear). Returns it without a trailing slash.
pub fn server_address(base: &str) -> Result<String, ConfigError> {
    let base = base.trim().trim_end_matches('/').to_string();
    let refuse = |why: &'static str| ConfigError::Address { address: base.clone(), why };
    let unreadable = "サーバーのアドレスとして読めません。https://サーバー名:ポート の形で指定してください";
    let Some((scheme, host)) = base.split_once("://") else { return Err(refuse(unreadable)) };
    if host.is_empty() || host.contains('/') || base.chars().any(char::is_whitespace) || !matches!(scheme, "https" | "http") {
        return Err(refuse(unreadable));
    }
    // The host without its port ([::1] keeps its brackets).
    let name = if host.starts_with('[') { host.split_inclusive(']').next().unwrap_or(host) } else { host.split(':').next().unwrap_or(host) };
    let this_pc = matches!(name, "127.0.0.1" | "localhost" | "[::1]");
    if scheme == "http" && !this_pc {
        return Err(refuse("https:// で始めてください (http:// はこの PC 上のサーバーだけに使えます)"));
    }
    Ok(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<ServerConfig, ConfigError> {
        parse(text, Path::new("/etc/hairyo/hairyo.conf"))
    }

    #[test]
    fn the_packaged_file_reads_as_its_comments_say() {
        // The UI folder exists once the package is installed; the rest must read as shipped
        // (the TLS lines are commented out until the city puts its files in place).
        let shipped = include_str!("../../../packaging/server/hairyo.conf");
        let here: String = shipped.lines().filter(|l| !l.starts_with("ui_dir")).map(|l| format!("{l}\n")).collect();
        let config = parsed(&here).unwrap();
        assert_eq!(config.tls, None);
        assert_eq!(config.listen, Some("127.0.0.1:8443".parse().unwrap()));
        assert!(matches!(config.database, Some(Location::Server(_))));
        assert_eq!(config.session_idle, Some(Duration::from_secs(1800)));
        assert_eq!(config.backup_dir.as_deref(), Some(Path::new("/var/lib/hairyo/backups")));
        for key in KEYS {
            assert!(shipped.contains(&format!("{key} = ")), "the packaged file documents {key}");
        }
    }

    #[test]
    fn comments_blank_lines_and_quotes_are_allowed() {
        let config = parsed("# a comment\n\n  listen = \"0.0.0.0:9000\"\nbehind_proxy = yes\nconnections=8\n").unwrap();
        assert_eq!(config.listen, Some("0.0.0.0:9000".parse().unwrap()));
        assert_eq!(config.behind_proxy, Some(true));
        assert_eq!(config.connections, Some(8));
        assert_eq!(config.database, None);
    }

    #[test]
    fn every_bad_line_is_refused_with_its_line_and_code() {
        let cases: &[(&str, &str, &str)] = &[
            ("listen 127.0.0.1:8443", "config.syntax", "1 行目"),
            ("listn = 127.0.0.1:8443", "config.unknown_key", "listn"),
            ("listen = 127.0.0.1:1\nlisten = 127.0.0.1:2", "config.repeated_key", "1 行目にも"),
            ("listen = localhost", "config.invalid_value", "127.0.0.1:8443"),
            ("listen = 127.0.0.1:99999", "config.invalid_value", "listen"),
            ("database_url = hairyo.db", "config.invalid_value", "絶対パス"),
            ("tls_cert = /nonexistent/server.crt\ntls_key = /nonexistent/server.key", "config.invalid_value", "開けません"),
            ("tls_cert = server.crt", "config.invalid_value", "絶対パス"),
            ("behind_proxy = maybe", "config.invalid_value", "true か false"),
            ("session_idle_seconds = 0", "config.invalid_value", "1〜86400"),
            ("session_idle_seconds = 30m", "config.invalid_value", "秒"),
            ("connections = 1000", "config.invalid_value", "1〜500"),
            ("ui_dir = /nonexistent/ui", "config.invalid_value", "ui_dir"),
            ("backup_dir = backups", "config.invalid_value", "絶対パス"),
            ("connections =", "config.invalid_value", "値が空"),
        ];
        for (text, code, says) in cases {
            let e = parsed(text).expect_err(text);
            assert_eq!(e.code(), *code, "{text}: {e}");
            assert!(e.to_string().contains(says), "{text}: {e}");
            assert!(e.to_string().contains("/etc/hairyo/hairyo.conf"), "{text}: {e}");
        }
    }

    #[test]
    fn tls_needs_both_files() {
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("server.crt");
        std::fs::write(&cert, "x").unwrap();
        let e = parsed(&format!("tls_cert = {}", cert.display())).unwrap_err();
        assert_eq!(e.code(), "config.missing_key");
        assert!(e.to_string().contains("tls_key"));
        let key = dir.path().join("server.key");
        std::fs::write(&key, "x").unwrap();
        let config = parsed(&format!("tls_cert = {}\ntls_key = {}", cert.display(), key.display())).unwrap();
        assert_eq!(config.tls, Some((cert, key)));
    }

    #[test]
    fn an_unreadable_file_names_itself() {
        let e = load(Path::new("/nonexistent/hairyo.conf")).unwrap_err();
        assert_eq!(e.code(), "config.unreadable");
        assert!(e.to_string().contains("/nonexistent/hairyo.conf"));
    }

    #[test]
    fn a_desk_pc_names_its_server_as_the_windows_installer_writes_it() {
        let path = Path::new(r"C:\ProgramData\Hairyo\client.conf");
        // The installer writes CRLF lines; Notepad may add a byte-order mark.
        let written = "\u{feff}# Written by the Hairyo installer (/SERVER=).\r\nserver = https://hairyo.city.example.lg.jp:8443/\r\n";
        let config = parse_client(written, path).unwrap();
        assert_eq!(config.server.as_deref(), Some("https://hairyo.city.example.lg.jp:8443"));
        assert_eq!(parse_client("# nothing set\n", path).unwrap(), ClientConfig::default());
        let cases: &[(&str, &str, &str)] = &[
            ("server = http://hairyo.city.example.lg.jp", "config.invalid_value", "https://"),
            ("server = hairyo.city.example.lg.jp", "config.invalid_value", "読めません"),
            ("server = https://a/b", "config.invalid_value", "読めません"),
            ("listen = 127.0.0.1:8443", "config.unknown_key", "server"),
            ("server = https://a\nserver = https://b", "config.repeated_key", "1 行目にも"),
            ("server =", "config.invalid_value", "値が空"),
        ];
        for (text, code, says) in cases {
            let e = parse_client(text, path).expect_err(text);
            assert_eq!(e.code(), *code, "{text}: {e}");
            assert!(e.to_string().contains(says) && e.to_string().contains("client.conf"), "{text}: {e}");
        }
    }

    #[test]
    fn a_pc_without_a_client_file_has_no_machine_setting() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load_client(&dir.path().join("client.conf")).unwrap(), None);
        std::fs::write(dir.path().join("client.conf"), "server = http://127.0.0.1:8080\n").unwrap();
        assert_eq!(load_client(&dir.path().join("client.conf")).unwrap().unwrap().server.as_deref(), Some("http://127.0.0.1:8080"));
    }

    #[test]
    fn plain_http_is_for_this_pc_only() {
        for ok in ["https://hairyo.example.lg.jp", "http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:8443", "https://[2001:db8::1]:8443"] {
            assert!(server_address(ok).is_ok(), "{ok}");
        }
        for bad in ["http://10.0.0.5:8080", "http://localhost.example.jp", "ftp://hairyo", "https://", "https://a b"] {
            assert_eq!(server_address(bad).unwrap_err().code(), "config.server_address", "{bad}");
        }
    }
}
