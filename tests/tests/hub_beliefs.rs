//! What the province hub believes: a registered installation speaks only for the cities
//! and organisations it is registered for, names come from whoever speaks for the
//! organisation, every figure is bounded and the envelope's schema is closed. After each
//! refusal the province's page answers as before.

use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use surety_e2e::hub::{envelope, payload, signed, Backend, HubProcess};

/// Yantai's quarter as an installation speaking for `insurer` and `bank` sends it.
fn yantai(id: &str, insurer: &str, bank: &str, balance: &str) -> Value {
    envelope(
        id,
        "yantai",
        "2016Q1",
        1,
        payload(
            "2016Q1",
            "yantai",
            insurer,
            bank,
            json!({"applications": 2, "approved": 2, "disbursed_count": 2,
                   "disbursed_amount": "300000.00", "loans_on_book": 2, "balance": balance,
                   "guarantee_received": "6000.00"}),
            json!({"premiums_received": "6000.00", "claims_paid": "0.00"}),
            json!({"loans": 2, "balance": balance, "normal": balance}),
        ),
    )
}

fn hub_believes_only_what_a_sender_may_say(backend: Backend) {
    let logs = tempfile::tempdir().unwrap();
    let honest = SigningKey::from_bytes(&[11u8; 32]);
    let other = SigningKey::from_bytes(&[12u8; 32]);
    backend.register_key(
        &honest,
        ("yt-picc", "人保烟台"),
        "yantai",
        &["picc", "icbc-yt"],
    );
    // Registered for Yantai too, but only for Ping An.
    backend.register_key(&other, ("yt-pingan", "平安烟台"), "yantai", &["pingan"]);
    let hub = HubProcess::start(&backend, None, logs.path());

    let (code, r) = hub.post(
        "/v1/envelopes",
        signed(&honest, yantai("yt-picc", "picc", "icbc-yt", "300000.00"))
            .to_string()
            .as_bytes(),
    );
    assert_eq!(code, 200, "{r}");
    let before = hub.get_json("/v1/province?period=2016Q1");
    let npl_line = |view: &Value| {
        view["npl"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["code"] == "icbc-yt")
            .cloned()
            .unwrap_or_else(|| panic!("ICBC's NPL line: {view}"))
    };
    // 0 of 300,000.00 non-performing, named by ICBC's own installation.
    assert_eq!(npl_line(&before)["percent"], "0.00");
    assert_eq!(npl_line(&before)["name"], "icbc-yt 银行");

    let refused = |e: Value, status: u16, code: &str| {
        let (got, r) = hub.post("/v1/envelopes", signed(&other, e).to_string().as_bytes());
        assert_eq!((got, r["code"].as_str()), (status, Some(code)), "{r}");
        // The page answers, with the same figures.
        assert_eq!(hub.get_json("/v1/province?period=2016Q1"), before);
    };
    // ICBC's loans at 90% non-performing, from an installation that is not ICBC's.
    let mut npl = yantai("yt-pingan", "pingan", "icbc-yt", "300000.00");
    npl["payload"]["npl"][0]["npl_balance"] = json!("270000.00");
    npl["payload"]["npl"][0]["loss"] = json!("270000.00");
    refused(npl, 403, "ORGANISATION_NOT_REGISTERED");
    // A balance of i64::MAX fen, and one just over ten trillion yuan.
    for balance in ["92233720368547758.07", "10000000000000.01"] {
        let mut big = yantai("yt-pingan", "pingan", "icbc-yt", balance);
        big["payload"]["npl"] = json!([]);
        refused(big, 422, "SCHEMA");
    }
    // Names and ID numbers riding along.
    let mut personal = yantai("yt-pingan", "pingan", "icbc-yt", "100000.00");
    personal["payload"]["npl"] = json!([]);
    personal["payload"]["borrowers"] = json!([{"name": "王海", "id_number": "370602198001011234"}]);
    refused(personal, 422, "SCHEMA");
    let mut personal = yantai("yt-pingan", "pingan", "icbc-yt", "100000.00");
    personal["payload"]["npl"] = json!([]);
    personal["payload"]["business"][0]["id_number"] = json!("370602198001011234");
    refused(personal, 422, "SCHEMA");

    // Ping An's own business with ICBC is Ping An's to report, but ICBC's name is not its
    // to change.
    let mut renamed = yantai("yt-pingan", "pingan", "icbc-yt", "100000.00");
    renamed["payload"]["npl"] = json!([]);
    renamed["payload"]["business"][0]["bank_name"] = json!("被改名的银行");
    let (code, r) = hub.post(
        "/v1/envelopes",
        signed(&other, renamed).to_string().as_bytes(),
    );
    assert_eq!(code, 200, "{r}");
    let after = hub.get_json("/v1/province?period=2016Q1");
    assert!(!after.to_string().contains("被改名"), "{after}");
    assert_eq!(npl_line(&after)["name"], "icbc-yt 银行");
    assert_eq!(npl_line(&after), npl_line(&before));

    // Every answer says how it may be used: not sniffed, framed or cached.
    let head = raw_get(hub.port(), "/v1/province?period=2016Q1");
    for header in [
        "x-content-type-options: nosniff",
        "x-frame-options: DENY",
        "cache-control: no-store",
    ] {
        assert!(head.contains(header), "{header}: {head}");
    }
    // The hub's file, its key inside, is its own user's alone.
    #[cfg(unix)]
    if let Backend::Sqlite(dir) = &backend {
        use std::os::unix::fs::PermissionsExt;
        for file in ["hub.db", "hub.db-wal"] {
            let mode = std::fs::metadata(dir.path().join(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }
    drop(hub);
}

/// The status line and headers of a GET.
fn raw_get(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).unwrap();
    let text = String::from_utf8_lossy(&answer).to_string();
    text.split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_hub_believes_only_what_a_sender_may_say_on_sqlite() {
    hub_believes_only_what_a_sender_may_say(Backend::sqlite());
}

#[test]
fn the_hub_believes_only_what_a_sender_may_say_on_postgresql() {
    hub_believes_only_what_a_sender_may_say(Backend::postgres());
}
