//! A desk believes a refusal only from its hub: an answer not signed by the hub's key (a
//! false hub, a proxy in between) is tried again later, never marks an envelope refused
//! for ever; once the desk reaches the real hub, everything goes through.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use surety_e2e::cli::Office;
use surety_e2e::hub::{Backend, HubProcess};
use surety_e2e::pilot::*;

/// A server on 127.0.0.1 that answers every request with 403 and an unsigned "REVOKED".
fn false_hub() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0u8; length];
            let _ = reader.read_exact(&mut body);
            let answer = json!({"code": "REVOKED",
                "message_zh": "本机构的报送密钥已注销，请致电 400-000-0000",
                "message_en": "this installation's key was revoked; call 400-000-0000"})
            .to_string();
            let mut stream = reader.into_inner();
            let _ = write!(
                stream,
                "HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    port
}

fn sync(o: &Office, args: &[&str], body: Value) -> Value {
    o.ok("admin", "2016-04-06", args, body)
}

fn states(o: &Office) -> Vec<String> {
    sync(o, &["sync", "status"], json!({}))["envelopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["state"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_unsigned_refusal_is_not_believed_and_the_real_hub_takes_the_envelopes_later() {
    let logs = tempfile::tempdir().unwrap();
    let o = pilot();
    let c = haifeng(&o, "200000", "2016-02-10");
    disbursed(&o, &YANTAI, &c, "2016-02-20");
    let backend = Backend::sqlite();
    let identity = sync(&o, &["sync", "identity"], json!({}));
    backend.register(
        &identity,
        "共保体烟台",
        &["yantai"],
        &["sd-pool", "icbc-yt"],
    );
    let (code, key, _) = backend.admin(&["key"]);
    assert_eq!(code, 0);
    let hub_key = key["public_key"].as_str().unwrap().to_string();

    // Pointed at a false hub that says the key was revoked (and gives its own number).
    let url = format!("http://127.0.0.1:{}", false_hub());
    sync(
        &o,
        &["sync", "hub"],
        json!({"url": url, "public_key": hub_key}),
    );
    o.ok(
        "uw-pool",
        "2016-04-05",
        &["report", "close", "--year", "2016", "--quarter", "1"],
        json!({}),
    );
    let s = o.ok("uw-pool", "2016-04-06", &["sync", "push"], json!({}));
    assert_eq!(s["delivered"], 0, "{s}");
    let status = sync(&o, &["sync", "status"], json!({}));
    let envelopes = status["envelopes"].as_array().unwrap();
    assert!(!envelopes.is_empty());
    for e in envelopes {
        assert_eq!(e["state"], "pending", "not refused for ever: {e}");
        assert!(
            e["last_error"]
                .as_str()
                .unwrap_or("")
                .contains("not believed"),
            "{e}"
        );
    }

    // The real hub: the same envelopes are sent again and taken.
    let hub = HubProcess::start(&backend, None, logs.path());
    let url = format!("http://127.0.0.1:{}", hub.port());
    sync(
        &o,
        &["sync", "hub"],
        json!({"url": url, "public_key": hub_key}),
    );
    o.ok("uw-pool", "2016-04-06", &["sync", "push"], json!({}));
    assert!(
        states(&o).iter().all(|s| s == "delivered"),
        "{:?}",
        states(&o)
    );
    drop(hub);
}
