#![allow(clippy::float_arithmetic)] // milliseconds and rates for people to read
//! Issue 15's scale figures for BENCHMARKS.md: 1,000 installations delivering a quarter at
//! once to one hub on PostgreSQL (a private cluster), then ten years of quarters for all of
//! them, and the province view over that history.
//!
//! `cargo build --release -p surety-hub && cargo bench -p surety-e2e --bench hub`
//! (SURETY_HUB_BIN picks another binary; the debug build is used if no release exists).

use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};
use surety_e2e::hub::{envelope, payload, request, signed, Backend, HubProcess};

const INSTALLATIONS: usize = 1_000;
const CITIES: [&str; 17] = [
    "jinan",
    "qingdao",
    "zibo",
    "zaozhuang",
    "dongying",
    "yantai",
    "weifang",
    "jining",
    "taian",
    "weihai",
    "rizhao",
    "linyi",
    "dezhou",
    "liaocheng",
    "binzhou",
    "heze",
    "laiwu",
];

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

struct Installation {
    id: String,
    key: SigningKey,
    city: &'static str,
    insurer: String,
    bank: String,
}

fn quarter_payload(i: &Installation, period: &str, n: usize) -> Value {
    // Figures that vary by installation and quarter (whole yuan, as the desk writes them).
    let amount = |base: usize| format!("{}.00", base + (n * 37 + i.id.len()) % 5_000);
    payload(
        period,
        i.city,
        &i.insurer,
        &i.bank,
        json!({"applications": 12, "approved": 9, "disbursed_count": 8,
               "disbursed_amount": amount(1_200_000), "loans_on_book": 30,
               "balance": amount(3_000_000), "guarantee_received": amount(24_000),
               "claims_paid": 1, "claims_paid_amount": amount(15_000)}),
        json!({"premiums_received": amount(60_000), "claims_paid": amount(40_000)}),
        json!({"loans": 30, "balance": amount(3_000_000), "normal": amount(2_900_000),
               "substandard": "40000.00", "npl_balance": "40000.00"}),
    )
}

fn periods() -> Vec<String> {
    // Ten years: 2016Q3 … 2026Q2; the concurrent round sends 2026Q3.
    let mut out = Vec::new();
    for year in 2016..=2026 {
        for q in 1..=4 {
            let p = format!("{year}Q{q}");
            if p.as_str() >= "2016Q3" && p.as_str() <= "2026Q2" {
                out.push(p);
            }
        }
    }
    out
}

