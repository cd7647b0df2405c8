//! Tauri commands: deserialize, one call into the `surety` service layer, serialize.
//! No rule lives here; if a command grows logic, that logic belongs in `surety`.
//! Commands that touch the database are `async`: they run off the main thread, so a long
//! batch print waits its turn on the desk without freezing the window.

use crate::chooser::{self, Choice};
use crate::session::Session;
use serde::Serialize;
use std::sync::atomic::Ordering;
use surety::api::{
    AccidentClaimInput, AgreementInput, AgreementRow, AmountInput, AttachInput, Attachment,
    CaseListInput, CaseRef, CaseView, CityInput, CityRow, CompensationInput, CompensationView,
    CreditReport, CreditReportInput, Dashboard, DecisionInput, Desk, DeskError, FlaggedBorrower,
    HubInput, IntakeInput, InvestigationInput, KdfParams, LossRatioLine, NoteInput, OrgInput,
    PayoffInput, PayoffView, PoolMemberInput, PoolRow, PremiumInput, PushSummary, QuarterInput,
    QuarterReport, QuoteInput, RateInput, RateRow, ReopenInput, SettingsView, SignInput,
    SubsidyCase, SubsidyPaymentInput, SyncIdentity, SyncStatus, TrendPoint, UserInput,
};
use surety::api::{
    ConflictView, Enrolled, Exported, FieldEnrolInput, ImportReport, PeerInput, PeerView,
    ResolveInput, SiteVisitInput, SiteVisitView, Unsent, WaitingView,
};
// What the commands return is the service layer's own shapes (surety::dto), so the
// generated bindings carry nothing of the store or the domain crates.
use surety::api::dto::{AuditReport, BackupInfo, CasePage, Org, Quote, RestoreInfo, User};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

type R<T> = Result<T, DeskError>;

#[tauri::command]
#[specta::specta]
pub fn app_info() -> surety::api::AppInfo {
    surety::api::app_info()
}

