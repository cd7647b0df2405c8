//! Issue 13, point 10: pilot cities are data. The seven of the 2015 text are the pilot by
//! default; the province's other prefecture-level cities join by settings (with their own
//! pilot start), a city can leave, and Laiwu's 2019 merger into Jinan is its row's data.

use serde_json::json;
use surety_e2e::cli::Office;
use surety_e2e::pilot::*;

/// A Zibo credit code (370302 淄川区); GB 32100 check character K.
const ZIBO_CODE: &str = "91370302MA0000005K";

const ZIBO: Channel = Channel {
    city: "zibo",
    bank: "zbb-zb",
    insurer: "cpic",
    banker: "bo-rcb",
    underwriter: "uw-cpic",
};

fn apply(o: &Office, text: &str) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("cities.toml");
    std::fs::write(&f, text).unwrap();
    let out = o.run(
        Some("admin"),
        Some("2016-03-01"),
        &["settings", "apply", f.to_str().unwrap()],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn a_city_joins_the_pilot_by_settings_and_another_can_leave_it() {
    let o = pilot();
    let admin = |args: &[&str], body: serde_json::Value| o.ok("admin", "2016-03-01", args, body);
    admin(
        &["org", "add"],
        json!({"kind": "bank", "code": "zbb-zb", "name": "淄博银行", "city": "zibo"}),
    );
    admin(
        &["agreement"],
        json!({"bank": "zbb-zb", "insurer": "cpic", "city": "zibo", "guarantee_rate": "0.02",
               "accident_rate": "0.005", "signed_on": "2016-03-01"}),
    );
    let mut app = application(&ZIBO, "淄博鲁泰陶瓷有限公司", ZIBO_CODE, "300000");
    app["borrower"]["address"] = json!("山东省淄博市淄川区松龄路9号");
    // Not (yet) a pilot city: refused, naming the pilot.
    let e = o.refused(
        "agent",
        "2016-05-03",
        &["case", "intake"],
        &app.to_string(),
        "R-ELIG-1",
    );
    assert!(
        e.stderr.contains("淄博不是试点市") && e.stderr.contains("烟台"),
        "{}",
        e.stderr
    );

    // The province widens the pilot to Zibo from 2016-04-01 and takes Dezhou out.
    apply(
        &o,
        "[cities.zibo]\npilot = true\npilot_start = \"2016-04-01\"\n[cities.dezhou]\npilot = false\n",
    );
    let v = o.ok("agent", "2016-05-03", &["case", "intake"], app);
    assert_eq!(v["city"], "zibo");
    assert!(v["region_warning"].is_null(), "a Zibo code in Zibo");
    let cities = o.ok("auditor", "2016-05-03", &["city", "list"], json!({}));
    let row = |code: &str| {
        cities
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["city"] == code)
            .cloned()
            .unwrap()
    };
    assert_eq!(row("zibo")["in_pilot"], true);
    assert_eq!(row("zibo")["pilot_year_start"], "04-01");
    assert_eq!(row("dezhou")["in_pilot"], false);
    assert_eq!(row("laiwu")["intake_closed_from"], "2019-01-01");
    let e = o.refused(
        "agent",
        "2016-05-03",
        &["case", "intake"],
        &application(&DEZHOU, "德州禹城粮食收储有限公司", CODE_C, "200000").to_string(),
        "R-ELIG-1",
    );
    assert!(e.stderr.contains("德州不是试点市"), "{}", e.stderr);
}
