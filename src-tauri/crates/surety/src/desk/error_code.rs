//! Every code an error can carry, as one enum: the bindings expose it to the UI as a union
//! of string literals, and the CLI maps it to exit codes with a `match`.

use serde::Serialize;
use surety_domain::Rule;
use surety_store::StoreError;

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub enum ErrorCode {
            $($(#[$doc])* #[serde(rename = $code)] $variant,)*
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }
        }
    };
}

codes! {
    /// The request is not the JSON it should be.
    MalformedRequest = "MALFORMED_REQUEST",
    /// A value is not allowed (the field says which).
    InvalidInput = "INVALID_INPUT",
    /// A resident ID or credit code that does not check.
    IdNumber = "ID_NUMBER",
    /// A settings file that does not hold.
    Settings = "SETTINGS",
    /// A file may not be written there.
    PathNotAllowed = "PATH_NOT_ALLOWED",
    NoPassword = "NO_PASSWORD",
    NotPermitted = "NOT_PERMITTED",
    SignedOut = "SIGNED_OUT",
    SignInFailed = "SIGN_IN_FAILED",
    Throttled = "THROTTLED",
    NotFound = "NOT_FOUND",
    UnknownUser = "UNKNOWN_USER",
    UserExists = "USER_EXISTS",
    /// The case is not in a state that allows the step.
    WrongState = "WRONG_STATE",
    NoAgreement = "NO_AGREEMENT",
    RAmt1 = "R-AMT-1",
    RAmt2 = "R-AMT-2",
    RClaim1 = "R-CLAIM-1",
    RClaim2 = "R-CLAIM-2",
    /// An accident claim above the cover left or above what the borrower owes.
    RClaim3 = "R-CLAIM-3",
    RElig1 = "R-ELIG-1",
    RElig2 = "R-ELIG-2",
    RElig3 = "R-ELIG-3",
    RElig4 = "R-ELIG-4",
    RFee1 = "R-FEE-1",
    RPrem1 = "R-PREM-1",
    /// Early repayment: overdue amounts first, more than the accrued interest, less than
    /// the payoff figure.
    RPrepay1 = "R-PREPAY-1",
    RRate1 = "R-RATE-1",
    RRecov1 = "R-RECOV-1",
    RReport1 = "R-REPORT-1",
    RShare1 = "R-SHARE-1",
    RStop1 = "R-STOP-1",
    /// A compensation payment above what the city still owes.
    RStop2 = "R-STOP-2",
    RSubsidy1 = "R-SUBSIDY-1",
    RTerm1 = "R-TERM-1",
    RVeto1 = "R-VETO-1",
    RDefault1 = "R-DEFAULT-1",
    /// An ID number's region outside the case's city: a warning on a quote, never a refusal.
    CityRegion = "CITY-REGION",
    Io = "IO",
    KeyFileMissing = "KEY_FILE_MISSING",
    KeyFileDamaged = "KEY_FILE_DAMAGED",
    NotOurDatabase = "NOT_OUR_DATABASE",
    SchemaTooNew = "SCHEMA_TOO_NEW",
    NotSqlcipher = "NOT_SQLCIPHER",
    AlreadyExists = "ALREADY_EXISTS",
    BadBackup = "BAD_BACKUP",
    ForeignBackup = "FOREIGN_BACKUP",
    /// A stored value does not parse (table, row and column in the message).
    Corrupt = "CORRUPT",
    Database = "DATABASE",
    /// Another change held the database past the wait: try again.
    DatabaseBusy = "DATABASE_BUSY",
    /// A restore is replacing the database: the write was held out.
    RestoreInProgress = "RESTORE_IN_PROGRESS",
    /// The disk is full: nothing was written.
    DiskFull = "DISK_FULL",
    FontMissing = "FONT_MISSING",
    /// A push to the provincial hub with no hub set up.
    SyncNotConfigured = "SYNC_NOT_CONFIGURED",
    /// A bundle sealed to another installation.
    BundleNotForUs = "BUNDLE_NOT_FOR_US",
    /// A bundle cut, changed, too large, or not a bundle.
    BundleDamaged = "BUNDLE_DAMAGED",
    /// A bundle signed by an installation that is not a registered peer.
    BundleUnknownSender = "BUNDLE_UNKNOWN_SENDER",
    /// A bundle event seen before with other content.
    BundleReplayed = "BUNDLE_REPLAYED",
    Xlsx = "XLSX",
    Archive = "ARCHIVE",
}

