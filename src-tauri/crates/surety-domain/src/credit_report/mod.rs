//! R-CREDIT-1 (§4.4, §6.2): the banks' loan accounts and the insurers' guarantee accounts
//! as records of the PBoC credit reference system's second-generation collection interface.
//!
//! What is known of that interface comes from banks' open-source reporting tools, not from
//! the official text (DOMAIN.md): every element name, code and layout below that those tools
//! do not show is marked `confirmed: false` in `SEGMENTS` and listed in ARCHITECTURE.md, to
//! be checked against 《征信系统数据采集接口规范》 2.0.0 before a file is sent.
//!
//! A record is one line `<Document>…</Document>` holding the segments its report-date code
//! calls for; a file is a 50-character header line and the records, CRLF line ends.

use crate::money::Money;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

mod segments;
pub use segments::*;

/// The four record types the pilot reports (211–214 … are changes, corrections and
/// deletions of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RecordType {
    /// 210 个人借贷账户: the bank's loan to a natural person (farmer, entrepreneur).
    PersonalLoan,
    /// 410 企业借贷账户: the bank's loan to an enterprise or cooperative.
    EnterpriseLoan,
    /// 230 个人担保账户: the insurer's guarantee of a natural person's loan.
    PersonalGuarantee,
    /// 440 企业担保账户: the insurer's guarantee of an enterprise's loan.
    EnterpriseGuarantee,
}

impl RecordType {
    pub const ALL: [RecordType; 4] = [
        RecordType::PersonalLoan,
        RecordType::EnterpriseLoan,
        RecordType::PersonalGuarantee,
        RecordType::EnterpriseGuarantee,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RecordType::PersonalLoan => "210",
            RecordType::EnterpriseLoan => "410",
            RecordType::PersonalGuarantee => "230",
            RecordType::EnterpriseGuarantee => "440",
        }
    }

    /// The segment-correction record of the same account (按段更正).
    pub fn correction_code(self) -> &'static str {
        match self {
            RecordType::PersonalLoan => "212",
            RecordType::EnterpriseLoan => "412",
            RecordType::PersonalGuarantee => "232",
            RecordType::EnterpriseGuarantee => "442",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            RecordType::PersonalLoan => "个人借贷账户",
            RecordType::EnterpriseLoan => "企业借贷账户",
            RecordType::PersonalGuarantee => "个人担保账户",
            RecordType::EnterpriseGuarantee => "企业担保账户",
        }
    }

    /// The record's root element, as the banks' tools name it.
    fn root(self) -> &'static str {
        match self {
            RecordType::PersonalLoan => "InAcctInf",
            RecordType::EnterpriseLoan => "EnAcctInf",
            RecordType::PersonalGuarantee => "InSecAcctInf",
            RecordType::EnterpriseGuarantee => "EnSecAcctInf",
        }
    }

    pub fn is_guarantee(self) -> bool {
        matches!(
            self,
            RecordType::PersonalGuarantee | RecordType::EnterpriseGuarantee
        )
    }

    /// The record type of an account: loans are the bank's, guarantees the insurer's; a
    /// borrower identified by a resident ID is a person.
    pub fn of(guarantee: bool, person: bool) -> RecordType {
        match (guarantee, person) {
            (false, true) => RecordType::PersonalLoan,
            (false, false) => RecordType::EnterpriseLoan,
            (true, true) => RecordType::PersonalGuarantee,
            (true, false) => RecordType::EnterpriseGuarantee,
        }
    }
}

/// 报告时点说明代码: why the account is reported on this day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportDateCode {
    /// 10 新开户/首次报送 (both kinds of account)
    Opened,
    /// 20 账户关闭 (both)
    Closed,
    /// 32 约定还款日结算 (loans): a due date passed unpaid
    DueDateSettled,
    /// 33 实际还款 (loans)
    Repaid,
    /// 41 五级分类调整 (loans)
    LoanReclassified,
    /// 49 其他报送日 (loans)
    LoanOther,
    /// 30 在保责任变化 (guarantees)
    LiabilityChanged,
    /// 40 五级分类调整 (guarantees)
    GuaranteeReclassified,
    /// 50 其他信息变化 (guarantees)
    GuaranteeOther,
}

