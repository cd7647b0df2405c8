//! The quarterly dataset (`quarter_report`, version 1) as the hub reads it: which tables,
//! which keys, which figures. A payload is checked field by field and flattened into
//! facts — (table, insurer, bank, kind, metric) = whole fen or a count — which is all the
//! province's sums need. Anything else in the payload is kept with the envelope, unread.

use crate::refusal::{self, Refusal};
use serde_json::Value;
use std::collections::BTreeSet;

/// One figure of one line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fact {
    pub table: &'static str,
    pub insurer: String,
    pub bank: String,
    pub kind: String,
    pub metric: &'static str,
    pub value: i64,
}

enum Unit {
    Count,
    Fen,
    Flag,
}
use Unit::*;

struct Table {
    name: &'static str,
    keys: &'static [&'static str],
    figures: &'static [(&'static str, Unit)],
}

/// The tables the province sums, and the keys that say whose line it is.
const TABLES: &[Table] = &[
    Table {
        name: "business",
        keys: &["insurer", "bank"],
        figures: &[
            ("applications", Count),
            ("approved", Count),
            ("declined_by_insurer", Count),
            ("declined_by_bank", Count),
            ("disbursed_count", Count),
            ("disbursed_amount", Fen),
            ("ytd_count", Count),
            ("ytd_amount", Fen),
            ("loans_on_book", Count),
            ("balance", Fen),
            ("guarantee_written", Fen),
            ("accident_written", Fen),
            ("guarantee_received", Fen),
            ("accident_received", Fen),
            ("premiums_refunded", Fen),
            ("claims_filed", Count),
            ("claims_filed_loss", Fen),
            ("claims_paid", Count),
            ("claims_paid_amount", Fen),
            ("claims_refused", Count),
            ("claims_delayed", Count),
            ("accident_claims_paid", Count),
            ("accident_claims_amount", Fen),
            ("recovered", Fen),
            ("recovered_insurer", Fen),
            ("recovered_bank", Fen),
        ],
    },
    Table {
        name: "by_kind",
        keys: &["kind"],
        figures: &[
            ("disbursed_count", Count),
            ("disbursed_amount", Fen),
            ("ytd_count", Count),
            ("ytd_amount", Fen),
            ("loans_on_book", Count),
            ("balance", Fen),
        ],
    },
    Table {
        name: "loss_ratios",
        keys: &["insurer"],
        figures: &[
            ("premiums_received", Fen),
            ("claims_paid", Fen),
            ("compensation_due", Fen),
            ("compensation_paid", Fen),
            ("stopped", Flag),
        ],
    },
    Table {
        name: "npl",
        keys: &["bank"],
        figures: &[
            ("loans", Count),
            ("balance", Fen),
            ("normal", Fen),
            ("special_mention", Fen),
            ("substandard", Fen),
            ("doubtful", Fen),
            ("loss", Fen),
            ("npl_balance", Fen),
        ],
    },
    Table {
        name: "subsidies",
        keys: &[],
        figures: &[
            ("cases", Count),
            ("premium_due", Fen),
            ("interest_due", Fen),
            ("premium_paid", Fen),
            ("interest_paid", Fen),
        ],
    },
    Table {
        name: "defaulters",
        keys: &[],
        figures: &[
            ("flagged_in_quarter", Count),
            ("flagged_to_date", Count),
            ("outstanding", Fen),
        ],
    },
];

/// Facts summed by (table, metric): what they add to the city's totals.
pub fn city_sums(facts: &[Fact]) -> Vec<(&'static str, &'static str, i64)> {
    let mut sums: std::collections::BTreeMap<(&'static str, &'static str), i64> =
        std::collections::BTreeMap::new();
    for f in facts {
        *sums.entry((f.table, f.metric)).or_default() += f.value;
    }
    sums.into_iter().map(|((t, m), v)| (t, m, v)).collect()
}

/// Whether a table's figure is money (whole fen) rather than a count or a flag.
pub fn is_money(table: &str, metric: &str) -> bool {
    TABLES.iter().any(|t| {
        t.name == table
            && t.figures
                .iter()
                .any(|(m, unit)| *m == metric && matches!(unit, Fen))
    })
}

