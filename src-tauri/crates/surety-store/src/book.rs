//! A province's book read in whole passes (R-REPORT-1 and R-CREDIT-1 at 100,000 cases):
//! each case's keys once (`Directory`), then each table scanned on its own and summed by
//! those keys, instead of joining every row to its case — with SQLCipher every page read
//! is a decryption, and a join's lookups read far more pages than a scan.

use crate::error::StoreResult;
use crate::quarter_figures::Parties;
use rusqlite::{params, Connection};
use std::collections::HashMap;
use surety_domain::Money;

/// One case's keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub parties: Parties,
    pub kind: String,
    pub application_date: String,
    pub closed_on: Option<String>,
}

/// Every case's keys, by id (ids are dense: a vector).
#[derive(Debug, Clone, Default)]
pub struct Directory(Vec<Option<Entry>>);

fn slot(id: i64) -> usize {
    usize::try_from(id).unwrap_or(0)
}

impl Directory {
    pub fn load(conn: &Connection) -> StoreResult<Directory> {
        // Two scans joined here: a join in SQL would look each borrower up by id.
        let mut kinds: Vec<&'static str> = Vec::new();
        {
            let mut stmt = conn.prepare("SELECT id, kind FROM borrowers")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let i = slot(r.get(0)?);
                let text = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
                let kind = text
                    .parse::<surety_domain::BorrowerKind>()
                    .map(|k| k.code())
                    .map_err(|_| crate::corrupt::corrupt("borrowers", i as i64, "kind", text))?;
                if kinds.len() <= i {
                    kinds.resize(i + 1, "");
                }
                kinds[i] = kind;
            }
        }
        let mut out: Vec<Option<Entry>> = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT id, city, coalesce(insurer_id, 0), coalesce(bank_id, 0), borrower_id,
                    application_date, closed_on
             FROM cases",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let i = slot(r.get(0)?);
            if out.len() <= i {
                out.resize(i + 1, None);
            }
            out[i] = Some(Entry {
                parties: Parties {
                    city: r.get(1)?,
                    insurer_id: r.get(2)?,
                    bank_id: r.get(3)?,
                },
                kind: kinds
                    .get(slot(r.get(4)?))
                    .copied()
                    .unwrap_or_default()
                    .to_string(),
                application_date: r.get(5)?,
                closed_on: r.get(6)?,
            });
        }
        Ok(Directory(out))
    }

    /// Forgets the cases `f` refuses (a report for a reader who sees some cases only).
    pub fn keep(&mut self, f: impl Fn(&Entry) -> bool) {
        for slot in &mut self.0 {
            if slot.as_ref().is_some_and(|e| !f(e)) {
                *slot = None;
            }
        }
    }

    pub fn get(&self, case_id: i64) -> Option<&Entry> {
        self.0.get(slot(case_id)).and_then(Option::as_ref)
    }

    pub fn entries(&self) -> impl Iterator<Item = (i64, &Entry)> {
        self.0
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.as_ref().map(|e| (i as i64, e)))
    }
}

