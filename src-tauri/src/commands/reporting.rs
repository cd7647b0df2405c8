//! Figures: the dashboard, loss ratios, the quarterly report to the province, subsidies
//! and credit reporting.

use crate::chooser;
use crate::session::Session;
use surety::api::{
    CreditReport, CreditReportInput, Dashboard, Desk, LossRatioLine, QuarterInput, QuarterReport,
    ReopenInput, SubsidyCase, SubsidyPaymentInput, TrendPoint,
};
use tauri::{AppHandle, State};

use super::{printed, Printed, R};
use surety::api::dto::ReportFormat;

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
    format: ReportFormat,
) -> R<Option<Printed>> {
    let scope = Desk::report_scope(year, quarter, city.as_deref())?;
    let (title, extension, filter) = match format {
        ReportFormat::Pdf => ("导出季报 PDF / Save the quarter report", "pdf", "PDF"),
        ReportFormat::Xlsx => ("导出季报 Excel / Save the quarter report", "xlsx", "Excel"),
    };
    let name = format!("统计季报{}.{extension}", scope.quarter.label());
    let picked = chooser::save_as(&app, title, &name, (filter, &[extension]));
    let Some(path) = picked else {
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
    let Some(path) = chooser::save_as(
        &app,
        "导出补贴清单 / Export the subsidy list",
        &name,
        ("Excel", &["xlsx"]),
    ) else {
        return Ok(None);
    };
    session.with(|d| {
        Ok(Some(printed(
            d.export_subsidies_to(scope, &password, &path)?,
            false,
        )))
    })
}

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
    let Some(path) = chooser::save_as(
        &app,
        "保存征信报送文件 / Save the credit-reporting files",
        &name,
        ("ZIP", &["zip"]),
    ) else {
        return Ok(None);
    };
    session.with(|d| Ok(Some(d.credit_report_to(&input, &password, &path)?)))
}
