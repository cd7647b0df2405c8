//! A writer killed with SIGKILL mid-stream, many times: every case it reported committed
//! is there afterwards, and the file is intact. The test binary re-runs itself as the writer.

mod common;
use common::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WRITER_ENV: &str = "SURETY_DURABILITY_WRITER_DB";

/// The writer: adds cases from a start number and prints each number once committed.
#[test]
fn durability_writer_child() {
    let Ok(db) = std::env::var(WRITER_ENV) else {
        return;
    };
    let start: u32 = std::env::var("SURETY_DURABILITY_START")
        .unwrap()
        .parse()
        .unwrap();
    let (mut store, _) =
        surety_store::Store::open(std::path::Path::new(&db), "admin", PASSWORD).unwrap();
    for n in start.. {
        add_case(&mut store, n);
        println!("committed {n}");
    }
}

#[test]
fn every_committed_case_survives_sigkill() {
    let f = Fixture::new();
    drop(f.create());
    let mut committed: Vec<u32> = Vec::new();
    let mut next = 0u32;
    for round in 0..12u64 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "durability_writer_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(WRITER_ENV, &f.db)
            .env("SURETY_DURABILITY_START", next.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // Kill at a different point each round, while the writer is mid-stream.
        let wait = Duration::from_millis(150 + (round * 37) % 200);
        let started = Instant::now();
        let mut seen = 0;
        while started.elapsed() < wait || seen < 3 {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(n) = line.strip_prefix("committed ") {
                        committed.push(n.parse().unwrap());
                        seen += 1;
                    }
                }
                _ => break,
            }
        }
        child.kill().unwrap(); // SIGKILL
                               // Whatever it printed before dying was committed too.
        for line in lines.map_while(Result::ok) {
            if let Some(n) = line.strip_prefix("committed ") {
                committed.push(n.parse().unwrap());
            }
        }
        child.wait().unwrap();
        next = committed.iter().max().map_or(0, |m| m + 1) + 1;
    }
    assert!(
        committed.len() > 30,
        "the writer committed {} cases",
        committed.len()
    );

    let s = f.open();
    assert_eq!(s.integrity_check().unwrap(), "ok");
    assert!(surety_store::audit::verify(s.connection()).unwrap().ok);
    let mut stmt = s
        .connection()
        .prepare("SELECT 1 FROM cases WHERE case_no = ?1")
        .unwrap();
    for n in &committed {
        assert!(
            stmt.exists([format!("SD2016-{n:06}")]).unwrap(),
            "case {n} was reported committed but is gone"
        );
    }
}
