//! The layers, checked where Cargo cannot: only the store package (`crates/store`) names the
//! engines, the core's modules import each other without cycles, and every public operation on
//! the store takes the acting staff member. These are ARCHITECTURE.md's invariants; a change
//! that breaks one fails here. (Which package may depend on which, Cargo itself enforces: the
//! model and the store under the core (`crates/core`), the server (`crates/server`), this CLI
//! (`src/`) and the desktop shell (`src-tauri`) over it.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The domain core's source: the package `hairyo-core`, imported as `hairyo`.
fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(CORE)
}

const CORE: &str = "crates/core/src";

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every source file with the top-level module it belongs to (`src/print/layout.rs` → print).
fn modules() -> Vec<(String, PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let rel = path.strip_prefix(src()).ok()?.to_path_buf();
            let first = rel.components().next()?.as_os_str().to_string_lossy().to_string();
            let module = first.trim_end_matches(".rs").to_string();
            let text = std::fs::read_to_string(&path).ok()?;
            Some((module, rel, text))
        })
        .collect()
}

/// The source files of the other library packages (the model, the store and the directory),
/// each with its path from the workspace's root.
fn package_files() -> Vec<(PathBuf, String)> {
    files_of(&["crates/model/src", "crates/store/src", "crates/directory/src"])
}

/// The shells' source files over the core: the CLI (`src/`) and the server (`crates/server`).
fn shell_files() -> Vec<(PathBuf, String)> {
    files_of(&["src", "crates/server/src"])
}

fn files_of(packages: &[&str]) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for package in packages {
        rust_files(&root.join(package), &mut files);
    }
    files.sort();
    files.into_iter().filter_map(|path| Some((path.strip_prefix(root).ok()?.to_path_buf(), std::fs::read_to_string(&path).ok()?))).collect()
}