/// Sums by parties, in a stable order.
fn by_parties<T: Default>(m: HashMap<Parties, T>) -> Vec<(Parties, T)> {
    let mut v: Vec<(Parties, T)> = m.into_iter().collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// Applications taken in between `from` and `to` (inclusive), by parties.
pub fn applications(dir: &Directory, from: &str, to: &str) -> Vec<(Parties, u32)> {
    let mut m: HashMap<Parties, u32> = HashMap::new();
    for (_, e) in dir.entries() {
        if e.application_date.as_str() >= from && e.application_date.as_str() <= to {
            *m.entry(e.parties.clone()).or_default() += 1;
        }
    }
    by_parties(m)
}

/// Approvals by parties, and refusals by parties and the side that refused.
pub type Decisions = (Vec<(Parties, u32)>, Vec<((Parties, String), u32)>);

/// Approvals (both sides, counted on the second's day) and refusals by side, by parties.
pub fn decisions(
    conn: &Connection,
    dir: &Directory,
    from: &str,
    to: &str,
) -> StoreResult<Decisions> {
    // Per case: (sides, all approve, last day).
    let mut cases: Vec<(u8, bool, [u8; 10])> = vec![(0, true, [0; 10]); dir.0.len()];
    let mut declines: HashMap<(Parties, String), u32> = HashMap::new();
    let mut stmt = conn.prepare("SELECT case_id, side, approve, decided_on FROM decisions")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let approve = r.get::<_, i64>(2)? == 1;
        let day: [u8; 10] = r
            .get_ref(3)?
            .as_bytes()
            .map_err(rusqlite::Error::from)?
            .try_into()
            .map_err(|_| crate::corrupt::corrupt("decisions", id, "decided_on", "?"))?;
        let within = day.as_slice() >= from.as_bytes() && day.as_slice() <= to.as_bytes();
        if !approve && within {
            if let Some(e) = dir.get(id) {
                *declines.entry((e.parties.clone(), r.get(1)?)).or_default() += 1;
            }
        }
        let Some(c) = cases.get_mut(slot(id)) else {
            continue;
        };
        c.0 += 1;
        c.1 &= approve;
        if day > c.2 {
            c.2 = day;
        }
    }
    let mut approvals: HashMap<Parties, u32> = HashMap::new();
    for (id, (sides, yes, last)) in cases.into_iter().enumerate() {
        if sides == 2
            && yes
            && last.as_slice() >= from.as_bytes()
            && last.as_slice() <= to.as_bytes()
        {
            if let Some(e) = dir.get(id as i64) {
                *approvals.entry(e.parties.clone()).or_default() += 1;
            }
        }
    }
    let mut d: Vec<((Parties, String), u32)> = declines.into_iter().collect();
    d.sort();
    Ok((by_parties(approvals), d))
}

/// Loans disbursed in [from, to] and in [ytd_from, to]: (parties, borrower kind) → (count,
/// amount), each.
#[allow(clippy::type_complexity)]
pub fn disbursements(
    conn: &Connection,
    dir: &Directory,
    from: &str,
    ytd_from: &str,
    to: &str,
) -> StoreResult<(
    Vec<((Parties, String), (u32, Money))>,
    Vec<((Parties, String), (u32, Money))>,
)> {
    let mut quarter: HashMap<(Parties, String), (u32, Money)> = HashMap::new();
    let mut ytd: HashMap<(Parties, String), (u32, Money)> = HashMap::new();
    let lo = from.min(ytd_from);
    let mut stmt = conn.prepare(
        "SELECT case_id, amount_fen, disbursed_on FROM disbursements WHERE disbursed_on BETWEEN ?1 AND ?2",
    )?;
    let mut rows = stmt.query(params![lo, to])?;
    while let Some(r) = rows.next()? {
        let Some(e) = dir.get(r.get(0)?) else {
            continue;
        };
        let amount = Money::from_fen(r.get(1)?);
        let day: String = r.get(2)?;
        let key = (e.parties.clone(), e.kind.clone());
        if day.as_str() >= from {
            let q = quarter.entry(key.clone()).or_insert((0, Money::ZERO));
            q.0 += 1;
            q.1 += amount;
        }
        if day.as_str() >= ytd_from {
            let y = ytd.entry(key).or_insert((0, Money::ZERO));
            y.0 += 1;
            y.1 += amount;
        }
    }
    let sorted = |m: HashMap<(Parties, String), (u32, Money)>| {
        let mut v: Vec<_> = m.into_iter().collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    Ok((sorted(quarter), sorted(ytd)))
}

/// Premiums written: the premium each policy signed in [from, to] carries, by parties and
/// line ('guarantee', 'accident').
pub fn premiums_written(
    conn: &Connection,
    dir: &Directory,
    from: &str,
    to: &str,
) -> StoreResult<Vec<((Parties, String), Money)>> {
    let mut m: HashMap<(Parties, String), Money> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT case_id, doc_kind, premium_fen FROM contracts
         WHERE doc_kind IN ('guarantee_policy', 'accident_policy') AND signed_on BETWEEN ?1 AND ?2",
    )?;
    let mut rows = stmt.query(params![from, to])?;
    while let Some(r) = rows.next()? {
        let Some(e) = dir.get(r.get(0)?) else {
            continue;
        };
        let line = if r.get::<_, String>(1)? == "guarantee_policy" {
            "guarantee"
        } else {
            "accident"
        };
        *m.entry((e.parties.clone(), line.to_string()))
            .or_insert(Money::ZERO) += Money::from_fen(r.get::<_, Option<i64>>(2)?.unwrap_or(0));
    }
    let mut v: Vec<_> = m.into_iter().collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(v)
}

