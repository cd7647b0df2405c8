//! The quarterly report as XLSX: one sheet per table at full detail (by insurer and bank,
//! amounts in 元 to the fen). Summary figures only, so not encrypted: it is what the user
//! chose to write, and the export is on the record.

use super::documents::{city_zh, quarter_pdf_model, state_zh, yes};
use crate::case_file::printing::Printed;
use crate::desk::dto::Money as Amount;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::Desk;
use crate::reporting::quarter::report::{kind_name_zh, QuarterReport, ReportScope};
use std::path::Path;
use surety_docs::report::tabular_report;
use surety_docs::xlsx::{workbook, Cell, Sheet};

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
// Long as the workbook is: one sheet after another, each its columns and rows, in the
// order of the PDF's tables.
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
        crate::desk::output::check(self.store.path(), out)?;
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
