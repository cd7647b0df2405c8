//! The province's quarter as an Excel workbook: who reported, then one sheet per table in
//! yuan.

use crate::province::{Line, ProvinceView, Ratio};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

fn header(ws: &mut Worksheet, titles: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (c, t) in titles.iter().enumerate() {
        ws.write_with_format(0, c as u16, *t, bold)?;
    }
    Ok(())
}

fn lines_sheet(
    wb: &mut Workbook,
    name: &str,
    lines: &[Line],
    bold: &Format,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(name)?;
    let mut metrics: Vec<&String> = lines.iter().flat_map(|l| l.figures.keys()).collect();
    metrics.sort();
    metrics.dedup();
    let mut titles = vec!["地市 city", "保险公司 insurer", "银行 bank", "类型 kind"];
    titles.extend(metrics.iter().map(|m| m.as_str()));
    header(ws, &titles, bold)?;
    for (r, l) in lines.iter().enumerate() {
        let row = r as u32 + 1;
        ws.write(row, 0, &l.city_zh)?;
        ws.write(
            row,
            1,
            if l.insurer_name.is_empty() {
                &l.insurer
            } else {
                &l.insurer_name
            },
        )?;
        ws.write(
            row,
            2,
            if l.bank_name.is_empty() {
                &l.bank
            } else {
                &l.bank_name
            },
        )?;
        ws.write(row, 3, &l.kind)?;
        for (c, m) in metrics.iter().enumerate() {
            let col = c as u16 + 4;
            match l.figures.get(*m) {
                Some(serde_json::Value::Number(n)) => {
                    ws.write(row, col, n.as_i64().unwrap_or_default() as i32)?;
                }
                Some(serde_json::Value::String(s)) => {
                    // Money as a number cell with two decimals would need a float; the
                    // text keeps the exact fen and Excel's VALUE() reads it.
                    ws.write(row, col, s)?;
                }
                _ => {}
            }
        }
    }
    Ok(())
}

fn ratio_sheet(
    wb: &mut Workbook,
    name: &str,
    titles: &[&str],
    lines: &[Ratio],
    bold: &Format,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(name)?;
    header(ws, titles, bold)?;
    for (r, l) in lines.iter().enumerate() {
        let row = r as u32 + 1;
        ws.write(row, 0, &l.city_zh)?;
        ws.write(row, 1, if l.name.is_empty() { &l.code } else { &l.name })?;
        ws.write(row, 2, &l.numerator)?;
        ws.write(row, 3, &l.denominator)?;
        ws.write(row, 4, l.percent.as_deref().unwrap_or("—"))?;
        ws.write(row, 5, if l.over_line { "是 yes" } else { "否 no" })?;
    }
    Ok(())
}

pub fn workbook(v: &ProvinceView) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    {
        let ws = wb.add_worksheet().set_name("报送情况")?;
        header(
            ws,
            &[
                "机构 installation",
                "名称 name",
                "地市 city",
                "已报送 reported",
                "版本 revision",
                "收到时间 received",
            ],
            &bold,
        )?;
        for (r, s) in v.reporting.iter().enumerate() {
            let row = r as u32 + 1;
            ws.write(row, 0, &s.installation_id)?;
            ws.write(row, 1, &s.name)?;
            ws.write(row, 2, &s.city_zh)?;
            ws.write(row, 3, if s.reported { "是 yes" } else { "否 missing" })?;
            ws.write(
                row,
                4,
                s.revision.map(|r| r.to_string()).unwrap_or_default(),
            )?;
            ws.write(row, 5, s.received_at.clone().unwrap_or_default())?;
        }
    }
    lines_sheet(&mut wb, "地市合计", &v.by_city, &bold)?;
    lines_sheet(&mut wb, "业务", &v.business, &bold)?;
    lines_sheet(&mut wb, "借款人类型", &v.by_kind, &bold)?;
    ratio_sheet(
        &mut wb,
        "赔付率",
        &[
            "地市 city",
            "保险公司 insurer",
            "已付赔款 claims paid",
            "实收保费 premiums",
            "赔付率% loss ratio",
            "达到150% at stop line",
        ],
        &v.loss_ratios,
        &bold,
    )?;
    ratio_sheet(
        &mut wb,
        "不良率",
        &[
            "地市 city",
            "银行 bank",
            "不良余额 NPL",
            "贷款余额 balance",
            "不良率% NPL ratio",
            "超过2% over 2%",
        ],
        &v.npl,
        &bold,
    )?;
    lines_sheet(&mut wb, "补贴", &v.subsidies, &bold)?;
    lines_sheet(&mut wb, "违约", &v.defaulters, &bold)?;
    wb.save_to_buffer()
}
