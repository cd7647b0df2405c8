//! The demo's cast: the four channels (city, bank, insurer and their officers), the
//! borrowers' names and trades, and valid ID numbers and credit codes for them.

use chrono::NaiveDate;
use surety::api::{credit_check_char, resident_check_char};

pub(super) struct Channel {
    pub(super) city: &'static str,
    pub(super) bank: &'static str,
    pub(super) insurer: &'static str,
    pub(super) banker: &'static str,
    pub(super) underwriter: &'static str,
    pub(super) region: &'static str,
}

pub(super) const CHANNELS: [Channel; 4] = [
    Channel {
        city: "yantai",
        bank: "icbc-yt",
        insurer: "sd-pool",
        banker: "bo-icbc",
        underwriter: "uw-pool",
        region: "370602",
    },
    Channel {
        city: "weifang",
        bank: "abc-wf",
        insurer: "sd-pool",
        banker: "bo-abc",
        underwriter: "uw-pool",
        region: "370702",
    },
    Channel {
        city: "yantai",
        bank: "icbc-yt",
        insurer: "cpic",
        banker: "bo-icbc",
        underwriter: "uw-cpic",
        region: "370602",
    },
    Channel {
        city: "dezhou",
        bank: "rcb-dz",
        insurer: "cpic",
        banker: "bo-rcb",
        underwriter: "uw-cpic",
        region: "371402",
    },
];

pub(super) const SURNAMES: [&str; 12] = [
    "张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "孙", "马",
];
pub(super) const GIVEN: [&str; 12] = [
    "伟", "芳", "建国", "秀英", "海涛", "丽娟", "志强", "桂兰", "德胜", "玉梅", "国庆", "春生",
];
pub(super) const TRADES: [&str; 10] = [
    "海丰水产",
    "绿野蔬菜",
    "金穗粮油",
    "鲁东机械",
    "齐鲁果品",
    "沿海物流",
    "泰和茶叶",
    "丰源畜牧",
    "新禾农资",
    "宏达纺织",
];

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

pub(super) fn resident_id(region: &str, birth: NaiveDate, seq: u32) -> String {
    let first = format!("{region}{}{:03}", birth.format("%Y%m%d"), seq % 1000);
    let check = resident_check_char(&first).expect("17 digits");
    format!("{first}{check}")
}

pub(super) fn credit_code(region: &str, n: u32) -> String {
    let first = format!("91{region}MA{:07}", n % 10_000_000);
    let check = credit_check_char(&first).expect("alphabet characters");
    format!("{first}{check}")
}
