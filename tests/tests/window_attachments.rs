//! Issue 16 in the real window: a bank officer attaches a site-visit photo and the signed
//! loan contract (a PDF) to a case through the system's open dialog, sees the photo's
//! thumbnail, opens it in the viewer and the PDF in the preview, and is told plainly when a
//! file is damaged.

use std::process::Command;
use surety_e2e::cli::surety_binary;
use surety_e2e::demo::{demo_case, demo_data, demo_db, DEMO_PASSWORD};
use surety_e2e::{app_binary, skip_ui_tests, AppWindow};

fn photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(1024, 768, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut out),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bank_officer_attaches_a_photo_and_the_signed_contract_and_views_them() {
    if skip_ui_tests() {
        return;
    }
    let (_keep, data) = demo_data(120);
    let case = demo_case(&data, "approved", "yantai");
    let files = tempfile::tempdir().unwrap();
    let visit = files.path().join("走访照片.jpg");
    std::fs::write(&visit, photo()).unwrap();
    let mut cut = photo();
    cut.truncate(cut.len() / 2);
    let damaged = files.path().join("模糊.jpg");
    std::fs::write(&damaged, cut).unwrap();
    // The signed contract as a scan would come back: the printed PDF.
    let contract = files.path().join("借款合同.pdf");
    let out = Command::new(surety_binary())
        .arg("--db")
        .arg(demo_db(&data))
        .args([
            "--user",
            "bo-icbc",
            "print",
            "loan_contract",
            "--case",
            &case,
            "--out",
        ])
        .arg(&contract)
        .env("SURETY_PASSWORD", DEMO_PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let app = AppWindow::launch_with_data(&app_binary(), &data).await;
    app.sign_in("bo-icbc", DEMO_PASSWORD).await;
    app.goto(&format!("/cases/{case}")).await;
    app.wait_contains("attachments", &["材料附件"]).await;

    app.choose("attach-section", "本方调查").await;
    app.answer_dialog(Some(&visit));
    app.click("attach-add").await;
    let card = app
        .wait_contains("attachments", &["走访照片.jpg", "银行调查"])
        .await;
    assert!(card.contains("材料附件（1）"), "{card}");
    let thumb = app
        .wait_script(
            "const img = document.querySelector('[data-testid=\"attachment-走访照片.jpg\"] img'); return img ? img.naturalWidth + 'x' + img.naturalHeight : '';",
            &["240x180"],
        )
        .await;
    assert_eq!(thumb, "240x180", "the thumbnail, drawn");

    app.click("attachment-view-走访照片.jpg").await;
    let width = app
        .wait_script(
            "const img = document.querySelector('.el-image-viewer__wrapper img'); return img ? 'w' + img.naturalWidth : '';",
            &["w1024"],
        )
        .await;
    assert_eq!(width, "w1024", "the whole photo in the viewer");
    app.screenshot("attachment-viewer").await;
    app.click_css(".el-image-viewer__close").await;

    // A damaged photo: refused with what to do, nothing added.
    app.answer_dialog(Some(&damaged));
    app.click("attach-add").await;
    let told = app
        .wait_script(
            "return [...document.querySelectorAll('.el-message')].map(m => m.innerText).join(' | ');",
            &["已损坏或不完整"],
        )
        .await;
    assert!(told.contains("模糊.jpg"), "{told}");

    // The signed contract, previewed page by page.
    app.choose("attach-section", "签署的借款合同").await;
    app.answer_dialog(Some(&contract));
    app.click("attach-add").await;
    app.wait_contains("attachments", &["借款合同.pdf", "材料附件（2）"])
        .await;
    app.click("attachment-view-借款合同.pdf").await;
    let text = app
        .wait_script(
            "const el = document.querySelector('[data-testid=\"preview-pages\"]'); return el ? (el.getAttribute('aria-label') || '') : '';",
            &["借款合同"],
        )
        .await;
    assert!(text.contains("借款合同"), "the preview's text: {text}");
    assert!(app.exists("preview-page-1").await, "a page drawn");
    app.screenshot("attachment-pdf").await;
    app.close().await;
}