impl ReportDateCode {
    pub fn code(self) -> &'static str {
        match self {
            ReportDateCode::Opened => "10",
            ReportDateCode::Closed => "20",
            ReportDateCode::DueDateSettled => "32",
            ReportDateCode::Repaid => "33",
            ReportDateCode::LoanReclassified => "41",
            ReportDateCode::LoanOther => "49",
            ReportDateCode::LiabilityChanged => "30",
            ReportDateCode::GuaranteeReclassified => "40",
            ReportDateCode::GuaranteeOther => "50",
        }
    }
}

/// One account as it stands on the report date: everything the segments state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSnapshot {
    pub record_type: RecordType,
    /// 账户标识码: the loan contract's or the guarantee policy's number.
    pub acct_code: String,
    pub name: String,
    /// The resident ID or the unified social credit code.
    pub id_num: String,
    /// 业务管理机构代码: the reporting institution's 14-character code.
    pub org_code: String,
    pub open_date: NaiveDate,
    pub due_date: NaiveDate,
    /// The loan's principal, or the guaranteed amount.
    pub amount: Money,
    pub periods: u32,
    /// Outstanding on the report date (the loan's principal; for a guarantee, the principal
    /// still guaranteed).
    pub balance: Money,
    /// 1 正常 … 5 损失 (R-NPL-1's tiers).
    pub five_tier: u8,
    pub overdue_periods: u32,
    pub overdue_principal: Money,
    pub overdue_total: Money,
    /// The last repayment by the report date: (day, amount).
    pub last_payment: Option<(NaiveDate, Money)>,
    /// Guarantees: the insurer has paid the claim (代偿).
    pub paid_out: bool,
    pub close_date: Option<NaiveDate>,
    /// An enterprise's legal representative, reported as a related party (相关还款责任人)
    /// of a guarantee when known.
    pub related_party: Option<String>,
}

/// Why an account is reported on this day, or `None` when nothing it states has changed
/// since `last` (the next file carries only changes).
pub fn report_code(
    last: Option<&AccountSnapshot>,
    now: &AccountSnapshot,
) -> Option<ReportDateCode> {
    let guarantee = now.record_type.is_guarantee();
    let Some(last) = last else {
        return Some(ReportDateCode::Opened);
    };
    if last.close_date.is_some() {
        return None;
    }
    if now.close_date.is_some() {
        return Some(ReportDateCode::Closed);
    }
    if guarantee {
        if now.balance != last.balance || now.paid_out != last.paid_out {
            return Some(ReportDateCode::LiabilityChanged);
        }
        if now.five_tier != last.five_tier {
            return Some(ReportDateCode::GuaranteeReclassified);
        }
        if now.related_party != last.related_party || now.name != last.name {
            return Some(ReportDateCode::GuaranteeOther);
        }
        return None;
    }
    if now.last_payment != last.last_payment {
        return Some(ReportDateCode::Repaid);
    }
    if now.overdue_periods > last.overdue_periods || now.overdue_total != last.overdue_total {
        return Some(ReportDateCode::DueDateSettled);
    }
    if now.five_tier != last.five_tier {
        return Some(ReportDateCode::LoanReclassified);
    }
    if now.balance != last.balance || now.name != last.name {
        return Some(ReportDateCode::LoanOther);
    }
    None
}

/// Amounts are whole yuan, half-up (our reading: to confirm).
fn yuan(m: Money) -> String {
    m.as_decimal()
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\r', '\n'], " ")
}

