//! One run of a command: the time it runs at, the database it opens and the staff member it
//! signs in. The CLI signs in as the window does, so it follows the same rules and is no way
//! around them.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use hairyo::operation::Operation;
use hairyo::staff::{self, Actor};
use hairyo::store::{self, Store};
use hairyo::Page;

use crate::{output, Cli, ErrorBody, Result};

/// The parsed command line and the time the command runs at, handed to every subcommand.
pub struct Invocation<'a> {
    pub cli: &'a Cli,
    pub now: NaiveDateTime,
}

impl<'a> Invocation<'a> {
    /// Reads `--now` before anything else, so every command refuses a bad one before it opens
    /// the database.
    pub fn new(cli: &'a Cli) -> Result<Invocation<'a>> {
        Ok(Invocation { cli, now: now(cli)? })
    }

    pub fn today(&self) -> NaiveDate {
        self.now.date()
    }

    /// Prints `value` as JSON with `--json`, else the text `human` makes of it.
    pub fn emit<T: Serialize>(&self, value: &T, human: impl FnOnce(&T) -> String) -> Result {
        output::emit(self.cli.json, value, human)
    }

    /// Signs in and runs `operation` through the core's catalogue, as the server and the window
    /// do; prints its answer as `--json` or as text (`render::text`).
    pub fn call(&self, operation: Operation) -> Result {
        let (mut store, actor) = self.sign_in()?;
        let answer = hairyo::operation::answer(&mut store, &actor, operation, self.now)?;
        output::answer(self.cli.json, &answer)
    }

    /// Where `--db` (or `HAIRYO_DB`) says the database is: a file or a PostgreSQL server.
    pub fn location(&self) -> store::Location {
        match self.cli.db.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => store::Location::parse(s),
            None => store::Location::File(store::default_db_path()),
        }
    }

    /// The database file, for what only a file has (automatic backups next to it).
    pub fn db_file(&self, what: &str) -> Result<std::path::PathBuf> {
        match self.location() {
            store::Location::File(p) => Ok(p),
            store::Location::Server(_) => Err(ErrorBody::new(
                "cli.server_database",
                format!("{what}はデータベースファイルにだけ使えます。サーバーのデータベースは `hairyo backup ファイル名` でバックアップしてください"),
            )),
        }
    }

    pub fn open(&self) -> Result<Store> {
        let store = store::open_location(&self.location())?;
        say_upgrade(&store);
        Ok(store)
    }

    /// Opens the store and signs the acting staff member in (`--as`, else the administrator).
    pub fn sign_in(&self) -> Result<(Store, Actor)> {
        let mut store = self.open()?;
        if !store.is_initialised()? {
            return Err(store::StoreError::NotInitialised.into());
        }
        let login = self.cli.as_login.as_deref().unwrap_or(staff::ADMIN_LOGIN);
        // With the server's hairyo.conf, its directory signs the staff member in, as at the
        // window and in a browser.
        let directory = match &self.cli.sign_in_config {
            Some(path) => hairyo::config::load(path)?.directory,
            None => None,
        };
        let pw = password(&format!("{login} のパスワード: "))?;
        let actor = hairyo::directory::sign_in(&mut store, directory.as_ref(), login, &pw, None, self.now)?;
        Ok((store, actor))
    }
}

/// `--now`, or the clock.
fn now(cli: &Cli) -> Result<NaiveDateTime> {
    match cli.now.as_deref() {
        None => Ok(chrono::Local::now().naive_local()),
        Some(s) => NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
            .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d").map(|d| d.and_hms_opt(9, 0, 0).unwrap_or_default()))
            .map_err(|_| ErrorBody::new("cli.bad_now", format!("--now は YYYY-MM-DD または YYYY-MM-DDTHH:MM:SS で指定してください (指定: {s})"))),
    }
}

/// Says on stderr (so that `--json` output stays one document) that opening the database
/// upgraded its schema, and where the copy from before is.
fn say_upgrade(store: &Store) {
    if let Some(upgrade) = store.upgrade() {
        eprintln!("{upgrade}");
    }
}

/// The password of the acting staff member: `HAIRYO_PASSWORD`, or asked for on the terminal.
pub fn password(prompt: &str) -> Result<String> {
    if let Ok(pw) = std::env::var("HAIRYO_PASSWORD") {
        return Ok(pw);
    }
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(prompt).map_err(|e| ErrorBody::new("cli.password", format!("パスワードを読み取れません: {e}")));
    }
    Err(ErrorBody::new("cli.password", "パスワードが必要です。端末から実行するか、環境変数 HAIRYO_PASSWORD で指定してください"))
}

/// `--offset` and `--limit` as a page, within what a page may hold.
pub fn page(offset: i64, limit: i64) -> Result<Page> {
    if !(1..=Page::MAX_LIMIT).contains(&limit) {
        return Err(ErrorBody::new("cli.bad_limit", format!("--limit は1から{}までで指定してください (指定: {limit})", Page::MAX_LIMIT)));
    }
    if offset < 0 {
        return Err(ErrorBody::new("cli.bad_offset", "--offset は0以上で指定してください"));
    }
    Ok(Page::new(offset, limit))
}
