#![allow(dead_code)]

use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use surety_domain::identity::credit_check_char;
use surety_domain::schedule::schedule;
use surety_domain::{BorrowerKind, CaseStatus, City, Money, Rate, RepaymentMethod};
use surety_store::cases::{insert_case, upsert_borrower, NewBorrower, NewCase};
use surety_store::{AuditNote, KdfParams, NewUser, Role, Store, User};

pub const PASSWORD: &str = "正确的密码就是这一句-2026";

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
            let (mut b, c) = new_case(k);
            b.name = realistic_name(k);
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

/// A borrower's name as the province's are distributed, for the benchmarks' large books
/// (the tests' fixture names repeat eight stems): six in ten are people — a surname drawn
/// by its real frequency (王, 李, 张, 刘, 陈 … about 30% of people carry the top five) and a
/// given name of one or two characters — and four in ten are businesses (a city, a
/// two-character trade name, a trade, a legal form). Deterministic in `n`.
pub fn realistic_name(n: u32) -> String {
    // Surnames with weights in tenths of a percent (the 2020 census's top forty; the rest
    // of the population shares the tail drawn uniformly).
    const SURNAMES: [(&str, u32); 40] = [
        ("王", 71),
        ("李", 70),
        ("张", 64),
        ("刘", 53),
        ("陈", 45),
        ("杨", 31),
        ("黄", 22),
        ("赵", 22),
        ("吴", 20),
        ("周", 19),
        ("徐", 16),
        ("孙", 15),
        ("马", 15),
        ("朱", 14),
        ("胡", 13),
        ("郭", 12),
        ("何", 12),
        ("林", 11),
        ("高", 11),
        ("罗", 11),
        ("郑", 10),
        ("梁", 10),
        ("谢", 8),
        ("宋", 8),
        ("唐", 8),
        ("许", 7),
        ("韩", 7),
        ("冯", 7),
        ("邓", 7),
        ("曹", 7),
        ("彭", 6),
        ("曾", 6),
        ("肖", 6),
        ("田", 6),
        ("董", 6),
        ("袁", 5),
        ("潘", 5),
        ("于", 5),
        ("蒋", 5),
        ("蔡", 5),
    ];
    const TAIL: &str = "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
    const GIVEN: &str = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰玉华建国志红文斌海波辉鹏飞宇浩晨阳雪梅琳婷欣怡子轩佳琪俊峰春燕小龙凤云丹鑫宁成新荣德福庆永兴旭东亮光金山林松";
    const CITIES: [&str; 7] = ["烟台", "潍坊", "泰安", "济宁", "德州", "青岛", "临沂"];
    const TRADE: &str = "丰盛鑫源恒泰宏达瑞祥福海兴隆华鲁金桥绿野润土禾田沃康新农利民永安昌盛";
    const LINES: [&str; 12] = [
        "水产", "农业", "养殖", "茶叶", "物流", "食品", "果蔬", "农机", "商贸", "种植", "建材",
        "纺织",
    ];
    const FORMS: [&str; 3] = ["有限公司", "专业合作社", "家庭农场"];
    // A small mixing function: the same n always gives the same name.
    let mut x = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    let mut next = |m: u32| -> u32 {
        x ^= x >> 33;
        x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        x ^= x >> 29;
        (x % u64::from(m)) as u32
    };
    let pick = |s: &str, i: u32| s.chars().nth(i as usize % s.chars().count()).unwrap();
    if next(10) < 6 {
        let total: u32 = SURNAMES.iter().map(|(_, w)| w).sum();
        // The named surnames cover 68.1% of people (their weights); the tail the rest.
        let draw = next(1000);
        let surname = if draw < total {
            let mut left = draw;
            SURNAMES
                .iter()
                .find(|(_, w)| {
                    let hit = left < *w;
                    left = left.saturating_sub(*w);
                    hit
                })
                .unwrap()
                .0
                .to_string()
        } else {
            pick(TAIL, next(1000)).to_string()
        };
        let mut name = surname;
        name.push(pick(GIVEN, next(1000)));
        if next(10) < 7 {
            name.push(pick(GIVEN, next(1000)));
        }
        name
    } else {
        let trade: String = [pick(TRADE, next(1000)), pick(TRADE, next(1000))]
            .iter()
            .collect();
        format!(
            "{}{}{}{}",
            CITIES[next(7) as usize],
            trade,
            LINES[next(12) as usize],
            FORMS[next(3) as usize]
        )
    }
}
