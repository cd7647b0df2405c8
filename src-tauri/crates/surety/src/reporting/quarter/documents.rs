//! R-REPORT-1's files: the PDF a city files with the provincial finance office (one table
//! per subject, by city, amounts in 万元) and the XLSX with one sheet per table at full
//! detail (by insurer and bank, amounts in 元 to the fen). Summary figures only, so neither
//! is encrypted: they are what the user chose to write, and the export is on the record.

use crate::desk::dto::Money as Amount;
use crate::reporting::quarter::report::{kind_name_zh, BusinessLine, QuarterReport};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;
use surety_docs::report::{ReportColumn, ReportTable, TabularReport};
use surety_domain::City;

/// An amount in 万元, half-up to two decimals (the unit the PDF states).
pub fn wan(a: &Amount) -> String {
    let mut d = (a.value().as_decimal() / Decimal::from(10_000))
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    d.rescale(2);
    d.to_string()
}

/// A city's Chinese name; "合计" for a total line's empty code.
pub(crate) fn city_zh(code: &str) -> String {
    if code.is_empty() {
        return "合计".into();
    }
    code.parse::<City>()
        .map(|c| c.name_zh().to_string())
        .unwrap_or_else(|_| code.to_string())
}

pub(crate) fn yes(b: bool) -> String {
    if b { "是" } else { "否" }.into()
}

fn col(title: &str, weight: f32, numeric: bool) -> ReportColumn {
    ReportColumn {
        title: title.into(),
        weight,
        numeric,
    }
}

/// The business lines summed per city, then the total.
fn by_city(r: &QuarterReport) -> Vec<BusinessLine> {
    let mut cities: BTreeMap<String, BusinessLine> = BTreeMap::new();
    for l in &r.business {
        cities
            .entry(l.city.clone())
            .or_insert_with(|| BusinessLine {
                city: l.city.clone(),
                ..Default::default()
            })
            .add(l);
    }
    let mut out: Vec<BusinessLine> = cities.into_values().collect();
    out.push(BusinessLine {
        city: String::new(),
        ..r.business_total.clone()
    });
    out
}

pub(crate) fn state_zh(r: &QuarterReport) -> String {
    let s = &r.state;
    if s.closed {
        format!(
            "已关闭（第 {} 版，{} 由 {} 关闭）",
            s.revision,
            s.closed_on.clone().unwrap_or_default(),
            s.closed_by.clone().unwrap_or_default()
        )
    } else if s.revision > 0 {
        format!(
            "已重开（第 {} 版于 {} 重开：{}），数字可能变动",
            s.revision,
            s.reopened_on.clone().unwrap_or_default(),
            s.reopen_reason.clone().unwrap_or_default()
        )
    } else if r.complete {
        "未关闭（草稿），数字可能变动".into()
    } else {
        format!("季度进行中，数字截至 {}", r.as_of)
    }
}

