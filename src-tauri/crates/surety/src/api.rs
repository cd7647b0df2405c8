//! The one surface the front ends use: the window's commands, the `surety` CLI and the
//! demo import from here and from nothing below the service layer (a test reads
//! `cargo metadata` and fails if a front end depends on the store or the domain crates).

pub use crate::case_file::attachments::mime_of;
pub use crate::case_file::attachments::{AttachInput, Attachment};
pub use crate::case_file::payoff::PayoffView;
pub use crate::case_file::printing::{check_export_password, Printed};
pub use crate::case_file::views::{CaseListInput, CaseView};
pub use crate::claims::accident::AccidentClaimInput;
pub use crate::claims::payment_preview::ClaimPaymentPreview;
pub use crate::desk::about::{app_info, AppInfo, CityInfo};
pub use crate::desk::bounded::{read_enrolment, read_settings_file, read_stdin};
pub use crate::desk::dto;
pub use crate::desk::error::json_error;
pub use crate::desk::error::{DeskError, DeskResult, ErrorCode};
pub use crate::desk::parse::parse_business_date;
pub use crate::desk::paths::{default_database, prepare_database_folder};
pub use crate::desk::session::{idle_limit, Desk, DEFAULT_IDLE_LOCK};
pub use crate::exchange::bundle::{Exported, ImportLine, ImportReport, Unsent};
pub use crate::exchange::field::{Enrolled, FieldEnrolInput};
pub use crate::exchange::merge::{ConflictView, ResolveInput, WaitingView};
pub use crate::exchange::peers::{PeerInput, PeerView};
pub use crate::exchange::site_visits::{SiteVisit, SiteVisitInput, SiteVisitView};
pub use crate::installation::admin::{
    restore, AgreementInput, OrgInput, PoolMemberInput, UserInput,
};
pub use crate::installation::configuration::{
    AgreementRow, CityInput, CityRow, PoolRow, RateInput, RateRow, SettingsView,
};
pub use crate::installation::first_run::DatabaseUse;
pub use crate::origination::case_flow::{
    BorrowerInput, CaseRef, DecisionInput, FindingsInput, IntakeInput, InvestigationInput,
    NoteInput, PremiumInput, SignInput,
};
pub use crate::origination::defaults::{FlaggedBorrower, UnflagInput};
pub use crate::origination::inputs::AmountInput;
pub use crate::origination::quote::{
    capital, quote, quote_input_from_json, written_amount, QuoteInput, WrittenAmount,
};
pub use crate::reporting::credit::{CreditCorrectionInput, CreditReport, CreditReportInput};
pub use crate::reporting::dashboard::Dashboard;
pub use crate::reporting::loss_ratios::LossRatioLine;
pub use crate::reporting::quarter::closing::{QuarterInput, ReopenInput};
pub use crate::reporting::quarter::report::{QuarterReport, ReportScope, TrendPoint};
pub use crate::reporting::subsidies::{SubsidyCase, SubsidyPaymentInput};
pub use crate::reporting::sync::{deliver, not_configured, push_now};
pub use crate::reporting::sync::{HubInput, OutboxEntry, PushSummary, SyncIdentity, SyncStatus};
pub use crate::servicing::early_repayment::PayoffInput;
pub use crate::servicing::repayment::RepaymentInput;
pub use crate::stop::compensation::{CompensationInput, CompensationView};
pub use surety_domain::identity::{credit_check_char, resident_check_char};
pub use surety_domain::quote::premium;
pub use surety_domain::schedule::schedule;
pub use surety_domain::{CaseStatus, Money, Quote, Rate, RepaymentMethod, Settings};
pub use surety_store::backup::{BackupInfo, RestoreInfo};
pub use surety_store::cases::CasePage;
pub use surety_store::orgs::Org;
pub use surety_store::{AuditReport, KdfParams, NewUser, Role, User};

use std::path::Path;

/// The first admin of an installation: the first user of its key file (the CLI signs in
/// as them unless told otherwise).
pub fn first_user(db: &Path) -> DeskResult<String> {
    let keys = surety_store::keys::KeyFile::load(&surety_store::key_file_path(db))?;
    keys.usernames().into_iter().next().ok_or_else(|| {
        DeskError::new(
            ErrorCode::UnknownUser,
            Some("user"),
            "密钥文件中没有用户".into(),
            "the key file lists no user".into(),
        )
    })
}

/// A settings file read and checked (the CLI's `--settings`, `settings check`).
pub fn settings_from_toml(text: &str) -> Result<Settings, surety_domain::settings::SettingsError> {
    Settings::from_toml(text)
}
