//! Issue 16: photos and scans attached to a case. The field agent attaches the ID card and
//! the premises at intake, the bank its own site-visit photo; each file is judged by its
//! bytes (a GIF, a text file named .jpg, a photo cut off in transfer, a PDF without its end,
//! a 21 MB file: refused, nothing added); only the section's owner attaches; whoever may
//! read the case lists them, with the SHA-256 this test computes itself; saving one gives
//! the same bytes back and goes on the case's record.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use surety_e2e::cli::Office;
use surety_e2e::pilot::*;

fn photo(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 7 % 256) as u8,
            (y * 3 % 256) as u8,
            ((x + y) % 256) as u8,
        ])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), format)
        .unwrap();
    out
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn attach(
    o: &Office,
    user: &str,
    case: &str,
    section: &str,
    file: &std::path::Path,
) -> (i32, Value) {
    let out = o.run(
        Some(user),
        Some("2016-03-02"),
        &[
            "attachment",
            "add",
            "--case",
            case,
            "--section",
            section,
            file.to_str().unwrap(),
        ],
        "",
    );
    let v = if out.code == 0 {
        out.json()
    } else {
        out.error()
    };
    (out.code, v)
}

#[test]
fn photos_and_scans_go_with_their_section_whole_and_only_from_its_owner() {
    let o = pilot();
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let c = case_no(&o.ok(
        "agent",
        "2016-03-01",
        &["case", "intake"],
        application(&YANTAI, "烟台海德机械有限公司", CODE_A, "200000"),
    ));

    let id_card = photo(1200, 760, image::ImageFormat::Jpeg);
    let premises = photo(640, 480, image::ImageFormat::Png);
    let (code, a) = attach(&o, "agent", &c, "intake", &file("身份证.jpg", &id_card));
    assert_eq!(code, 0, "{a}");
    assert_eq!(
        (&a["kind"], &a["width"], &a["height"], &a["section"]),
        (&json!("jpeg"), &json!(1200), &json!(760), &json!("intake"))
    );
    assert_eq!(a["sha256"], hex::encode(Sha256::digest(&id_card)));
    assert_eq!(a["added_by"], "外勤 吴磊");
    assert_eq!(
        attach(&o, "agent", &c, "intake", &file("经营场所.png", &premises)).0,
        0
    );
    assert_eq!(
        attach(&o, "agent", &c, "intake", &file("营业执照.pdf", PDF)).0,
        0
    );

    // Judged by the bytes, not the name; nothing half-added.
    let mut cut = id_card.clone();
    cut.truncate(id_card.len() / 3);
    let mut big = id_card.clone();
    big.resize(21 * 1024 * 1024, 0);
    for (name, bytes, says) in [
        (
            "动图.gif",
            b"GIF89a\x01\x00\x01\x00".to_vec(),
            "不是 JPEG、PNG 或 PDF",
        ),
        (
            "说明.jpg",
            "这是一段文字".as_bytes().to_vec(),
            "不是 JPEG、PNG 或 PDF",
        ),
        ("身份证反面.jpg", cut, "已损坏或不完整"),
        ("合同.pdf", PDF[..40].to_vec(), "已损坏或不完整"),
        ("全景.jpg", big, "超过 20 MB"),
    ] {
        let (code, e) = attach(&o, "agent", &c, "intake", &file(name, &bytes));
        assert_eq!(
            (code, &e["code"], &e["field"]),
            (2, &json!("INVALID_INPUT"), &json!("file")),
            "{name}: {e}"
        );
        assert!(
            e["message_zh"].as_str().unwrap().contains(says),
            "{name}: {e}"
        );
    }
    let (code, e) = attach(&o, "agent", &c, "intake", &file("身份证副本.jpg", &id_card));
    assert_eq!(code, 2, "the same file twice: {e}");

    // Each section's owner only: the agent has no investigation of its own; the bank may
    // attach its site visit but not the insurer's policy; another bank does not see the case.
    let visit = photo(800, 600, image::ImageFormat::Jpeg);
    let (code, e) = attach(&o, "agent", &c, "investigation", &file("走访.jpg", &visit));
    assert_eq!((code, &e["field"]), (2, &json!("section")), "{e}");
    let (code, a) = attach(
        &o,
        "bo-icbc",
        &c,
        "investigation",
        &file("走访.jpg", &visit),
    );
    assert_eq!(
        (code, &a["section"]),
        (0, &json!("investigation:bank")),
        "{a}"
    );
    let (code, e) = attach(
        &o,
        "bo-icbc",
        &c,
        "guarantee_policy",
        &file("保单.pdf", PDF),
    );
    assert_eq!((code, &e["code"]), (1, &json!("NOT_PERMITTED")), "{e}");
    let (code, e) = attach(&o, "bo-rcb", &c, "investigation", &file("走访.jpg", &visit));
    assert_eq!((code, &e["code"]), (1, &json!("NOT_FOUND")), "{e}");

    // The insurer's underwriter lists them and saves one: the same bytes, on the record.
    let list = o.ok(
        "uw-pool",
        "2016-03-02",
        &["attachment", "list", "--case", &c],
        json!({}),
    );
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["file_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["身份证.jpg", "经营场所.png", "营业执照.pdf", "走访.jpg"]
    );
    let uid = list[0]["uid"].as_str().unwrap();
    let out = dir.path().join("saved.jpg");
    o.ok(
        "uw-pool",
        "2016-03-02",
        &[
            "attachment",
            "save",
            "--id",
            uid,
            "--out",
            out.to_str().unwrap(),
        ],
        json!({}),
    );
    assert_eq!(std::fs::read(&out).unwrap(), id_card);
    let shown = o.ok("uw-pool", "2016-03-02", &["case", "show", &c], json!({}));
    let record: Vec<&str> = shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(record.iter().filter(|a| **a == "case.attach").count(), 4);
    assert!(record.contains(&"case.attachment_saved"), "{record:?}");
    assert_eq!(
        o.run(
            Some("bo-rcb"),
            Some("2016-03-02"),
            &["attachment", "list", "--case", &c],
            ""
        )
        .code,
        1,
        "another bank's officer sees nothing"
    );
}
