//! The actions under each subcommand (settings, users, cities, rates, reports, bundles,
//! field laptops, peers, attachments, the hub, the audit chain, cases).

use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Which cases `print` and `export` take: one (`--case`) or those the filters match, and
/// where the result goes.
#[derive(Args)]
pub struct CaseSelection {
    #[arg(long)]
    pub case: Option<String>,
    #[arg(long)]
    pub city: Option<String>,
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long)]
    pub search: Option<String>,
    #[arg(long)]
    pub out: PathBuf,
}

impl CaseSelection {
    /// The filters as the service's list input.
    pub fn filter(&self) -> surety::api::CaseListInput {
        surety::api::CaseListInput {
            city: self.city.clone(),
            status: self.status.clone(),
            search: self.search.clone(),
            ..Default::default()
        }
    }
}

#[derive(Subcommand)]
pub enum SettingsAction {
    /// Print the default settings as TOML.
    Defaults,
    /// Check a settings file; prints the effective settings as TOML.
    Check { file: PathBuf },
    /// The database's settings in force, as TOML (signed in).
    Show,
    /// Apply a settings file to the database (admin): every setting but the rate table,
    /// which `surety rate` manages. Keys left out take DOMAIN.md's defaults.
    Apply { file: PathBuf },
}

#[derive(Subcommand)]
pub enum UserAction {
    Add,
    List,
    Remove {
        username: String,
    },
    Passwd,
    /// A new password for another user (from SURETY_NEW_PASSWORD or a prompt); enables a
    /// disabled user again.
    Reset {
        username: String,
    },
}

#[derive(Subcommand)]
pub enum BorrowerAction {
    Flagged,
    Unflag,
}

#[derive(Subcommand)]
pub enum CityAction {
    /// Each city's pilot start, subsidies and notes.
    List,
    /// Set one city's pilot membership, start and subsidies (admin): JSON on stdin, e.g.
    /// {"city": "zibo", "in_pilot": true, "pilot_start": "2017-04-01", "premium_subsidy_share": "0.5",
    ///  "interest_subsidy_share": "0.3", "subsidy_kinds": ["farmer"]}
    Set,
}

#[derive(Subcommand)]
pub enum RateAction {
    /// The benchmark / LPR table.
    List,
    /// Add or replace the rate taking effect on a date (admin): JSON on stdin, e.g.
    /// {"effective": "2027-01-01", "rate": "0.0295"}
    Set,
    /// Remove the rate taking effect on a date (admin).
    Remove {
        #[arg(long)]
        effective: String,
    },
}

#[derive(Subcommand)]
pub enum OrgAction {
    Add,
    List,
}

/// A quarter and, optionally, one city.
#[derive(Args)]
pub struct Period {
    #[arg(long)]
    pub year: i32,
    /// 1 to 4.
    #[arg(long)]
    pub quarter: u8,
    /// A city code (jinan, qingdao, …); every city when left out.
    #[arg(long)]
    pub city: Option<String>,
}

