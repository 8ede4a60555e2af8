//! Hairyo desktop: the Tauri window over the `hairyo` core. Nothing here decides anything; see
//! `commands.rs` for the adapters and the core crate for the rules.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[cfg(test)]
mod bindings;
mod commands;
mod error;
mod screen_commands;
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
            commands::home,
            commands::search_persons,
            commands::list_persons,
            commands::show_person,
            commands::codes,
            commands::add_touchpoint,
            commands::send_referral,
            commands::referral_action,
            commands::referral_queue,
            commands::receive_application,
            commands::check_document,
            commands::application_step,
            commands::print,
            commands::list_facilities,
            commands::add_person,
            commands::update_person,
            commands::set_city,
            commands::import_persons,
            commands::import_profiles,
            commands::save_import_profile,
            commands::desk_contacts,
            commands::set_desk_contact,
            screen_commands::screen_codes,
            screen_commands::set_facility_campaign,
            screen_commands::list_staff,
            screen_commands::add_staff,
            screen_commands::set_staff_password,
            screen_commands::certificate_validity,
            screen_commands::set_certificate_validity,
            screen_commands::policy_rules,
            screen_commands::set_policy_rule,
            screen_commands::remove_policy_rule,
            screen_commands::leaflet_statements,
            screen_commands::set_leaflet_statement,
            screen_commands::export_csv,
            screen_commands::export_forwarding_register,
            screen_commands::import_union_results,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Hairyo を起動できませんでした: {e}");
        std::process::exit(1);
    }
}
