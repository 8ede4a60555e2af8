//! The window as a client of `hairyo serve` (`HAIRYO_SERVER`): the same commands as on a
//! local database, forwarded over HTTPS to the city's server, which holds the database and runs
//! the core. The session's bearer token stays in this process; the page only speaks IPC. The
//! server's changes come back over its event stream and reach the page as `hairyo-change`.

use std::io::{BufRead, BufReader};
use std::sync::Mutex;
use std::time::Duration;

use hairyo::frame::{AppState, Place};
use hairyo::staff::Actor;
use serde_json::{json, Value};

use crate::error::CmdError;

/// The event the page listens to for another desk's change (`api.onChange`).
pub const CHANGE_EVENT: &str = "hairyo-change";

/// A form field's name from the server's error, as the `&'static str` the core's field errors
/// carry. Field names are a small fixed set (the forms' fields), so each is kept once.
fn field_name(name: &str) -> &'static str {
    static NAMES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let mut names = NAMES.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(known) = names.iter().find(|n| **n == name) {
        return known;
    }
    // A server sends only its forms' names; a flood of new ones would be a broken server.
    if names.len() >= 512 {
        return "field";
    }
    let kept: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.push(kept);
    kept
}

/// A server's address as the window takes it: `https://host[:port]` (a trailing slash is
/// dropped), or `http://` to this PC only; anything else is refused with a Japanese message.
pub fn checked_address(base: &str) -> Result<String, CmdError> {
    hairyo::config::server_address(base).map_err(|e| CmdError::new("remote.invalid", e.to_string()))
}

pub struct Remote {
    /// `https://hairyo.city.lg.jp:8443`, without a trailing slash.
    pub base: String,
    client: reqwest::blocking::Client,
    /// The long-lived client of the event stream (no overall timeout).
    stream_client: reqwest::blocking::Client,
    session: Mutex<Option<(String, Actor)>>,
}

impl Remote {
    /// A client of the server at `base` (checked to be an http(s) URL; plain http only to this
    /// PC). Certificates are checked against the operating system's trust store, where a city
    /// installs its own CA.
    pub fn new(base: &str) -> Result<Remote, CmdError> {
        let base = checked_address(base)?;
        let _ = rustls::crypto::ring::default_provider().install_default();
        let build = |timeout: Option<Duration>| {
            let mut b = reqwest::blocking::Client::builder().connect_timeout(Duration::from_secs(10));
            if let Some(t) = timeout {
                b = b.timeout(t);
            }
            b.build().map_err(|e| CmdError::new("remote.client", format!("接続の準備ができません: {e}")))
        };
        // A facility batch of hundreds of forms takes a while to print on the server.
        let client = build(Some(Duration::from_secs(300)))?;
        let stream_client = build(None)?;
        Ok(Remote { base, client, stream_client, session: Mutex::new(None) })
    }

    fn token(&self) -> Option<String> {
        self.session.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(|(t, _)| t.clone())
    }

    /// POSTs `body` to `path` with the session's token; the answer, or the server's coded
    /// error. A 401 ends the session here too, so the window shows the sign-in screen.
    pub fn post(&self, path: &str, body: &Value) -> Result<Value, CmdError> {
        crate::state::off_runtime(|| self.post_here(path, body))
    }