/// Every table and its figures, for exports.
pub fn tables() -> impl Iterator<Item = (&'static str, Vec<&'static str>)> {
    TABLES
        .iter()
        .map(|t| (t.name, t.figures.iter().map(|(m, _)| *m).collect()))
}

/// A checked payload: its facts and the organisation names it carries.
#[derive(Debug, Clone, Default)]
pub struct Flattened {
    pub facts: Vec<Fact>,
    pub names: Vec<(String, String)>,
}

/// Checks a quarter report payload for `city` and `period`, sent by an installation that
/// reports for `organisations` (None: a payload the hub stored before), and flattens it.
pub fn flatten(
    payload: &Value,
    city: &str,
    period: &str,
    organisations: Option<&BTreeSet<String>>,
) -> Result<Flattened, Refusal> {
    let schema = |what: String| {
        Refusal::new(
            refusal::SCHEMA,
            format!("报表内容不符合季度数据格式：{what}"),
            format!("the payload does not fit the quarterly dataset: {what}"),
        )
    };
    let obj = payload
        .as_object()
        .ok_or_else(|| schema("not an object".into()))?;
    if obj.get("period").and_then(Value::as_str) != Some(period) {
        return Err(schema(format!("`period` is not {period}")));
    }
    if obj.get("city").and_then(Value::as_str) != Some(city) {
        return Err(schema(format!("`city` is not {city}")));
    }
    if obj.get("complete") != Some(&Value::Bool(true))
        || payload.pointer("/state/closed") != Some(&Value::Bool(true))
    {
        return Err(schema("the quarter is not closed and complete".into()));
    }
    let mut out = Flattened::default();
    for table in TABLES {
        let lines = obj
            .get(table.name)
            .and_then(Value::as_array)
            .ok_or_else(|| schema(format!("`{}` is missing or not a list", table.name)))?;
        for (i, line) in lines.iter().enumerate() {
            let at = |field: &str| format!("{}[{i}].{field}", table.name);
            let text = |field: &str| -> Result<String, Refusal> {
                line.get(field)
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| schema(format!("`{}` is missing or not text", at(field))))
            };
            if text("city")? != city {
                return Err(schema(format!("`{}` is another city", at("city"))));
            }
            let key = |k: &str| -> Result<String, Refusal> {
                if table.keys.contains(&k) {
                    let v = text(k)?;
                    if v.is_empty() || v.len() > 64 {
                        return Err(schema(format!("`{}` is empty or too long", at(k))));
                    }
                    Ok(v)
                } else {
                    Ok(String::new())
                }
            };
            let (insurer, bank, kind) = (key("insurer")?, key("bank")?, key("kind")?);
            // An installation reports its own insurers' business: a line of another
            // insurer would be counted twice at the province.
            if !insurer.is_empty() && organisations.is_some_and(|o| !o.contains(&insurer)) {
                return Err(Refusal::new(
                    refusal::ORGANISATION_NOT_REGISTERED,
                    format!("报表含有本机构未登记报送的保险公司 {insurer} 的数据"),
                    format!(
                        "the payload has figures of insurer {insurer}, which this installation is not registered to report for"
                    ),
                ));
            }
            for (name_field, code) in [("insurer_name", &insurer), ("bank_name", &bank)] {
                if let (false, Some(name)) = (
                    code.is_empty(),
                    line.get(name_field).and_then(Value::as_str),
                ) {
                    out.names
                        .push((code.clone(), name.chars().take(100).collect()));
                }
            }
            for (metric, unit) in table.figures {
                let v = line
                    .get(*metric)
                    .ok_or_else(|| schema(format!("`{}` is missing", at(metric))))?;
                let value = match unit {
                    Count => v
                        .as_u64()
                        .filter(|n| *n <= u32::MAX as u64)
                        .map(|n| n as i64),
                    Fen => fen(v),
                    Flag => v.as_bool().map(i64::from),
                }
                .ok_or_else(|| schema(format!("`{}` is not a valid figure", at(metric))))?;
                if value != 0 {
                    out.facts.push(Fact {
                        table: table.name,
                        insurer: insurer.clone(),
                        bank: bank.clone(),
                        kind: kind.clone(),
                        metric,
                        value,
                    });
                }
            }
        }
    }
    out.facts.sort();
    out.names.sort();
    out.names.dedup();
    Ok(out)
}