/// A field's value for `snap` reported with `code` on `rpt_date`.
fn value(
    tag: &str,
    seg: &SegmentRule,
    snap: &AccountSnapshot,
    code: ReportDateCode,
    rpt_date: NaiveDate,
) -> String {
    let person = matches!(
        snap.record_type,
        RecordType::PersonalLoan | RecordType::PersonalGuarantee
    );
    let closed = snap.close_date.is_some();
    match tag {
        "InfRecType" => snap.record_type.code().into(),
        // D1 非循环贷账户; G1 融资担保账户 (our reading for a guarantee insurance policy).
        "AcctType" => if seg.guarantee { "G1" } else { "D1" }.into(),
        "AcctCode" => snap.acct_code.clone(),
        "RptDate" => day(rpt_date),
        "RptDateCode" => code.code().into(),
        "Name" => escape(&snap.name),
        // 10 居民身份证; 10 统一社会信用代码 in the enterprise code list (our reading).
        "IDType" => "10".into(),
        "IDNum" => snap.id_num.clone(),
        "MngmtOrgCode" => snap.org_code.clone(),
        // 1: loans / financing guarantees (our reading for both, to confirm).
        "BusiLines" => "1".into(),
        "BusiDtlLines" => if person { "13" } else { "21" }.into(),
        "OpenDate" => day(snap.open_date),
        "Cy" => "CNY".into(),
        "LoanAmt" | "GuarAmt" => yuan(if tag == "LoanAmt" && seg.guarantee {
            snap.balance
        } else {
            snap.amount
        }),
        "DueDate" => day(snap.due_date),
        "RepayMode" => "90".into(),
        "RepayFreqcy" => "03".into(),
        "RepayPrd" => {
            if seg.guarantee {
                day(rpt_date)
            } else {
                snap.periods.to_string()
            }
        }
        // 3 保证 (the guarantee insurance is the loan's guarantee); a guarantee: 0 无反担保.
        "GuarMode" => if seg.guarantee { "0" } else { "3" }.into(),
        "LoanForm" => "1".into(),
        "AcctStatus" => {
            if seg.guarantee {
                if closed { "2" } else { "1" }.into()
            } else if closed {
                "3".into()
            } else if snap.overdue_periods > 0 {
                "2".into()
            } else {
                "1".into()
            }
        }
        "AcctBal" => yuan(snap.balance),
        "FiveCate" => snap.five_tier.to_string(),
        "FiveCateAdjDate" => day(rpt_date),
        "RemRepPrd" => snap
            .periods
            .saturating_sub(snap.overdue_periods)
            .to_string(),
        "OverdPrd" => snap.overdue_periods.to_string(),
        "OverdPrinc" => yuan(snap.overdue_principal),
        "TotOverd" => yuan(snap.overdue_total),
        "LatRpyDate" => snap.last_payment.map(|(d, _)| day(d)).unwrap_or_default(),
        "LatRpyAmt" => snap
            .last_payment
            .map(|(_, a)| yuan(a))
            .unwrap_or_else(|| "0".into()),
        "CloseDate" => snap.close_date.map(day).unwrap_or_default(),
        "RiEx" => yuan(snap.balance),
        "CompAdvFlag" => if snap.paid_out { "1" } else { "0" }.into(),
        "RltRepymtNm" => u8::from(snap.related_party.is_some()).to_string(),
        "InfoIDType" => "1".into(),
        "ArlpName" => escape(snap.related_party.as_deref().unwrap_or_default()),
        // 1 共同借款人 / 2 保证人 …: a legal representative is reported as 2 (our reading).
        "ArlpType" => "2".into(),
        other => unreachable!("no value rule for {other}"),
    }
}

fn segment_xml(
    out: &mut String,
    seg: &SegmentRule,
    snap: &AccountSnapshot,
    code: ReportDateCode,
    rpt_date: NaiveDate,
) {
    out.push('<');
    out.push_str(seg.tag);
    out.push('>');
    for field in seg.fields {
        let v = value(field.tag, seg, snap, code, rpt_date);
        // Optional fields with nothing to say are left out (a related-party segment with
        // no party carries only its count).
        if v.is_empty() {
            continue;
        }
        if seg.letter == 'E' && snap.related_party.is_none() && field.tag != "RltRepymtNm" {
            continue;
        }
        out.push_str(&format!("<{0}>{v}</{0}>", field.tag));
    }
    out.push_str("</");
    out.push_str(seg.tag);
    out.push('>');
}

/// One record line (without its line end).
pub fn record(snap: &AccountSnapshot, code: ReportDateCode, rpt_date: NaiveDate) -> String {
    let mut out = format!("<Document><{}>", snap.record_type.root());
    for seg in segments_for(snap.record_type, code) {
        segment_xml(&mut out, seg, snap, code, rpt_date);
    }
    out.push_str(&format!("</{}></Document>", snap.record_type.root()));
    out
}

/// A segment-correction record (按段更正): the segment `letter` as it is now, for the
/// account's record of `rpt_date`.
pub fn correction(snap: &AccountSnapshot, letter: char, rpt_date: NaiveDate) -> Option<String> {
    let seg = SEGMENTS
        .iter()
        .find(|s| s.guarantee == snap.record_type.is_guarantee() && s.letter == letter)?;
    let code = if snap.record_type.is_guarantee() {
        ReportDateCode::LiabilityChanged
    } else {
        ReportDateCode::LoanOther
    };
    let mut out = format!(
        "<Document><{0}Mdfc><InfRecType>{1}</InfRecType><ModRecCode>{2}</ModRecCode><RptDate>{3}</RptDate><MdfcSgmtCode>{4}</MdfcSgmtCode>",
        snap.record_type.root(),
        snap.record_type.correction_code(),
        snap.acct_code,
        day(rpt_date),
        letter
    );
    segment_xml(&mut out, seg, snap, code, rpt_date);
    out.push_str(&format!("</{}Mdfc></Document>", snap.record_type.root()));
    Some(out)
}