/// Premium refunds (case, line) → the refund day: a refunded premium leaves the figures
/// from that day.
pub fn refunds(conn: &Connection) -> StoreResult<HashMap<(i64, String), String>> {
    let mut stmt = conn.prepare("SELECT case_id, line, refunded_on FROM premium_refunds")?;
    let rows = stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Premiums received in [from, to], one row per premium: (case id, line, amount).
pub fn premiums_in(
    conn: &Connection,
    from: &str,
    to: &str,
) -> StoreResult<Vec<(i64, String, Money)>> {
    let mut stmt = conn.prepare(
        "SELECT case_id, line, amount_fen FROM premiums WHERE received_on BETWEEN ?1 AND ?2",
    )?;
    let rows = stmt.query_map(params![from, to], |r| {
        Ok((r.get(0)?, r.get(1)?, Money::from_fen(r.get(2)?)))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// (insurer, city) → (guarantee premiums received, claims paid by the insurers).
pub type LossRatioInputs = HashMap<(i64, String), (Money, Money)>;

/// R-STOP-1's guarantee premiums received in [from, to] and not refunded by `to`, and the
/// insurers' claim payments, by (insurer, city).
pub fn loss_ratio_inputs(
    conn: &Connection,
    dir: &Directory,
    refunded: &HashMap<(i64, String), String>,
    from: &str,
    to: &str,
) -> StoreResult<LossRatioInputs> {
    let mut out: LossRatioInputs = HashMap::new();
    for (id, line, amount) in premiums_in(conn, from, to)? {
        if line != "guarantee" {
            continue;
        }
        if refunded.get(&(id, line)).is_some_and(|d| d.as_str() <= to) {
            continue;
        }
        if let Some(e) = dir.get(id) {
            out.entry((e.parties.insurer_id, e.parties.city.clone()))
                .or_insert((Money::ZERO, Money::ZERO))
                .0 += amount;
        }
    }
    let mut stmt =
        conn.prepare("SELECT case_id, insurer_fen FROM claims WHERE paid_on BETWEEN ?1 AND ?2")?;
    let mut rows = stmt.query(params![from, to])?;
    while let Some(r) = rows.next()? {
        if let Some(e) = dir.get(r.get(0)?) {
            out.entry((e.parties.insurer_id, e.parties.city.clone()))
                .or_insert((Money::ZERO, Money::ZERO))
                .1 += Money::from_fen(r.get(1)?);
        }
    }
    Ok(out)
}

/// A paid claim: the loss, the insurers' payment, and what recoveries since credited to the
/// bank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaidClaim {
    pub loss: Money,
    pub insurer: Money,
    pub bank_recovered: Money,
}

/// Every paid claim by case (claims are few: one read of the table and its recoveries).
pub fn paid_claims(conn: &Connection) -> StoreResult<HashMap<i64, PaidClaim>> {
    let mut out: HashMap<i64, PaidClaim> = HashMap::new();
    let mut stmt = conn
        .prepare("SELECT case_id, loss_fen, insurer_fen FROM claims WHERE paid_on IS NOT NULL")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        out.insert(
            r.get(0)?,
            PaidClaim {
                loss: Money::from_fen(r.get(1)?),
                insurer: Money::from_fen(r.get(2)?),
                bank_recovered: Money::ZERO,
            },
        );
    }
    let mut stmt =
        conn.prepare("SELECT case_id, bank_fen FROM recoveries WHERE before_claim = 0")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(c) = out.get_mut(&r.get(0)?) {
            c.bank_recovered += Money::from_fen(r.get(1)?);
        }
    }
    Ok(out)
}

/// The amount disbursed on each of the cases `ids`.
pub fn disbursed_of(conn: &Connection, ids: &[i64]) -> StoreResult<HashMap<i64, Money>> {
    let ids = serde_json::to_string(ids).expect("ids serialize");
    let mut stmt = conn.prepare(
        "SELECT d.case_id, d.amount_fen FROM json_each(?1) AS j
         CROSS JOIN disbursements d ON d.case_id = j.value",
    )?;
    let rows = stmt.query_map([ids], |r| Ok((r.get(0)?, Money::from_fen(r.get(1)?))))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A loan as it stood on the bank's book at the end of a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookLoan {
    pub case_id: i64,
    pub parties: Parties,
    pub kind: String,
    /// Principal disbursed (less what `book_facts` says was repaid: outstanding).
    pub disbursed: Money,
    /// The claim, when the insurer had paid it by that day: (loss, the insurers' payment).
    pub paid_claim: Option<(Money, Money)>,
    /// Recoveries credited to the bank after the claim, by that day.
    pub bank_recovered: Money,
}

/// Every loan disbursed by the end of `at` and not closed by then (repaid loans are among
/// them: the caller drops what has nothing outstanding).
pub fn loans_on_book(conn: &Connection, dir: &Directory, at: &str) -> StoreResult<Vec<BookLoan>> {
    let mut claims: HashMap<i64, (Money, Money)> = HashMap::new();
    {
        let mut stmt =
            conn.prepare("SELECT case_id, loss_fen, insurer_fen FROM claims WHERE paid_on <= ?1")?;
        let mut rows = stmt.query([at])?;
        while let Some(r) = rows.next()? {
            claims.insert(
                r.get(0)?,
                (Money::from_fen(r.get(1)?), Money::from_fen(r.get(2)?)),
            );
        }
    }
    let mut recovered: HashMap<i64, Money> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT case_id, bank_fen FROM recoveries WHERE before_claim = 0 AND received_on <= ?1",
        )?;
        let mut rows = stmt.query([at])?;
        while let Some(r) = rows.next()? {
            *recovered.entry(r.get(0)?).or_insert(Money::ZERO) += Money::from_fen(r.get(1)?);
        }
    }
    let mut out = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT case_id, amount_fen FROM disbursements WHERE disbursed_on <= ?1 ORDER BY case_id",
    )?;
    let mut rows = stmt.query([at])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let Some(e) = dir.get(id) else { continue };
        if e.closed_on.as_deref().is_some_and(|d| d <= at) {
            continue;
        }
        out.push(BookLoan {
            case_id: id,
            parties: e.parties.clone(),
            kind: e.kind.clone(),
            disbursed: Money::from_fen(r.get(1)?),
            paid_claim: claims.get(&id).copied(),
            bank_recovered: recovered.get(&id).copied().unwrap_or(Money::ZERO),
        });
    }
    Ok(out)
}

