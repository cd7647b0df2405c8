//! Every document read back as a person's tools would: pdftotext (the text, Chinese
//! included), pdffonts (the font embedded as a subset), qpdf (the file's structure).

mod common;
use common::*;
use surety_docs::{render, DocKind};

fn write(kind: DocKind, doc: &surety_docs::CaseDocument) -> (tempfile::TempDir, String, usize) {
    let bytes = render(kind, doc).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{}.pdf", kind.code()));
    std::fs::write(&path, &bytes).unwrap();
    (dir, path.to_string_lossy().into_owned(), bytes.len())
}

fn text_of(path: &str) -> String {
    let (ok, text) = tool("pdftotext", &["-layout", path, "-"]);
    assert!(ok, "pdftotext: {text}");
    text
}

#[test]
fn the_loan_contract_states_amounts_in_figures_and_capitals_and_the_whole_schedule() {
    let doc = sample(12);
    let (_dir, path, size) = write(DocKind::LoanContract, &doc);
    let text = text_of(&path);
    for needle in [
        "借款合同",
        "人民币（大写）壹佰万元整（小写 ¥1,000,000.00）",
        "年利率 5.655%",
        "不超过合同签订日中国人民银行贷款基准利率 4.35% 的 1.3 倍（上浮 30%，即 5.655%）",
        "ICBC-YT-JK-2016-000001",
        "等额本息",
        "2017-03-05",
        "不得向甲方收取中介费",
        "（签字 / 盖章）",
    ] {
        assert!(text.contains(needle), "the contract lacks {needle:?}");
    }
    // The long name wraps but is all there.
    assert!(text
        .replace(['\n', ' '], "")
        .contains("烟台经济技术开发区海丰水产养殖与冷链物流专业合作社联合社有限公司"));
    for inst in &doc.schedule {
        assert!(
            text.contains(&inst.due_date.to_string()),
            "schedule row {}",
            inst.period
        );
    }
    let flat = text.replace(' ', "");
    assert!(
        flat.contains("第1页共2页") || flat.contains("第1页共3页"),
        "page numbers"
    );
    assert!(size < 300_000, "a contract is {size} bytes");
}

#[test]
fn an_lpr_contract_names_the_lpr_and_the_multiplier_in_force() {
    // A 2020 contract under a 1.2 multiplier: 1-year LPR 3.85% × 1.2 = 4.62%.
    let mut doc = sample(12);
    doc.contract_date = chrono::NaiveDate::from_ymd_opt(2020, 3, 5);
    doc.reference_rate = Some(surety_domain::Rate::percent("3.85"));
    doc.rate_cap = Some(surety_domain::Rate::percent("4.62"));
    doc.annual_rate = surety_domain::Rate::percent("4.6");
    doc.reference_is_lpr = true;
    let (_dir, path, _) = write(DocKind::LoanContract, &doc);
    // pdftotext spaces and wraps the line where it likes: compare without either.
    let text = text_of(&path).replace(['\n', ' '], "");
    assert!(
        text.contains("一年期贷款市场报价利率（LPR）3.85%的1.2倍（上浮20%，即4.62%）"),
        "{text}"
    );
    assert!(!text.contains("基准利率") && !text.contains("30%"));
}

#[test]
fn the_font_is_embedded_as_a_subset_and_the_file_is_well_formed() {
    for kind in DocKind::ALL {
        let (_dir, path, _) = write(kind, &sample(12));
        let (ok, fonts) = tool("pdffonts", &[&path]);
        assert!(ok, "{fonts}");
        let line = fonts
            .lines()
            .find(|l| l.contains("NotoSansCJK"))
            .unwrap_or_else(|| panic!("no Noto font in {kind:?}: {fonts}"));
        assert!(
            line.split_whitespace().next().unwrap().contains('+'),
            "subset name prefix: {line}"
        );
        assert!(
            line.contains(" yes yes yes") || line.matches("yes").count() >= 3,
            "emb/sub/uni: {line}"
        );
        let (ok, check) = tool("qpdf", &["--check", &path]);
        assert!(
            ok && check.contains("No syntax or stream encoding errors"),
            "{kind:?}: {check}"
        );
    }
}

/// The embedded font program is cut to the document's own glyphs (the working face holds
/// 7,000; pdffonts' "sub" reads only the name's tag), and every code the pages show is a
/// CID of a glyph in it — so each character draws its own outline, not .notdef.
#[test]
fn the_embedded_program_holds_the_glyphs_the_pages_show_and_no_others() {
    use allsorts::binary::read::ReadScope;
    use allsorts::cff::CFF;
    for kind in DocKind::ALL {
        let (_dir, path, _) = write(kind, &sample(12));
        let pdf = lopdf::Document::load(&path).unwrap();
        let program = pdf
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .find_map(|d| d.get(b"FontFile3").ok()?.as_reference().ok())
            .and_then(|id| pdf.get_object(id).ok()?.as_stream().ok())
            .expect("a FontFile3 program");
        let program = program.decompressed_content().unwrap();
        let cff = ReadScope::new(&program).read::<CFF<'_>>().unwrap();
        let font = &cff.fonts[0];
        assert!(font.is_cid_keyed(), "{kind:?}: a CID-keyed CFF");
        let glyphs = font.char_strings_index.len();
        let cids: std::collections::HashSet<u16> = (0..glyphs as u16)
            .filter_map(|g| font.charset.id_for_glyph(g))
            .collect();
        // Every code of /W (the codes the pages show) resolves to a glyph of the program.
        let widths = pdf
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .find_map(|d| {
                let descendant = d.get(b"DescendantFonts").ok()?.as_array().ok()?.first()?;
                descendant.as_dict().ok()?.get(b"W").ok()?.as_array().ok()
            })
            .expect("the font's /W");
        let mut codes = Vec::new();
        for pair in widths.chunks(2) {
            let first = pair[0].as_i64().unwrap() as u16;
            let run = pair[1].as_array().expect("c [w …] runs").len() as u16;
            codes.extend(first..first + run);
        }
        for code in &codes {
            assert!(cids.contains(code), "{kind:?}: code {code} has no glyph");
        }
        // And nothing else: the characters pdftotext reads (spaces included) and .notdef.
        let text = text_of(&path);
        let shown: std::collections::HashSet<char> =
            text.chars().filter(|c| !c.is_control()).collect();
        assert_eq!(
            codes.len(),
            glyphs - 1,
            "{kind:?}: .notdef and one glyph a code"
        );
        assert!(
            glyphs <= shown.len() + 2 && glyphs > shown.len() / 2,
            "{kind:?}: {glyphs} glyphs for {} distinct characters",
            shown.len()
        );
    }
}

