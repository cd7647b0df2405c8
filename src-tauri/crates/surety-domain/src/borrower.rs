//! The four kinds of borrower the pilot serves (§3.2.2) and how each is identified.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BorrowerKind {
    /// 小微企业
    MicroEnterprise,
    /// 农业种养殖大户
    Farmer,
    /// 农村生产经营性合作组织
    Cooperative,
    /// 城乡创业者
    Entrepreneur,
}

/// Which national number identifies a borrower of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentifiedBy {
    /// 统一社会信用代码 (GB 32100-2015)
    CreditCode,
    /// 居民身份证号码 (GB 11643-1999)
    ResidentId,
}

impl BorrowerKind {
    pub const ALL: [BorrowerKind; 4] = [
        BorrowerKind::MicroEnterprise,
        BorrowerKind::Farmer,
        BorrowerKind::Cooperative,
        BorrowerKind::Entrepreneur,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BorrowerKind::MicroEnterprise => "micro_enterprise",
            BorrowerKind::Farmer => "farmer",
            BorrowerKind::Cooperative => "cooperative",
            BorrowerKind::Entrepreneur => "entrepreneur",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            BorrowerKind::MicroEnterprise => "小微企业",
            BorrowerKind::Farmer => "农业种养殖大户",
            BorrowerKind::Cooperative => "农村生产经营性合作组织",
            BorrowerKind::Entrepreneur => "城乡创业者",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            BorrowerKind::MicroEnterprise => "micro enterprise",
            BorrowerKind::Farmer => "large-scale farmer",
            BorrowerKind::Cooperative => "rural cooperative",
            BorrowerKind::Entrepreneur => "urban or rural entrepreneur",
        }
    }

    pub fn identified_by(self) -> IdentifiedBy {
        match self {
            BorrowerKind::MicroEnterprise | BorrowerKind::Cooperative => IdentifiedBy::CreditCode,
            BorrowerKind::Farmer | BorrowerKind::Entrepreneur => IdentifiedBy::ResidentId,
        }
    }
}

impl FromStr for BorrowerKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BorrowerKind::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| s.to_string())
    }
}

/// The six-digit administrative division code an identifier carries: the first six digits
/// of a resident ID, characters 3–8 of a credit code. `None` when they are not digits.
pub fn division_code(id_number: &str, by: IdentifiedBy) -> Option<&str> {
    let code = match by {
        IdentifiedBy::ResidentId => id_number.get(0..6)?,
        IdentifiedBy::CreditCode => id_number.get(2..8)?,
    };
    code.bytes().all(|b| b.is_ascii_digit()).then_some(code)
}