/// What a loan's repayments amount to at the end of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BookFacts {
    pub standing: surety_domain::claim::Standing,
    pub principal_repaid: Money,
    /// The last repayment: (day, amount).
    pub last_payment: Option<(chrono::NaiveDate, Money)>,
    /// Interest repaid from `interest_from` (R-SUBSIDY-1's base for the period).
    pub interest_since: Money,
}

/// The facts of every loan on a day, by case id (ids are dense: a vector, not a map).
#[derive(Debug, Clone, Default)]
pub struct Book(Vec<BookFacts>);

impl Book {
    pub fn get(&self, case_id: i64) -> BookFacts {
        usize::try_from(case_id)
            .ok()
            .and_then(|i| self.0.get(i))
            .copied()
            .unwrap_or_default()
    }
}

/// Every loan's standing and repayments at the end of `as_of`, with
/// two grouped reads instead of a walk per loan: the repayments summed per case (SQLite
/// takes the last repayment's amount from the row of its `max(paid_on)`), and per schedule
/// what fell due before the day. A loan that has paid all that is current; only the others
/// are walked period by period (payments being applied oldest first, the total paid covers
/// the periods in order). A loan whose schedule was ever replaced is read exactly, as it
/// stood on the day.
pub fn book_facts(
    conn: &Connection,
    as_of: chrono::NaiveDate,
    interest_from: &str,
) -> StoreResult<Book> {
    book_facts_of(conn, as_of, interest_from, None)
}