/// The template type in the header (two characters; our reading: to confirm).
pub const TEMPLATE_TYPE: &str = "01";

/// The 50-character header line: "A", "050", the record type, "2.0.0", the template type,
/// the 14-character institution code, the timestamp, "0", the 7-digit record count.
pub fn header(
    record_type_code: &str,
    institution: &str,
    stamp: chrono::NaiveDateTime,
    records: usize,
) -> String {
    format!(
        "A050{record_type_code}2.0.0{TEMPLATE_TYPE}{institution}{}0{records:07}",
        stamp.format("%Y%m%d%H%M%S")
    )
}

/// The file's name: the institution code, yyyyMMdd, the record type, "0", the day's
/// 3-digit serial and a 1-character flag ("0": our reading, to confirm).
pub fn file_name(
    institution: &str,
    date: NaiveDate,
    record_type_code: &str,
    serial: u32,
) -> String {
    format!(
        "{institution}{}{record_type_code}0{serial:03}0",
        date.format("%Y%m%d")
    )
}

/// A whole file: the header and the records, CRLF line ends.
pub fn file_text(header: &str, records: &[String]) -> String {
    let mut out = String::with_capacity(64 + records.iter().map(|r| r.len() + 2).sum::<usize>());
    out.push_str(header);
    out.push_str("\r\n");
    for r in records {
        out.push_str(r);
        out.push_str("\r\n");
    }
    out
}

