//! Which rule a violation breaks: a DOMAIN.md rule id (`R-RATE-1`) or one of the few
//! stable names of input and process errors. A type, so that a misspelled id does not
//! compile; it serialises as its id.

use serde::{Serialize, Serializer};

macro_rules! rules {
    ($($(#[$doc:meta])* $variant:ident = $code:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $($(#[$doc])* $variant,)*
        }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The id as DOMAIN.md and the error codes write it.
            pub fn as_str(self) -> &'static str {
                match self { $(Rule::$variant => $code,)* }
            }
        }
    };
}

rules! {
    /// R-AMT-1: a borrower's guaranteed principal over the cap in principle.
    RAmt1 = "R-AMT-1",
    /// R-AMT-2: a loan over the pilot's ceiling.
    RAmt2 = "R-AMT-2",
    RClaim1 = "R-CLAIM-1",
    RClaim2 = "R-CLAIM-2",
    RClaim3 = "R-CLAIM-3",
    RDefault1 = "R-DEFAULT-1",
    RElig1 = "R-ELIG-1",
    RElig2 = "R-ELIG-2",
    RElig3 = "R-ELIG-3",
    RElig4 = "R-ELIG-4",
    RFee1 = "R-FEE-1",
    RPrem1 = "R-PREM-1",
    RPrepay1 = "R-PREPAY-1",
    RRate1 = "R-RATE-1",
    RRecov1 = "R-RECOV-1",
    RReport1 = "R-REPORT-1",
    RShare1 = "R-SHARE-1",
    RStop1 = "R-STOP-1",
    RStop2 = "R-STOP-2",
    RSubsidy1 = "R-SUBSIDY-1",
    RTerm1 = "R-TERM-1",
    RVeto1 = "R-VETO-1",
    /// An ID number's region outside the case's city (a warning, never a refusal).
    CityRegion = "CITY-REGION",
    /// A resident ID or credit code that does not check.
    IdNumber = "ID_NUMBER",
    /// A value that is not allowed (the field says which).
    InvalidInput = "INVALID_INPUT",
    /// A step the party may not take.
    NotPermitted = "NOT_PERMITTED",
    /// A step the case's state does not allow.
    WrongState = "WRONG_STATE",
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Tests and checks read a rule against its id as written in DOMAIN.md.
impl PartialEq<&str> for Rule {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
