//! The one surface the front ends use: the window's commands, the `surety` CLI and the
//! demo import from here and from nothing below the service layer (a test reads
//! `cargo metadata` and fails if a front end depends on the store or the domain crates).

pub use crate::accident_claim::AccidentClaimInput;
pub use crate::admin::{restore, AgreementInput, OrgInput, PoolMemberInput, UserInput};
pub use crate::attachments::{AttachInput, Attachment};
pub use crate::bundles::{Exported, ImportLine, ImportReport, Unsent};
pub use crate::case_flow::{
    BorrowerInput, CaseRef, DecisionInput, FindingsInput, IntakeInput, InvestigationInput,
    NoteInput, PremiumInput, SignInput,
};
pub use crate::compensation::{CompensationInput, CompensationView};
pub use crate::configuration::{
    AgreementRow, CityInput, CityRow, PoolRow, RateInput, RateRow, SettingsView,
};
pub use crate::credit_reporting::{CreditCorrectionInput, CreditReport, CreditReportInput};
pub use crate::dashboard::Dashboard;
pub use crate::defaults::{FlaggedBorrower, UnflagInput};
pub use crate::desk::{idle_limit, Desk, DEFAULT_IDLE_LOCK};
pub use crate::early_repayment::{PayoffInput, PayoffView};
pub use crate::error::{DeskError, DeskResult};
pub use crate::field::{Enrolled, FieldEnrolInput};
pub use crate::loan_flow::{AmountInput, LossRatioLine};
pub use crate::merge::{ConflictView, ResolveInput, WaitingView};
pub use crate::peers::{PeerInput, PeerView};
pub use crate::printing::{check_export_password, Printed};
pub use crate::quarter_closing::{QuarterInput, ReopenInput};
pub use crate::quarter_report::{QuarterReport, ReportScope, TrendPoint};
pub use crate::quote::{parse_business_date, quote, quote_input_from_json, QuoteInput};
pub use crate::site_visits::{SiteVisit, SiteVisitInput, SiteVisitView};
pub use crate::subsidies::{SubsidyCase, SubsidyPaymentInput};
pub use crate::sync::{HubInput, OutboxEntry, PushSummary, SyncIdentity, SyncStatus};
pub use crate::views::{CaseListInput, CaseView};
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
            "UNKNOWN_USER",
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
