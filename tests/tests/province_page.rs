//! Issue 15: the province page in a real browser — WebKit's MiniBrowser driven by
//! WebKitWebDriver on a private Xvfb display — served by a real hub under its own strict
//! CSP: who reported and who is missing, a loss ratio over the 150% stop line and an NPL
//! ratio over 2% marked, the charts drawn by the hub's own ECharts, the quarter switched —
//! after a finance-office reader signs in on the page's own form.

use ed25519_dalek::SigningKey;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::process::Command;
use std::time::{Duration, Instant};
use surety_e2e::hub::{envelope, payload, signed, Backend, HubProcess, READER};
use surety_e2e::processes::{free_port, wait_for_port, Reaped};
use surety_e2e::window::start_xvfb;
use surety_e2e::{artifacts_dir, skip_ui_tests};

fn minibrowser() -> String {
    std::fs::read_dir("/usr/lib")
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("webkit2gtk-4.1/MiniBrowser"))
        .find(|p| p.exists())
        .expect(
            "WebKit's MiniBrowser (Debian's libwebkit2gtk-4.1-0, which the test command installs)",
        )
        .to_string_lossy()
        .into_owned()
}

async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn sign_in(c: &Client, username: &str, password: &str) {
    for (id, value) in [("username", username), ("password", password)] {
        let input = c.find(Locator::Id(id)).await.unwrap();
        input.clear().await.unwrap();
        input.send_keys(value).await.unwrap();
    }
    c.find(Locator::Id("sign-in-button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn wait_loaded(c: &Client, period: &str) {
    let start = Instant::now();
    loop {
        let loaded = c
            .execute("return document.body.dataset.loaded || '';", vec![])
            .await
            .unwrap();
        if loaded == period {
            return;
        }
        let error = c
            .execute(
                "return document.getElementById('error').textContent;",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the page did not show {period}: {error}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_province_page_shows_who_reported_and_what_crossed_a_line() {
    if skip_ui_tests() {
        return;
    }
    let logs = tempfile::tempdir().unwrap();
    let backend = Backend::sqlite();
    let keys: Vec<SigningKey> = (1..=3u8)
        .map(|i| SigningKey::from_bytes(&[i; 32]))
        .collect();
    // Each installation speaks for its insurer and for the bank whose loans it reports.
    for (key, (id, name, city, insurer, bank)) in keys.iter().zip([
        ("yt-picc", "人保烟台", "yantai", "picc", "icbc"),
        ("dz-cpic", "太保德州", "dezhou", "cpic", "rcb-dz"),
        ("qd-pingan", "平安青岛", "qingdao", "pingan", "qdb"),
    ]) {
        backend.register_key(key, (id, name), city, &[insurer, bank]);
    }
    let hub = HubProcess::start(&backend, None, logs.path());
    // Yantai: claims 9,600.00 on premiums 6,000.00 = 160.00% (over 150%); NPL 9,000.00 of
    // 300,000.00 = 3.00% (over 2%). Dezhou: 1,000.00 on 4,000.00 = 25.00%, no NPL.
    // Qingdao sends nothing: missing.
    let send = |key: &SigningKey, e: serde_json::Value| {
        let (code, r) = hub.post("/v1/envelopes", signed(key, e).to_string().as_bytes());
        assert_eq!(code, 200, "{r}");
    };
    for (period, balance) in [("2016Q1", "300000.00"), ("2016Q2", "280000.00")] {
        send(
            &keys[0],
            envelope(
                "yt-picc",
                "yantai",
                period,
                1,
                payload(
                    period,
                    "yantai",
                    "picc",
                    "icbc",
                    json!({"applications": 3, "approved": 2, "disbursed_count": 2, "disbursed_amount": "300000.00",
                   "loans_on_book": 2, "balance": balance, "guarantee_received": "6000.00",
                   "claims_paid": 1, "claims_paid_amount": "9600.00"}),
                    json!({"premiums_received": "6000.00", "claims_paid": "9600.00", "stopped": true}),
                    json!({"loans": 2, "balance": "300000.00", "normal": "291000.00", "substandard": "9000.00", "npl_balance": "9000.00"}),
                ),
            ),
        );
    }
    send(
        &keys[1],
        envelope(
            "dz-cpic",
            "dezhou",
            "2016Q1",
            1,
            payload(
                "2016Q1",
                "dezhou",
                "cpic",
                "rcb-dz",
                json!({"applications": 1, "approved": 1, "disbursed_count": 1, "disbursed_amount": "100000.00",
               "loans_on_book": 1, "balance": "100000.00", "guarantee_received": "4000.00"}),
                json!({"premiums_received": "4000.00", "claims_paid": "1000.00"}),
                json!({"loans": 1, "balance": "100000.00", "normal": "100000.00"}),
            ),
        ),
    );

    let (_xvfb, display) = start_xvfb();
    let port = free_port();
    let _driver = Reaped::spawn(
        "WebKitWebDriver",
        Command::new("WebKitWebDriver")
            .arg(format!("--port={port}"))
            .env("DISPLAY", &display),
    );
    wait_for_port(port, Duration::from_secs(20), "WebKitWebDriver");
    let caps = json!({
        "browserName": "MiniBrowser",
        "webkitgtk:browserOptions": {"binary": minibrowser(), "args": ["--automation"]}
    });
    let c = ClientBuilder::native()
        .capabilities(caps.as_object().unwrap().clone())
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a MiniBrowser session");
    c.goto(&hub.base).await.unwrap();
    // No figures before a sign-in: the form, which says why.
    let form = c
        .wait()
        .for_element(Locator::Css("#sign-in:not([hidden])"))
        .await
        .unwrap();
    assert!(form
        .text()
        .await
        .unwrap()
        .contains("仅供财政厅工作人员查看"));
    assert!(c.find(Locator::Css("#figures[hidden]")).await.is_ok());
    // A wrong password says so beside the form.
    sign_in(&c, READER.0, "not-the-password-at-all").await;
    let error = c
        .wait()
        .for_element(Locator::XPath(
            "//p[@id='sign-in-error'][normalize-space()]",
        ))
        .await
        .unwrap();
    assert!(error.text().await.unwrap().contains("用户名或密码不正确"));
    sign_in(&c, READER.0, READER.1).await;
    wait_loaded(&c, "2016Q2").await;
    assert_eq!(text(&c, "#who").await, "财政厅 测试员");
    let form_shown = c
        .find(Locator::Id("sign-in"))
        .await
        .unwrap()
        .is_displayed()
        .await
        .unwrap();
    assert!(!form_shown, "the sign-in form is gone once signed in");
    // The newest quarter first: Dezhou and Qingdao have not reported it.
    assert_eq!(text(&c, "#reported-count").await, "1 / 3");

    c.execute(
        "const s = document.getElementById('period'); s.value = '2016Q1'; s.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await
    .unwrap();
    wait_loaded(&c, "2016Q1").await;
    assert_eq!(text(&c, "#reported-count").await, "2 / 3");
    let reporting = text(&c, "#reporting tbody").await;
    let qingdao = reporting
        .lines()
        .find(|l| l.contains("平安青岛"))
        .unwrap_or_default()
        .to_string();
    assert!(qingdao.contains("未报送"), "{reporting}");
    assert!(
        reporting
            .lines()
            .any(|l| l.contains("人保烟台") && l.contains("已报送")),
        "{reporting}"
    );
    let loss = text(&c, "#loss tbody").await;
    let yantai = loss
        .lines()
        .find(|l| l.contains("烟台"))
        .unwrap()
        .to_string();
    assert!(
        yantai.contains("160.00") && yantai.contains("达到止损线"),
        "{loss}"
    );
    let dezhou = loss
        .lines()
        .find(|l| l.contains("德州"))
        .unwrap()
        .to_string();
    assert!(
        dezhou.contains("25.00") && dezhou.contains("正常"),
        "{loss}"
    );
    let npl = text(&c, "#npl tbody").await;
    assert!(
        npl.lines()
            .any(|l| l.contains("烟台") && l.contains("3.00") && l.contains("超过")),
        "{npl}"
    );
    assert!(
        npl.lines()
            .any(|l| l.contains("德州") && l.contains("0.00") && l.contains("豁免")),
        "{npl}"
    );
    let by_city = text(&c, "#by-city tbody").await;
    assert!(
        by_city
            .lines()
            .any(|l| l.contains("烟台") && l.contains("300000.00")),
        "{by_city}"
    );
    // ECharts, from the hub itself under `script-src 'self'`, drew all three charts.
    for chart in ["#loss-chart", "#npl-chart", "#trend-chart"] {
        let drawn = c
            .find_all(Locator::Css(&format!("{chart} canvas")))
            .await
            .unwrap();
        assert!(!drawn.is_empty(), "{chart} has no canvas");
    }
    let xlsx = c
        .find(Locator::Css("#xlsx"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(xlsx.ends_with("/v1/province.xlsx?period=2016Q1"), "{xlsx}");
    let png = c.screenshot().await.unwrap();
    std::fs::write(artifacts_dir().join("province-page.png"), png).unwrap();
    c.close().await.unwrap();
}
