//! Hairyo desktop: the Tauri window over the `hairyo` core. Nothing here decides anything; see
//! `commands.rs` for the adapters and the core crate for the rules.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[cfg(test)]
mod bindings;
mod commands;
mod error;
mod remote;
mod state;

fn main() {
    let shell = state::Shell::start();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .manage(shell)
        .invoke_handler(tauri::generate_handler![
            commands::app_state,
            commands::sign_in,
            commands::sign_out,
            commands::set_initial_password,
            commands::load_demo,
            commands::print,
            commands::import_persons,
            commands::operation,
            commands::connection,
            commands::set_connection,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Hairyo を起動できませんでした: {e}");
        std::process::exit(1);
    }
}
