//! Property tests: no panic on any input, bounded work on adversarial input, and structure that
//! survives re-drawn numbers.

use std::time::Instant;

use banli::model::Format;
use proptest::prelude::*;

use crate::util::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let src = source(std::path::Path::new("fuzz.txt"));
        if let Ok((doc, _)) = banli::ingest::ingest_bytes(&src, &bytes, &RULES, None) {
            let _ = banli::run::process_all(vec![doc], &RULES, &[]);
        }
    }

    #[test]
    fn report_like_text_never_panics(s in "[共交办建议提案件占%,;。()A-D类甲乙丙已解决正在列入计划参考满意率为达0-9 \\n“”、其中]{0,400}") {
        let src = source(std::path::Path::new("fuzz.html"));
        for fmt in [Format::Txt, Format::Html] {
            let mut src = src.clone();
            src.format = fmt;
            if let Ok((doc, _)) = banli::ingest::ingest_bytes(&src, s.as_bytes(), &RULES, None) {
                let p = banli::run::process_all(vec![doc], &RULES, &[]).pop().unwrap();
                for o in &p.outcomes {
                    prop_assert!(o.count_low <= o.count_high);
                }
            }
        }
    }

    /// The constructs read since session 15: labels before a colon, shares with last period's,
    /// a stop as decimal point, enumerated headings, roles per channel, framing pieces, meeting
    /// days under a page stamp.
    #[test]
    fn report_pieces_never_panic(pieces in proptest::collection::vec(proptest::sample::select(vec![
        "已经解决或基本解决:", "A类:", "主办", "会办", "(", ")", "12件", "3件", "45%", "83。7%", "。",
        ",", "由2019年占办复总数的", "提升至2020年的", "由", "或客观条件限制", "仅占", "(一)", "\n",
        "建议158件", "提案81件", "从落实情况看,", "12月22日召开", "2017-12-23 06:12 来源:", "会后,",
        "各民主党派和工商联提案", "委员提案", "和", "、", "率", "办复率", "满意率达", "100%",
    ]), 0..60)) {
        let text: String = pieces.concat();
        let src = source(std::path::Path::new("fuzz.txt"));
        if let Ok((doc, _)) = banli::ingest::ingest_bytes(&src, text.as_bytes(), &RULES, None) {
            let p = banli::run::process_all(vec![doc], &RULES, &[]).pop().unwrap();
            for o in &p.outcomes {
                prop_assert!(o.count_low <= o.count_high);
            }
        }
    }

    #[test]
    fn number_parsers_never_panic(s in "\\PC{0,30}") {
        let _ = banli::numbers::parse_cn_integer(&s);
        let _ = banli::numbers::parse_cn_decimal(&s);
        let _ = banli::numbers::parse_arabic(&s);
        let _ = banli::numbers::parse_count(&s);
    }

    #[test]
    fn redrawn_numbers_keep_the_structure(a in 1i64..5000, b in 0i64..5000, c in 0i64..500, pa in 0u32..1000, pb in 0u32..1000, pc in 0u32..1000) {
        let total = a + b + c;
        let text = format!(
            "2021年,市七届人大六次会议共交办人大代表建议{total}件,其中重点建议9件。目前,{total}件建议已全部按时按要求办理完毕。其中,{a}件已经解决或基本解决,占{}.{}%;{b}件已列入规划正在解决,占{}%;因目前条件限制需以后解决或留作参考的有{c}件,占{}.{}%。",
            pa / 10, pa % 10, pb / 10, pc / 10, pc % 10
        );
        let p = process_text(&text);
        prop_assert_eq!(fact(&p, "total_items"), Some(total as f64));
        let got: Vec<Option<i64>> = p.extraction.categories.iter().map(|c| c.count).collect();
        prop_assert_eq!(got, vec![Some(a), Some(b), Some(c)]);
        let pcts: Vec<Option<f64>> = p.extraction.categories.iter().map(|c| c.pct_stated).collect();
        prop_assert_eq!(pcts, vec![Some(pa as f64 / 10.0), Some((pb / 10) as f64), Some(pc as f64 / 10.0)]);
        let tiers: Vec<Vec<String>> = p.extraction.categories.iter().map(|c| c.tiers.clone()).collect();
        prop_assert_eq!(tiers[1].clone(), vec!["in_progress".to_string(), "planned".to_string()]);
    }
}

#[test]
fn adversarial_repetition_finishes() {
    for unit in [
        "件",
        "%",
        "1件",
        "1%",
        "占1%,",
        "(A类)1件,",
        "<div>",
        "代表提出的",
        "第1号",
    ] {
        let s = unit.repeat(1_000_000 / unit.len());
        let t = Instant::now();
        let fmt = if unit.starts_with('<') {
            Format::Html
        } else {
            Format::Txt
        };
        let src = source(std::path::Path::new(if fmt == Format::Html {
            "a.html"
        } else {
            "a.txt"
        }));
        if let Ok((doc, _)) = banli::ingest::ingest_bytes(&src, s.as_bytes(), &RULES, None) {
            let _ = banli::run::process_all(vec![doc], &RULES, &[]);
        }
        // Not a speed target (see the benchmark): a guard against runaway (quadratic) work.
        assert!(
            t.elapsed().as_secs() < 60,
            "{unit:?} took {:?}",
            t.elapsed()
        );
    }
}