/// An amount in yuan as the desk writes it ("1234.50", at most two decimals, not negative)
/// in whole fen.
fn fen(v: &Value) -> Option<i64> {
    let text = v.as_str()?;
    let d: rust_decimal::Decimal = text.parse().ok()?;
    if d.is_sign_negative() || d.scale() > 2 {
        return None;
    }
    let fen = d * rust_decimal::Decimal::ONE_HUNDRED;
    i64::try_from(fen.trunc()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn payload() -> Value {
        json!({
            "period": "2016Q3", "city": "yantai", "complete": true,
            "state": {"closed": true, "revision": 1},
            "business": [{"city": "yantai", "insurer": "picc", "insurer_name": "人保烟台",
                "bank": "icbc", "bank_name": "工行烟台", "applications": 2, "approved": 1,
                "declined_by_insurer": 0, "declined_by_bank": 1, "disbursed_count": 1,
                "disbursed_amount": "200000.00", "ytd_count": 1, "ytd_amount": "200000.00",
                "loans_on_book": 1, "balance": "150000.5", "guarantee_written": "3000.00",
                "accident_written": "0.00", "guarantee_received": "3000.00",
                "accident_received": "0.00", "premiums_refunded": "0.00", "claims_filed": 0,
                "claims_filed_loss": "0.00", "claims_paid": 0, "claims_paid_amount": "0.00",
                "claims_refused": 0, "claims_delayed": 0, "accident_claims_paid": 0,
                "accident_claims_amount": "0.00", "recovered": "0.00",
                "recovered_insurer": "0.00", "recovered_bank": "0.00"}],
            "by_kind": [], "loss_ratios": [], "npl": [], "subsidies": [], "defaulters": []
        })
    }

    fn orgs(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_report_flattens_into_whole_fen_and_counts() {
        let f = flatten(&payload(), "yantai", "2016Q3", Some(&orgs(&["picc"]))).unwrap();
        let get = |m: &str| f.facts.iter().find(|x| x.metric == m).map(|x| x.value);
        // 150000.5 yuan = 15,000,050 fen; 200000.00 = 20,000,000.
        assert_eq!(get("balance"), Some(15_000_050));
        assert_eq!(get("disbursed_amount"), Some(20_000_000));
        assert_eq!(get("applications"), Some(2));
        assert_eq!(get("claims_paid"), None, "zeros are not kept");
        assert!(f.names.contains(&("icbc".into(), "工行烟台".into())));
    }

    #[test]
    fn what_does_not_fit_is_refused_with_its_place() {
        let other = flatten(&payload(), "yantai", "2016Q3", Some(&orgs(&["cpic"]))).unwrap_err();
        assert_eq!(other.code, refusal::ORGANISATION_NOT_REGISTERED);
        let mut p = payload();
        p["business"][0]["balance"] = json!("1.005");
        let e = flatten(&p, "yantai", "2016Q3", Some(&orgs(&["picc"]))).unwrap_err();
        assert_eq!(e.code, refusal::SCHEMA);
        assert!(
            e.message_en.contains("business[0].balance"),
            "{}",
            e.message_en
        );
        let mut p = payload();
        p["business"][0]["applications"] = json!(-1);
        assert!(flatten(&p, "yantai", "2016Q3", Some(&orgs(&["picc"]))).is_err());
        let mut p = payload();
        p["business"][0]["city"] = json!("qingdao");
        assert!(flatten(&p, "yantai", "2016Q3", Some(&orgs(&["picc"]))).is_err());
        let mut p = payload();
        p["npl"] = json!(null);
        assert!(flatten(&p, "yantai", "2016Q3", Some(&orgs(&["picc"]))).is_err());
        assert!(flatten(&payload(), "yantai", "2016Q4", Some(&orgs(&["picc"]))).is_err());
    }
}