/// The UI calls this once it has painted its first page. Under `SURETY_STARTUP_PROBE=1`
/// (the launch benchmark) the app says so on stdout and quits; otherwise it does nothing.
#[tauri::command]
#[specta::specta]
pub fn window_ready(app: tauri::AppHandle) {
    if std::env::var_os("SURETY_STARTUP_PROBE").is_some() {
        println!("window interactive");
        app.exit(0);
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SessionInfo {
    pub database: String,
    pub database_exists: bool,
    pub user: Option<User>,
    /// The signed-in desk's business date (a demo database keeps the year it replays).
    pub business_date: Option<String>,
    /// The pilot's cities under the signed-in desk's settings (empty when signed out).
    pub pilot_cities: Vec<surety::api::CityInfo>,
}

#[tauri::command]
#[specta::specta]
pub fn session_info(session: State<Session>) -> SessionInfo {
    session.lock_if_idle();
    let signed_in = session.desk.lock().ok().and_then(|d| {
        d.as_ref().map(|d| {
            (
                User::from(d.user().clone()),
                d.today().to_string(),
                d.pilot_cities(),
            )
        })
    });
    SessionInfo {
        database: session.db.display().to_string(),
        database_exists: session.db.exists(),
        user: signed_in.as_ref().map(|(u, _, _)| u.clone()),
        business_date: signed_in.as_ref().map(|(_, d, _)| d.clone()),
        pilot_cities: signed_in.map(|(_, _, c)| c).unwrap_or_default(),
    }
}

/// First run: creates the database and its first admin, and signs them in.
#[tauri::command(async)]
#[specta::specta]
pub fn first_run(session: State<Session>, admin: UserInput, password: String) -> R<User> {
    let desk = Desk::first_run(
        &session.db,
        &admin.username,
        &admin.display_name,
        &password,
        KdfParams::default(),
    )?;
    let user = User::from(desk.user().clone());
    session.open(desk);
    Ok(user)
}

#[tauri::command(async)]
#[specta::specta]
pub fn sign_in(session: State<Session>, username: String, password: String) -> R<User> {
    let desk = Desk::open(&session.db, username.trim(), &password)?;
    let user = User::from(desk.user().clone());
    session.open(desk);
    Ok(user)
}

/// The idle lock's length (设置 → 偏好, kept per machine by the page): after this many
/// minutes without a command the desk is closed and its keys dropped, here in Rust.
#[tauri::command]
#[specta::specta]
pub fn set_idle_lock(session: State<Session>, minutes: u32) -> R<()> {
    session.set_idle_limit(surety::api::idle_limit(minutes)?);
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub fn sign_out(session: State<Session>) {
    *session.desk.lock().unwrap_or_else(|p| p.into_inner()) = None;
}

/// The live quote while typing: needs no sign-in; signed in, it uses the installation's
/// settings and the named bank and insurer's agreement (its R-AMT-1 cap in principle).
#[tauri::command]
#[specta::specta]
pub fn quote(session: State<Session>, input: QuoteInput) -> R<Quote> {
    match session.with(|d| d.quote(&input)) {
        Err(e) if e.code == "SIGNED_OUT" => {
            surety::api::quote(&input, &Default::default()).map(Quote::from)
        }
        other => other.map(Quote::from),
    }
}

#[tauri::command]
#[specta::specta]
pub fn capital_amount(amount: String) -> R<String> {
    surety::api::capital(&amount)
}

#[tauri::command(async)]
#[specta::specta]
pub fn organisations(session: State<Session>) -> R<Vec<Org>> {
    session.with(|d| Ok(surety::api::dto::list(d.organisations()?)))
}

#[tauri::command(async)]
#[specta::specta]
pub fn case_list(session: State<Session>, input: CaseListInput) -> R<CasePage> {
    session.with(|d| d.case_list(&input).map(CasePage::from))
}

#[tauri::command(async)]
#[specta::specta]
pub fn case_show(session: State<Session>, case_no: String) -> R<CaseView> {
    session.with(|d| d.case_show(&case_no))
}

/// 提前结清试算: the payoff figure for a day, today or later.
#[tauri::command(async)]
#[specta::specta]
pub fn case_payoff_quote(session: State<Session>, input: PayoffInput) -> R<PayoffView> {
    session.with(|d| d.payoff_quote(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn dashboard(session: State<Session>) -> R<Dashboard> {
    session.with(|d| d.dashboard())
}

#[tauri::command(async)]
#[specta::specta]
pub fn loss_ratios(session: State<Session>) -> R<Vec<LossRatioLine>> {
    session.with(|d| d.loss_ratios(d.today()))
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Printed {
    pub path: String,
    pub bytes: u32,
    /// Whether the system viewer was asked to open it.
    pub opened: bool,
}

fn printed(p: surety::api::Printed, opened: bool) -> Printed {
    Printed {
        path: p.path.display().to_string(),
        bytes: p.bytes as u32,
        opened,
    }
}

/// Asks where to save (the system's dialog, run here), writes the document of a case
/// there and, if asked, opens it in the system's PDF viewer. `null` if the user cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn print_document(
    app: AppHandle,
    session: State<Session>,
    document: String,
    case_no: String,
    open: bool,
) -> R<Option<Printed>> {
    let name = format!("{}-{}.pdf", case_no.trim(), document.trim());
    let choice = Choice::Save {
        title: "保存 PDF / Save PDF",
        name: &name,
        filter: ("PDF", &["pdf"]),
    };
    let Some(path) = chooser::choose(&app, choice) else {
        return Ok(None);
    };
    session.with(|d| {
        let done = d.print_to(&document, &case_no, &path)?;
        // Only the absolute path of the file just written is handed to the viewer.
        let opened = open && opener::open(&done.path).is_ok();
        Ok(Some(printed(done, opened)))
    })
}

/// A document as base64 PDF bytes, for the preview inside the window (on the audit record).
#[tauri::command(async)]
#[specta::specta]
pub fn print_preview(session: State<Session>, document: String, case_no: String) -> R<String> {
    use base64::Engine;
    session.with(|d| {
        let bytes = d.preview(&document, &case_no)?;
        Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
    })
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BatchProgress {
    pub done: u32,
    pub total: u32,
    pub case_no: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BatchResult {
    pub folder: String,
    pub written: u32,
    pub cancelled: bool,
}

/// The folder a batch print writes into, chosen in the system's dialog and kept here for
/// `print_batch`; returns it for display, `null` if the user cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn choose_batch_folder(app: AppHandle, session: State<Session>) -> Option<String> {
    let folder = chooser::choose(
        &app,
        Choice::Folder {
            title: "选择保存文件夹 / Choose a folder",
        },
    )?;
    let shown = folder.display().to_string();
    *session
        .batch_folder
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = Some(folder);
    Some(shown)
}

/// One document for every case the list's filter matches, into the folder chosen with
/// `choose_batch_folder`; progress after each file; `cancel_print_batch` stops it after
/// the file being written.
#[tauri::command(async)]
#[specta::specta]
pub fn print_batch(
    session: State<Session>,
    document: String,
    filter: CaseListInput,
    on_progress: Channel<BatchProgress>,
) -> R<BatchResult> {
    let folder = session
        .batch_folder
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .ok_or_else(|| {
            DeskError::invalid("folder", "请先选择保存文件夹", "choose a folder first")
        })?;
    session.cancel.store(false, Ordering::SeqCst);
    let mut cancelled = false;
    let written = session.with(|d| {
        d.print_batch(&document, &filter, &folder, |done, total, case_no| {
            let _ = on_progress.send(BatchProgress {
                done: done as u32,
                total: total as u32,
                case_no: case_no.to_string(),
            });
            cancelled = session.cancel.load(Ordering::SeqCst);
            !cancelled
        })
    })?;
    Ok(BatchResult {
        folder: folder.display().to_string(),
        written: written.len() as u32,
        cancelled,
    })
}

/// Not async and never touches the desk: it must get through while a batch holds it.
#[tauri::command]
#[specta::specta]
pub fn cancel_print_batch(session: State<Session>) {
    session.cancel.store(true, Ordering::SeqCst);
}

/// The filtered case list as an XLSX file locked with `password`, saved where the user
/// chooses in the system's dialog; `null` if they cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn export_cases(
    app: AppHandle,
    session: State<Session>,
    filter: CaseListInput,
    password: String,
) -> R<Option<Printed>> {
    surety::api::check_export_password(&password)?;
    let choice = Choice::Save {
        title: "导出 Excel / Export to Excel",
        name: "案件列表.xlsx",
        filter: ("Excel", &["xlsx"]),
    };
    let Some(path) = chooser::choose(&app, choice) else {
        return Ok(None);
    };
    session.with(|d| {
        Ok(Some(printed(
            d.export_cases_to(&filter, &password, &path)?,
            false,
        )))
    })
}

/// R-DEFAULT-1: the flagged borrowers this user's work touches, for the authorities.
#[tauri::command(async)]
#[specta::specta]
pub fn flagged_borrowers(session: State<Session>) -> R<Vec<FlaggedBorrower>> {
    session.with(|d| d.flagged_borrowers())
}

/// The flagged borrowers as an XLSX file locked with `password`, saved where the user
/// chooses; `null` if they cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn export_flagged(
    app: AppHandle,
    session: State<Session>,
    password: String,
) -> R<Option<Printed>> {
    surety::api::check_export_password(&password)?;
    let choice = Choice::Save {
        title: "导出恶意逃废债名单 / Export the flagged borrowers",
        name: "恶意逃废债名单.xlsx",
        filter: ("Excel", &["xlsx"]),
    };
    let Some(path) = chooser::choose(&app, choice) else {
        return Ok(None);
    };
    session.with(|d| Ok(Some(printed(d.export_flagged_to(&password, &path)?, false))))
}

// --- quarterly statistics (R-REPORT-1) and subsidies (R-SUBSIDY-1) ---

/// A quarter's report, of one city or all (`city` null or empty).
#[tauri::command(async)]
#[specta::specta]
pub fn quarter_report(
    session: State<Session>,
    year: i32,
    quarter: u8,
    city: Option<String>,
) -> R<QuarterReport> {
    let scope = Desk::report_scope(year, quarter, city.as_deref())?;
    session.with(|d| d.quarter_report(scope))
}

/// The headline figures of the six quarters ending with this one, for the trend chart.
#[tauri::command(async)]
#[specta::specta]
pub fn quarter_trend(
    session: State<Session>,
    year: i32,
    quarter: u8,
    city: Option<String>,
) -> R<Vec<TrendPoint>> {
    let scope = Desk::report_scope(year, quarter, city.as_deref())?;
    session.with(|d| d.quarter_trend(scope, 6))
}

#[tauri::command(async)]
#[specta::specta]
pub fn close_quarter(session: State<Session>, input: QuarterInput) -> R<QuarterReport> {
    session.with(|d| d.close_quarter(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn reopen_quarter(session: State<Session>, input: ReopenInput) -> R<QuarterReport> {
    session.with(|d| d.reopen_quarter(&input))
}

/// The quarter's report as PDF or XLSX (`format`), saved where the user chooses; `null`
/// if they cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn export_quarter(
    app: AppHandle,
    session: State<Session>,
    year: i32,
    quarter: u8,
    city: Option<String>,
    format: String,
) -> R<Option<Printed>> {
    let scope = Desk::report_scope(year, quarter, city.as_deref())?;
    let name = format!("统计季报{}.{format}", scope.quarter.label());
    let choice = match format.as_str() {
        "pdf" => Choice::Save {
            title: "导出季报 PDF / Save the quarter report",
            name: &name,
            filter: ("PDF", &["pdf"]),
        },
        "xlsx" => Choice::Save {
            title: "导出季报 Excel / Save the quarter report",
            name: &name,
            filter: ("Excel", &["xlsx"]),
        },
        _ => {
            return Err(DeskError::invalid(
                "format",
                "导出格式应为 pdf 或 xlsx",
                "the format is pdf or xlsx",
            ))
        }
    };
    let Some(path) = chooser::choose(&app, choice) else {
        return Ok(None);
    };
    session.with(|d| Ok(Some(printed(d.export_quarter_to(scope, &path)?, false))))
}

/// The quarter's subsidy list the reader's work covers.
#[tauri::command(async)]
#[specta::specta]
pub fn subsidy_list(
    session: State<Session>,
    year: i32,
    quarter: u8,
    city: Option<String>,
) -> R<Vec<SubsidyCase>> {
    let scope = Desk::report_scope(year, quarter, city.as_deref())?;
    session.with(|d| d.subsidy_list(scope))
}

#[tauri::command(async)]
#[specta::specta]
pub fn record_subsidy_payment(
    session: State<Session>,
    input: SubsidyPaymentInput,
) -> R<Vec<SubsidyCase>> {
    session.with(|d| d.record_subsidy_payment(&input))
}

/// The subsidy list as an XLSX file locked with `password`; `null` if cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn export_subsidies(
    app: AppHandle,
    session: State<Session>,
    year: i32,
    quarter: u8,
    city: Option<String>,
    password: String,
) -> R<Option<Printed>> {
    surety::api::check_export_password(&password)?;
    let scope = Desk::report_scope(year, quarter, city.as_deref())?;
    let name = format!("补贴清单{}.xlsx", scope.quarter.label());
    let choice = Choice::Save {
        title: "导出补贴清单 / Export the subsidy list",
        name: &name,
        filter: ("Excel", &["xlsx"]),
    };
    let Some(path) = chooser::choose(&app, choice) else {
        return Ok(None);
    };
    session.with(|d| {
        Ok(Some(printed(
            d.export_subsidies_to(scope, &password, &path)?,
            false,
        )))
    })
}

// --- credit reporting (R-CREDIT-1) ---

/// What a credit-reporting run would write, without writing it.
#[tauri::command(async)]
#[specta::specta]
pub fn credit_preview(session: State<Session>, input: CreditReportInput) -> R<CreditReport> {
    session.with(|d| d.credit_preview(&input))
}

/// The run's files in an AES zip locked with `password`, saved where the user chooses;
/// `null` if they cancelled (nothing is then recorded as reported).
#[tauri::command(async)]
#[specta::specta]
pub fn credit_report(
    app: AppHandle,
    session: State<Session>,
    input: CreditReportInput,
    password: String,
) -> R<Option<CreditReport>> {
    surety::api::check_export_password(&password)?;
    let name = format!("征信报送{}{}.zip", input.organisation, input.report_date);
    let choice = Choice::Save {
        title: "保存征信报送文件 / Save the credit-reporting files",
        name: &name,
        filter: ("ZIP", &["zip"]),
    };
    let Some(path) = chooser::choose(&app, choice) else {
        return Ok(None);
    };
    session.with(|d| Ok(Some(d.credit_report_to(&input, &password, &path)?)))
}

// --- attachments (issue 16) ---

/// A case's photos and scans (without their content).
#[tauri::command(async)]
#[specta::specta]
pub fn attachments(session: State<Session>, case_no: String) -> R<Vec<Attachment>> {
    session.with(|d| d.attachments(&case_no))
}

/// Picks a photo or scan in the system's dialog and attaches it to a section of the case.
/// `null` if the user cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn attach_file(
    app: AppHandle,
    session: State<Session>,
    input: AttachInput,
) -> R<Option<Attachment>> {
    let choice = Choice::Open {
        title: "选择照片或扫描件 / Choose a photo or scan",
        filter: ("JPEG, PNG, PDF", &["jpg", "jpeg", "png", "pdf"]),
    };
    let Some(path) = chooser::choose(&app, choice) else {
        return Ok(None);
    };
    session.with(|d| d.attach_file(&input, &path).map(Some))
}

/// An image's thumbnail as base64 JPEG (`null` for a PDF).
#[tauri::command(async)]
#[specta::specta]
pub fn attachment_thumbnail(session: State<Session>, uid: String) -> R<Option<String>> {
    use base64::Engine;
    session.with(|d| {
        Ok(d.attachment_thumbnail(&uid)?
            .map(|b| base64::engine::general_purpose::STANDARD.encode(b)))
    })
}

/// A whole attachment for the viewer: its MIME type and base64 content.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AttachmentContent {
    pub attachment: Attachment,
    pub mime: String,
    pub base64: String,
}

#[tauri::command(async)]
#[specta::specta]
pub fn attachment_content(session: State<Session>, uid: String) -> R<AttachmentContent> {
    use base64::Engine;
    session.with(|d| {
        let (attachment, bytes) = d.attachment_content(&uid)?;
        Ok(AttachmentContent {
            mime: surety::api::mime_of(&attachment.kind).to_string(),
            base64: base64::engine::general_purpose::STANDARD.encode(bytes),
            attachment,
        })
    })
}

/// Saves an attachment where the user chooses (on the audit record). `null` if cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn save_attachment(app: AppHandle, session: State<Session>, uid: String) -> R<Option<Printed>> {
    let attachment = session.with(|d| d.attachment_content(&uid).map(|(a, _)| a))?;
    let ext = match attachment.kind.as_str() {
        "png" => "png",
        "pdf" => "pdf",
        _ => "jpg",
    };
    let exts = [ext];
    let choice = Choice::Save {
        title: "保存附件 / Save attachment",
        name: &attachment.file_name,
        filter: (ext, &exts),
    };
    let Some(path) = chooser::choose(&app, choice) else {
        return Ok(None);
    };
    session.with(|d| Ok(Some(printed(d.save_attachment(&uid, &path)?, false))))
}

// --- site visits and bundles (issue 16) ---

/// The site visit this installation holds for a case (`null` if none yet).
#[tauri::command(async)]
#[specta::specta]
pub fn site_visit(session: State<Session>, case_no: String) -> R<Option<SiteVisitView>> {
    session.with(|d| d.site_visit(&case_no))
}

/// Records or corrects the site visit, on top of the revision the form showed.
#[tauri::command(async)]
#[specta::specta]
pub fn record_site_visit(session: State<Session>, input: SiteVisitInput) -> R<SiteVisitView> {
    session.with(|d| d.record_site_visit(&input))
}

/// The installations bundles are exchanged with.
#[tauri::command(async)]
#[specta::specta]
pub fn peers(session: State<Session>) -> R<Vec<PeerView>> {
    session.with(|d| d.peers())
}

/// Registers another installation for bundles (admins).
#[tauri::command(async)]
#[specta::specta]
pub fn add_peer(session: State<Session>, input: PeerInput) -> R<PeerView> {
    session.with(|d| d.add_peer(&input))
}

/// Enrols a field laptop: the sealed enrolment file goes where the admin chooses (to carry
/// to the laptop on a stick) and the laptop becomes a peer. `null` if cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn enrol_field(
    app: AppHandle,
    session: State<Session>,
    input: FieldEnrolInput,
    passphrase: String,
) -> R<Option<Enrolled>> {
    // Checked before the dialog: a bad form is told at once, not after choosing a file.
    session.with(|d| d.check_field_enrolment(&input, &passphrase))?;
    let name = format!("{}.enrol", input.prefix.trim().to_lowercase());
    let choice = Choice::Save {
        title: "保存外勤笔记本登记文件 / Save the laptop's enrolment",
        name: &name,
        filter: ("Surety enrolment", &["enrol"]),
    };
    let Some(path) = chooser::choose(&app, choice) else {
        return Ok(None);
    };
    session.with(|d| d.enrol_field_to(&input, &passphrase, &path).map(Some))
}

/// What has not left this installation yet (a field laptop's unsent work).
#[tauri::command(async)]
#[specta::specta]
pub fn bundle_unsent(session: State<Session>) -> R<Vec<Unsent>> {
    session.with(|d| d.waiting_to_send())
}

/// Writes a bundle for the peer `to` (the cases picked, or everything it has not had yet)
/// where the user chooses. `null` if cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn bundle_export(
    app: AppHandle,
    session: State<Session>,
    to: String,
    cases: Vec<String>,
) -> R<Option<Exported>> {
    let name = format!(
        "surety-to-{}.bundle",
        to.chars().take(8).collect::<String>()
    );
    let choice = Choice::Save {
        title: "保存数据包 / Save the bundle",
        name: &name,
        filter: ("Surety bundle", &["bundle"]),
    };
    let Some(path) = chooser::choose(&app, choice) else {
        return Ok(None);
    };
    session.with(|d| d.export_bundle(&to, &path, &cases).map(Some))
}

/// Picks a bundle in the system's dialog and says what it would change (nothing is
/// written); the bundle is kept for `bundle_apply`. `null` if cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn bundle_preview(app: AppHandle, session: State<Session>) -> R<Option<ImportReport>> {
    let choice = Choice::Open {
        title: "选择数据包 / Choose a bundle",
        filter: ("Surety bundle", &["bundle"]),
    };
    let Some(path) = chooser::choose(&app, choice) else {
        return Ok(None);
    };
    let bytes = std::fs::read(&path).map_err(|e| {
        DeskError::invalid(
            "file",
            format!("无法读取数据包 {}：{e}", path.display()),
            format!("cannot read the bundle {}: {e}", path.display()),
        )
    })?;
    let report = session.with(|d| d.import_bundle(&bytes, false))?;
    *session
        .pending_bundle
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = Some(bytes);
    Ok(Some(report))
}

