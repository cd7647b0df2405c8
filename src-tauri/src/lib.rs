//! The desktop shell: builds the Tauri app and registers the commands.

mod chooser;
mod commands;
mod session;

use tauri_specta::{collect_commands, Builder};

/// The command set, shared by the running app and the bindings export.
pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .disable_serde_phases()
        .dangerously_cast_bigints_to_number()
        .commands(collect_commands![
            commands::app_info,
            commands::window_ready,
            commands::session_info,
            commands::first_run,
            commands::sign_in,
            commands::sign_out,
            commands::set_idle_lock,
            commands::quote,
            commands::capital_amount,
            commands::written_amount,
            commands::organisations,
            commands::case_list,
            commands::case_show,
            commands::loss_ratios,
            commands::dashboard,
            commands::print_document,
            commands::print_preview,
            commands::choose_batch_folder,
            commands::print_batch,
            commands::cancel_print_batch,
            commands::export_cases,
            commands::flagged_borrowers,
            commands::export_flagged,
            commands::settings_view,
            commands::set_city,
            commands::set_reference_rate,
            commands::remove_reference_rate,
            commands::add_organisation,
            commands::pools,
            commands::set_pool,
            commands::agreements,
            commands::add_agreement,
            commands::record_compensation,
            commands::quarter_report,
            commands::quarter_trend,
            commands::close_quarter,
            commands::reopen_quarter,
            commands::export_quarter,
            commands::subsidy_list,
            commands::record_subsidy_payment,
            commands::export_subsidies,
            commands::credit_preview,
            commands::credit_report,
            commands::sync_identity,
            commands::sync_status,
            commands::sync_push,
            commands::attachments,
            commands::attach_file,
            commands::attachment_thumbnail,
            commands::attachment_content,
            commands::save_attachment,
            commands::site_visit,
            commands::record_site_visit,
            commands::peers,
            commands::add_peer,
            commands::enrol_field,
            commands::bundle_unsent,
            commands::bundle_export,
            commands::bundle_preview,
            commands::bundle_apply,
            commands::bundle_conflicts,
            commands::resolve_conflict,
            commands::bundle_backlog,
            commands::set_hub,
            commands::users,
            commands::add_user,
            commands::remove_user,
            commands::reset_user,
            commands::change_password,
            commands::audit_verify,
            commands::backup,
            commands::choose_restore_file,
            commands::restore,
            commands::case_intake,
            commands::case_investigate,
            commands::case_review,
            commands::case_exception,
            commands::case_decide,
            commands::case_sign,
            commands::case_premium,
            commands::case_disburse,
            commands::case_repay,
            commands::case_prepay,
            commands::case_pay_off,
            commands::case_payoff_quote,
            commands::case_claim,
            commands::case_pay_claim,
            commands::case_claim_payment_preview,
            commands::case_refuse_claim,
            commands::case_accident_claim,
            commands::case_recover,
            commands::case_close,
            commands::case_withdraw,
        ])
}

/// Where the generated TypeScript bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/api/bindings.ts";

pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder()
        .export(
            specta_typescript::Typescript::default()
                .header("// Generated from the Rust commands by tauri-specta. Do not edit.\n// Regenerate: UPDATE_BINDINGS=1 cargo test -p surety-desk --test bindings\n"),
            path,
        )
        .map_err(|e| e.to_string())
}

/// Sends the outbox to the provincial hub while someone is signed in: each envelope when
/// it is due (backoff after failures), never holding the database while the hub answers.
/// Offline, nothing else notices.
async fn deliver_envelopes(handle: tauri::AppHandle) {
    use tauri::Manager;
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(20)).await;
        let round = handle
            .state::<session::Session>()
            .in_background(|d| d.sync_round(false));
        let Some(Some(round)) = round else { continue };
        if round.is_empty() {
            continue;
        }
        let outcomes = surety::api::deliver(round).await;
        // The desk may be busy a moment; an answer not recorded is sent again later and
        // the hub answers "already stored".
        for _ in 0..30 {
            let recorded = handle
                .state::<session::Session>()
                .in_background(|d| d.sync_record(outcomes.clone()));
            if recorded.is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    }
}

pub fn run() {
    let builder = specta_builder();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(session::Session::new(session::database_path()))
        .setup(|app| {
            use tauri::Manager;
            // The idle lock holds even if the page stops reporting: a watcher drops the
            // desk's keys once it has sat unused past the limit.
            let handle = app.handle().clone();
            std::thread::spawn(move || loop {
                std::thread::sleep(std::time::Duration::from_secs(5));
                handle.state::<session::Session>().lock_if_idle();
            });
            tauri::async_runtime::spawn(deliver_envelopes(app.handle().clone()));
            Ok(())
        })
        .invoke_handler(builder.invoke_handler())
        .run(tauri::generate_context!())
        .expect("Surety Desk could not start its window");
}