/// Only the store package depends on an engine's crate, as a normal or a dev-dependency (Cargo
/// then refuses `rusqlite::` or `postgres::` anywhere else, tests included: they reach a
/// database beside the domain through `store::raw`), and no other package's source names one.
#[test]
fn only_the_store_knows_the_engine() {
    const ENGINES: &[&str] = &["rusqlite", "rusqlite_migration", "postgres", "tokio-postgres-rustls"];
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for manifest in [
        "Cargo.toml",
        "crates/model/Cargo.toml",
        "crates/core/Cargo.toml",
        "crates/server/Cargo.toml",
        "crates/directory/Cargo.toml",
        "src-tauri/Cargo.toml",
        "tests/e2e/Cargo.toml",
    ] {
        let text = std::fs::read_to_string(root.join(manifest)).expect("manifest");
        for line in text.lines() {
            let name = line.split(['=', ' ']).next().unwrap_or("");
            assert!(!ENGINES.contains(&name), "{manifest} depends on {name}: only crates/store may");
        }
    }
    let store = std::fs::read_to_string(root.join("crates/store/Cargo.toml")).expect("the store's manifest");
    assert!(store.contains("\nrusqlite = ") && store.contains("\npostgres = "), "the store package is where the engines are");
    let mut leaks = Vec::new();
    let core = modules().into_iter().map(|(_, rel, text)| (Path::new(CORE).join(rel), text));
    let model = package_files().into_iter().filter(|(rel, _)| rel.starts_with("crates/model"));
    for (rel, text) in core.chain(model).chain(shell_files()) {
        for (n, line) in text.lines().enumerate() {
            if line.contains("rusqlite") || line.contains("postgres::") {
                leaks.push(format!("{}:{}: {}", rel.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(leaks.is_empty(), "an engine is named outside crates/store/:\n{}", leaks.join("\n"));
}

/// The library never depends on a shell's framework: axum, tokio and rustls serve HTTP from the
/// server's package (`crates/server`), Tauri is the window's; the core stays callable from
/// tests, the CLI and the server alike. Its manifest does not name them (so Cargo refuses an
/// import), and neither does the source of a package under it.
#[test]
fn the_library_never_imports_a_shell_framework() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for manifest in ["crates/core/Cargo.toml", "crates/model/Cargo.toml", "crates/store/Cargo.toml"] {
        let text = std::fs::read_to_string(root.join(manifest)).expect("manifest");
        for line in text.lines() {
            let name = line.split(['=', ' ']).next().unwrap_or("");
            assert!(
                !["axum", "axum-server", "tokio", "tauri", "hyper-util", "hairyo-server"].contains(&name),
                "{manifest} depends on {name}, a shell's framework"
            );
        }
    }
    let mut leaks = Vec::new();
    let core = modules().into_iter().map(|(_, rel, text)| (Path::new(CORE).join(rel), text));
    for (rel, text) in core.chain(package_files()) {
        // The store's TLS to PostgreSQL and the directory's to LDAP are the engines', not a
        // shell's: rustls there only.
        let engine_tls = rel == Path::new("crates/store/src/pg_tls.rs") || rel.starts_with("crates/directory/src");
        for (n, line) in text.lines().enumerate() {
            if engine_tls && !line.contains("axum") && !line.contains("tauri::") {
                continue;
            }
            if ["axum", "tokio", "rustls", "tauri::"].iter().any(|w| line.contains(&format!("use {w}")) || line.contains(&format!("{w}::"))) {
                leaks.push(format!("{}:{}: {}", rel.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(leaks.is_empty(), "a shell's framework is used in the library:\n{}", leaks.join("\n"));
}

/// The top-level modules a file refers to through `crate::…` (paths and `use crate::{…}`).
fn referenced(text: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name: String = part.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if known.contains(&name) {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if known.contains(&name) {
                out.insert(name);
            }
        }
    }
    out
}

#[test]
fn the_modules_import_each_other_without_cycles() {
    let files = modules();
    // The crate root declares every module and holds `Page`; it is not a layer.
    let known: BTreeSet<String> = files.iter().map(|(m, _, _)| m.clone()).filter(|m| m != "lib").collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, _, text) in &files {
        if !known.contains(module) {
            continue;
        }
        let e = edges.entry(module.clone()).or_default();
        for to in referenced(text, &known) {
            if &to != module {
                e.insert(to);
            }
        }
    }
    // Depth-first search for a cycle; report each one found as a path.
    fn visit(n: &str, edges: &BTreeMap<String, BTreeSet<String>>, stack: &mut Vec<String>, done: &mut BTreeSet<String>, cycles: &mut Vec<String>) {
        if let Some(at) = stack.iter().position(|s| s == n) {
            let mut c = stack[at..].to_vec();
            c.push(n.to_string());
            cycles.push(c.join(" → "));
            return;
        }
        if done.contains(n) {
            return;
        }
        stack.push(n.to_string());
        for to in edges.get(n).into_iter().flatten() {
            visit(to, edges, stack, done, cycles);
        }
        stack.pop();
        done.insert(n.to_string());
    }
    let mut cycles = Vec::new();
    let mut done = BTreeSet::new();
    for n in edges.keys() {
        visit(n, &edges, &mut Vec::new(), &mut done, &mut cycles);
    }
    assert!(cycles.is_empty(), "the core's modules import each other in a loop:\n{}", cycles.join("\n"));
    // The model and the store import no domain module: they are packages below this one, which
    // Cargo keeps from depending on it.
}

/// Public operations that need no signed-in staff member, each with the reason.
const WITHOUT_ACTOR: &[(&str, &str)] = &[
    ("staff::init", "creates the first administrator of a new database"),
    ("staff::sign_in", "is how a staff member becomes the actor"),
    ("staff::sign_in_from", "is how a staff member becomes the actor, from a client address"),
    ("staff::set_initial_password", "sets the first password of an account nobody can sign in to yet"),
    ("staff::actor", "resolves a signed-in login (the CLI after its own sign-in, tests)"),
    ("session::resume", "turns a request's session token into the actor"),
    ("session::is_open", "asks whether a session token still stands for an actor"),
    ("settings::public_city", "the city's name, printed on every handout, shown before sign-in"),
    ("directory::record_in_use", "the server records at its start, before anyone signs in, that its staff sign in with the directory"),
    ("tenant::add", "the operator's command over the schema owner's connection: it makes the municipality and its first administrator"),
    ("tenant::list", "the operator's command over the schema owner's connection: the municipalities, no data of theirs"),
    ("tenant::move_in", "the operator's command over both owners' connections: a city's database moved in whole"),
    ("tenant::export", "the operator's command over both owners' connections: one municipality copied out whole"),
];

#[test]
fn every_public_operation_on_the_store_takes_the_actor() {
    let (mut missing, mut not_entering) = (Vec::new(), Vec::new());
    for (module, rel, text) in modules() {
        if module == "store" || module == "model" {
            continue;
        }
        let name_of = |sig: &str| sig.trim_start_matches("pub fn ").split(['(', '<']).next().unwrap_or("").to_string();
        // A signature may span lines: read from `pub fn` to the opening brace.
        let mut rest = text.as_str();
        while let Some(i) = rest.find("\npub fn ") {
            rest = &rest[i + 1..];
            let end = rest.find('{').unwrap_or(rest.len());
            let sig = &rest[..end];
            let touches_store = sig.contains("&Store") || sig.contains("&mut Store") || sig.contains("store::Store");
            let op = format!("{module}::{}", name_of(sig));
            if touches_store && !sig.contains("Actor") && !WITHOUT_ACTOR.iter().any(|(n, _)| *n == op) {
                missing.push(format!("{op} ({CORE}/{})", rel.display()));
            }
            // With an actor, the operation first makes the store act for the actor's
            // municipality (row security then holds it there on PostgreSQL): a store opened
            // elsewhere, or handed on by a caller, never shows it another municipality's rows.
            let body = &rest[end..];
            let first = body.get(..body.find('\n').map(|i| i + 1).unwrap_or(0)).unwrap_or("");
            let first_statement = body[first.len()..].lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("//")).unwrap_or("");
            let enters = first_statement.ends_with(".enter(actor.municipality)?;");
            if touches_store && sig.contains("actor: &") && !enters {
                not_entering.push(format!("{op} ({CORE}/{})", rel.display()));
            }
            rest = &rest[end..];
        }
    }
    assert!(missing.is_empty(), "public operations on the store without an actor:\n{}", missing.join("\n"));
    assert!(
        not_entering.is_empty(),
        "public operations whose first statement does not make the store act for the actor's municipality (`store.enter(actor.municipality)?;`):\n{}",
        not_entering.join("\n")
    );
}

/// Every type the core reads from a client refuses a field it does not know, at any depth (a
/// misspelt `leaflet` for `leaflets` once stored a touchpoint without its leaflet). Enumerated
/// from the source, so a type added later is covered: a struct that derives `Deserialize`
/// carries `deny_unknown_fields`, or is one of the few below that only read what Hairyo itself
/// wrote, with the reason.
#[test]
fn every_input_type_refuses_unknown_fields() {
    const READ_BACK_ONLY: &[(&str, &str)] = &[
        ("StatementSetting", "a leaflet statement's stored setting, written by this code"),
        ("RenewalSchedule", "the stored schedule; clients send ScheduleInput"),
        ("Page", "built by the catalogue from offset and limit, never sent whole"),
        ("AppState", "the server's answer, read by the window in front of it"),
        ("EraStart", "part of AppState"),
        ("Actor", "the server's answer to sign-in, read by the window in front of it"),
        ("SchemaChange", "part of the server's answer, read by the window in front of it"),
        ("CertificateValidity", "a stored setting; clients send ValidityInput"),
        ("Rule", "the shipped rules file and stored rules; clients send RuleInput"),
        ("InUse", "the stored record that a directory is in use, written by this code"),
    ];
    let mut open = Vec::new();
    let mut seen = BTreeSet::new();
    let core = modules().into_iter().map(|(_, rel, text)| (Path::new(CORE).join(rel), text));
    for (rel, text) in core.chain(package_files()).chain(shell_files()) {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !(line.contains("derive(") && line.contains("Deserialize")) {
                continue;
            }
            let mut attrs = String::new();
            let mut j = i + 1;
            while j < lines.len() && (lines[j].trim_start().starts_with("#[") || lines[j].trim_start().starts_with("///")) {
                attrs.push_str(lines[j]);
                j += 1;
            }
            let Some(decl) = lines.get(j) else { continue };
            let Some(name) = decl.split("struct ").nth(1).map(|r| r.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap_or("")) else {
                continue;
            };
            seen.insert(name.to_string());
            if !attrs.contains("deny_unknown_fields") && !READ_BACK_ONLY.iter().any(|(n, _)| *n == name) {
                open.push(format!("{}:{}: {name}", rel.display(), j + 1));
            }
        }
    }
    assert!(open.is_empty(), "input types that drop unknown fields:\n{}", open.join("\n"));
    for (name, _) in READ_BACK_ONLY {
        assert!(seen.contains(*name), "{name} is listed as read back only but no longer exists");
    }
    assert!(seen.contains("TouchpointInput") && seen.contains("PersonPatch"), "the scan found the input types: {seen:?}");
}

/// The operations exist in one list, the core's catalogue (`operation::catalogue!`): the
/// TypeScript client's list and docs/api.md's table are made from it, and this fails when
/// either checked-in copy is stale (`UPDATE_BINDINGS=1 cargo test --test it layers` writes
/// them anew). The server's own routes are not operations and are listed apart.
#[test]
fn the_operation_catalogue_is_the_one_list() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("UPDATE_BINDINGS").is_some();
    let ts_path = root.join("ui/src/lib/operations.ts");
    let ts = hairyo::operation::typescript_list();
    if update {
        std::fs::write(&ts_path, &ts).expect("write operations.ts");
    }
    assert!(
        std::fs::read_to_string(&ts_path).unwrap_or_default() == ts,
        "ui/src/lib/operations.ts is stale: run `UPDATE_BINDINGS=1 cargo test --test it layers` and commit it"
    );
    let api_path = root.join("docs/api.md");
    let api = std::fs::read_to_string(&api_path).expect("docs/api.md");
    let start = api.find("| name | arguments | answer |").expect("docs/api.md has the operations table");
    let end = api[start..].find("\n\n").map_or(api.len(), |n| start + n + 1);
    let table = hairyo::operation::api_table();
    if update && api[start..end] != table {
        std::fs::write(&api_path, format!("{}{}{}", &api[..start], table, &api[end..])).expect("write docs/api.md");
    }
    let api = std::fs::read_to_string(&api_path).expect("docs/api.md");
    assert!(api[start..].starts_with(&table), "docs/api.md's table of operations is stale: run `UPDATE_BINDINGS=1 cargo test --test it layers` and commit it");
    // Every name parses as itself, and the window's client asks only for listed names.
    for name in hairyo::operation::NAMES {
        let parsed = hairyo::operation::Operation::parse(name, serde_json::Value::Null);
        if let Ok(op) = parsed {
            assert_eq!(op.name(), *name);
        }
    }
    let client = std::fs::read_to_string(root.join("ui/src/lib/api.ts")).expect("api.ts");
    assert!(client.contains("name: OperationName"), "api.ts's `op` takes only a catalogue name");
}

/// Each function of the CLI shell from its `fn` line to its closing brace, inclusive, with where
/// it starts: rustfmt'd code closes a function starting at indentation N on the next line that
/// is exactly N spaces and `}` (a function on one line is one line long; a declaration without
/// a body is not a function here).
fn function_lengths(path: &Path, text: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let code = line.trim_start();
        let mut words = code.split_whitespace().skip_while(|w| w.starts_with("pub") || ["const", "async", "unsafe", "extern"].contains(w));
        if words.next() != Some("fn") {
            continue;
        }
        let indent = line.len() - code.len();
        let where_ = format!("{}:{} {}", path.display(), i + 1, code.trim_end_matches(['{', ' ']));
        if code.ends_with('}') || code.ends_with(';') {
            if code.ends_with('}') {
                out.push((1, where_));
            }
            continue;
        }
        let close = format!("{}}}", " ".repeat(indent));
        let end = lines[i + 1..].iter().position(|l| *l == close).unwrap_or_else(|| panic!("{where_}: no closing brace at its indentation"));
        out.push((end + 2, where_));
    }
    out
}

/// The CLI shell is thin (ARCHITECTURE.md: clap → core → print): one short function per
/// subcommand that calls the core and hands the answer to a render function, and no function
/// long enough to hide a rule. The load test (`loadtest.rs`) is a program of its own and is
/// measured apart; the HTTP server is a package of its own (`crates/server`).
#[test]
fn the_cli_shell_is_small_functions() {
    const LONGEST: usize = 40;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut lengths = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("src")).expect("src").map(|e| e.expect("dir entry").path()).collect();
    files.sort();
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "rs")) {
        if path.ends_with("loadtest.rs") {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("read a CLI file");
        lengths.extend(function_lengths(path.strip_prefix(root).unwrap_or(path), &text));
    }
    assert!(lengths.len() > 20, "the CLI's functions were found: {lengths:?}");
    lengths.sort();
    let (longest, which) = lengths.last().expect("functions").clone();
    let n = lengths.len();
    let median = if n % 2 == 1 { lengths[n / 2].0 as f64 } else { (lengths[n / 2 - 1].0 + lengths[n / 2].0) as f64 / 2.0 };
    assert!(longest <= LONGEST, "a CLI function is {longest} lines long (at most {LONGEST}): {which}");
    assert!(median < 10.0, "the CLI's functions are {median} lines long at the median (under 10 wanted); the longest is {longest} lines: {which}");
}

/// The integration tests' modules that open only SQLite files (through the binary or the store),
/// so the same in either pass of the test command: its PostgreSQL pass skips them, except
/// their `on_postgres` module. The second pass is then spent only on what it tests.
const FILE_ONLY_MODULES: &[&str] = &["cli", "durability"];

/// A file-only module reaches PostgreSQL only inside its `on_postgres` module (so the
/// PostgreSQL pass, which runs only that of it, misses no test that needs the server), and
/// scripts/test-all.sh skips exactly these modules in that pass and runs their `on_postgres`.
#[test]
fn file_only_modules_reach_postgresql_only_in_on_postgres() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it");
    for module in FILE_ONLY_MODULES {
        let text = std::fs::read_to_string(dir.join(format!("{module}.rs"))).expect("read the module");
        let before = text.split("\nmod on_postgres {").next().unwrap_or(&text);
        for reaches in ["pg_server", "HAIRYO_TEST_PG", "fresh_pg", "fresh_store", "World::", "pg::open", "postgres://"] {
            assert!(!before.contains(reaches), "tests/it/{module}.rs names {reaches} outside its on_postgres module: the PostgreSQL pass would skip that test");
        }
    }
    let script = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/test-all.sh")).expect("read the test command");
    let skipped: BTreeSet<&str> = script.split_whitespace().filter_map(|w| w.strip_prefix("--skip=")).filter_map(|m| m.strip_suffix("::")).collect();
    assert_eq!(skipped, FILE_ONLY_MODULES.iter().copied().collect::<BTreeSet<_>>(), "the modules test-all.sh skips on PostgreSQL");
    assert!(script.contains("on_postgres::"), "test-all.sh runs the file-only modules' on_postgres tests on PostgreSQL");
}

