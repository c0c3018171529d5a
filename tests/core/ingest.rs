//! Ingest through files: encodings, HTML, PDF breaks, full-width, traditional, offsets.

use banli::model::Format;

use crate::util::*;

const REPORT: &str = "2022年，县政府共承办人大代表建议151件。其中，已解决或基本解决的（A类）88件，占５８％；正在解决的（B类）63件，占42%。";

fn check_report(p: &banli::model::Processed) {
    assert_eq!(fact(p, "total_items"), Some(151.0));
    assert_eq!(p.extraction.categories.len(), 2, "{:?}", cats(p));
    assert_eq!(p.extraction.categories[0].pct_stated, Some(58.0));
}

#[test]
fn gb18030_file() {
    let (bytes, _, _) = encoding_rs::GB18030.encode(REPORT);
    let p = process_bytes(&bytes, Format::Txt);
    assert_eq!(p.doc.encoding, "GB18030");
    check_report(&p);
}

#[test]
fn utf16_le_and_be_with_bom() {
    let mut le = vec![0xFF, 0xFE];
    le.extend(REPORT.encode_utf16().flat_map(|u| u.to_le_bytes()));
    check_report(&process_bytes(&le, Format::Txt));
    let mut be = vec![0xFE, 0xFF];
    be.extend(REPORT.encode_utf16().flat_map(|u| u.to_be_bytes()));
    check_report(&process_bytes(&be, Format::Txt));
}

#[test]
fn utf8_bom_file() {
    let mut b = vec![0xEF, 0xBB, 0xBF];
    b.extend_from_slice(REPORT.as_bytes());
    check_report(&process_bytes(&b, Format::Txt));
}

#[test]
fn html_report_with_markup_and_entities() {
    let html = format!(
        "<html><head><title>x</title><script>var n='999件';</script><style>.a{{}}</style></head><body><div class=\"nav\">首页</div><p>{}</p><p>满意率&nbsp;为97.97%</p></body></html>",
        REPORT.replace("151件", "<span>151</span>件")
    );
    let p = process_bytes(html.as_bytes(), Format::Html);
    check_report(&p);
    assert_eq!(facts(&p, "rate_satisfied"), vec![97.97]);
    // Offsets map into the HTML source.
    let c = &p.extraction.categories[0];
    let orig: String = p
        .doc
        .original
        .chars()
        .skip(c.evidence.orig.start as usize)
        .take((c.evidence.orig.end - c.evidence.orig.start) as usize)
        .collect();
    assert!(orig.starts_with("已解决或基本解决"), "{orig}");
}

#[test]
fn full_width_digits_map_back_to_original() {
    let p = process_text(
        "共交办建议２３０件，其中１３５件已经解决或基本解决，占５８．７％；９５件正在解决，占４１．３％。",
    );
    let c = &p.extraction.categories[0];
    assert_eq!((c.count, c.pct_stated), (Some(135), Some(58.7)));
    let f = p
        .extraction
        .facts
        .iter()
        .find(|f| f.fact == "total_items")
        .unwrap();
    let orig: String = p
        .doc
        .original
        .chars()
        .skip(f.evidence.orig.start as usize)
        .take((f.evidence.orig.end - f.evidence.orig.start) as usize)
        .collect();
    assert!(orig.ends_with("２３０件"), "{orig}");
}

#[test]
fn chinese_numerals_are_quantities() {
    let p = process_text(
        "代表共提出建议四千二百八十七件，其中已解决或基本解决的三千零九十六件，占百分之七十二点二。",
    );
    assert_eq!(fact(&p, "total_items"), Some(4287.0));
    let c = &p.extraction.categories[0];
    assert_eq!((c.count, c.pct_stated), (Some(3096), Some(72.2)));
}

#[test]
fn pdf_break_inside_a_word_is_joined() {
    let p = process_text(
        "从办理结果分类统计情况看，建议所涉及问题已解\n\n决或基本解决的(A类)88件,占建议总数的58%;正在解决的(B类)63件,占42%。",
    );
    assert_eq!(p.extraction.categories[0].label_norm, "已解决或基本解决的");
}

#[test]
fn boilerplate_lines_are_dropped() {
    let p = process_text(
        "雪园足球比分直播\n\n图片\n\n  • 字号:\n  • 打印\n县政府共承办建议10件，已解决的6件，占60%；正在解决的4件，占40%。",
    );
    assert!(!p.doc.text.text.contains("比分"));
    assert!(!p.doc.text.text.contains("字号"));
    assert_eq!(fact(&p, "total_items"), Some(10.0));
}

#[test]
fn traditional_characters_are_matchable() {
    let p = process_text(
        "縣政府共辦理人大代表建議52件，“所提問題已經解決的”A類建議共33件，占63.4%；辦復率和滿意率均為100%。",
    );
    assert_eq!(p.extraction.categories[0].code.as_deref(), Some("A"));
    assert_eq!(p.extraction.categories[0].count, Some(33));
    assert_eq!(facts(&p, "rate_answered"), vec![100.0]);
    assert_eq!(facts(&p, "rate_satisfied"), vec![100.0]);
    assert!(
        p.extraction
            .facts
            .iter()
            .any(|f| f.name_zh.as_deref() == Some("滿意率"))
    );
}

#[test]
fn binary_and_empty_files_are_per_file_errors() {
    let src = source(std::path::Path::new("x.txt"));
    let e = banli::ingest::ingest_bytes(&src, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", &RULES, None)
        .unwrap_err();
    assert!(e.message.contains("PNG"), "{}", e.message);
    assert_eq!(e.source_path, "x.txt");
    let e = banli::ingest::ingest_bytes(&src, b"", &RULES, None).unwrap_err();
    assert!(e.message.contains("empty"));
}

#[test]
fn page_number_lines_inside_a_sentence_are_dropped_from_labels() {
    let p = process_text(
        "从办理结果看，已解决或基本解决的建议共计128件，占比为59.5%，正在解决或列入计划\n— 3 —\n解决的建议76件，占35.4%；留作参考的11件，占5.1%。",
    );
    let c = &p.extraction.categories;
    assert_eq!(c.len(), 3);
    assert_eq!(c[1].label_zh, "正在解决或列入计划解决");
    // The evidence still quotes the original stretch, page line included, so it can be found.
    assert!(c[1].evidence.sentence.contains("— 3 —"));
}
