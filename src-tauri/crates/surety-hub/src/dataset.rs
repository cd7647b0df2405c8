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
    /// Text and flags a line carries for people to read; the hub sums none of them.
    labels: &'static [&'static str],
    figures: &'static [(&'static str, Unit)],
}

/// The largest amount one figure may hold: 10 trillion yuan in fen, far above a city's
/// whole pilot, so that no sum of them can overflow the province's totals.
pub const FIGURE_FEN_MAX: i64 = 1_000_000_000_000_000;
/// The largest count one figure may hold.
pub const FIGURE_COUNT_MAX: i64 = 100_000_000;
/// The most lines one table of one envelope may have.
pub const LINES_MAX: usize = 2_000;
/// The longest text a key or a label may be.
const TEXT_CHARS_MAX: usize = 100;

/// The payload's own fields besides the tables: the report's heading, state and totals.
const HEADING: &[&str] = &[
    "period",
    "year",
    "quarter",
    "start",
    "end",
    "as_of",
    "complete",
    "city",
    "issuer",
    "state",
    "business_total",
    "by_kind_total",
    "subsidies_total",
    "defaulters_total",
];
/// What a closed quarter's state says.
const STATE: &[&str] = &[
    "closed",
    "organisation",
    "closed_for",
    "revision",
    "closed_on",
    "closed_by",
    "sha256",
    "reopened_on",
    "reopened_by",
    "reopen_reason",
];

/// The tables the province sums, and the keys that say whose line it is.
const TABLES: &[Table] = &[
    Table {
        name: "business",
        keys: &["insurer", "bank"],
        labels: &["insurer_name", "bank_name"],
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
        labels: &[],
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
        labels: &[
            "insurer_name",
            "year_start",
            "year_end",
            "loss_ratio",
            "stop_line_percent",
            "stopped_on",
        ],
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
        labels: &["bank_name", "npl_ratio", "exempt"],
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
        labels: &["premium_share", "interest_share"],
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
        labels: &[],
        figures: &[
            ("flagged_in_quarter", Count),
            ("flagged_to_date", Count),
            ("outstanding", Fen),
        ],
    },
];

/// Facts summed by (table, metric): what they add to the city's totals.
pub fn city_sums(facts: &[Fact]) -> Vec<(&'static str, &'static str, i64)> {
    // Checked at intake (`check_city_sums`) to fit a figure's limit; never wraps regardless.
    sums_by_figure(facts)
        .into_iter()
        .map(|((t, m), v)| (t, m, i64::try_from(v).unwrap_or(i64::MAX)))
        .collect()
}

/// Facts summed by (table, metric), wide enough that no envelope's lines overflow them.
fn sums_by_figure(
    facts: &[Fact],
) -> std::collections::BTreeMap<(&'static str, &'static str), i128> {
    let mut sums = std::collections::BTreeMap::new();
    for f in facts {
        *sums.entry((f.table, f.metric)).or_default() += i128::from(f.value);
    }
    sums
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

/// The organisation a table's line speaks for: an insurer's business and loss ratio, a
/// bank's loans. Only an installation registered for it may send the line.
fn owner(table: &Table) -> Option<&'static str> {
    match table.name {
        "business" | "loss_ratios" => Some("insurer"),
        "npl" => Some("bank"),
        _ => None,
    }
}

fn schema(what: String) -> Refusal {
    Refusal::new(
        refusal::SCHEMA,
        format!("报表内容不符合季度数据格式：{what}"),
        format!("the payload does not fit the quarterly dataset: {what}"),
    )
}

/// The schema is closed: a field the dataset does not name is refused, so that nothing
/// (a list of borrowers, say) rides along into the hub's store.
fn only_known_fields(
    object: &serde_json::Map<String, Value>,
    known: &[&str],
    at: &str,
) -> Result<(), Refusal> {
    match object.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(schema(format!("`{at}{k}` is not a field of the dataset"))),
        None => Ok(()),
    }
}

/// A label is short text, a flag or nothing.
fn short_label(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(_) => true,
        Value::String(t) => t.chars().count() <= TEXT_CHARS_MAX,
        _ => false,
    }
}

/// Every field a line (or a table's total) of `table` may carry.
fn line_fields(table: &Table) -> Vec<&'static str> {
    let mut all = vec!["city"];
    all.extend(table.keys);
    all.extend(table.labels);
    all.extend(table.figures.iter().map(|(m, _)| *m));
    all
}

