//! The province's view of one quarter: who reported and who is missing, the sums by city,
//! insurer, bank and borrower kind, loss ratios against the stop line (R-STOP-1, 150%) and
//! NPL ratios against 2% (R-NPL-1), and a trend over every quarter held.

use crate::repo::{HubResult, Repository, Total};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use surety_domain::City;

/// R-STOP-1: new business stops at a loss ratio of 150%.
pub const STOP_LINE_PERCENT: i64 = 150;
/// R-NPL-1: an NPL ratio at or under 2% is exempt from assessment.
pub const NPL_LIMIT_PERCENT: i64 = 2;

/// The figures the trend follows (table, metric).
pub const TREND: &[(&str, &str)] = &[
    ("business", "disbursed_amount"),
    ("business", "balance"),
    ("business", "guarantee_received"),
    ("business", "claims_paid_amount"),
];

#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub city: String,
    pub city_zh: String,
    pub insurer: String,
    pub insurer_name: String,
    pub bank: String,
    pub bank_name: String,
    pub kind: String,
    /// Counts as numbers, money as yuan text ("1234.50").
    pub figures: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ratio {
    pub city: String,
    pub city_zh: String,
    pub code: String,
    pub name: String,
    pub numerator: String,
    pub denominator: String,
    /// Percent with two decimals, none without a denominator.
    pub percent: Option<String>,
    pub over_line: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct InstallationState {
    pub installation_id: String,
    pub name: String,
    pub city: String,
    pub city_zh: String,
    pub reported: bool,
    pub revision: Option<u32>,
    pub received_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub period: String,
    pub figures: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvinceView {
    pub period: String,
    pub periods: Vec<String>,
    pub stop_line_percent: i64,
    pub npl_limit_percent: i64,
    pub reporting: Vec<InstallationState>,
    pub reported: usize,
    pub expected: usize,
    pub by_city: Vec<Line>,
    pub business: Vec<Line>,
    pub by_kind: Vec<Line>,
    pub loss_ratios: Vec<Ratio>,
    pub npl: Vec<Ratio>,
    pub subsidies: Vec<Line>,
    pub defaulters: Vec<Line>,
    pub trend: Vec<TrendPoint>,
}

/// Sums never overflow: each figure is bounded at intake (`dataset::FIGURE_FEN_MAX`), and
/// whatever a stored row holds, the page saturates rather than breaks.
fn add(to: &mut i64, value: i64) {
    *to = to.saturating_add(value);
}

pub fn yuan(fen: i64) -> String {
    Decimal::new(fen, 2).to_string()
}

fn city_zh(code: &str) -> String {
    code.parse::<City>()
        .map(|c| c.name_zh().to_string())
        .unwrap_or_else(|_| code.to_string())
}

fn percent(num: i64, den: i64) -> Option<String> {
    (den > 0).then(|| {
        let mut p = (Decimal::from(num) * Decimal::ONE_HUNDRED / Decimal::from(den))
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        p.rescale(2);
        p.to_string()
    })
}

/// Lines of one table keyed by (city, insurer, bank, kind).
fn lines(totals: &[Total], table: &str, names: &BTreeMap<String, String>) -> Vec<Line> {
    let mut out: BTreeMap<(String, String, String, String), Line> = BTreeMap::new();
    for t in totals.iter().filter(|t| t.table == table) {
        let key = (
            t.city.clone(),
            t.insurer.clone(),
            t.bank.clone(),
            t.kind.clone(),
        );
        let line = out.entry(key).or_insert_with(|| Line {
            city: t.city.clone(),
            city_zh: city_zh(&t.city),
            insurer: t.insurer.clone(),
            insurer_name: names.get(&t.insurer).cloned().unwrap_or_default(),
            bank: t.bank.clone(),
            bank_name: names.get(&t.bank).cloned().unwrap_or_default(),
            kind: t.kind.clone(),
            figures: BTreeMap::new(),
        });
        let value = if crate::dataset::is_money(table, &t.metric) {
            serde_json::Value::String(yuan(t.value))
        } else {
            serde_json::Value::from(t.value)
        };
        line.figures.insert(t.metric.clone(), value);
    }
    out.into_values().collect()
}

pub async fn view<R: Repository>(repo: &R, period: Option<&str>) -> HubResult<ProvinceView> {
    let started = std::time::Instant::now();
    let periods = repo.periods().await?;
    let t_periods = started.elapsed();
    let period = period
        .map(str::to_string)
        .or_else(|| periods.last().cloned())
        .unwrap_or_default();
    let totals = repo.totals(Some(&period), &[]).await?;
    let t_totals = started.elapsed();
    let names: BTreeMap<String, String> = repo.org_names().await?.into_iter().collect();

    let reported = repo.reported(&period).await?;
    let mut reporting = Vec::new();
    for inst in repo.installations().await? {
        if inst.revoked_at.is_some() {
            continue;
        }
        for city in &inst.cities {
            let r = reported
                .iter()
                .find(|r| r.installation_id == inst.installation_id && &r.city == city);
            reporting.push(InstallationState {
                installation_id: inst.installation_id.clone(),
                name: inst.name.clone(),
                city: city.clone(),
                city_zh: city_zh(city),
                reported: r.is_some(),
                revision: r.map(|r| r.revision),
                received_at: r.map(|r| r.received_at.clone()),
            });
        }
    }
    let expected = reporting.len();
    let reported_n = reporting.iter().filter(|r| r.reported).count();

    // The city sums of the business table.
    let by_city_totals: Vec<Total> = totals
        .iter()
        .filter(|t| t.table == "business")
        .map(|t| Total {
            insurer: String::new(),
            bank: String::new(),
            ..t.clone()
        })
        .fold(BTreeMap::<(String, String), Total>::new(), |mut acc, t| {
            acc.entry((t.city.clone(), t.metric.clone()))
                .and_modify(|a| add(&mut a.value, t.value))
                .or_insert(t);
            acc
        })
        .into_values()
        .collect();

    // One pass over the totals for both ratios: (city, code) → (numerator, denominator).
    let mut losses: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    let mut books: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for t in &totals {
        match (t.table.as_str(), t.metric.as_str()) {
            ("loss_ratios", "claims_paid") => add(
                &mut losses
                    .entry((t.city.clone(), t.insurer.clone()))
                    .or_default()
                    .0,
                t.value,
            ),
            ("loss_ratios", "premiums_received") => add(
                &mut losses
                    .entry((t.city.clone(), t.insurer.clone()))
                    .or_default()
                    .1,
                t.value,
            ),
            ("npl", "npl_balance") => add(
                &mut books.entry((t.city.clone(), t.bank.clone())).or_default().0,
                t.value,
            ),
            ("npl", "balance") => add(
                &mut books.entry((t.city.clone(), t.bank.clone())).or_default().1,
                t.value,
            ),
            _ => {}
        }
    }
    let ratio =
        |((city, code), (num, den)): ((String, String), (i64, i64)), over_line: bool| Ratio {
            city_zh: city_zh(&city),
            name: names.get(&code).cloned().unwrap_or_default(),
            numerator: yuan(num),
            denominator: yuan(den),
            percent: percent(num, den),
            over_line,
            city,
            code,
        };
    let loss_ratios: Vec<Ratio> = losses
        .into_iter()
        .map(|(k, (claims, premiums))| {
            let over = claims > 0
                && i128::from(claims) * 100 >= i128::from(STOP_LINE_PERCENT) * i128::from(premiums);
            ratio((k, (claims, premiums)), over)
        })
        .collect();
    let npl: Vec<Ratio> = books
        .into_iter()
        .map(|(k, (bad, balance))| {
            let over = i128::from(bad) * 100 > i128::from(NPL_LIMIT_PERCENT) * i128::from(balance);
            ratio((k, (bad, balance)), over)
        })
        .collect();

    let t_lines = started.elapsed();
    let mut trend: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    let trend_totals = repo.totals(None, TREND).await?;
    tracing::info!(
        %period,
        rows = totals.len(),
        periods_ms = t_periods.as_millis() as u64,
        totals_ms = t_totals.as_millis() as u64,
        lines_ms = t_lines.as_millis() as u64,
        trend_ms = started.elapsed().as_millis() as u64,
        "province view"
    );
    for t in trend_totals {
        add(
            trend
                .entry(t.period)
                .or_default()
                .entry(t.metric)
                .or_default(),
            t.value,
        );
    }

    Ok(ProvinceView {
        periods,
        stop_line_percent: STOP_LINE_PERCENT,
        npl_limit_percent: NPL_LIMIT_PERCENT,
        reporting,
        reported: reported_n,
        expected,
        by_city: lines(&by_city_totals, "business", &names),
        business: lines(&totals, "business", &names),
        by_kind: lines(&totals, "by_kind", &names),
        loss_ratios,
        npl,
        subsidies: lines(&totals, "subsidies", &names),
        defaulters: lines(&totals, "defaulters", &names),
        trend: trend
            .into_iter()
            .map(|(period, f)| TrendPoint {
                period,
                figures: f.into_iter().map(|(k, v)| (k, yuan(v))).collect(),
            })
            .collect(),
        period,
    })
}
