//! Document figures for BENCHMARKS.md (goals: a loan contract under 4 ms
//! median in release; 1,000 of them under 3 s on every core; at least 20 times faster than
//! the reference, LibreOffice headless converting the same contract's text, measured in
//! the same run).
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
    let contracts: Vec<_> = (0..n)
        .map(|i| {
            let mut d = doc.clone();
            d.case_no = format!("ICBC-YT-2016-{i:06}");
            d
        })
        .collect();
    let t = Instant::now();
    let bytes: usize = contracts
        .iter()
        .map(|d| render(DocKind::LoanContract, d).unwrap().len())
        .sum();
    let one_core = t.elapsed();
    let t = Instant::now();
    let parallel: usize = {
        use rayon::prelude::*;
        contracts
            .par_iter()
            .map(|d| render(DocKind::LoanContract, d).unwrap().len())
            .sum()
    };
    let every_core = t.elapsed();
    assert_eq!(parallel, bytes);
    println!(
        "\n{n} loan contracts: one core {:.2} s ({:.1} ms each); every core ({}) {:.2} s; {:.1} MB in all",
        one_core.as_secs_f64(),
        one_core.as_secs_f64() * 1000.0 / n as f64,
        rayon::current_num_threads(),
        every_core.as_secs_f64(),
        bytes as f64 / 1e6
    );
    libreoffice_reference(&render(DocKind::LoanContract, &doc).unwrap());
}

/// The reference: LibreOffice headless turning the same contract's text into PDF, in one
/// batch. Its marginal cost a document is (batch of 101 − batch of 1) / 100, so its start
/// (about a second) is not counted against it.
fn libreoffice_reference(contract_pdf: &[u8]) {
    use std::process::Command;
    let Ok(version) = Command::new("soffice").arg("--version").output() else {
        println!(
            "\nreference: LibreOffice is not installed (apt install libreoffice-writer-nogui)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("contract.pdf");
    std::fs::write(&pdf, contract_pdf).unwrap();
    let text = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)")
        .stdout;
    let profile = dir.path().join("profile");
    let batch = |count: usize| {
        let input = dir.path().join(format!("in{count}"));
        let out = dir.path().join(format!("out{count}"));
        std::fs::create_dir_all(&input).unwrap();
        let mut files = Vec::new();
        for i in 0..count {
            let f = input.join(format!("contract-{i:04}.txt"));
            std::fs::write(&f, &text).unwrap();
            files.push(f);
        }
        let t = Instant::now();
        let status = Command::new("soffice")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                profile.display()
            ))
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&out)
            .args(&files)
            .output()
            .unwrap();
        let took = t.elapsed();
        assert!(status.status.success(), "soffice: {status:?}");
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), count);
        took
    };
    batch(1); // first start makes the profile
    let one = batch(1);
    let many = batch(101);
    let marginal = (many.as_secs_f64() - one.as_secs_f64()) / 100.0;
    println!(
        "\nreference: {} — a batch of 1 {:.2} s, of 101 {:.2} s: {:.1} ms a document beyond the first",
        String::from_utf8_lossy(&version.stdout).trim(),
        one.as_secs_f64(),
        many.as_secs_f64(),
        marginal * 1000.0
    );
}