impl ErrorCode {
    /// Whether the request itself was wrong (the CLI's exit code 2), rather than refused.
    pub fn is_bad_input(self) -> bool {
        matches!(
            self,
            ErrorCode::MalformedRequest
                | ErrorCode::InvalidInput
                | ErrorCode::IdNumber
                | ErrorCode::Settings
                | ErrorCode::PathNotAllowed
        )
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl From<Rule> for ErrorCode {
    fn from(rule: Rule) -> ErrorCode {
        match rule {
            Rule::RAmt1 => ErrorCode::RAmt1,
            Rule::RAmt2 => ErrorCode::RAmt2,
            Rule::RClaim1 => ErrorCode::RClaim1,
            Rule::RClaim2 => ErrorCode::RClaim2,
            Rule::RClaim3 => ErrorCode::RClaim3,
            Rule::RDefault1 => ErrorCode::RDefault1,
            Rule::RElig1 => ErrorCode::RElig1,
            Rule::RElig2 => ErrorCode::RElig2,
            Rule::RElig3 => ErrorCode::RElig3,
            Rule::RElig4 => ErrorCode::RElig4,
            Rule::RFee1 => ErrorCode::RFee1,
            Rule::RPrem1 => ErrorCode::RPrem1,
            Rule::RPrepay1 => ErrorCode::RPrepay1,
            Rule::RRate1 => ErrorCode::RRate1,
            Rule::RRecov1 => ErrorCode::RRecov1,
            Rule::RReport1 => ErrorCode::RReport1,
            Rule::RShare1 => ErrorCode::RShare1,
            Rule::RStop1 => ErrorCode::RStop1,
            Rule::RStop2 => ErrorCode::RStop2,
            Rule::RSubsidy1 => ErrorCode::RSubsidy1,
            Rule::RTerm1 => ErrorCode::RTerm1,
            Rule::RVeto1 => ErrorCode::RVeto1,
            Rule::CityRegion => ErrorCode::CityRegion,
            Rule::IdNumber => ErrorCode::IdNumber,
            Rule::InvalidInput => ErrorCode::InvalidInput,
            Rule::NotPermitted => ErrorCode::NotPermitted,
            Rule::WrongState => ErrorCode::WrongState,
        }
    }
}

impl From<&StoreError> for ErrorCode {
    fn from(e: &StoreError) -> ErrorCode {
        match e {
            StoreError::SignInFailed(_) => ErrorCode::SignInFailed,
            StoreError::Throttled(_) => ErrorCode::Throttled,
            StoreError::UnknownUser(_) => ErrorCode::UnknownUser,
            StoreError::KeyFileMissing(_) => ErrorCode::KeyFileMissing,
            StoreError::KeyFileDamaged { .. } => ErrorCode::KeyFileDamaged,
            StoreError::NotOurDatabase(_) => ErrorCode::NotOurDatabase,
            StoreError::SchemaTooNew { .. } => ErrorCode::SchemaTooNew,
            StoreError::NotSqlcipher => ErrorCode::NotSqlcipher,
            StoreError::AlreadyExists(_) => ErrorCode::AlreadyExists,
            StoreError::UserExists(_) => ErrorCode::UserExists,
            StoreError::Invalid { .. } => ErrorCode::InvalidInput,
            StoreError::BadBackup { .. } => ErrorCode::BadBackup,
            StoreError::ForeignBackup { .. } => ErrorCode::ForeignBackup,
            StoreError::NotPermitted(_) => ErrorCode::NotPermitted,
            StoreError::Corrupt(_) => ErrorCode::Corrupt,
            StoreError::Rule(v) => v.rule.into(),
            StoreError::Busy => ErrorCode::DatabaseBusy,
            StoreError::RestoreInProgress => ErrorCode::RestoreInProgress,
            StoreError::DiskFull => ErrorCode::DiskFull,
            StoreError::Sqlite(_) => ErrorCode::Database,
            StoreError::Io(_) => ErrorCode::Io,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rule's code and the store's code of an error are the same text the UI and the
    /// CLI's JSON have always carried.
    #[test]
    fn every_rule_keeps_its_id_as_its_code() {
        for rule in Rule::ALL {
            assert_eq!(ErrorCode::from(*rule).as_str(), rule.as_str());
        }
        let e = StoreError::Busy;
        assert_eq!(ErrorCode::from(&e).as_str(), e.code());
    }
}
