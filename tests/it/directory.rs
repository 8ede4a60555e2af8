//! Sign-in with the city's directory (#34), against a real one: a throwaway OpenLDAP server
//! (`scripts/ldap-server.sh`) shaped as Active Directory, over LDAPS and StartTLS with a
//! throwaway CA, on both engines.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::Duration;
use hairyo::access::{self, Permission};
use hairyo::directory::{self, DirectoryConfig};
use hairyo::staff::{Desk, Role};

use crate::common::{at, World};

/// A running throwaway directory; stopped and removed when dropped.
struct Directory {
    dir: PathBuf,
    _parent: tempfile::TempDir,
    ldaps: String,
    ldap: String,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/ldap-server.sh")
}

impl Directory {
    fn start() -> Directory {
        let parent = tempfile::tempdir().expect("a temp dir");
        let dir = parent.path().join("ldap");
        let out = Command::new(script()).arg("start").arg(&dir).output().expect("scripts/ldap-server.sh (slapd)");
        assert!(out.status.success(), "slapd did not start: {}", String::from_utf8_lossy(&out.stderr));
        let urls = String::from_utf8(out.stdout).unwrap();
        let mut urls = urls.split_whitespace();
        let (ldaps, ldap) = (urls.next().unwrap().to_string(), urls.next().unwrap().to_string());
        Directory { dir, _parent: parent, ldaps, ldap }
    }

    fn stop(&self) {
        let _ = Command::new(script()).arg("stop").arg(&self.dir).status();
    }

