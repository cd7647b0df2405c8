//! Document figures for BENCHMARKS.md (goals: one contract under 100 ms in release; 1,000
//! contracts in a batch; size per document).
//! Run: cargo bench -p surety-docs --bench documents

// Timings are floats; money never is.
#![allow(clippy::float_arithmetic)]

#[path = "../tests/common.rs"]
mod common;

use std::time::{Duration, Instant};
use surety_docs::{render, DocKind};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let doc = common::sample(12);
    let t = Instant::now();
    surety_docs::font::cjk_font().unwrap();
    println!(
        "font load and parse (once per process): {:.1} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    println!("\n| document | median | size |\n|---|---|---|");
    for kind in DocKind::ALL {
        let mut size = 0;
        let runs = (0..21)
            .map(|_| {
                let t = Instant::now();
                size = render(kind, &doc).unwrap().len();
                t.elapsed()
            })
            .collect();
        println!(
            "| {} | {:.1} ms | {:.1} KB |",
            kind.title(),
            median(runs).as_secs_f64() * 1000.0,
            size as f64 / 1024.0
        );
    }
    let n = 1000;
    let t = Instant::now();
    let mut bytes = 0;
    for i in 0..n {
        let mut d = doc.clone();
        d.case_no = format!("ICBC-YT-2016-{i:06}");
        bytes += render(DocKind::LoanContract, &d).unwrap().len();
    }
    let total = t.elapsed();
    println!(
        "\n{n} loan contracts: {:.1} s ({:.1} ms each, {:.1} MB in all)",
        total.as_secs_f64(),
        total.as_secs_f64() * 1000.0 / n as f64,
        bytes as f64 / 1e6
    );
}