/// Checks the heading, the state and the tables' totals: known fields only.
fn check_outline(
    obj: &serde_json::Map<String, Value>,
    city: &str,
    period: &str,
) -> Result<(), Refusal> {
    let mut known: Vec<&str> = HEADING.to_vec();
    known.extend(TABLES.iter().map(|t| t.name));
    only_known_fields(obj, &known, "")?;
    if obj.get("period").and_then(Value::as_str) != Some(period) {
        return Err(schema(format!("`period` is not {period}")));
    }
    if obj.get("city").and_then(Value::as_str) != Some(city) {
        return Err(schema(format!("`city` is not {city}")));
    }
    let state = obj.get("state").and_then(Value::as_object);
    if obj.get("complete") != Some(&Value::Bool(true))
        || state.and_then(|s| s.get("closed")) != Some(&Value::Bool(true))
    {
        return Err(schema("the quarter is not closed and complete".into()));
    }
    only_known_fields(state.expect("checked above"), STATE, "state.")?;
    for table in TABLES {
        let total = format!("{}_total", table.name);
        if let Some(t) = obj.get(&total) {
            let t = t
                .as_object()
                .ok_or_else(|| schema(format!("`{total}` is not an object")))?;
            only_known_fields(t, &line_fields(table), &format!("{total}."))?;
        }
    }
    Ok(())
}

/// Checks a quarter report payload for `city` and `period`, sent by an installation that
/// reports for `organisations` (None: a payload the hub stored before), and flattens it.
pub fn flatten(
    payload: &Value,
    city: &str,
    period: &str,
    organisations: Option<&BTreeSet<String>>,
) -> Result<Flattened, Refusal> {
    let obj = payload
        .as_object()
        .ok_or_else(|| schema("not an object".into()))?;
    check_outline(obj, city, period)?;
    let mut out = Flattened::default();
    for table in TABLES {
        let lines = obj
            .get(table.name)
            .and_then(Value::as_array)
            .ok_or_else(|| schema(format!("`{}` is missing or not a list", table.name)))?;
        if lines.len() > LINES_MAX {
            return Err(schema(format!(
                "`{}` has {} lines, more than {LINES_MAX}",
                table.name,
                lines.len()
            )));
        }
        for (i, line) in lines.iter().enumerate() {
            flatten_line(table, i, line, city, organisations, &mut out)?;
        }
    }
    check_city_sums(&out.facts)?;
    out.facts.sort();
    out.names.sort();
    out.names.dedup();
    Ok(out)
}

/// One line of `table`: its fields, whose it is, its figures.
fn flatten_line(
    table: &'static Table,
    i: usize,
    line: &Value,
    city: &str,
    organisations: Option<&BTreeSet<String>>,
    out: &mut Flattened,
) -> Result<(), Refusal> {
    let at = |field: &str| format!("{}[{i}].{field}", table.name);
    let fields = line
        .as_object()
        .ok_or_else(|| schema(format!("`{}[{i}]` is not an object", table.name)))?;
    only_known_fields(
        fields,
        &line_fields(table),
        &format!("{}[{i}].", table.name),
    )?;
    let text = |field: &str| -> Result<String, Refusal> {
        line.get(field)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| schema(format!("`{}` is missing or not text", at(field))))
    };
    if text("city")? != city {
        return Err(schema(format!("`{}` is another city", at("city"))));
    }
    if let Some(label) = table
        .labels
        .iter()
        .find(|l| fields.get(**l).is_some_and(|v| !short_label(v)))
    {
        return Err(schema(format!(
            "`{}` is not short text, a flag or null",
            at(label)
        )));
    }
    let key = |k: &str| -> Result<String, Refusal> {
        if table.keys.contains(&k) {
            let v = text(k)?;
            if v.is_empty() || v.chars().count() > TEXT_CHARS_MAX {
                return Err(schema(format!("`{}` is empty or too long", at(k))));
            }
            Ok(v)
        } else {
            Ok(String::new())
        }
    };
    let (insurer, bank, kind) = (key("insurer")?, key("bank")?, key("kind")?);
    // An installation reports its own insurers' business and its own banks' loans: a line
    // of another's would speak for it (and be counted twice at the province).
    if let Some(owner_key) = owner(table) {
        let code = if owner_key == "insurer" {
            &insurer
        } else {
            &bank
        };
        if organisations.is_some_and(|o| !o.contains(code)) {
            let (zh, en) = if owner_key == "insurer" {
                ("保险公司", "insurer")
            } else {
                ("银行", "bank")
            };
            return Err(Refusal::new(
                refusal::ORGANISATION_NOT_REGISTERED,
                format!("报表含有本机构未登记报送的{zh} {code} 的数据"),
                format!(
                    "the payload has figures of {en} {code}, which this installation is not registered to report for"
                ),
            ));
        }
    }
    // Names only of what the sender speaks for: another's name is not the sender's to give.
    for (name_field, code) in [("insurer_name", &insurer), ("bank_name", &bank)] {
        let own = organisations.is_none_or(|o| o.contains(code));
        if let (false, true, Some(name)) = (
            code.is_empty(),
            own,
            line.get(name_field).and_then(Value::as_str),
        ) {
            out.names.push((code.clone(), name.to_string()));
        }
    }
    for (metric, unit) in table.figures {
        let v = line
            .get(*metric)
            .ok_or_else(|| schema(format!("`{}` is missing", at(metric))))?;
        let value = match unit {
            Count => v
                .as_u64()
                .filter(|n| *n <= FIGURE_COUNT_MAX as u64)
                .map(|n| n as i64),
            Fen => fen(v).filter(|f| *f <= FIGURE_FEN_MAX),
            Flag => v.as_bool().map(i64::from),
        }
        .ok_or_else(|| {
            schema(format!(
                "`{}` is not a valid figure (or above its limit)",
                at(metric)
            ))
        })?;
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
    Ok(())
}