    fn post_here(&self, path: &str, body: &Value) -> Result<Value, CmdError> {
        let mut request = self.client.post(format!("{}{path}", self.base)).json(body);
        if let Some(token) = self.token() {
            request = request.bearer_auth(token);
        }
        let response = request.send().map_err(|e| CmdError::new("remote.unreachable", format!("サーバー {} に接続できません: {e}", self.base)))?;
        let status = response.status();
        let value: Value = response.json().map_err(|e| CmdError::new("remote.failed", format!("サーバーの応答を読めません (HTTP {status}): {e}")))?;
        if status.is_success() {
            return Ok(value);
        }
        if status.as_u16() == 401 && path != "/api/sign_in" {
            *self.session.lock().unwrap_or_else(|p| p.into_inner()) = None;
        }
        match (value["code"].as_str(), value["message"].as_str()) {
            (Some(code), Some(message)) => {
                let mut e = CmdError::new(code, message);
                e.fields = value["fields"]
                    .as_array()
                    .map(|fields| {
                        fields
                            .iter()
                            .filter_map(|f| {
                                Some(hairyo::validate::FieldError { field: field_name(f["field"].as_str()?), message: f["message"].as_str()?.to_string() })
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                Err(e)
            }
            _ => Err(CmdError::new("remote.failed", format!("サーバーがエラーを返しました (HTTP {status})"))),
        }
    }

    pub fn sign_in(&self, login: &str, password: &str) -> Result<Actor, CmdError> {
        let answer = self.post("/api/sign_in", &json!({"login": login, "password": password}))?;
        let token = answer["token"].as_str().ok_or_else(|| CmdError::new("remote.failed", "サインインの応答にトークンがありません"))?.to_string();
        let actor: Actor =
            serde_json::from_value(answer["actor"].clone()).map_err(|e| CmdError::new("remote.failed", format!("サインインの応答を読めません: {e}")))?;
        *self.session.lock().unwrap_or_else(|p| p.into_inner()) = Some((token, actor.clone()));
        Ok(actor)
    }

    pub fn sign_out(&self) -> Result<(), CmdError> {
        if self.token().is_some() {
            // Signed out here whatever the server answers: the token is forgotten either way.
            let answer = self.post("/api/sign_out", &json!({}));
            *self.session.lock().unwrap_or_else(|p| p.into_inner()) = None;
            answer?;
        }
        Ok(())
    }

    /// The frame's state: the server's, or signed out.
    pub fn app_state(&self, idle_lock_seconds: u64) -> Result<AppState, CmdError> {
        let place = Place { db_path: self.base.clone(), idle_lock_seconds, needs_admin_password: false };
        if self.token().is_none() {
            return Ok(hairyo::frame::signed_out(place));
        }
        match self.post("/api/app_state", &json!({})) {
            Ok(state) => {
                let state: AppState = serde_json::from_value(state).map_err(|e| CmdError::new("remote.failed", format!("サーバーの応答を読めません: {e}")))?;
                if state.actor.is_none() {
                    // The server no longer knows this session (it expired or the server restarted).
                    *self.session.lock().unwrap_or_else(|p| p.into_inner()) = None;
                }
                Ok(AppState { db_path: place.db_path, idle_lock_seconds, ..state })
            }
            Err(e) if e.code.starts_with("session.") => self.app_state(idle_lock_seconds),
            Err(e) => Err(e),
        }
    }

    /// Follows the server's event stream while this session lasts, calling `changed` for each
    /// change, each resync and each reconnection (whatever happened meanwhile was missed).
    pub fn follow_events(self: &std::sync::Arc<Self>, changed: impl Fn() + Send + 'static) {
        let Some(token) = self.token() else { return };
        let this = self.clone();
        std::thread::spawn(move || {
            let this = &this;
            let mut first = true;
            while this.token().as_deref() == Some(token.as_str()) {
                let response = this.stream_client.get(format!("{}/api/events", this.base)).bearer_auth(&token).send();
                if let Ok(response) = response.and_then(|r| r.error_for_status()) {
                    if !first {
                        changed();
                    }
                    first = false;
                    for line in BufReader::new(response).lines() {
                        let Ok(line) = line else { break };
                        if this.token().as_deref() != Some(token.as_str()) {
                            return;
                        }
                        if line.starts_with("event: change")
                            || line.starts_with("event: resync")
                            || line.starts_with("event:change")
                            || line.starts_with("event:resync")
                        {
                            changed();
                        }
                    }
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_address_is_https_or_this_pc() {
        for ok in ["https://hairyo.city.lg.jp:8443", "https://hairyo.city.lg.jp/", "http://127.0.0.1:8443", "http://localhost:9000"] {
            assert!(Remote::new(ok).is_ok(), "{ok}");
        }
        for bad in
            ["http://hairyo.city.lg.jp:8443", "hairyo.city.lg.jp", "https://", "https://a b", "https://host/path", "ftp://host", "http://localhost.example.jp"]
        {
            assert_eq!(Remote::new(bad).err().map(|e| e.code), Some("remote.invalid".to_string()), "{bad}");
        }
    }
}