fn main() {
    let hub_bin = std::env::var("SURETY_HUB_BIN").unwrap_or_else(|_| {
        let release = surety_e2e::target_dir().join("../release/surety-hub");
        if release.exists() {
            release.to_string_lossy().into_owned()
        } else {
            String::new()
        }
    });
    if !hub_bin.is_empty() {
        std::env::set_var("SURETY_HUB_BIN", &hub_bin);
    }
    let backend = Backend::postgres();
    let installations: Vec<Installation> = (0..INSTALLATIONS)
        .map(|n| {
            let mut seed = [0u8; 32];
            seed[..8].copy_from_slice(&(n as u64 + 1).to_le_bytes());
            Installation {
                id: format!("inst-{n:04}"),
                key: SigningKey::from_bytes(&seed),
                city: CITIES[n % CITIES.len()],
                insurer: format!("ins-{n:04}"),
                bank: format!("bank-{:02}", n % 50),
            }
        })
        .collect();
    let register: Vec<Value> = installations
        .iter()
        .map(|i| json!({"installation_id": i.id, "public_key": hex::encode(i.key.verifying_key().to_bytes()),
                        "name": format!("机构 {}", i.id), "cities": [i.city], "organisations": [i.insurer]}))
        .collect();
    let (code, _, err) =
        backend.admin_with_stdin(&["install", "import"], &Value::from(register).to_string());
    assert_eq!(code, 0, "{err}");
    let logs = tempfile::tempdir().unwrap();
    // Every installation sends ten years of quarters at once here: no per-minute limit.
    let hub = HubProcess::start_with(
        &backend,
        None,
        logs.path(),
        &["--envelopes-per-minute", "1000000"],
    );
    let port = hub.port();

    // One quarter from every installation at once.
    let bodies: Vec<String> = installations
        .iter()
        .map(|i| {
            signed(
                &i.key,
                envelope(&i.id, i.city, "2026Q3", 1, quarter_payload(i, "2026Q3", 41)),
            )
            .to_string()
        })
        .collect();
    let barrier = Arc::new(Barrier::new(INSTALLATIONS));
    let started = Instant::now();
    let handles: Vec<_> = bodies
        .into_iter()
        .map(|body| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let t = Instant::now();
                let (status, _) = request(port, "POST", "/v1/envelopes", body.as_bytes());
                (status, t.elapsed())
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut failed = 0;
    for h in handles {
        match h.join() {
            Ok((200, d)) => latencies.push(d),
            _ => failed += 1,
        }
    }
    if failed > 0 {
        let log = std::fs::read_to_string(&hub.log).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        panic!(
            "{failed} envelopes not accepted; the hub's log ends:\n{}",
            tail.join("\n")
        );
    }
    let wall = started.elapsed();
    latencies.sort();
    println!(
        "concurrent quarter: {INSTALLATIONS} envelopes accepted in {} ({:.0} envelopes/s); latency p50 {}, p99 {}, max {}",
        ms(wall),
        INSTALLATIONS as f64 / wall.as_secs_f64(),
        ms(percentile(&latencies, 50)),
        ms(percentile(&latencies, 99)),
        ms(*latencies.last().unwrap())
    );

    // Ten years of history, 32 senders at a time.
    let periods = periods();
    let work: Vec<(usize, usize)> = (0..periods.len())
        .flat_map(|p| (0..INSTALLATIONS).map(move |i| (p, i)))
        .collect();
    let installations = Arc::new(installations);
    let periods = Arc::new(periods);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let work = Arc::new(work);
    let started = Instant::now();
    let senders: Vec<_> = (0..32)
        .map(|_| {
            let (installations, periods, next, work) = (
                installations.clone(),
                periods.clone(),
                next.clone(),
                work.clone(),
            );
            std::thread::spawn(move || loop {
                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&(p, i)) = work.get(k) else { return };
                let inst = &installations[i];
                let body = signed(
                    &inst.key,
                    envelope(
                        &inst.id,
                        inst.city,
                        &periods[p],
                        1,
                        quarter_payload(inst, &periods[p], p),
                    ),
                )
                .to_string();
                let (status, answer) = request(port, "POST", "/v1/envelopes", body.as_bytes());
                assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
            })
        })
        .collect();
    for s in senders {
        s.join().unwrap();
    }
    let wall = started.elapsed();
    println!(
        "history: {} envelopes ({} quarters x {INSTALLATIONS}) in {:.1} s ({:.0} envelopes/s, 32 senders)",
        work.len(),
        periods.len(),
        wall.as_secs_f64(),
        work.len() as f64 / wall.as_secs_f64()
    );

    // The province view over 10 years x 17 cities x 1,000 installations.
    for (what, path) in [
        (
            "province view (JSON), newest quarter",
            "/v1/province".to_string(),
        ),
        (
            "province view (JSON), 2021Q2",
            "/v1/province?period=2021Q2".to_string(),
        ),
        (
            "province workbook (XLSX), 2021Q2",
            "/v1/province.xlsx?period=2021Q2".to_string(),
        ),
    ] {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..21 {
            let t = Instant::now();
            let (status, body) = hub.get(&path);
            times.push(t.elapsed());
            assert_eq!(status, 200);
            size = body.len();
        }
        times.sort();
        println!(
            "{what}: median {}, p90 {} ({} KB)",
            ms(times[10]),
            ms(times[18]),
            size / 1024
        );
    }
    // Where the view's time goes, as the hub logs it.
    let log = std::fs::read_to_string(&hub.log).unwrap_or_default();
    if let Some(line) = log.lines().rev().find(|l| l.contains("province view")) {
        println!("the hub's own account of the last view: {line}");
    }
}