/// Takes in the bundle last previewed, saying how far it got.
#[tauri::command(async)]
#[specta::specta]
pub fn bundle_apply(
    session: State<Session>,
    on_progress: Channel<BatchProgress>,
) -> R<ImportReport> {
    let bytes = session
        .pending_bundle
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
        .ok_or_else(|| {
            DeskError::invalid(
                "file",
                "请先选择并预览数据包",
                "choose and preview a bundle first",
            )
        })?;
    session.with(|d| {
        d.import_bundle_with(&bytes, true, &mut |done, total, case_no| {
            let _ = on_progress.send(BatchProgress {
                done: done as u32,
                total: total as u32,
                case_no: case_no.to_string(),
            });
        })
    })
}

/// Sections changed on both sides (open ones; all with `all`).
#[tauri::command(async)]
#[specta::specta]
pub fn bundle_conflicts(session: State<Session>, all: bool) -> R<Vec<ConflictView>> {
    session.with(|d| d.conflicts(all))
}

#[tauri::command(async)]
#[specta::specta]
pub fn resolve_conflict(session: State<Session>, input: ResolveInput) -> R<ConflictView> {
    session.with(|d| d.resolve_conflict(&input))
}

/// Changes waiting for the case or revision they build on.
#[tauri::command(async)]
#[specta::specta]
pub fn bundle_backlog(session: State<Session>) -> R<Vec<WaitingView>> {
    session.with(|d| d.backlog())
}

