#![allow(dead_code)]

use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use surety_domain::identity::credit_check_char;
use surety_domain::schedule::schedule;
use surety_domain::{BorrowerKind, CaseStatus, City, Money, Rate, RepaymentMethod};
use surety_store::cases::{insert_case, upsert_borrower, NewBorrower, NewCase};
use surety_store::{AuditNote, KdfParams, NewUser, Role, Store, User};

pub const PASSWORD: &str = "正确的密码-2026";

pub fn admin() -> NewUser {
    NewUser {
        username: "admin".into(),
        display_name: "系统管理员".into(),
        role: Role::Admin,
        organisation_id: None,
    }
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Default for Fixture {
    fn default() -> Self {
        Fixture::new()
    }
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("surety.db");
        Fixture { dir, db }
    }

    pub fn create(&self) -> (Store, User) {
        let (mut s, u) =
            Store::create(&self.db, &admin(), PASSWORD, KdfParams::for_tests()).unwrap();
        s.set_kdf(KdfParams::for_tests());
        (s, u)
    }

    pub fn open(&self) -> Store {
        let (mut s, _) = Store::open(&self.db, "admin", PASSWORD).unwrap();
        s.set_kdf(KdfParams::for_tests());
        s
    }
}

/// A valid credit code for serial `n` (check character computed).
pub fn credit_code(n: u32) -> String {
    let first17 = format!("91370600MA{:07}", n % 10_000_000);
    format!("{first17}{}", credit_check_char(&first17).unwrap())
}

pub const CITIES: [City; 6] = [
    City::Yantai,
    City::Weifang,
    City::Taian,
    City::Jining,
    City::Dezhou,
    City::Qingdao,
];
pub const NAMES: [&str; 8] = [
    "烟台海丰水产",
    "潍坊绿野农业",
    "泰安泰山茶叶",
    "济宁运河物流",
    "德州扒鸡食品",
    "青岛海岸渔业",
    "张三",
    "李四养殖场",
];

pub fn new_case(n: u32) -> (NewBorrower, NewCase) {
    let city = CITIES[(n % 6) as usize];
    let principal: Money = Money::yuan(100_000 + i64::from(n % 90) * 10_000);
    let rate = Rate::percent("5.655");
    let contract = NaiveDate::from_ymd_opt(2016, 1 + n % 12, 1 + n % 28).unwrap();
    let method = RepaymentMethod::ALL[(n % 4) as usize];
    let borrower = NewBorrower {
        kind: BorrowerKind::MicroEnterprise,
        name: format!("{}{n}号", NAMES[(n % 8) as usize]),
        id_number: credit_code(n),
        id_check_override: None,
        city,
        address: "山东省某市某区某路1号".into(),
        phone: "13800000000".into(),
        legal_rep: "王五".into(),
        operating_since: NaiveDate::from_ymd_opt(2010, 1, 1).unwrap(),
    };
    let case = NewCase {
        case_no: format!("SD2016-{n:06}"),
        city,
        status: CaseStatus::ALL[(n % 16) as usize],
        principal,
        annual_rate: rate,
        term_months: 12,
        repayment: method,
        guarantee_rate: Rate::percent("2"),
        accident_rate: Rate::percent("1"),
        application_date: contract,
        contract_date: Some(contract),
        bank_id: None,
        insurer_id: None,
        // The figures a stored quote must hold (typed when read back); zero for fixtures.
        quote_json: r#"{"reference_rate":null,"rate_cap":null,"total_interest":"0.00","premium_base":"0.00","guarantee_premium":"0.00","accident_premium":"0.00","total_premium":"0.00","financing_cost":"0.00","warnings":[]}"#.into(),
        schedule: schedule(method, principal, rate, 12, contract),
        created_by: None,
    };
    (borrower, case)
}

pub fn add_case(store: &mut Store, n: u32) -> i64 {
    let (b, c) = new_case(n);
    store
        .write("admin", "case.intake", |tx| {
            let bid = upsert_borrower(tx, &b)?;
            let id = insert_case(tx, bid, &c)?;
            Ok((id, AuditNote::new("case", &c.case_no, "intake")))
        })
        .unwrap()
}

pub fn file_contains(path: &Path, needle: &[u8]) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    bytes.windows(needle.len()).any(|w| w == needle)
}

/// Inserts `n` fixture cases, `batch` per transaction, each with its audit entry (the
/// 100,000-case benchmarks of the store and of the window).
pub fn insert_all(conn: &rusqlite::Connection, n: u32, batch: u32) -> std::time::Duration {
    let start = std::time::Instant::now();
    let mut i = 0;
    while i < n {
        let tx = conn.unchecked_transaction().unwrap();
        for k in i..(i + batch).min(n) {
            let (b, c) = new_case(k);
            let bid = upsert_borrower(&tx, &b).unwrap();
            insert_case(&tx, bid, &c).unwrap();
            surety_store::audit::append(
                &tx,
                "2026-11-28T00:00:00Z",
                "bench",
                "case.import",
                &AuditNote::new("case", &c.case_no, "import"),
            )
            .unwrap();
        }
        tx.commit().unwrap();
        i += batch;
    }
    start.elapsed()
}
