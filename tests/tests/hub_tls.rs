//! Issue 15: delivery over HTTPS. The hub serves TLS with a certificate from the province's
//! own CA (made here with rcgen); a desk that does not trust that CA keeps its envelope
//! pending with the certificate error, and delivers once the CA is in its settings. Then
//! the hub stops on SIGTERM, cleanly.

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
};
use serde_json::json;
use std::time::Duration;
use surety_e2e::hub::{Backend, HubProcess};
use surety_e2e::pilot::*;

/// A CA, and a certificate for `localhost` it signed: (CA PEM, certificate file, key file).
fn province_ca(dir: &std::path::Path) -> (String, String, String) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "山东省财政厅 测试根证书");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().unwrap();
    let mut server = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let cert = server.signed_by(&key, &issuer).unwrap();
    let cert_file = dir.join("hub.crt");
    let key_file = dir.join("hub.key");
    std::fs::write(&cert_file, cert.pem()).unwrap();
    std::fs::write(&key_file, key.serialize_pem()).unwrap();
    (
        ca_cert.pem(),
        cert_file.to_string_lossy().into_owned(),
        key_file.to_string_lossy().into_owned(),
    )
}

#[test]
fn envelopes_go_over_https_to_a_hub_the_desk_trusts_and_the_hub_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (ca_pem, cert, key) = province_ca(dir.path());
    let backend = Backend::sqlite();
    let mut hub = HubProcess::start_with(
        &backend,
        None,
        dir.path(),
        &["--tls-cert", &cert, "--tls-key", &key],
    );
    let url = format!("https://localhost:{}", hub.port());

    let o = pilot();
    let c = haide(&o, "200000", "2016-02-10");
    disbursed(&o, &YANTAI, &c, "2016-02-10");
    let id = o.ok("admin", "2016-04-05", &["sync", "identity"], json!({}));
    backend.register(&id, "共保体烟台", &["yantai"], &["sd-pool", "icbc-yt"]);
    o.ok(
        "admin",
        "2016-04-05",
        &["sync", "hub"],
        json!({"url": url, "public_key": hub.public_key}),
    );
    o.ok(
        "uw-pool",
        "2016-04-05",
        &["report", "close", "--year", "2016", "--quarter", "1"],
        json!({}),
    );

    // The hub's certificate is from a CA this machine does not know: nothing goes.
    let s = o.ok("uw-pool", "2016-04-06", &["sync", "push"], json!({}));
    assert_eq!(
        (s["delivered"].as_u64(), s["failed"].as_u64()),
        (Some(0), Some(1)),
        "{s}"
    );
    let error = s["error"].as_str().unwrap().to_lowercase();
    assert!(
        error.contains("certificate") || error.contains("issuer"),
        "{error}"
    );

    // With the province's CA in the settings, it does.
    o.ok(
        "admin",
        "2016-04-06",
        &["sync", "hub"],
        json!({"url": url, "public_key": hub.public_key, "ca_pem": ca_pem}),
    );
    let s = o.ok("uw-pool", "2016-04-06", &["sync", "push"], json!({}));
    assert_eq!(
        (s["delivered"].as_u64(), s["pending"].as_u64()),
        (Some(1), Some(0)),
        "{s}"
    );
    let status = o.ok("admin", "2016-04-06", &["sync", "status"], json!({}));
    assert_eq!(status["envelopes"][0]["state"], "delivered");

    // A certificate that is not PEM is refused in the settings, naming the field.
    let bad = o.run(
        Some("admin"),
        Some("2016-04-06"),
        &["sync", "hub"],
        &json!({"url": url, "public_key": hub.public_key, "ca_pem": "not a certificate"})
            .to_string(),
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("sync.ca_pem"), "{}", bad.stderr);

    // SIGTERM: the hub finishes and says so.
    let status = hub
        .terminate(Duration::from_secs(10))
        .expect("the hub stops");
    assert!(status.success(), "{status:?}");
    let log = std::fs::read_to_string(&hub.log).unwrap();
    assert!(log.contains("hub stopped"), "{log}");
}
