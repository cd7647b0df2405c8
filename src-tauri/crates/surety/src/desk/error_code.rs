//! Every code an error can carry, as one enum: the bindings expose it to the UI as a union
//! of string literals, and the CLI maps it to exit codes with a `match`.

use serde::Serialize;

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

            pub fn parse(code: &str) -> Option<ErrorCode> {
                match code { $($code => Some(ErrorCode::$variant),)* _ => None }
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
    /// A code given as text by a crate below (a rule id, a store error). Every such text is
    /// a variant: a test reads the sources for them.
    pub fn of(code: &str) -> ErrorCode {
        ErrorCode::parse(code).unwrap_or_else(|| panic!("error code `{code}` is not an ErrorCode"))
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code literal the crates below and this one produce is an `ErrorCode`, so
    /// `ErrorCode::of` never meets an unknown one.
    #[test]
    fn every_code_in_the_sources_is_a_variant() {
        let crates = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let mut missing = Vec::new();
        let mut seen = 0;
        for krate in ["surety-domain", "surety-store", "surety-docs", "surety"] {
            let dir = std::path::Path::new(crates).join(krate).join("src");
            for entry in std::fs::read_dir(&dir).unwrap() {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
                for (i, _) in text.match_indices('"') {
                    let rest = &text[i + 1..];
                    let Some(end) = rest.find('"') else { continue };
                    let lit = &rest[..end];
                    let looks_like_code = lit.len() > 2
                        && lit.chars().all(|c| {
                            c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-'
                        })
                        && (lit.starts_with("R-") || lit.contains('_'))
                        && !lit.starts_with('-');
                    let preceded = text[..i].trim_end();
                    let in_code_position = preceded.ends_with("rule:")
                        || preceded.ends_with("=>")
                        || preceded.ends_with("new(")
                        || preceded.ends_with("Violation::new(")
                        || preceded.ends_with("DeskError::new(");
                    if looks_like_code && in_code_position {
                        seen += 1;
                        if ErrorCode::parse(lit).is_none() {
                            missing.push(lit.to_string());
                        }
                    }
                }
            }
        }
        assert!(seen > 30, "the scan found {seen} codes");
        assert!(missing.is_empty(), "codes without a variant: {missing:?}");
    }
}