/// Core functions the CLI calls beside the catalogue although the catalogue runs them too,
/// each with why its subcommand cannot be the catalogue's operation as it is.
const BESIDE_THE_CATALOGUE: &[(&str, &str)] = &[
    ("audit::export_csv", "writes the audit CSV to a file; the catalogue answers it as base64 in JSON"),
    ("certificate_feed::import", "reads the file from disk; the catalogue takes it as base64 in JSON"),
    ("feed::import_feed", "reads the file from disk; the catalogue takes it as base64 in JSON"),
    ("import::import_persons", "reads the file from disk and reports progress; the catalogue takes it as base64 in JSON"),
    ("kouki::import_union_results", "reads the file from disk; the catalogue takes it as base64 in JSON"),
    ("export::export", "writes the CSV to a file; the catalogue answers it as base64 in JSON"),
    ("export::export_with_profile", "writes the CSV to a file; the catalogue answers it as base64 in JSON"),
    ("kouki::forwarding_register_csv", "writes the CSV to a file; the catalogue answers it as base64 in JSON"),
    ("mailing::addresses_csv", "writes the CSV to a file; the catalogue answers it as base64 in JSON"),
    ("export::save_profile", "answers the profile saved; the catalogue's operation answers every profile"),
    ("import::save_profile", "answers the profile saved; the catalogue's operation answers every profile"),
    ("leaflet::set_statement", "answers the statement set; the catalogue's operation answers every statement"),
    ("policy::set_rule", "answers the rule set; the catalogue's operation answers every rule"),
    ("policy::remove_rule", "answers the rule removed; the catalogue's operation answers every rule"),
    ("settings::set_certificate_validity", "answers the scheme set; the catalogue's operation answers every scheme"),
    ("home::summary", "`hairyo home` also says how long the counts took to make (a measurement)"),
    ("leaflet::check_all_statements", "`--on` checks the statements on another day; the catalogue's operation checks today"),
    ("person::list", "filters by facility and scheme as well; the catalogue's operation takes a query only"),
    ("reminder::due", "`--days` sets the window; the catalogue's operation uses the default one"),
    ("settings::public_city", "`settings show` prints every setting in one document"),
    ("settings::desk_contacts", "`settings show` prints every setting in one document"),
    ("settings::certificate_validity", "`settings show` prints every setting in one document"),
    ("staff::set_password", "asks for the new password at the terminal and answers the login it set"),
];

