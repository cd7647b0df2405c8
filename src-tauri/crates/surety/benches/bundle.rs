//! Bundle figures for BENCHMARKS.md: a field laptop holding 1,000 applications,
//! each with two photos of about 512 KB (1 MB a case) and a site visit, exports them in one
//! bundle to its office, which previews it and takes it in (each application's intake
//! replayed by the office's own checks, every photo stored encrypted with its thumbnail).
//! Run: cargo bench -p surety --bench bundle   (SURETY_BENCH_CASES to change the size)

// Timings are floats; money never is.
#![allow(clippy::float_arithmetic)]

use std::time::Instant;
use surety::api::FieldEnrolInput;
use surety::api::{
    AgreementInput, AttachInput, Desk, IntakeInput, NewUser, OrgInput, Role, SiteVisitInput,
    UserInput,
};

fn json<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).unwrap()
}

/// A photo of noise (JPEG compresses it poorly, as it does a real photo's detail) of about
/// `bytes`; `n` written after the image's end makes each file different.
fn photo(base: &[u8], n: u32) -> Vec<u8> {
    let mut out = base.to_vec();
    out.extend_from_slice(format!("surety-bench-{n}").as_bytes());
    out
}

fn base_photo() -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(16);
    let img = image::RgbImage::from_fn(560, 420, |_, _| {
        image::Rgb([rng.u8(..), rng.u8(..), rng.u8(..)])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
        .encode_image(&img)
        .unwrap();
    out
}

fn credit_code(n: u32) -> String {
    let first = format!("91370600MA{:07}", n);
    let check = surety::api::credit_check_char(&first).unwrap();
    format!("{first}{check}")
}

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

fn main() {
    let cases: u32 = std::env::var("SURETY_BENCH_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000);
    let dir = tempfile::tempdir().unwrap();
    let kdf = surety::api::KdfParams::for_tests();
    let admin = NewUser {
        username: "admin".into(),
        display_name: "系统管理员".into(),
        role: Role::Admin,
        organisation_id: None,
    };
    let mut office = Desk::init_for(
        surety::api::DatabaseUse::Replay,
        &dir.path().join("office.db"),
        &admin,
        "bench-password-2016",
        kdf,
    )
    .unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2016, 6, 1).unwrap();
    office.set_today(today);
    office
        .add_organisation(&json::<OrgInput>(
            serde_json::json!({"kind": "insurer", "code": "picc", "name": "人保财险烟台分公司"}),
        ))
        .unwrap();
    office
        .add_organisation(&json::<OrgInput>(serde_json::json!({"kind": "bank", "code": "icbc-yt", "name": "工商银行烟台分行", "city": "yantai"})))
        .unwrap();
    office
        .add_agreement(&json::<AgreementInput>(serde_json::json!({"bank": "icbc-yt", "insurer": "picc", "city": "yantai",
            "insurer_share": "0.7", "waiting_period_days": 90, "guarantee_rate": "0.02", "accident_rate": "0.005",
            "signed_on": "2015-01-01"})))
        .unwrap();
    office
        .add_user(
            &json::<UserInput>(serde_json::json!({"username": "agent", "display_name": "外勤 吴磊", "role": "field_agent"})),
            "agent-password-2016",
        )
        .unwrap();
    let enrolment = dir.path().join("laptop.enrol");
    office
        .enrol_field_to(
            &FieldEnrolInput {
                agent: "agent".into(),
                prefix: "WU".into(),
                laptop_name: "吴磊的笔记本".into(),
                office_name: "烟台办公室".into(),
            },
            "bench-passphrase",
            &enrolment,
        )
        .unwrap();
    let mut laptop = Desk::init_field(
        &dir.path().join("laptop.db"),
        &std::fs::read(&enrolment).unwrap(),
        "bench-passphrase",
        "laptop-password-2016",
        kdf,
    )
    .unwrap();
    laptop.set_today(today);
    let office_id = office.sync_identity().unwrap().installation_id;

    let base = base_photo();
    let photos = dir.path().join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    let start = Instant::now();
    let mut photo_bytes = 0u64;
    for n in 0..cases {
        let input: IntakeInput = json(serde_json::json!({
            "borrower": {"kind": "micro_enterprise", "name": format!("烟台福山果蔬加工厂{n}号"), "id_number": credit_code(n),
                         "address": "山东省烟台市福山区门楼镇", "legal_rep": "王海", "operating_since": "2012-05-01"},
            "city": "yantai", "bank": "icbc-yt", "insurer": "picc",
            "principal": "100000", "annual_rate": "0.05655", "term_months": 12, "repayment": "interest_monthly"
        }));
        let case_no = laptop.intake(&input).unwrap().case_no;
        for (i, name) in ["营业执照.jpg", "经营场所.jpg"].iter().enumerate() {
            let file = photos.join(format!("{n}-{i}.jpg"));
            let bytes = photo(&base, n * 2 + i as u32);
            photo_bytes += bytes.len() as u64;
            std::fs::write(&file, bytes).unwrap();
            laptop
                .attach_file(
                    &AttachInput {
                        case_no: case_no.clone(),
                        section: "intake".into(),
                        file_name: name.to_string(),
                    },
                    &file,
                )
                .unwrap();
            std::fs::remove_file(&file).unwrap();
        }
        laptop
            .record_site_visit(&json::<SiteVisitInput>(serde_json::json!({
                "case_no": case_no, "visited_on": "2016-05-30", "place": "烟台市福山区门楼镇",
                "in_operation": true, "findings": "车间在生产，工人12名", "recommendation": "support"})))
            .unwrap();
    }
    let taken_on_laptop = secs(start);
    println!(
        "laptop: {cases} applications, {} photos ({:.0} MB) in {taken_on_laptop:.1} s",
        cases * 2,
        photo_bytes as f64 / 1e6
    );

    let out = dir.path().join("field.bundle");
    let t = Instant::now();
    peak_rss_reset();
    let exported = laptop.export_bundle_to(&office_id, &out).unwrap();
    let export_s = secs(t);
    let export_rss = peak_rss_mb();
    assert_eq!(exported.cases.len(), cases as usize);

    let none = &mut |_: usize, _: usize, _: &str| {};
    let t = Instant::now();
    peak_rss_reset();
    let preview = office.import_bundle_file(&out, false, none).unwrap();
    let preview_s = secs(t);
    let preview_rss = peak_rss_mb();
    assert_eq!(preview.lines.len(), cases as usize * 2);
    let t = Instant::now();
    peak_rss_reset();
    let report = office.import_bundle_file(&out, true, none).unwrap();
    let import_s = secs(t);
    let import_rss = peak_rss_mb();
    assert!(
        report.lines.iter().all(|l| l.outcome == "taken"),
        "every application taken in"
    );
    let t = Instant::now();
    let again = office.import_bundle_file(&out, true, none).unwrap();
    let again_s = secs(t);
    assert!(again.lines.iter().all(|l| l.outcome == "already"));

    println!(
        "| Bundle figure ({cases} cases, 2 photos each, {:.0} MB of photos) | Measured |",
        photo_bytes as f64 / 1e6
    );
    println!("|---|---|");
    println!("| bundle size | {:.1} MB |", exported.bytes as f64 / 1e6);
    println!(
        "| export on the laptop (sign, seal, write) | {export_s:.1} s, peak RSS {export_rss} MB |"
    );
    println!("| preview at the office (verify, decrypt, plan) | {preview_s:.1} s, peak RSS {preview_rss} MB |");
    println!("| import at the office (1 transaction per application, photos checked and thumbnailed) | {import_s:.1} s, peak RSS {import_rss} MB |");
    println!("| the same bundle again (nothing changes) | {again_s:.1} s |");
}

/// Starts the process's peak resident size afresh (Linux: `5` to `clear_refs`), so that the
/// next reading is one side's step alone, over what the process already holds.
fn peak_rss_reset() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak resident size since the last reset (VmHWM), in MB.
fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}
