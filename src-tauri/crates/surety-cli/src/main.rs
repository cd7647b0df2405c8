//! `surety`: the service layer from the command line. JSON in (stdin), JSON out (stdout).
//!
//! Exit codes: 0 done (a quote that breaks rules is still done: `compliant` says so);
//! 2 the request itself is malformed or invalid (message on stderr, nothing on stdout);
//! 1 refused by a rule, a permission or the case's state, or any other failure;
//! 3 done (any change is made), but the result could not be written to stdout.

mod commands;
mod demo;
mod io;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "surety", version, about = "保贷通 Surety Desk — command line")]
pub struct Cli {
    /// The database (default: the desktop app's data directory).
    #[arg(long, global = true)]
    pub db: Option<PathBuf>,
    /// Who signs in (default: the first admin). The password comes from SURETY_PASSWORD
    /// or a prompt, never from a flag.
    #[arg(long, global = true)]
    pub user: Option<String>,
    /// The business date (YYYY-MM-DD) instead of today, to replay or demonstrate.
    #[arg(long, global = true)]
    pub as_of: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Quote a loan: reads the request JSON on stdin, prints the quote JSON.
    Quote {
        /// A settings TOML file (defaults: DOMAIN.md's numbers).
        #[arg(long)]
        settings: Option<PathBuf>,
    },
    /// Settings: print the defaults as TOML, or check a file.
    Settings {
        #[command(subcommand)]
        action: SettingsAction,
    },
    /// Create the database and its first admin.
    Init {
        #[arg(long, default_value = "admin")]
        admin: String,
        #[arg(long, default_value = "系统管理员")]
        display_name: String,
    },
    /// Users (admin): add (JSON on stdin; the new password from SURETY_NEW_PASSWORD or a
    /// prompt), list, remove, passwd (your own password).
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Organisations (admin): add (JSON on stdin), list.
    Org {
        #[command(subcommand)]
        action: OrgAction,
    },
    /// Set a coinsurance pool's members (admin): a JSON array on stdin.
    Pool {
        #[arg(long)]
        pool: String,
    },
    /// Add a bank–insurer agreement (admin): JSON on stdin.
    Agreement,
    /// Cities and pilot years: list, set (admin).
    City {
        #[command(subcommand)]
        action: CityAction,
    },
    /// The reference-rate table R-RATE-1 caps against: list, set, remove (admin).
    Rate {
        #[command(subcommand)]
        action: RateAction,
    },
    /// Cases: every step of the process, JSON on stdin; list and show.
    Case {
        #[command(subcommand)]
        action: CaseAction,
    },
    /// R-DEFAULT-1: borrowers flagged for malicious debt evasion: `flagged` (the list for
    /// the authorities), `unflag` (admin; JSON {"id_number", "reason"} on stdin).
    Borrower {
        #[command(subcommand)]
        action: BorrowerAction,
    },
    /// R-STOP-1/2: loss ratio, suspension and compensation per insurer and city.
    LossRatio,
    /// R-STOP-2: record the city's payment of compensation (JSON {"insurer", "city",
    /// "amount", "paid_on", "year_of"?, "note"?} on stdin); the insurer owed or an admin.
    Compensation,
    /// R-REPORT-1 quarterly statistics: `quarter` (JSON on stdout, or --out FILE.pdf|xlsx),
    /// `close` (freeze a quarter that is over), `reopen --reason` (admin).
    Report {
        #[command(subcommand)]
        action: ReportAction,
    },
    /// R-SUBSIDY-1: the quarter's subsidies per case: `list` (JSON, or --out FILE.xlsx,
    /// encrypted with SURETY_EXPORT_PASSWORD), `pay` (the city's payment, one case or all).
    Subsidy {
        #[command(subcommand)]
        action: SubsidyAction,
    },
    /// R-CREDIT-1: an institution's accounts for the central bank's credit reference system:
    /// `preview` (what would be reported), `report --out FILE.zip` (the files, AES-256 zip
    /// locked with SURETY_EXPORT_PASSWORD; only accounts changed since last reported),
    /// `correct` (re-report one segment of an account).
    Credit {
        #[command(subcommand)]
        action: CreditAction,
    },
    /// The provincial hub (issue 15): `identity` (the installation's public key and its
    /// fingerprint, for registration), `hub` (where to send), `status` (the outbox and what
    /// the hub answered), `push` (send now), `show --id N` (one envelope as sent).
    Sync {
        #[command(subcommand)]
        action: SyncAction,
    },
    /// The installations bundles are exchanged with (issue 16): `add` (admin; JSON on
    /// stdin: the other side's `sync identity` plus a "name"), `list`.
    Peer {
        #[command(subcommand)]
        action: PeerAction,
    },
    /// Field laptops (issue 16): `enrol` (admin at the office: a sealed enrolment file for
    /// an agent's laptop; the passphrase from SURETY_ENROL_PASSPHRASE or a prompt) and
    /// `init --from FILE` (on the laptop, no database yet: makes it from the file; the
    /// agent's new password from SURETY_NEW_PASSWORD or a prompt).
    Field {
        #[command(subcommand)]
        action: FieldAction,
    },
    /// Bundles between a field laptop and its office (issue 16): `export --to PEER --out FILE`
    /// (every application and site-visit change the other side has not had yet),
    /// `import --from FILE [--preview]`, `conflicts [--all]`, `resolve` (JSON on stdin:
    /// {"id", "keep": ours|theirs|edited, "edited"}), `backlog`.
    Bundle {
        #[command(subcommand)]
        action: BundleAction,
    },
    /// 实地走访 (issue 16): `record` (JSON on stdin: case_no, visited_on, place,
    /// in_operation, findings, recommendation support|caution|against, base = the revision
    /// it corrects), `show --case NO`.
    Visit {
        #[command(subcommand)]
        action: VisitAction,
    },
    /// Photos and scans attached to cases (issue 16): add, list, save.
    Attachment {
        #[command(subcommand)]
        action: AttachmentAction,
    },
    /// 工作台 figures as of the business date: pipeline, your to-do, loss ratios, NPL per
    /// bank (R-NPL-1), monthly disbursements.
    Dashboard,
    /// The audit log: verify the hash chain.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Back up the database to one encrypted file.
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup over the database (checks it first): an admin of the database
    /// being replaced signs in (--user, SURETY_PASSWORD); the backup opens with the same
    /// user and SURETY_BACKUP_PASSWORD (default: the same password). With no database yet,
    /// an admin of the backup restores it. The replaced database is kept beside it.
    Restore {
        #[arg(long)]
        from: PathBuf,
        /// Restore a backup of another installation over this one.
        #[arg(long)]
        allow_foreign: bool,
    },
    /// Print a document to PDF: one case (--case, --out FILE) or every matching case
    /// (--city/--status/--search, --out DIR, progress on stderr). Documents: loan_contract,
    /// guarantee_policy, accident_policy, claim_notice, repayment_schedule; `contracts`
    /// is short for loan_contract.
    Print {
        document: String,
        #[command(flatten)]
        cases: CaseSelection,
    },
    /// Export to XLSX: `cases` (the filtered list), `schedule --case NO`, or `flagged`
    /// (R-DEFAULT-1's list).
    Export {
        what: String,
        #[command(flatten)]
        cases: CaseSelection,
    },
    /// Build a demo database: cities, insurers (one a pool), banks, users, cases in every
    /// state, claims, and one city over the 150% loss ratio.
    Demo {
        #[arg(long, default_value_t = 200)]
        cases: u32,
    },
}

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

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version are not errors: clap prints them as they are.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        // A command line that does not parse is malformed input, said in both languages
        // with the JSON line a script reads, like every other error.
        Err(e) => {
            let detail = e.render().to_string();
            let first = detail.lines().next().unwrap_or_default().trim();
            let first = first.strip_prefix("error: ").unwrap_or(first).to_string();
            io::print_error(&surety::api::DeskError::new(
                "MALFORMED_REQUEST",
                None,
                format!("命令行有误（运行 surety --help 查看用法）：{first}"),
                format!("the command line is wrong (see surety --help): {first}"),
            ));
            return ExitCode::from(2);
        }
    };
    match commands::run(cli) {
        Ok(out) => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            match writeln!(stdout, "{out}").and_then(|()| stdout.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                // The reader went away (`surety case list | head`): nothing to tell it.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("已完成，但结果无法输出：{e}");
                    eprintln!("done, but the result could not be written: {e}");
                    ExitCode::from(3)
                }
            }
        }
        Err(e) => {
            io::print_error(&e);
            ExitCode::from(io::exit_code(&e))
        }
    }
}