/// What one envelope adds to a city's totals stays within one figure's limit, so that the
/// province's sums (in either back end) cannot overflow.
fn check_city_sums(facts: &[Fact]) -> Result<(), Refusal> {
    match sums_by_figure(facts)
        .iter()
        .find(|(_, v)| **v > i128::from(FIGURE_FEN_MAX))
    {
        Some(((table, metric), _)) => Err(schema(format!(
            "the lines of `{table}` add up to more than one figure may hold in `{metric}`"
        ))),
        None => Ok(()),
    }
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
        assert!(f.names.contains(&("picc".into(), "人保烟台".into())));
    }

    #[test]
    fn a_sender_speaks_only_for_what_it_is_registered_for() {
        // A bank's loans only from that bank's installations.
        let mut p = payload();
        p["npl"] = json!([{"city": "yantai", "bank": "icbc", "bank_name": "工行烟台",
            "loans": 1, "balance": "100.00", "normal": "100.00", "special_mention": "0.00",
            "substandard": "0.00", "doubtful": "0.00", "loss": "90.00", "npl_balance": "90.00",
            "npl_ratio": "90.00", "exempt": false}]);
        let e = flatten(&p, "yantai", "2016Q3", Some(&orgs(&["picc"]))).unwrap_err();
        assert_eq!(e.code, refusal::ORGANISATION_NOT_REGISTERED);
        assert!(e.message_en.contains("bank icbc"), "{}", e.message_en);
        assert!(flatten(&p, "yantai", "2016Q3", Some(&orgs(&["picc", "icbc"]))).is_ok());
        // Another's name is not the sender's to give: the bank keeps the name its own
        // installation gave, the insurer's own name is taken.
        let mut p = payload();
        p["business"][0]["bank_name"] = json!("被改名的银行");
        let f = flatten(&p, "yantai", "2016Q3", Some(&orgs(&["picc"]))).unwrap();
        assert_eq!(f.names, vec![("picc".to_string(), "人保烟台".to_string())]);
    }

    #[test]
    fn the_schema_is_closed_and_every_figure_bounded() {
        let refused = |p: &Value, what: &str| {
            let e = flatten(p, "yantai", "2016Q3", Some(&orgs(&["picc"]))).unwrap_err();
            assert_eq!(e.code, refusal::SCHEMA, "{what}");
            e.message_en
        };
        let mut p = payload();
        p["borrowers"] = json!([{"name": "王海", "id_number": "370602198001011234"}]);
        assert!(refused(&p, "extra table").contains("`borrowers`"));
        let mut p = payload();
        p["business"][0]["id_number"] = json!("370602198001011234");
        assert!(refused(&p, "extra field").contains("business[0].id_number"));
        let mut p = payload();
        p["state"]["note"] = json!("x");
        refused(&p, "extra state field");
        let mut p = payload();
        p["business_total"] = json!({"city": "yantai", "borrowers": []});
        refused(&p, "extra total field");
        let mut p = payload();
        p["business"][0]["insurer_name"] = json!("人".repeat(101));
        refused(&p, "a label too long");
        // i64::MAX fen, and just above the limit of 10 trillion yuan.
        for balance in ["92233720368547758.07", "10000000000000.01"] {
            let mut p = payload();
            p["business"][0]["balance"] = json!(balance);
            assert!(refused(&p, balance).contains("business[0].balance"));
        }
        // Two lines at the limit add up to more than a figure may hold.
        let mut p = payload();
        p["business"][0]["balance"] = json!("10000000000000.00");
        let mut second = p["business"][0].clone();
        second["bank"] = json!("abc");
        p["business"].as_array_mut().unwrap().push(second);
        assert!(refused(&p, "sum").contains("add up"));
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