// --- the provincial hub (issue 15) ---

/// The installation's identity for registration at the hub (made on first use by an admin).
#[tauri::command(async)]
#[specta::specta]
pub fn sync_identity(session: State<Session>) -> R<SyncIdentity> {
    session.with(|d| d.sync_identity())
}

/// The outbox: the envelopes closing quarters wrote, newest first, and the hub's state.
#[tauri::command(async)]
#[specta::specta]
pub fn sync_status(session: State<Session>) -> R<SyncStatus> {
    session.with(|d| d.sync_status())
}

/// Sets or clears the provincial hub (admins).
#[tauri::command(async)]
#[specta::specta]
pub fn set_hub(session: State<Session>, input: HubInput) -> R<SyncStatus> {
    session.with(|d| d.set_hub(&input))
}

/// Sends every pending envelope now (the app also does it by itself, with backoff). The
/// database is not held while the hub answers.
#[tauri::command]
#[specta::specta]
pub async fn sync_push(session: State<'_, Session>) -> R<PushSummary> {
    let Some(round) = session.with(|d| d.sync_round(true))? else {
        return Err(surety::api::not_configured());
    };
    let outcomes = surety::api::deliver(round).await;
    session.with(|d| d.sync_record(outcomes.clone()))
}

// --- settings ---