#[derive(Subcommand)]
pub enum ReportAction {
    Quarter {
        #[command(flatten)]
        period: Period,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    Close {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        quarter: u8,
    },
    Reopen {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        quarter: u8,
        #[arg(long)]
        reason: String,
        /// Whose closing, when several insurers closed their lines (an insurer's code).
        #[arg(long)]
        organisation: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum SubsidyAction {
    List {
        #[command(flatten)]
        period: Period,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    Pay {
        #[command(flatten)]
        period: Period,
        /// One case; every unpaid case of the city when left out.
        #[arg(long)]
        case: Option<String>,
        #[arg(long)]
        paid_on: String,
    },
}

#[derive(Subcommand)]
pub enum CreditAction {
    Preview {
        /// The bank's or insurer's organisation code.
        #[arg(long)]
        org: String,
        #[arg(long)]
        date: String,
    },
    Report {
        #[arg(long)]
        org: String,
        #[arg(long)]
        date: String,
        #[arg(long)]
        out: PathBuf,
    },
    Correct {
        #[arg(long)]
        org: String,
        #[arg(long)]
        case: String,
        /// The segment's letter (段标), e.g. D.
        #[arg(long)]
        segment: String,
        #[arg(long)]
        date: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum BundleAction {
    Export {
        /// The receiving installation's id (`surety peer list`).
        #[arg(long)]
        to: String,
        #[arg(long)]
        out: PathBuf,
        /// Only these cases (their number, or the laptop's number; repeat the flag);
        /// without it, everything the other side has not had yet.
        #[arg(long = "case")]
        cases: Vec<String>,
    },
    Import {
        #[arg(long)]
        from: PathBuf,
        /// Only say what the bundle would change.
        #[arg(long)]
        preview: bool,
    },
    /// Sections changed on both sides: both versions, for a person of the owning side.
    Conflicts {
        /// Resolved ones too.
        #[arg(long)]
        all: bool,
    },
    Resolve,
    /// Changes waiting for the case or revision they build on.
    Backlog,
}

#[derive(Subcommand)]
pub enum VisitAction {
    Record,
    Show {
        #[arg(long = "case")]
        case_no: String,
    },
}

#[derive(Subcommand)]
pub enum FieldAction {
    Enrol {
        /// The field agent (a user here).
        #[arg(long)]
        agent: String,
        /// 2–6 letters or digits starting the laptop's provisional numbers.
        #[arg(long)]
        prefix: String,
        #[arg(long)]
        laptop_name: String,
        #[arg(long)]
        office_name: String,
        #[arg(long)]
        out: PathBuf,
    },
    Init {
        #[arg(long)]
        from: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum PeerAction {
    Add,
    List,
}

#[derive(Subcommand)]
pub enum AttachmentAction {
    /// Attaches a photo or scan (JPEG, PNG, PDF, at most 20 MB) to a section of a case:
    /// intake, investigation (your side's), loan_contract, guarantee_policy,
    /// accident_policy, claim, recoveries.
    Add {
        #[arg(long = "case")]
        case_no: String,
        #[arg(long)]
        section: String,
        /// The file's name as shown (default: the file's own).
        #[arg(long)]
        name: Option<String>,
        file: PathBuf,
    },
    /// A case's attachments (without their content).
    List {
        #[arg(long = "case")]
        case_no: String,
    },
    /// Writes an attachment to a file (on the audit record).
    Save {
        #[arg(long)]
        id: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum SyncAction {
    /// The installation's public key and fingerprint, to register at the hub.
    Identity,
    /// The outbox: each envelope's state, and the hub's last contact.
    Status,
    /// Sends every pending envelope now (the window does it by itself, with backoff).
    Push,
    /// Sets the hub (admin): JSON on stdin, {"url", "public_key", "ca_pem"}; an empty url
    /// clears it.
    Hub,
    Show {
        #[arg(long)]
        id: i64,
    },
}

#[derive(Subcommand)]
pub enum AuditAction {
    /// The audit log's hash chain.
    Verify,
    /// The chain and SQLite's integrity check of the whole file.
    Check,
}

#[derive(Subcommand)]
pub enum CaseAction {
    /// 受理: a new application.
    Intake,
    /// 资信调查: your side's findings.
    Investigate,
    /// 会商: a joint-review note.
    Review,
    /// R-AMT-1: your side's exception approval.
    Exception,
    /// 审批: your side's decision.
    Decide,
    /// 签约: a document of your side.
    Sign,
    /// 保费: a premium line received.
    Premium,
    /// 放款
    Disburse,
    /// 还款
    Repay,
    /// 部分提前还款: {"case_no", "amount"}; the rest of the schedule is recomputed.
    Prepay,
    /// 提前结清: {"case_no", "amount"}; the amount must be today's payoff figure.
    PayOff,
    /// 提前结清试算: what repaying the whole loan takes on a day (today or later).
    Payoff {
        case_no: String,
        #[arg(long)]
        date: Option<String>,
    },
    /// Bring overdue states up to the business date.
    Overdue,
    /// 索赔
    Claim,
    /// 赔付
    PayClaim,
    /// 拒赔 (R-CLAIM-4): {"case_no", "note": the reason the bank will see}
    RefuseClaim,
    /// 意外险理赔 (R-CLAIM-3): {"case_no", "occurred_on", "cause", "amount"}; the insurer.
    AccidentClaim,
    /// 追偿
    Recover,
    /// 结案
    Close,
    /// 撤回
    Withdraw,
    /// R-DEFAULT-1: flag malicious evasion.
    Flag,
    /// List cases, newest first.
    List {
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        city: Option<String>,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
        /// applied_desc (default), applied_asc, principal_desc, principal_asc, case_no_asc, case_no_desc
        #[arg(long)]
        sort: Option<String>,
    },
    /// One case with all its sections and its timeline.
    Show { case_no: String },
}