#[test]
fn a_long_schedule_breaks_across_pages_with_the_header_repeated() {
    let mut doc = sample(12);
    // Sixty periods: more rows than a page holds.
    let rate = doc.annual_rate;
    doc.schedule = surety_domain::schedule::schedule(
        surety_domain::RepaymentMethod::EqualPrincipal,
        doc.principal,
        rate,
        60,
        doc.contract_date.unwrap(),
    );
    let (_dir, path, _) = write(DocKind::RepaymentSchedule, &doc);
    let text = text_of(&path);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() >= 2, "{} pages", pages.len());
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains("应还本金"),
            "page {} repeats the header",
            i + 1
        );
        let flat = page.replace(' ', "");
        assert!(
            flat.contains(&format!("第{}页共{}页", i + 1, pages.len())),
            "page {} numbered",
            i + 1
        );
        assert!(
            page.contains("校验码"),
            "page {} has the verification code",
            i + 1
        );
    }
}

#[test]
fn the_claim_notice_shows_the_loss_computation_and_the_split() {
    let (_dir, path, _) = write(DocKind::ClaimNotice, &sample(12));
    let text = text_of(&path);
    for needle in [
        "理赔通知书",
        "1,008,692.92",
        "壹佰万捌仟陆佰玖拾贰元玖角贰分",
        "706,085.04",
        "302,607.88",
        "423,651.02",
        "4,555.42",
        "2016-08-03",
    ] {
        assert!(
            text.contains(needle),
            "the notice lacks {needle:?}:\n{text}"
        );
    }
}

#[test]
fn the_policies_name_the_pool_the_shares_and_the_beneficiary() {
    let (_dir, path, _) = write(DocKind::GuaranteePolicy, &sample(12));
    let text = text_of(&path);
    for needle in [
        "小额贷款保证保险保险单",
        "主承保公司",
        "60%",
        "40%",
        "等待期",
        "90 天",
        "保险人 70%",
        "被保险人（银行） 30%",
        "20,617.61",
    ] {
        assert!(
            text.contains(needle),
            "the policy lacks {needle:?}:\n{text}"
        );
    }
    let (_dir, path, _) = write(DocKind::AccidentPolicy, &sample(12));
    let text = text_of(&path);
    assert!(
        text.contains("受益人")
            && text.contains("中国工商银行股份有限公司烟台分行")
            && text.contains("5,154.40"),
        "{text}"
    );
}

#[test]
fn the_same_case_prints_to_the_same_bytes() {
    let doc = sample(12);
    for kind in DocKind::ALL {
        let (a, b) = (render(kind, &doc).unwrap(), render(kind, &doc).unwrap());
        assert!(a == b, "{kind:?} printed twice differs");
    }
    let mut changed = doc.clone();
    changed.principal = m("999999.99");
    assert_ne!(
        surety_docs::verification_code(DocKind::LoanContract, &doc),
        surety_docs::verification_code(DocKind::LoanContract, &changed)
    );
}

/// Writes every document of the sample case to `SURETY_DOCS_OUT` for a person to look at.
#[test]
fn samples_for_a_person_to_look_at() {
    let Ok(dir) = std::env::var("SURETY_DOCS_OUT") else {
        return;
    };
    std::fs::create_dir_all(&dir).unwrap();
    for kind in DocKind::ALL {
        std::fs::write(
            format!("{dir}/{}.pdf", kind.code()),
            render(kind, &sample(12)).unwrap(),
        )
        .unwrap();
    }
}

/// Names and addresses in GB 2312 (nearly all) are set from the working font; a name with
/// a rarer character (䶮, U+4DAE, outside GB 2312) is set from the whole face and still
/// reads back, embedded as a subset.
#[test]
fn a_name_outside_gb2312_prints_from_the_whole_face() {
    use std::sync::atomic::Ordering;
    let before = surety_docs::layout::FULL_FACE_DOCUMENTS.load(Ordering::SeqCst);
    for kind in DocKind::ALL {
        render(kind, &sample(12)).unwrap();
    }
    // Other tests of this binary may render rare names at the same time: count only ours.
    let after_common = surety_docs::layout::FULL_FACE_DOCUMENTS.load(Ordering::SeqCst);
    let mut doc = sample(12);
    doc.borrower_name = "刘䶮".into();
    let (_dir, path, _) = write(DocKind::LoanContract, &doc);
    assert!(
        surety_docs::layout::FULL_FACE_DOCUMENTS.load(Ordering::SeqCst) > after_common,
        "the rare name went through the whole face"
    );
    assert_eq!(
        after_common, before,
        "the sample's documents need nothing outside the working set"
    );
    assert!(text_of(&path).contains("刘䶮"));
    let (ok, fonts) = tool("pdffonts", &[&path]);
    assert!(ok && fonts.contains("+NotoSansCJK"), "{fonts}");
}