/// A 14-character institution code: digits and capital letters.
pub fn valid_institution_code(code: &str) -> bool {
    code.len() == 14
        && code
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn guarantee() -> AccountSnapshot {
        AccountSnapshot {
            record_type: RecordType::EnterpriseGuarantee,
            acct_code: "CPIC-BZ-2016-000008".into(),
            name: "德州齐鲁果品有限公司".into(),
            id_num: "91371402MA0000011R".into(),
            org_code: "B1234537000001".into(),
            open_date: d("2016-01-28"),
            due_date: d("2016-07-28"),
            amount: Money::yuan(950_000),
            periods: 6,
            balance: Money::yuan(950_000),
            five_tier: 1,
            overdue_periods: 0,
            overdue_principal: Money::ZERO,
            overdue_total: Money::ZERO,
            last_payment: None,
            paid_out: false,
            close_date: None,
            related_party: Some("黄玉梅".into()),
        }
    }

    #[test]
    fn the_header_line_is_fifty_characters_in_the_documented_order() {
        let stamp = d("2016-12-31").and_hms_opt(18, 5, 9).unwrap();
        let h = header("440", "B1234537000001", stamp, 12);
        assert_eq!(h.len(), 50);
        assert_eq!(h, "A0504402.0.001B12345370000012016123118050900000012");
        // 14 + 8 + 3 + 1 + 3 + 1 characters.
        assert_eq!(
            file_name("B1234537000001", d("2016-12-31"), "440", 2),
            "B12345370000012016123144000020"
        );
    }

    #[test]
    fn a_new_guarantee_carries_its_basic_liability_and_related_party_segments() {
        let g = guarantee();
        let code = report_code(None, &g).unwrap();
        assert_eq!(code, ReportDateCode::Opened);
        let tags: Vec<&str> = segments_for(g.record_type, code)
            .iter()
            .map(|s| s.tag)
            .collect();
        assert_eq!(
            tags,
            [
                "GuarAcctBsSgmt",
                "GuarAcctBsInfSgmt",
                "RepymtInfSgmt",
                "RltRepymtInfSgmt"
            ]
        );
        let r = record(&g, code, d("2016-01-31"));
        assert!(
            r.starts_with("<Document><EnSecAcctInf><GuarAcctBsSgmt><InfRecType>440</InfRecType>"),
            "{r}"
        );
        assert!(r.contains("<RptDateCode>10</RptDateCode>"));
        assert!(r.contains("<GuarAmt>950000</GuarAmt>"));
        assert!(r.contains("<ArlpName>黄玉梅</ArlpName>"));
        assert!(!r.contains('\n'));
    }

    #[test]
    fn only_changes_are_reported_and_each_with_its_reason() {
        let opened = guarantee();
        assert_eq!(report_code(Some(&opened), &opened), None, "nothing changed");
        // The insurer pays the claim: the liability changed (30), with the 在保责任信息段.
        let paid = AccountSnapshot {
            paid_out: true,
            five_tier: 3,
            ..opened.clone()
        };
        assert_eq!(
            report_code(Some(&opened), &paid),
            Some(ReportDateCode::LiabilityChanged)
        );
        // Only the tier moved: 40.
        let reclassified = AccountSnapshot {
            five_tier: 2,
            ..opened.clone()
        };
        assert_eq!(
            report_code(Some(&opened), &reclassified),
            Some(ReportDateCode::GuaranteeReclassified)
        );
        // 50 never carries the 在保责任信息段 (public validation rule).
        let other = AccountSnapshot {
            related_party: None,
            ..opened.clone()
        };
        let code = report_code(Some(&opened), &other).unwrap();
        assert_eq!(code, ReportDateCode::GuaranteeOther);
        assert!(!record(&other, code, d("2016-02-29")).contains("RepymtInfSgmt"));
        // Closed: 20 with a close date; after that, nothing more.
        let closed = AccountSnapshot {
            balance: Money::ZERO,
            close_date: Some(d("2016-07-28")),
            ..opened.clone()
        };
        let code = report_code(Some(&opened), &closed).unwrap();
        assert_eq!(code, ReportDateCode::Closed);
        let r = record(&closed, code, d("2016-07-31"));
        assert!(
            r.contains("<AcctStatus>2</AcctStatus>")
                && r.contains("<CloseDate>2016-07-28</CloseDate>"),
            "{r}"
        );
        assert_eq!(report_code(Some(&closed), &closed), None);
    }

    #[test]
    fn a_loan_reports_repayments_missed_due_dates_and_tiers() {
        let loan = AccountSnapshot {
            record_type: RecordType::PersonalLoan,
            acct_code: "RCB-DZ-DK-2016-000001".into(),
            related_party: None,
            ..guarantee()
        };
        let repaid = AccountSnapshot {
            last_payment: Some((d("2016-02-28"), "160603.86".parse().unwrap())),
            balance: "793275.31".parse().unwrap(),
            ..loan.clone()
        };
        assert_eq!(
            report_code(Some(&loan), &repaid),
            Some(ReportDateCode::Repaid)
        );
        let r = record(&repaid, ReportDateCode::Repaid, d("2016-02-29"));
        assert!(r.starts_with("<Document><InAcctInf><AcctBsSgmt>"), "{r}");
        // Amounts in whole yuan, half-up.
        assert!(
            r.contains("<AcctBal>793275</AcctBal>") && r.contains("<LatRpyAmt>160604</LatRpyAmt>"),
            "{r}"
        );
        assert!(
            !r.contains("AcctBsInfSgmt"),
            "the basic segment only on opening"
        );
        let missed = AccountSnapshot {
            overdue_periods: 1,
            overdue_total: "160603.86".parse().unwrap(),
            ..repaid.clone()
        };
        assert_eq!(
            report_code(Some(&repaid), &missed),
            Some(ReportDateCode::DueDateSettled)
        );
        assert!(
            record(&missed, ReportDateCode::DueDateSettled, d("2016-03-31"))
                .contains("<AcctStatus>2</AcctStatus>")
        );
    }

    #[test]
    fn a_correction_re_reports_one_segment() {
        let g = guarantee();
        let c = correction(&g, 'D', d("2016-01-31")).unwrap();
        assert!(
            c.contains("<InfRecType>442</InfRecType>")
                && c.contains("<MdfcSgmtCode>D</MdfcSgmtCode>"),
            "{c}"
        );
        assert!(c.contains("<RepymtInfSgmt>") && !c.contains("GuarAcctBsInfSgmt"));
        assert!(correction(&g, 'Z', d("2016-01-31")).is_none());
    }

    #[test]
    fn every_field_has_a_value_rule_and_institution_codes_are_checked() {
        let g = guarantee();
        for seg in SEGMENTS {
            for field in seg.fields {
                let _ = value(field.tag, seg, &g, ReportDateCode::Opened, d("2016-01-31"));
            }
        }
        assert!(valid_institution_code("B1234537000001"));
        for bad in [
            "B123453700000",
            "b1234537000001",
            "B12345370000011",
            "B1234537-00001",
        ] {
            assert!(!valid_institution_code(bad), "{bad}");
        }
    }
}