/// The same for the cases `only` (the dashboard's live loans), read through the case
/// indexes instead of whole tables.
pub fn book_facts_of(
    conn: &Connection,
    as_of: chrono::NaiveDate,
    interest_from: &str,
    only: Option<&[i64]>,
) -> StoreResult<Book> {
    let at = &as_of.to_string();
    // The cases asked for, as a JSON array bound as a parameter: `CROSS JOIN` makes SQLite
    // walk the list and seek each case in the table's case index.
    let ids_json = only.map(|ids| serde_json::to_string(ids).expect("ids serialize"));
    let from = |table: &str, ids_param: &str| match only {
        Some(_) => {
            format!("json_each({ids_param}) AS j CROSS JOIN {table} ON {table}.case_id = j.value")
        }
        None => table.to_string(),
    };
    use std::collections::HashSet;
    use surety_domain::claim::{standing, standing_from_total};
    use surety_domain::Installment;
    let max_id: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM cases", [], |r| r.get(0))?;
    let mut facts = vec![BookFacts::default(); slot(max_id) + 1];
    let replaced: HashSet<i64> = match &ids_json {
        Some(ids) => conn
            .prepare(
                "SELECT cases.id FROM json_each(?1) AS j CROSS JOIN cases ON cases.id = j.value
                 WHERE cases.schedule_version > 1",
            )?
            .query_map([ids], |r| r.get(0))?
            .collect::<Result<_, _>>()?,
        None => conn
            .prepare("SELECT id FROM cases WHERE schedule_version > 1")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?,
    };
    // Paid in all, in fen (for a loan never rescheduled, all of it on its one schedule).
    let mut paid = vec![0i64; facts.len()];
    {
        // For a few cases, their index, not the day index (`+` keeps SQLite off the latter).
        let paid_on = if only.is_some() {
            "+paid_on"
        } else {
            "paid_on"
        };
        let mut stmt = conn.prepare(&format!(
            "SELECT repayments.case_id, max(paid_on), amount_fen, sum(principal_fen),
                    sum(CASE WHEN paid_on >= ?2 THEN interest_fen ELSE 0 END),
                    sum(principal_fen + interest_fen)
             FROM {} WHERE {paid_on} <= ?1 GROUP BY repayments.case_id",
            from("repayments", "?3")
        ))?;
        let mut rows = match &ids_json {
            Some(ids) => stmt.query(params![at, interest_from, ids])?,
            None => stmt.query(params![at, interest_from])?,
        };
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let Some(f) = facts.get_mut(slot(id)) else {
                continue;
            };
            let day: String = r.get(1)?;
            f.last_payment = Some((
                crate::corrupt::date("repayments", id, "paid_on", &day)?,
                Money::from_fen(r.get(2)?),
            ));
            f.principal_repaid = Money::from_fen(r.get(3)?);
            f.interest_since = Money::from_fen(r.get(4)?);
            paid[slot(id)] = r.get(5)?;
        }
    }
    // Per schedule: due before the day, and what was carried onto it when it began.
    let mut behind = Vec::new();
    {
        let mut stmt = conn.prepare(&format!(
            "SELECT schedule.case_id,
                    sum(CASE WHEN due_date < ?1 THEN principal_fen + interest_fen ELSE 0 END),
                    sum(opening_interest_fen + opening_principal_fen)
             FROM {} GROUP BY schedule.case_id",
            from("schedule", "?2")
        ))?;
        let mut rows = match &ids_json {
            Some(ids) => stmt.query(params![at, ids])?,
            None => stmt.query([at])?,
        };
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if replaced.contains(&id) || slot(id) >= facts.len() {
                continue;
            }
            let (due, opening): (i64, i64) = (r.get(1)?, r.get(2)?);
            if opening + paid[slot(id)] < due {
                behind.push((id, opening + paid[slot(id)]));
            }
        }
    }
    // The loans behind are walked period by period: their schedules in one read.
    if !behind.is_empty() {
        let ids = serde_json::to_string(&behind.iter().map(|(id, _)| *id).collect::<Vec<_>>())
            .expect("ids serialize");
        let mut schedules: HashMap<i64, Vec<Installment>> = HashMap::with_capacity(behind.len());
        let mut stmt = conn.prepare(
            "SELECT schedule.case_id, period, due_date, principal_fen, interest_fen, payment_fen, balance_fen
             FROM json_each(?1) AS j CROSS JOIN schedule ON schedule.case_id = j.value",
        )?;
        let mut rows = stmt.query([ids])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            schedules
                .entry(id)
                .or_default()
                .push(crate::schedules::installment(r, "schedule", id, 1)?);
        }
        for (id, total) in behind {
            let mut schedule = schedules.remove(&id).unwrap_or_default();
            schedule.sort_by_key(|i| i.period);
            facts[slot(id)].standing =
                standing_from_total(&schedule, Money::from_fen(total), as_of);
        }
    }
    for id in replaced {
        let (schedule, paid) = crate::schedules::position_as_of(conn, id, at)?;
        if let Some(f) = facts.get_mut(slot(id)) {
            f.standing = standing(&schedule, &paid, as_of);
        }
    }
    Ok(Book(facts))
}
