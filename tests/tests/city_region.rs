//! Issue 13, point 10 (in part): intake warns — never refuses — when the borrower's credit
//! code was issued outside the case's city. The division code is characters 3–8 of a
//! credit code (GB 32100): 350100 is Fuzhou (Fujian), 370602 Yantai, 370702 Weifang.

use serde_json::Value;
use surety_e2e::cli::Office;
use surety_e2e::pilot::*;

/// A Weifang credit code (370702 潍城区); check character by GB 32100: weights 1, 3, 9, …,
/// 31 − (Σ mod 31) = 2.
const WEIFANG_CODE: &str = "91370702MA00000032";

fn take_in(o: &Office, ch: &Channel, name: &str, code: &str) -> Value {
    o.ok(
        "agent",
        "2016-05-03",
        &["case", "intake"],
        application(ch, name, code, "200000"),
    )
}

#[test]
fn a_borrower_from_another_region_is_taken_in_with_a_warning() {
    let o = weifang_pilot();
    let v = take_in(&o, &WEIFANG, "福州闽江贸易有限公司", CODE_A);
    assert_eq!(v["status"], "intake", "taken in all the same");
    let w = &v["region_warning"];
    assert_eq!(w["rule"], "CITY-REGION");
    let zh = w["message_zh"].as_str().unwrap();
    assert!(
        zh.contains("350100") && zh.contains("山东省外") && zh.contains("潍坊"),
        "{zh}"
    );

    let v = take_in(&o, &WEIFANG, "烟台海岸渔业有限公司", CODE_B);
    let zh = v["region_warning"]["message_zh"].as_str().unwrap();
    assert!(zh.contains("370602") && zh.contains("烟台市"), "{zh}");
    assert!(v["region_warning"]["message_en"]
        .as_str()
        .unwrap()
        .contains("Yantai"));

    // Issued in the city itself: no warning, in Weifang or, for CODE_B, in Yantai.
    let v = take_in(&o, &WEIFANG, "潍坊潍城商贸有限公司", WEIFANG_CODE);
    assert!(v["region_warning"].is_null(), "{}", v["region_warning"]);
    let v = take_in(&o, &YANTAI, "烟台海岸渔业有限公司", CODE_B);
    assert!(v["region_warning"].is_null(), "{}", v["region_warning"]);
}