#[tauri::command(async)]
#[specta::specta]
pub fn settings_view(session: State<Session>) -> R<SettingsView> {
    session.with(|d| d.settings_view())
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_city(session: State<Session>, input: CityInput) -> R<CityRow> {
    session.with(|d| d.set_city(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_reference_rate(session: State<Session>, input: RateInput) -> R<Vec<RateRow>> {
    session.with(|d| d.set_reference_rate(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn remove_reference_rate(session: State<Session>, effective: String) -> R<Vec<RateRow>> {
    session.with(|d| d.remove_reference_rate(&effective))
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_organisation(session: State<Session>, input: OrgInput) -> R<Org> {
    session.with(|d| d.add_organisation(&input).map(Org::from))
}

#[tauri::command(async)]
#[specta::specta]
pub fn pools(session: State<Session>) -> R<Vec<PoolRow>> {
    session.with(|d| d.pools())
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_pool(session: State<Session>, pool: String, members: Vec<PoolMemberInput>) -> R<()> {
    session.with(|d| d.set_pool(&pool, &members))
}

#[tauri::command(async)]
#[specta::specta]
pub fn agreements(session: State<Session>) -> R<Vec<AgreementRow>> {
    session.with(|d| d.agreements())
}

/// R-STOP-2: the city's payment of compensation to an insurer, for a pilot year.
#[tauri::command(async)]
#[specta::specta]
pub fn record_compensation(
    session: State<Session>,
    input: CompensationInput,
) -> R<CompensationView> {
    session.with(|d| d.record_compensation(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_agreement(session: State<Session>, input: AgreementInput) -> R<()> {
    session.with(|d| d.add_agreement(&input).map(|_| ()))
}

#[tauri::command(async)]
#[specta::specta]
pub fn users(session: State<Session>) -> R<Vec<User>> {
    session.with(|d| Ok(surety::api::dto::list(d.users()?)))
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_user(session: State<Session>, input: UserInput, password: String) -> R<User> {
    session.with(|d| d.add_user(&input, &password).map(User::from))
}

#[tauri::command(async)]
#[specta::specta]
pub fn remove_user(session: State<Session>, username: String) -> R<()> {
    session.with(|d| d.remove_user(&username))
}

#[tauri::command(async)]
#[specta::specta]
pub fn reset_user(session: State<Session>, username: String, password: String) -> R<()> {
    session.with(|d| d.reset_user(&username, &password))
}

#[tauri::command(async)]
#[specta::specta]
pub fn change_password(
    session: State<Session>,
    current_password: String,
    new_password: String,
) -> R<()> {
    session.with(|d| d.change_password(&current_password, &new_password))
}

#[tauri::command(async)]
#[specta::specta]
pub fn audit_verify(session: State<Session>) -> R<AuditReport> {
    session.with(|d| d.audit_verify().map(AuditReport::from))
}

/// An encrypted backup, saved where the admin chooses; `null` if they cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn backup(app: AppHandle, session: State<Session>) -> R<Option<BackupInfo>> {
    let name = session.with(|d| {
        d.require_admin("备份数据库", "back up the database")?;
        Ok(format!("surety-{}.sdbackup", d.today()))
    })?;
    let choice = Choice::Save {
        title: "保存备份 / Save the backup",
        name: &name,
        filter: ("Surety Desk backup", &["sdbackup"]),
    };
    let Some(path) = chooser::choose(&app, choice) else {
        return Ok(None);
    };
    session.with(|d| d.backup(&path).map(|b| Some(BackupInfo::from(b))))
}

/// The backup to restore, chosen in the system's dialog and kept here for `restore`;
/// returns its name for display, `null` if the admin cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn choose_restore_file(app: AppHandle, session: State<Session>) -> Option<String> {
    let file = chooser::choose(
        &app,
        Choice::Open {
            title: "选择备份文件 / Choose a backup",
            filter: ("Surety Desk backup", &["sdbackup", "sdbk"]),
        },
    )?;
    let shown = file.display().to_string();
    *session
        .restore_from
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = Some(file);
    Some(shown)
}

/// Replaces the database with the backup chosen with `choose_restore_file`. The checks
/// run while the desk is open (an admin, the backup's password, the same installation
/// unless `allow_foreign`); then it is closed, the backup restored (the replaced database
/// kept beside it), and the admin signed in to the restored database.
#[tauri::command(async)]
#[specta::specta]
pub fn restore(session: State<Session>, password: String, allow_foreign: bool) -> R<RestoreInfo> {
    let from = session
        .restore_from
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .ok_or_else(|| DeskError::invalid("path", "请先选择备份文件", "choose a backup first"))?;
    let username = session.with(|d| {
        d.check_restore(&from, &password, allow_foreign)?;
        Ok(d.user().username.clone())
    })?;
    let mut guard = session.desk.lock().unwrap_or_else(|p| p.into_inner());
    let current = guard.take();
    let (desk, info) = surety::api::restore(
        &session.db,
        &from,
        current,
        &username,
        &password,
        allow_foreign,
    )?;
    *guard = Some(desk);
    Ok(RestoreInfo::from(info))
}

macro_rules! case_step {
    ($($name:ident($input:ty) => $method:ident;)*) => {$(
        #[tauri::command(async)]
        #[specta::specta]
        pub fn $name(session: State<Session>, input: $input) -> R<CaseView> {
            session.with(|d| d.$method(&input))
        }
    )*};
}

case_step! {
    case_intake(IntakeInput) => intake;
    case_investigate(InvestigationInput) => investigate;
    case_review(NoteInput) => review_note;
    case_exception(NoteInput) => approve_exception;
    case_decide(DecisionInput) => decide;
    case_sign(SignInput) => sign;
    case_premium(PremiumInput) => record_premium;
    case_disburse(CaseRef) => disburse;
    case_repay(AmountInput) => repay;
    case_prepay(AmountInput) => prepay;
    case_pay_off(AmountInput) => pay_off;
    case_claim(CaseRef) => file_claim;
    case_pay_claim(CaseRef) => pay_claim;
    case_refuse_claim(NoteInput) => refuse_claim;
    case_accident_claim(AccidentClaimInput) => pay_accident_claim;
    case_recover(AmountInput) => record_recovery;
    case_close(NoteInput) => close;
    case_withdraw(NoteInput) => withdraw;
}
