//! The command line: global flags and every subcommand, as clap parses them.

use crate::actions::*;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

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
        /// A database for replay, training or demonstration: its business date can be set
        /// with --as-of for every step. Fixed for good when the database is made; on a
        /// production database --as-of only reads figures as of another day.
        #[arg(long)]
        replay: bool,
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
    /// `close` (freeze a quarter that is over: an underwriter their insurer's lines, an admin the
    /// whole installation), `reopen --reason [--organisation]` (admin).
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
    /// The provincial hub: `identity` (the installation's public key and its
    /// fingerprint, for registration), `hub` (where to send), `status` (the outbox and what
    /// the hub answered), `push` (send now), `show --id N` (one envelope as sent).
    Sync {
        #[command(subcommand)]
        action: SyncAction,
    },
    /// The installations bundles are exchanged with: `add` (admin; JSON on
    /// stdin: the other side's `sync identity` plus a "name"), `list`.
    Peer {
        #[command(subcommand)]
        action: PeerAction,
    },
    /// Field laptops: `enrol` (admin at the office: a sealed enrolment file for
    /// an agent's laptop; the passphrase from SURETY_ENROL_PASSPHRASE or a prompt) and
    /// `init --from FILE` (on the laptop, no database yet: makes it from the file; the
    /// agent's new password from SURETY_NEW_PASSWORD or a prompt).
    Field {
        #[command(subcommand)]
        action: FieldAction,
    },
    /// Bundles between a field laptop and its office: `export --to PEER --out FILE`
    /// (every application and site-visit change the other side has not had yet),
    /// `import --from FILE [--preview]`, `conflicts [--all]`, `resolve` (JSON on stdin:
    /// {"id", "keep": ours|theirs|edited, "edited"}), `backlog`.
    Bundle {
        #[command(subcommand)]
        action: BundleAction,
    },
    /// 实地走访: `record` (JSON on stdin: case_no, visited_on, place,
    /// in_operation, findings, recommendation support|caution|against, base = the revision
    /// it corrects), `show --case NO`.
    Visit {
        #[command(subcommand)]
        action: VisitAction,
    },
    /// Photos and scans attached to cases: add, list, save.
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