/// The CLI dispatches through the core's catalogue (`Invocation::call` → `operation::answer`,
/// rendered by `render::text`), as the server and the window do: a core function the
/// catalogue runs is called from the CLI directly only where the list above says why.
/// Enumerated from the catalogue's source, so an operation added later is covered.
#[test]
fn the_cli_dispatches_through_the_catalogue() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let catalogue = std::fs::read_to_string(root.join(CORE).join("operation.rs")).expect("operation.rs");
    // `crate::referral::send(store, …)`: what the catalogue runs.
    let mut run = BTreeSet::new();
    let mut rest = catalogue.as_str();
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let path: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
        if rest[path.len()..].starts_with("(store") && path.matches("::").count() == 1 {
            run.insert(path);
        }
    }
    assert!(run.contains("referral::send") && run.len() > 60, "the catalogue's calls were found: {run:?}");
    let mut direct = Vec::new();
    for (rel, text) in shell_files().into_iter().filter(|(rel, _)| rel.starts_with("src")) {
        for (n, line) in text.lines().enumerate() {
            for called in &run {
                let call = format!("{called}(&");
                let at = line.find(&call).filter(|&i| i == 0 || !line[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_'));
                if at.is_some() && !BESIDE_THE_CATALOGUE.iter().any(|(f, _)| f == called) {
                    direct.push(format!("{}:{}: {}", rel.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(direct.is_empty(), "the CLI calls what the catalogue runs without going through it (`inv.call(Operation::…)`):\n{}", direct.join("\n"));
    for (f, _) in BESIDE_THE_CATALOGUE {
        assert!(run.contains(*f), "{f} is listed as called beside the catalogue, but the catalogue no longer runs it");
    }
}

/// Every screen that takes a step through the core does it through the one busy state
/// (`ui/src/lib/busy.svelte.ts`: buttons disabled while a step runs, a second press ignored,
/// the refusal handed to the screen) rather than a busy flag and try/finally of its own; the
/// record screen's step forms are the one `StepForm`. Enumerated from the screens, so one
/// added later is held to it.
#[test]
fn the_screens_share_one_busy_state_and_step_form() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/screens");
    let mut own = Vec::new();
    let mut sharing = 0;
    for entry in std::fs::read_dir(&dir).expect("ui/src/screens") {
        let path = entry.expect("dir entry").path();
        if path.extension().is_none_or(|e| e != "svelte") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read a screen");
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        for own_flag in ["let busy = $state(false)", "busy = true;", "busy = false;", "<form class=\"inline-form\""] {
            if text.contains(own_flag) {
                own.push(format!("{name}: {own_flag}"));
            }
        }
        sharing += usize::from(text.contains("new Busy()"));
    }
    assert!(own.is_empty(), "screens keep a busy state or step form of their own:\n{}", own.join("\n"));
    assert!(sharing >= 20, "the screens that take steps use the shared Busy ({sharing} found)");
    let record = std::fs::read_to_string(dir.join("RecordActions.svelte")).expect("RecordActions.svelte");
    assert!(record.matches("<StepForm ").count() >= 8, "the record screen's step forms are StepForm");
}
