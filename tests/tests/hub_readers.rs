//! Who reads the province: the figures only for the finance office's staff, signed in
//! with accounts the hub's administrator keeps (`surety-hub reader …`), every read on the
//! record; the hub's signing key outside its database; a flood from one installation and a
//! body that never finishes are cut short, and the province answers as before.

use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::time::{Duration, Instant};
use surety_e2e::hub::{envelope, payload, signed, Backend, HubProcess, READER};

fn refusal(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

fn yantai_quarter(id: &str) -> Value {
    envelope(
        id,
        "yantai",
        "2016Q1",
        1,
        payload(
            "2016Q1",
            "yantai",
            "picc",
            "icbc-yt",
            json!({"applications": 1, "approved": 1, "disbursed_count": 1,
                   "disbursed_amount": "200000.00", "loans_on_book": 1, "balance": "200000.00"}),
            json!({"premiums_received": "4000.00", "claims_paid": "0.00"}),
            json!({"loans": 1, "balance": "200000.00", "normal": "200000.00"}),
        ),
    )
}

fn only_the_finance_office_reads_the_province(backend: Backend) {
    let logs = tempfile::tempdir().unwrap();
    let key = SigningKey::from_bytes(&[21u8; 32]);
    backend.register_key(
        &key,
        ("yt-picc", "人保烟台"),
        "yantai",
        &["picc", "icbc-yt"],
    );

    // Weak passwords are refused when the account is made, in both languages.
    for weak in ["12345678", "li.ming2016!", "aaaaaaaaaaaaaa"] {
        let (code, _, err) = backend.add_reader("li.ming", "财政厅 李明", weak);
        assert_eq!(code, 2, "{weak} accepted");
        assert!(
            err.contains("至少 12 个字符") && err.contains("at least 12"),
            "{err}"
        );
    }
    let (code, _, err) = backend.add_reader("li ming", "财政厅 李明", "harbour-morning-nets");
    assert_eq!(code, 2, "a user name with a space: {err}");
    let (code, _, err) = backend.add_reader("li.ming", "财政厅 李明", "清晨的渔港出海捕鱼满载归来");
    assert_eq!(code, 0, "{err}");

    let hub = HubProcess::start(&backend, None, logs.path());
    let (code, r) = hub.post(
        "/v1/envelopes",
        signed(&key, yantai_quarter("yt-picc"))
            .to_string()
            .as_bytes(),
    );
    assert_eq!(code, 200, "{r}");

    // Anonymous: the figures, the workbook and the history answer 401 and say why; the
    // page's shell (no figures in it), the hub's public key and the health check do not.
    for path in [
        "/v1/province?period=2016Q1",
        "/v1/province",
        "/v1/province.xlsx?period=2016Q1",
        "/v1/submissions?period=2016Q1",
        "/v1/session",
    ] {
        let (status, body) = hub.get_anonymous(path);
        assert_eq!(status, 401, "{path}");
        let r = refusal(&body);
        assert_eq!(r["code"], "SIGN_IN_REQUIRED", "{path}: {r}");
        assert!(
            r["message_zh"].as_str().unwrap().contains("请先登录"),
            "{r}"
        );
        assert!(!String::from_utf8_lossy(&body).contains("200000"), "{path}");
    }
    for path in ["/", "/v1/hub", "/health"] {
        assert_eq!(hub.get_anonymous(path).0, 200, "{path}");
    }
    // A made-up token is no better than none.
    let (status, _) = request_as_token(&hub, "/v1/province", &"0".repeat(64));
    assert_eq!(status, 401);

    // Signed in: the figures, and the read is on the record with the reader's name.
    let token = hub
        .sign_in("li.ming", "清晨的渔港出海捕鱼满载归来")
        .unwrap();
    let (status, body) = request_as_token(&hub, "/v1/province?period=2016Q1", &token);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let view: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(view["period"], "2016Q1");
    let (status, _) = request_as_token(&hub, "/v1/province.xlsx?period=2016Q1", &token);
    assert_eq!(status, 200);
    let (code, reads, err) = backend.admin(&["reads"]);
    assert_eq!(code, 0, "{err}");
    let mine: Vec<&str> = reads
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["username"] == "li.ming")
        .map(|r| r["what"].as_str().unwrap())
        .collect();
    assert_eq!(
        mine,
        ["province.xlsx 2016Q1", "province 2016Q1"],
        "newest first: {reads}"
    );

    // A wrong password and an unknown name get the same answer; five failures pause the
    // name, the right password included, and the others are not paused.
    let (status, wrong) = hub
        .sign_in("li.ming", "not-the-password-at-all")
        .unwrap_err();
    let (status_unknown, unknown) = hub
        .sign_in("nobody", "not-the-password-at-all")
        .unwrap_err();
    assert_eq!((status, status_unknown), (401, 401));
    assert_eq!(wrong["message_zh"], unknown["message_zh"]);
    assert_eq!(wrong["code"], "SIGN_IN_FAILED");
    for _ in 0..4 {
        hub.sign_in("li.ming", "not-the-password-at-all")
            .unwrap_err();
    }
    let (status, paused) = hub
        .sign_in("li.ming", "清晨的渔港出海捕鱼满载归来")
        .unwrap_err();
    assert_eq!(
        (status, paused["code"].as_str()),
        (429, Some("SIGN_IN_PAUSED")),
        "{paused}"
    );
    assert!(hub.sign_in(READER.0, READER.1).is_ok());

    // Disabled: the session that was open ends at once.
    let (code, _, err) = backend.admin(&["reader", "disable", "li.ming"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(request_as_token(&hub, "/v1/province", &token).0, 401);
    let (code, list, _) = backend.admin(&["reader", "list"]);
    assert_eq!(code, 0);
    let li = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["username"] == "li.ming")
        .unwrap();
    assert!(li["disabled_at"].is_string(), "{list}");
    assert!(
        !list.to_string().contains("argon2"),
        "no hash is listed: {list}"
    );

    // The signing key: in its own owner-only file, the same one `surety-hub key` shows,
    // and not in the database.
    let key_file = backend.key_file();
    let (code, shown, err) = backend.admin(&["key"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(shown["public_key"].as_str(), Some(hub.public_key.as_str()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", key_file.display());
    }
    if let Backend::Sqlite(dir) = &backend {
        let db = rusqlite::Connection::open(dir.path().join("hub.db")).unwrap();
        let in_db: i64 = db
            .query_row(
                "SELECT count(*) FROM hub_meta WHERE key LIKE '%key%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(in_db, 0, "no key in the database");
        let hashes: Vec<String> = db
            .prepare("SELECT password_hash FROM readers")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(
            hashes.iter().all(|h| h.starts_with("$argon2id$")),
            "{hashes:?}"
        );
    }
    drop(hub);
}

fn request_as_token(hub: &HubProcess, path: &str, token: &str) -> (u16, Vec<u8>) {
    surety_e2e::hub::request_as(hub.port(), "GET", path, b"", Some(token))
}

#[test]
fn only_the_finance_office_reads_the_province_on_sqlite() {
    only_the_finance_office_reads_the_province(Backend::sqlite());
}

#[test]
fn only_the_finance_office_reads_the_province_on_postgresql() {
    only_the_finance_office_reads_the_province(Backend::postgres());
}

/// A hub made before the key had its own file kept it in the database: the next start
/// moves it out (the installations' registered key stays the same) and removes it there.
#[test]
fn a_signing_key_kept_in_the_database_moves_to_its_own_file() {
    let backend = Backend::sqlite();
    let Backend::Sqlite(dir) = &backend else {
        unreachable!()
    };
    let (code, _, err) = backend.admin(&["install", "list"]);
    assert_eq!(code, 0, "{err}");
    // As the hub of the previous release held it: a hex seed in hub_meta, no key file.
    let seed = "07".repeat(32);
    assert!(!backend.key_file().exists(), "listing makes no key");
    let db = rusqlite::Connection::open(dir.path().join("hub.db")).unwrap();
    db.execute(
        "INSERT INTO hub_meta (key, value) VALUES ('hub_signing_key', ?1)",
        [&seed],
    )
    .unwrap();
    let expected = hex::encode(
        SigningKey::from_bytes(&[7u8; 32])
            .verifying_key()
            .to_bytes(),
    );
    let (code, shown, err) = backend.admin(&["key"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(shown["public_key"].as_str(), Some(expected.as_str()));
    assert_eq!(
        std::fs::read_to_string(backend.key_file()).unwrap().trim(),
        seed
    );
    let left: i64 = db
        .query_row(
            "SELECT count(*) FROM hub_meta WHERE key = 'hub_signing_key'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
}

/// One installation's flood waits (unsigned, so the desk retries later), another's envelope
/// is still taken; a body that never finishes is answered and closed; the province after
/// both answers as before.
fn a_flood_and_a_slow_body_are_cut_short(backend: Backend) {
    let logs = tempfile::tempdir().unwrap();
    let honest = SigningKey::from_bytes(&[31u8; 32]);
    let noisy = SigningKey::from_bytes(&[32u8; 32]);
    backend.register_key(
        &honest,
        ("yt-picc", "人保烟台"),
        "yantai",
        &["picc", "icbc-yt"],
    );
    backend.register_key(&noisy, ("yt-noisy", "人保烟台二"), "yantai", &["picc"]);
    let hub = HubProcess::start_with(
        &backend,
        None,
        logs.path(),
        &["--envelopes-per-minute", "5", "--body-seconds", "2"],
    );
    let before = hub.get_json("/v1/province?period=2016Q1");

    // Bad signatures under the noisy key: five are answered (and refused), then it waits.
    let mut forged = signed(&noisy, yantai_quarter("yt-noisy"));
    forged["signature"] = json!("00".repeat(64));
    let mut codes = Vec::new();
    for _ in 0..8 {
        let (status, r) = hub.post("/v1/envelopes", forged.to_string().as_bytes());
        codes.push((status, r["code"].as_str().unwrap_or_default().to_string()));
        if status == 429 {
            assert!(
                r.get("signed").is_none(),
                "unsigned, so the desk retries: {r}"
            );
            assert!(
                r["message_zh"].as_str().unwrap().contains("秒后再试"),
                "{r}"
            );
        }
    }
    let refused = codes.iter().filter(|(s, _)| *s == 401).count();
    let waited = codes
        .iter()
        .filter(|(s, c)| *s == 429 && c == "TOO_MANY")
        .count();
    assert_eq!((refused, waited), (5, 3), "{codes:?}");
    let (status, r) = hub.post(
        "/v1/envelopes",
        signed(&honest, yantai_quarter("yt-picc"))
            .to_string()
            .as_bytes(),
    );
    assert_eq!(status, 200, "another installation is not held up: {r}");

    // Half a body, then nothing: answered 408 after the two seconds, not held open.
    let started = Instant::now();
    let mut s = std::net::TcpStream::connect(("127.0.0.1", hub.port())).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "POST /v1/envelopes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{\"format\": 1"
    )
    .unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("TOO_SLOW"), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "held {:?}",
        started.elapsed()
    );

    let after = hub.get_json("/v1/province?period=2016Q1");
    assert_eq!(after["reported"], 1, "{after}");
    assert_ne!(after, before, "the honest quarter is in");
}

#[test]
fn a_flood_and_a_slow_body_are_cut_short_on_sqlite() {
    a_flood_and_a_slow_body_are_cut_short(Backend::sqlite());
}

#[test]
fn a_flood_and_a_slow_body_are_cut_short_on_postgresql() {
    a_flood_and_a_slow_body_are_cut_short(Backend::postgres());
}
