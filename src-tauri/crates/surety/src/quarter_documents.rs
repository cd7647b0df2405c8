//! R-REPORT-1's files: the PDF a city files with the provincial finance office (one table
//! per subject, by city, amounts in 万元) and the XLSX with one sheet per table at full
//! detail (by insurer and bank, amounts in 元 to the fen). Summary figures only, so neither
//! is encrypted: they are what the user chose to write, and the export is on the record.

use crate::desk::Desk;
use crate::dto::Money as Amount;
use crate::error::{DeskError, DeskResult};
use crate::printing::Printed;
use crate::quarter_report::{kind_name_zh, BusinessLine, QuarterReport, ReportScope};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;
use std::path::Path;
use surety_docs::report::{tabular_report, ReportColumn, ReportTable, TabularReport};
use surety_docs::xlsx::{workbook, Cell, Sheet};
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

fn yes(b: bool) -> String {
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

fn money(a: &Amount) -> Cell {
    Cell::Money(a.value())
}

fn sheet(name: &str, columns: &[(&str, f64)], rows: Vec<Vec<Cell>>) -> Sheet {
    Sheet {
        name: name.into(),
        columns: columns.iter().map(|(t, w)| (t.to_string(), *w)).collect(),
        rows,
    }
}

/// One sheet per table, every line, amounts in 元.
pub fn quarter_sheets(r: &QuarterReport) -> Vec<Sheet> {
    let business = r
        .business
        .iter()
        .chain(std::iter::once(&r.business_total))
        .map(|l| {
            vec![
                Cell::Text(city_zh(&l.city)),
                Cell::Text(l.insurer_name.clone()),
                Cell::Text(l.bank_name.clone()),
                Cell::Int(l.applications.into()),
                Cell::Int(l.approved.into()),
                Cell::Int(l.declined_by_insurer.into()),
                Cell::Int(l.declined_by_bank.into()),
                Cell::Int(l.disbursed_count.into()),
                money(&l.disbursed_amount),
                Cell::Int(l.ytd_count.into()),
                money(&l.ytd_amount),
                Cell::Int(l.loans_on_book.into()),
                money(&l.balance),
                money(&l.guarantee_written),
                money(&l.accident_written),
                money(&l.guarantee_received),
                money(&l.accident_received),
                money(&l.premiums_refunded),
                Cell::Int(l.claims_filed.into()),
                money(&l.claims_filed_loss),
                Cell::Int(l.claims_paid.into()),
                money(&l.claims_paid_amount),
                Cell::Int(l.claims_refused.into()),
                Cell::Int(l.claims_delayed.into()),
                Cell::Int(l.accident_claims_paid.into()),
                money(&l.accident_claims_amount),
                money(&l.recovered),
                money(&l.recovered_insurer),
                money(&l.recovered_bank),
            ]
        })
        .collect();
    let kinds = r
        .by_kind
        .iter()
        .chain(std::iter::once(&r.by_kind_total))
        .map(|k| {
            vec![
                Cell::Text(city_zh(&k.city)),
                Cell::Text(if k.kind.is_empty() {
                    String::new()
                } else {
                    kind_name_zh(&k.kind).into()
                }),
                Cell::Int(k.disbursed_count.into()),
                money(&k.disbursed_amount),
                Cell::Int(k.ytd_count.into()),
                money(&k.ytd_amount),
                Cell::Int(k.loans_on_book.into()),
                money(&k.balance),
            ]
        })
        .collect();
    let ratios = r
        .loss_ratios
        .iter()
        .map(|l| {
            vec![
                Cell::Text(city_zh(&l.city)),
                Cell::Text(l.insurer_name.clone()),
                Cell::Text(format!("{} ~ {}", l.year_start, l.year_end)),
                money(&l.premiums_received),
                money(&l.claims_paid),
                Cell::Text(l.loss_ratio.clone().unwrap_or_default()),
                Cell::Text(yes(l.stopped)),
                Cell::Text(l.stopped_on.clone().unwrap_or_default()),
                money(&l.compensation_due),
                money(&l.compensation_paid),
            ]
        })
        .collect();
    let npl = r
        .npl
        .iter()
        .map(|l| {
            vec![
                Cell::Text(city_zh(&l.city)),
                Cell::Text(l.bank_name.clone()),
                Cell::Int(l.loans.into()),
                money(&l.balance),
                money(&l.normal),
                money(&l.special_mention),
                money(&l.substandard),
                money(&l.doubtful),
                money(&l.loss),
                money(&l.npl_balance),
                Cell::Text(l.npl_ratio.clone().unwrap_or_default()),
                Cell::Text(yes(l.exempt)),
            ]
        })
        .collect();
    let subsidies = r
        .subsidies
        .iter()
        .chain(std::iter::once(&r.subsidies_total))
        .map(|l| {
            vec![
                Cell::Text(city_zh(&l.city)),
                Cell::Text(l.premium_share.clone()),
                Cell::Text(l.interest_share.clone()),
                Cell::Int(l.cases.into()),
                money(&l.premium_due),
                money(&l.interest_due),
                money(&l.premium_paid),
                money(&l.interest_paid),
            ]
        })
        .collect();
    let defaulters = r
        .defaulters
        .iter()
        .chain(std::iter::once(&r.defaulters_total))
        .map(|l| {
            vec![
                Cell::Text(city_zh(&l.city)),
                Cell::Int(l.flagged_in_quarter.into()),
                Cell::Int(l.flagged_to_date.into()),
                money(&l.outstanding),
            ]
        })
        .collect();
    let q = surety_domain::Quarter::new(r.year, r.quarter).expect("a report's own quarter");
    let about = vec![
        vec![
            Cell::Text("报告期".into()),
            Cell::Text(format!("{}（{} 至 {}）", q.label_zh(), r.start, r.end)),
        ],
        vec![
            Cell::Text("范围".into()),
            Cell::Text(
                r.city
                    .as_deref()
                    .map(city_zh)
                    .unwrap_or_else(|| "全部试点市".into()),
            ),
        ],
        vec![Cell::Text("填报单位".into()), Cell::Text(r.issuer.clone())],
        vec![Cell::Text("数据截至".into()), Cell::Text(r.as_of.clone())],
        vec![Cell::Text("状态".into()), Cell::Text(state_zh(r))],
        vec![Cell::Text("金额单位".into()), Cell::Text("元".into())],
    ];
    vec![
        sheet("说明", &[("项目", 14.0), ("内容", 60.0)], about),
        sheet(
            "业务明细",
            &[
                ("城市", 8.0),
                ("保险公司", 28.0),
                ("银行", 24.0),
                ("受理", 8.0),
                ("批准", 8.0),
                ("保险拒绝", 10.0),
                ("银行拒绝", 10.0),
                ("本季放款笔数", 12.0),
                ("本季放款金额", 16.0),
                ("年内累计笔数", 12.0),
                ("年内累计金额", 16.0),
                ("在贷笔数", 10.0),
                ("季末余额", 16.0),
                ("保证保险保费(承保)", 18.0),
                ("意外险保费(承保)", 16.0),
                ("保证保险保费(实收)", 18.0),
                ("意外险保费(实收)", 16.0),
                ("退费", 12.0),
                ("报案笔数", 10.0),
                ("报案损失", 14.0),
                ("赔付笔数", 10.0),
                ("赔付金额", 14.0),
                ("拒赔", 8.0),
                ("拖赔", 8.0),
                ("意外险赔付笔数", 14.0),
                ("意外险赔付金额", 14.0),
                ("追偿", 14.0),
                ("追偿归保险", 14.0),
                ("追偿归银行", 14.0),
            ],
            business,
        ),
        sheet(
            "借款人类型",
            &[
                ("城市", 8.0),
                ("借款人类型", 14.0),
                ("本季笔数", 10.0),
                ("本季金额", 16.0),
                ("累计笔数", 10.0),
                ("累计金额", 16.0),
                ("在贷笔数", 10.0),
                ("余额", 16.0),
            ],
            kinds,
        ),
        sheet(
            "赔付率",
            &[
                ("城市", 8.0),
                ("保险公司", 28.0),
                ("试点年度", 24.0),
                ("实收保费", 16.0),
                ("赔付", 16.0),
                ("赔付率", 10.0),
                ("停办", 6.0),
                ("停办日期", 12.0),
                ("应补偿", 14.0),
                ("已补偿", 14.0),
            ],
            ratios,
        ),
        sheet(
            "五级分类",
            &[
                ("城市", 8.0),
                ("银行", 24.0),
                ("笔数", 8.0),
                ("余额", 16.0),
                ("正常", 16.0),
                ("关注", 14.0),
                ("次级", 14.0),
                ("可疑", 14.0),
                ("损失", 14.0),
                ("不良余额", 14.0),
                ("不良率", 10.0),
                ("免责", 6.0),
            ],
            npl,
        ),
        sheet(
            "财政补贴",
            &[
                ("城市", 8.0),
                ("保费补贴比例", 12.0),
                ("贴息比例", 10.0),
                ("笔数", 8.0),
                ("保费补贴应付", 14.0),
                ("贴息应付", 14.0),
                ("保费补贴已拨付", 14.0),
                ("贴息已拨付", 14.0),
            ],
            subsidies,
        ),
        sheet(
            "恶意逃废债",
            &[
                ("城市", 8.0),
                ("本季认定", 10.0),
                ("累计认定", 10.0),
                ("未还本金", 16.0),
            ],
            defaulters,
        ),
    ]
}

impl Desk {
    /// Writes the quarter's report as PDF or XLSX (by the file's extension) where the user
    /// chose, on the audit record.
    pub fn export_quarter_to(&mut self, scope: ReportScope, out: &Path) -> DeskResult<Printed> {
        let report = self.quarter_report(scope)?;
        let ext = out
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let bytes = match ext.as_str() {
            "pdf" => tabular_report(&quarter_pdf_model(&report))?,
            "xlsx" => workbook(&quarter_sheets(&report))?,
            _ => {
                return Err(DeskError::invalid(
                    "out",
                    format!(
                        "季报只能导出为 .pdf 或 .xlsx 文件，收到「{}」",
                        out.display()
                    ),
                    format!(
                        "the quarter report is written as .pdf or .xlsx, not `{}`",
                        out.display()
                    ),
                ))
            }
        };
        crate::output::check(self.store.path(), out)?;
        self.deliver(
            out,
            &bytes,
            ("export.quarter", "quarter", &report.period),
            format!(
                "R-REPORT-1 {} {} ({}) as {ext}",
                report.period,
                report.city.clone().unwrap_or_else(|| "all cities".into()),
                state_zh(&report)
            ),
        )
    }
}