    /// Stops the server and leaves its files (the CA Hairyo trusts stays where it was): the
    /// directory is down, not gone.
    fn halt(&self) {
        let pid = std::fs::read_to_string(self.dir.join("slapd.pid")).expect("slapd's pid");
        let _ = Command::new("kill").arg(pid.trim()).status();
        let started = std::time::Instant::now();
        while self.dir.join("slapd.pid").exists() && started.elapsed() < std::time::Duration::from_secs(5) {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// hairyo.conf's directory lines for this server, at `url`.
    fn conf(&self, url: &str) -> String {
        format!(
            "directory_url = {url}\n\
             directory_ca_file = {dir}/tls/ca.crt\n\
             directory_bind_dn = CN=hairyo-svc,OU=Services,DC=city,DC=example\n\
             directory_bind_password_file = {dir}/svc.pass\n\
             directory_user_base = OU=Staff,DC=city,DC=example\n\
             directory_user_filter = (sAMAccountName={{login}})\n\
             directory_group = CN=KokuhoClerks,OU=Groups,DC=city,DC=example => kokuho clerk\n\
             directory_group = CN=KaigoStaff,OU=Groups,DC=city,DC=example => kaigo caseworker\n\
             directory_group = cn=shogaisupervisors, ou=groups, dc=city, dc=example => shogai supervisor\n\
             directory_group = CN=HairyoAdmins,OU=Groups,DC=city,DC=example => kokuho admin\n\
             directory_break_glass = admin\n",
            dir = self.dir.display()
        )
    }

    fn config(&self, url: &str) -> DirectoryConfig {
        let conf = self.dir.join("hairyo.conf");
        std::fs::write(&conf, self.conf(url)).unwrap();
        hairyo::config::load(&conf).expect("the directory lines").directory.expect("a directory")
    }

    /// Changes an entry as the directory's manager (what the city's account administrator does).
    fn modify(&self, ldif: &str) {
        let mut child = Command::new("ldapmodify")
            .args(["-H", &self.ldaps, "-D", "CN=admin,DC=city,DC=example", "-y"])
            .arg(self.dir.join("root.pass"))
            .env("LDAPTLS_CACERT", self.dir.join("tls/ca.crt"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ldapmodify (ldap-utils)");
        use std::io::Write;
        child.stdin.take().unwrap().write_all(ldif.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "ldapmodify: {}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for Directory {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A world whose server signs staff in with `cfg` (as `hairyo serve` records at its start).
/// The store acts for no municipality first, as a server's freshly opened or pooled
/// connection does (on PostgreSQL the settings saying the directory is in use are then
/// invisible until the store acts for a municipality again).
fn world_with(cfg: &DirectoryConfig) -> World {
    let mut w = World::new();
    w.store.leave().unwrap();
    directory::record_in_use(&mut w.store, cfg).unwrap();
    w
}

/// A sign-in as the server makes it: on a connection acting for no municipality.
fn sign_in(w: &mut World, cfg: &DirectoryConfig, login: &str, password: &str) -> Result<hairyo::staff::Actor, String> {
    w.store.leave().map_err(|e| e.code().to_string())?;
    directory::sign_in(&mut w.store, Some(cfg), login, password, Some("192.0.2.10"), at("2026-12-07")).map_err(|e| e.code().to_string())
}

#[test]
fn every_form_of_a_login_signs_in_and_the_staff_record_follows_the_directory() {
    let d = Directory::start();
    let cfg = d.config(&d.ldaps);
    let mut w = world_with(&cfg);
    for typed in ["tanaka", "CITY\\tanaka", "tanaka@city.lg.jp", "ｔａｎａｋａ", "TANAKA"] {
        let a = sign_in(&mut w, &cfg, typed, "Tanaka-pass-1").unwrap_or_else(|e| panic!("{typed}: {e}"));
        assert_eq!((a.login.as_str(), a.name.as_str(), a.desk, a.role), ("tanaka", "田中 花子", Desk::Kokuho, Role::Clerk), "{typed}");
    }
    let staff = hairyo::staff::list(&w.store, &w.admin.clone(), at("2026-12-07")).unwrap();
    assert_eq!(staff.iter().filter(|s| s.login == "tanaka").count(), 1, "one staff record, created at the first sign-in");
    // In two desks' groups: the rights of both.
    let sato = sign_in(&mut w, &cfg, "sato", "Sato-pass-1").unwrap();
    assert_eq!((sato.desk, sato.role), (Desk::Kokuho, Role::Clerk));
    assert!(access::can(&sato, Permission::DecideApplication) && access::can(&sato, Permission::SendReferral));
    // Groups found by their members when the account carries no memberOf; DNs compared as the
    // directory does.
    let watanabe = sign_in(&mut w, &cfg, "watanabe", "Watanabe-pass-1").unwrap();
    assert_eq!((watanabe.desk, watanabe.role), (Desk::Shogai, Role::Supervisor));
    let admin = sign_in(&mut w, &cfg, "kobayashi", "Kobayashi-pass-1").unwrap();
    assert_eq!(admin.role, Role::Admin);
    // Refusals, each with its code.
    for (login, password, code) in [
        ("tanaka", "wrong", "staff.bad_credentials"),
        ("nosuch", "whatever", "staff.bad_credentials"),
        ("tanaka", "", "staff.invalid"),
        ("yamada", "Yamada-pass-1", "directory.no_group"),
        ("ito", "Ito-pass-1", "directory.account_not_usable"),
        ("nakamura", "Nakamura-pass-1", "directory.account_not_usable"),
        ("t*", "Tanaka-pass-1", "staff.bad_credentials"),
    ] {
        assert_eq!(sign_in(&mut w, &cfg, login, password).unwrap_err(), code, "{login}");
    }
    // Every directory sign-in and refusal of a known account is in the audit log.
    let log = hairyo::audit::export_csv(&mut w.store, &w.admin.clone(), at("2026-12-07")).unwrap();
    let log = String::from_utf8_lossy(&log);
    assert!(log.contains("directory") && log.contains("failed"), "the sign-ins audited");
}

#[test]
fn starttls_with_the_citys_ca_and_plain_ldap_only_to_loopback() {
    let d = Directory::start();
    let cfg = d.config(&d.ldap);
    let mut w = world_with(&cfg);
    assert_eq!(sign_in(&mut w, &cfg, "suzuki", "Suzuki-pass-1").unwrap().desk, Desk::Kaigo, "StartTLS with the CA file");
    // Settings other than the server's (a file of the caller's own) are no way in.
    let other = d.config(&d.ldaps);
    assert_eq!(sign_in(&mut w, &other, "suzuki", "Suzuki-pass-1").unwrap_err(), "directory.settings_mismatch");
    // Plain LDAP to another host is refused in the file, line named.
    let conf = d.conf("ldap://ad.city.example").replace(&format!("directory_ca_file = {}/tls/ca.crt\n", d.dir.display()), "");
    let e = hairyo::config::parse(&conf, Path::new("/etc/hairyo/hairyo.conf")).unwrap_err();
    assert_eq!(e.code(), "config.invalid_value");
    assert!(e.to_string().contains("1行目") || e.to_string().contains("directory_url"), "{e}");
    // A group line that does not read, and a missing key, are refused too.
    let no_ca = d.conf(&d.ldaps).lines().filter(|l| !l.starts_with("directory_ca_file")).collect::<Vec<_>>().join("\n");
    assert_eq!(hairyo::config::parse(&no_ca, Path::new("/x.conf")).unwrap_err().code(), "config.missing_key", "LDAPS needs the city's CA");
    let bad = d.conf(&d.ldaps).replace("=> kaigo caseworker", "=> kaigo boss");
    assert_eq!(hairyo::config::parse(&bad, Path::new("/x.conf")).unwrap_err().code(), "config.invalid_value");
    let missing = d.conf(&d.ldaps).lines().filter(|l| !l.starts_with("directory_user_base")).collect::<Vec<_>>().join("\n");
    assert_eq!(hairyo::config::parse(&missing, Path::new("/x.conf")).unwrap_err().code(), "config.missing_key");
}

#[test]
fn with_a_directory_only_the_break_glass_account_keeps_its_local_password() {
    let d = Directory::start();
    let cfg = d.config(&d.ldaps);
    let mut w = World::new();
    hairyo::staff::set_initial_password(&mut w.store, "admin", "Break-glass-2026!", at("2026-12-01")).unwrap();
    let admin = w.admin.clone();
    hairyo::staff::set_password(&mut w.store, &admin, "kokuho_clerk", "Local-pass-2026!", None, at("2026-12-01")).unwrap();
    let policy = hairyo::session::SessionPolicy { idle: Duration::hours(2), lifetime: Duration::hours(10) };
    let clerk = w.actor("kokuho_clerk");
    let before = hairyo::session::start(&mut w.store, &clerk, &policy, at("2026-12-07")).unwrap();
    // The server records that this database's staff sign in with the directory.
    directory::record_in_use(&mut w.store, &cfg).unwrap();
    // A local account's session from before ends at its next request.
    let presented = hairyo::session::Presented { token: &before.token, csrf: None, csrf_required: false };
    assert_eq!(hairyo::session::resume(&mut w.store, &presented, &policy, Some(&cfg), at("2026-12-07")).unwrap_err().code(), "session.invalid");
    assert_eq!(sign_in(&mut w, &cfg, "kokuho_clerk", "Local-pass-2026!").unwrap_err(), "staff.bad_credentials");
    let local = directory::sign_in(&mut w.store, None, "kokuho_clerk", "Local-pass-2026!", None, at("2026-12-07")).unwrap_err();
    assert_eq!(local.code(), "directory.required", "a door without the directory's settings refuses local passwords");
    let a = sign_in(&mut w, &cfg, "admin", "Break-glass-2026!").expect("break-glass");
    assert_eq!(a.role, Role::Admin);
    directory::sign_in(&mut w.store, None, "admin", "Break-glass-2026!", None, at("2026-12-07")).expect("break-glass at any door");
    let log = hairyo::audit::export_csv(&mut w.store, &w.admin.clone(), at("2026-12-07")).unwrap();
    assert!(String::from_utf8_lossy(&log).contains("break_glass"), "its use is audited");
    // A directory account never gets a local password.
    sign_in(&mut w, &cfg, "tanaka", "Tanaka-pass-1").unwrap();
    assert_eq!(hairyo::staff::set_initial_password(&mut w.store, "tanaka", "Grab-it-2026!", at("2026-12-07")).unwrap_err().code(), "staff.directory_account");
    // Only an administrator stops using the directory; then local passwords work again.
    let clerk = w.actor("kokuho_clerk");
    assert!(directory::stop_using(&mut w.store, &clerk, at("2026-12-07")).is_err());
    directory::stop_using(&mut w.store, &a, at("2026-12-07")).unwrap();
    directory::sign_in(&mut w.store, None, "kokuho_clerk", "Local-pass-2026!", None, at("2026-12-07")).expect("local again");
}

#[test]
fn a_disabled_account_loses_its_sessions_and_a_group_change_takes_effect() {
    let d = Directory::start();
    let cfg = d.config(&d.ldaps);
    let mut w = world_with(&cfg);
    let policy = hairyo::session::SessionPolicy { idle: Duration::hours(2), lifetime: Duration::hours(10) };
    let now = at("2026-12-07");
    let suzuki = sign_in(&mut w, &cfg, "suzuki", "Suzuki-pass-1").unwrap();
    assert_eq!(suzuki.desk, Desk::Kaigo);
    let started = hairyo::session::start(&mut w.store, &suzuki, &policy, now).unwrap();
    let presented = hairyo::session::Presented { token: &started.token, csrf: None, csrf_required: false };
    // Moved to the NHI desk in the directory: within fifteen minutes, the next request acts there.
    d.modify(
        "dn: CN=Suzuki Ichiro,OU=Staff,DC=city,DC=example\nchangetype: modify\nreplace: memberOf\nmemberOf: CN=KokuhoClerks,OU=Groups,DC=city,DC=example\n",
    );
    let before = hairyo::session::resume(&mut w.store, &presented, &policy, Some(&cfg), now + Duration::minutes(5)).unwrap();
    assert_eq!(before.desk, Desk::Kaigo, "asked again only after a quarter of an hour");
    let moved = hairyo::session::resume(&mut w.store, &presented, &policy, Some(&cfg), now + Duration::minutes(16)).unwrap();
    assert_eq!((moved.desk, moved.role), (Desk::Kokuho, Role::Clerk));
    // Disabled in the directory: the session ends at the next check, and so does the account.
    d.modify("dn: CN=Suzuki Ichiro,OU=Staff,DC=city,DC=example\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: 514\n");
    let e = hairyo::session::resume(&mut w.store, &presented, &policy, Some(&cfg), now + Duration::minutes(32)).unwrap_err();
    assert_eq!(e.code(), "session.invalid");
    assert!(!hairyo::session::is_open(&w.store, &started.token, &policy, now + Duration::minutes(33)).unwrap());
    assert_eq!(sign_in(&mut w, &cfg, "suzuki", "Suzuki-pass-1").unwrap_err(), "directory.account_not_usable");
}

#[test]
fn with_the_directory_down_nobody_signs_in() {
    let d = Directory::start();
    let cfg = d.config(&d.ldaps);
    let mut w = world_with(&cfg);
    let tanaka = sign_in(&mut w, &cfg, "tanaka", "Tanaka-pass-1").unwrap();
    let policy = hairyo::session::SessionPolicy { idle: Duration::hours(2), lifetime: Duration::hours(10) };
    let started = hairyo::session::start(&mut w.store, &tanaka, &policy, at("2026-12-07")).unwrap();
    d.halt();
    assert_eq!(sign_in(&mut w, &cfg, "tanaka", "Tanaka-pass-1").unwrap_err(), "directory.unavailable", "no sign-in on a stale answer");
    // A session already open stands on the last answer and is asked about again soon.
    let presented = hairyo::session::Presented { token: &started.token, csrf: None, csrf_required: false };
    let still = hairyo::session::resume(&mut w.store, &presented, &policy, Some(&cfg), at("2026-12-07") + Duration::minutes(20)).unwrap();
    assert_eq!(still.login, "tanaka");
    // Down for longer than two checks' time: the account's sessions end.
    let e = hairyo::session::resume(&mut w.store, &presented, &policy, Some(&cfg), at("2026-12-07") + Duration::minutes(50)).unwrap_err();
    assert_eq!(e.code(), "session.invalid");
}

/// The CLI signs in as the window and the browser do: with the server's hairyo.conf, a
/// directory account; without it, on a database whose staff sign in with the directory, a
/// local password is refused.
#[test]
fn the_cli_signs_in_with_a_directory_account() {
    let d = Directory::start();
    let conf = d.dir.join("hairyo.conf");
    std::fs::write(&conf, d.conf(&d.ldaps)).unwrap();
    let db = d.dir.join("cli.db");
    let hairyo = |args: &[&str], config: bool, password: &str| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_hairyo"));
        c.arg("--db").arg(&db).args(args).env("HAIRYO_PASSWORD", password).env_remove("HAIRYO_AS").env_remove("HAIRYO_CONFIG");
        if config {
            c.arg("--sign-in-config").arg(&conf);
        }
        c.output().expect("run hairyo")
    };
    assert!(hairyo(&["init"], false, "Admin-pass-2026!").status.success());
    // A server with the directory has started on this database.
    let cfg = d.config(&d.ldaps);
    let mut store = hairyo::store::open(&db).unwrap();
    directory::record_in_use(&mut store, &cfg).unwrap();
    drop(store);
    let out = hairyo(&["--as", "CITY\\suzuki", "--json", "person", "list"], true, "Suzuki-pass-1");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let wrong = hairyo(&["--as", "suzuki", "person", "list"], true, "nope");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("[staff.bad_credentials]"));
    // A door without hairyo.conf refuses the local password of anyone but the break-glass
    // account.
    let local = hairyo(&["--as", "suzuki", "person", "list"], false, "Suzuki-pass-1");
    assert!(String::from_utf8_lossy(&local.stderr).contains("[directory.required]"), "{}", String::from_utf8_lossy(&local.stderr));
}