/// The PDF's content: what a finance office files.
// Long as the filed form is: one table after another in the form's order, each a column
// list and its rows, so the layout reads top to bottom like the paper.
pub fn quarter_pdf_model(r: &QuarterReport) -> TabularReport {
    let q = surety_domain::Quarter::new(r.year, r.quarter).expect("a report's own quarter");
    let scope = r
        .city
        .as_deref()
        .map(city_zh)
        .unwrap_or_else(|| "全部试点市".into());
    let cities = by_city(r);
    let mut tables = Vec::new();
    tables.push(ReportTable {
        title: "表一  业务受理与贷款发放".into(),
        columns: vec![
            col("城市", 1.2, false),
            col("受理", 0.8, true),
            col("批准", 0.8, true),
            col("保险拒绝", 1.0, true),
            col("银行拒绝", 1.0, true),
            col("本季放款笔数", 1.3, true),
            col("本季放款金额", 1.4, true),
            col("年内累计金额", 1.4, true),
            col("季末余额", 1.4, true),
        ],
        rows: cities
            .iter()
            .map(|l| {
                vec![
                    city_zh(&l.city),
                    l.applications.to_string(),
                    l.approved.to_string(),
                    l.declined_by_insurer.to_string(),
                    l.declined_by_bank.to_string(),
                    l.disbursed_count.to_string(),
                    wan(&l.disbursed_amount),
                    wan(&l.ytd_amount),
                    wan(&l.balance),
                ]
            })
            .collect(),
        note: Some("批准：银行与保险公司均同意；余额：季末银行账面贷款余额（已赔付的贷款只计银行自留部分）。".into()),
    });
    let mut kind_rows: Vec<Vec<String>> = r
        .by_kind
        .iter()
        .chain(std::iter::once(&r.by_kind_total))
        .map(|k| {
            vec![
                city_zh(&k.city),
                kind_name_zh(&k.kind).to_string(),
                k.disbursed_count.to_string(),
                wan(&k.disbursed_amount),
                k.ytd_count.to_string(),
                wan(&k.ytd_amount),
                k.loans_on_book.to_string(),
                wan(&k.balance),
            ]
        })
        .collect();
    if let Some(last) = kind_rows.last_mut() {
        last[1] = String::new();
    }
    tables.push(ReportTable {
        title: "表二  按借款人类型".into(),
        columns: vec![
            col("城市", 1.0, false),
            col("借款人类型", 1.6, false),
            col("本季笔数", 1.0, true),
            col("本季金额", 1.2, true),
            col("累计笔数", 1.0, true),
            col("累计金额", 1.2, true),
            col("在贷笔数", 1.0, true),
            col("余额", 1.2, true),
        ],
        rows: kind_rows,
        note: None,
    });
    tables.push(ReportTable {
        title: "表三  保费".into(),
        columns: vec![
            col("城市", 1.0, false),
            col("保证保险保费(承保)", 1.6, true),
            col("意外险保费(承保)", 1.6, true),
            col("保证保险保费(实收)", 1.6, true),
            col("意外险保费(实收)", 1.6, true),
            col("退费", 1.0, true),
        ],
        rows: cities
            .iter()
            .map(|l| {
                vec![
                    city_zh(&l.city),
                    wan(&l.guarantee_written),
                    wan(&l.accident_written),
                    wan(&l.guarantee_received),
                    wan(&l.accident_received),
                    wan(&l.premiums_refunded),
                ]
            })
            .collect(),
        note: None,
    });
    tables.push(ReportTable {
        title: "表四  理赔与追偿".into(),
        columns: vec![
            col("城市", 1.0, false),
            col("报案笔数", 0.9, true),
            col("报案损失", 1.1, true),
            col("赔付笔数", 0.9, true),
            col("赔付金额", 1.1, true),
            col("拒赔", 0.7, true),
            col("拖赔", 0.7, true),
            col("意外险赔付", 1.1, true),
            col("追偿", 1.0, true),
        ],
        rows: cities
            .iter()
            .map(|l| {
                vec![
                    city_zh(&l.city),
                    l.claims_filed.to_string(),
                    wan(&l.claims_filed_loss),
                    l.claims_paid.to_string(),
                    wan(&l.claims_paid_amount),
                    l.claims_refused.to_string(),
                    l.claims_delayed.to_string(),
                    wan(&l.accident_claims_amount),
                    wan(&l.recovered),
                ]
            })
            .collect(),
        note: Some("拖赔：季末已超过合作协议约定的赔付期限仍未赔付也未拒赔的案件。".into()),
    });
    tables.push(ReportTable {
        title: "表五  赔付率（试点年度累计）与停办".into(),
        columns: vec![
            col("城市", 0.9, false),
            col("保险公司", 2.4, false),
            col("实收保费", 1.1, true),
            col("赔付", 1.1, true),
            col("赔付率", 1.0, true),
            col("停办", 0.7, false),
            col("应补偿", 1.1, true),
            col("已补偿", 1.1, true),
        ],
        rows: r
            .loss_ratios
            .iter()
            .map(|l| {
                vec![
                    city_zh(&l.city),
                    l.insurer_name.clone(),
                    wan(&l.premiums_received),
                    wan(&l.claims_paid),
                    l.loss_ratio.clone().unwrap_or_else(|| "—".into()),
                    yes(l.stopped),
                    wan(&l.compensation_due),
                    wan(&l.compensation_paid),
                ]
            })
            .collect(),
        note: Some("赔付率 = 保证保险赔付额 / 实收保证保险保费；超过停办线的部分由城市政府补偿（R-STOP-2）。".into()),
    });
    tables.push(ReportTable {
        title: "表六  贷款五级分类与不良率".into(),
        columns: vec![
            col("城市", 0.9, false),
            col("银行", 2.0, false),
            col("余额", 1.1, true),
            col("关注", 1.0, true),
            col("次级", 1.0, true),
            col("可疑", 1.0, true),
            col("损失", 1.0, true),
            col("不良率", 1.0, true),
            col("免责", 0.6, false),
        ],
        rows: r
            .npl
            .iter()
            .map(|l| {
                vec![
                    city_zh(&l.city),
                    l.bank_name.clone(),
                    wan(&l.balance),
                    wan(&l.special_mention),
                    wan(&l.substandard),
                    wan(&l.doubtful),
                    wan(&l.loss),
                    l.npl_ratio.clone().unwrap_or_else(|| "—".into()),
                    yes(l.exempt),
                ]
            })
            .collect(),
        note: Some("不良贷款 = 次级 + 可疑 + 损失；不良率不超过 2% 的免予考核（R-NPL-1）。".into()),
    });
    tables.push(ReportTable {
        title: "表七  财政补贴".into(),
        columns: vec![
            col("城市", 1.0, false),
            col("保费补贴比例", 1.2, true),
            col("贴息比例", 1.0, true),
            col("笔数", 0.7, true),
            col("保费补贴应付", 1.3, true),
            col("贴息应付", 1.2, true),
            col("已拨付", 1.2, true),
        ],
        rows: r
            .subsidies
            .iter()
            .chain(std::iter::once(&r.subsidies_total))
            .map(|l| {
                let paid: Amount = (l.premium_paid.value() + l.interest_paid.value()).into();
                vec![
                    city_zh(&l.city),
                    l.premium_share.clone(),
                    l.interest_share.clone(),
                    l.cases.to_string(),
                    wan(&l.premium_due),
                    wan(&l.interest_due),
                    wan(&paid),
                ]
            })
            .collect(),
        note: Some("按本季实收保费和实付利息计算，逐笔四舍五入到分。".into()),
    });
    tables.push(ReportTable {
        title: "表八  恶意逃废债".into(),
        columns: vec![
            col("城市", 1.0, false),
            col("本季认定", 1.0, true),
            col("累计认定", 1.0, true),
            col("未还本金", 1.4, true),
        ],
        rows: r
            .defaulters
            .iter()
            .chain(std::iter::once(&r.defaulters_total))
            .map(|l| {
                vec![
                    city_zh(&l.city),
                    l.flagged_in_quarter.to_string(),
                    l.flagged_to_date.to_string(),
                    wan(&l.outstanding),
                ]
            })
            .collect(),
        note: None,
    });
    TabularReport {
        title: "小额贷款保证保险试点统计季报".into(),
        number: format!("{} r{}", r.period, r.state.revision),
        fields: vec![
            (
                "报告期".into(),
                format!("{}（{} 至 {}）", q.label_zh(), r.start, r.end),
            ),
            ("范围".into(), scope),
            ("填报单位".into(), r.issuer.clone()),
            ("数据截至".into(), r.as_of.clone()),
            ("状态".into(), state_zh(r)),
            ("金额单位".into(), "万元".into()),
        ],
        tables,
    }
}
