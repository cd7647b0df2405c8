//! The segments of each record type and the fields they carry: the table the records are
//! written from, with what is confirmed from public reporting tools and what is not.

use super::{RecordType, ReportDateCode};

/// Where a field's value comes from, for the table and its tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRule {
    pub tag: &'static str,
    pub name_zh: &'static str,
    /// Seen in the banks' public tools (tag and meaning); false: our reading, to confirm.
    pub confirmed: bool,
}

/// One segment of a record type: its element, letter, which report-date codes carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentRule {
    pub guarantee: bool,
    pub tag: &'static str,
    /// 段标: the letter a correction names it by.
    pub letter: char,
    pub name_zh: &'static str,
    /// Report-date codes whose records include this segment.
    pub when: &'static [&'static str],
    pub fields: &'static [FieldRule],
    pub confirmed: bool,
}

const fn f(tag: &'static str, name_zh: &'static str, confirmed: bool) -> FieldRule {
    FieldRule {
        tag,
        name_zh,
        confirmed,
    }
}

const LOAN_ALL: &[&str] = &["10", "20", "32", "33", "41", "49"];
const GUARANTEE_ALL: &[&str] = &["10", "20", "30", "40", "50"];

/// The segment rules: which segments each kind of record carries and when. Guarantees:
/// 10 carries 基本信息段 and 在保责任信息段; 20/30/40 at least 在保责任信息段; 50 never
/// 在保责任信息段 (the public validation rules). Loans: 20/32 carry 还款表现; 10 all.
pub const SEGMENTS: &[SegmentRule] = &[
    SegmentRule {
        guarantee: false,
        tag: "AcctBsSgmt",
        letter: 'B',
        name_zh: "基础段",
        when: LOAN_ALL,
        confirmed: true,
        fields: &[
            f("InfRecType", "信息记录类型", true),
            f("AcctType", "账户类型", true),
            f("AcctCode", "账户标识码", true),
            f("RptDate", "信息报告日期", true),
            f("RptDateCode", "报告时点说明代码", true),
            f("Name", "借款人名称", true),
            f("IDType", "借款人证件类型", true),
            f("IDNum", "借款人证件号码", true),
            f("MngmtOrgCode", "业务管理机构代码", true),
        ],
    },
    SegmentRule {
        guarantee: false,
        tag: "AcctBsInfSgmt",
        letter: 'C',
        name_zh: "基本信息段",
        when: &["10"],
        confirmed: true,
        fields: &[
            f("BusiLines", "借贷业务大类", true),
            f("BusiDtlLines", "借贷业务种类细分", true),
            f("OpenDate", "开户日期", true),
            f("Cy", "币种", true),
            f("LoanAmt", "借款金额", true),
            f("DueDate", "到期日期", true),
            f("RepayMode", "还款方式", true),
            f("RepayFreqcy", "还款频率", true),
            f("RepayPrd", "还款期数", true),
            f("GuarMode", "担保方式", true),
            f("LoanForm", "贷款发放形式", true),
        ],
    },
    SegmentRule {
        guarantee: false,
        tag: "ActLbltyInfSgmt",
        letter: 'H',
        name_zh: "还款表现信息段",
        when: LOAN_ALL,
        confirmed: false,
        fields: &[
            f("AcctStatus", "账户状态", true),
            f("AcctBal", "余额", true),
            f("FiveCate", "五级分类", true),
            f("FiveCateAdjDate", "五级分类认定日期", true),
            f("RemRepPrd", "剩余还款期数", true),
            f("OverdPrd", "当前逾期期数", true),
            f("OverdPrinc", "当前逾期本金", true),
            f("TotOverd", "当前逾期总额", true),
            f("LatRpyDate", "最近一次实际还款日期", true),
            f("LatRpyAmt", "最近一次实际还款金额", true),
            f("CloseDate", "账户关闭日期", true),
        ],
    },
    SegmentRule {
        guarantee: true,
        tag: "GuarAcctBsSgmt",
        letter: 'B',
        name_zh: "基础段",
        when: GUARANTEE_ALL,
        confirmed: true,
        fields: &[
            f("InfRecType", "信息记录类型", true),
            f("AcctType", "账户类型", true),
            f("AcctCode", "账户标识码", true),
            f("RptDate", "信息报告日期", true),
            f("RptDateCode", "报告时点说明代码", true),
            f("Name", "债务人名称", true),
            f("IDType", "债务人证件类型", true),
            f("IDNum", "债务人证件号码", true),
            f("MngmtOrgCode", "业务管理机构代码", true),
        ],
    },
    SegmentRule {
        guarantee: true,
        tag: "GuarAcctBsInfSgmt",
        letter: 'C',
        name_zh: "基本信息段",
        when: &["10"],
        confirmed: true,
        fields: &[
            f("BusiLines", "担保业务大类", false),
            f("BusiDtlLines", "担保业务种类细分", false),
            f("OpenDate", "开户日期", true),
            f("GuarAmt", "担保金额", false),
            f("Cy", "币种", true),
            f("DueDate", "到期日期", true),
            f("GuarMode", "反担保方式", true),
        ],
    },
    SegmentRule {
        guarantee: true,
        tag: "RepymtInfSgmt",
        letter: 'D',
        name_zh: "在保责任信息段",
        when: &["10", "20", "30", "40"],
        confirmed: true,
        fields: &[
            f("AcctStatus", "账户状态", true),
            f("LoanAmt", "在保余额", false),
            f("RepayPrd", "余额变化日期", false),
            f("FiveCate", "五级分类", true),
            f("FiveCateAdjDate", "五级分类认定日期", true),
            f("RiEx", "风险敞口", false),
            f("CompAdvFlag", "代偿(垫款)标志", false),
            f("CloseDate", "账户关闭日期", true),
        ],
    },
    SegmentRule {
        guarantee: true,
        tag: "RltRepymtInfSgmt",
        letter: 'E',
        name_zh: "相关还款责任人段",
        when: &["10"],
        confirmed: true,
        fields: &[
            f("RltRepymtNm", "责任人个数", true),
            f("InfoIDType", "身份类别", false),
            f("ArlpName", "责任人名称", false),
            f("ArlpType", "还款责任人类型", true),
        ],
    },
];

/// The segments a record of `record_type` carries for `code`, in order.
pub fn segments_for(record_type: RecordType, code: ReportDateCode) -> Vec<&'static SegmentRule> {
    SEGMENTS
        .iter()
        .filter(|s| s.guarantee == record_type.is_guarantee() && s.when.contains(&code.code()))
        .collect()
}
