//! The development cases: accuracy floors measured by the same scorer users run, plus the
//! known quirks showing up as checks.

use banli::model::CheckStatus;

use crate::util::*;

/// Score the gold folder `dir` (relative to the repository): it holds `documents` reports, and
/// each field's precision and recall are at least its floor (the misses listed if not).
fn assert_floors(dir: &str, documents: usize, floors: &[(&str, f64, f64)]) {
    let report = banli::score::score_dir(&repo().join(dir), &RULES).unwrap();
    assert_eq!(report.documents, documents);
    for &(field, p_min, r_min) in floors {
        let t = report.field(field);
        assert!(
            t.precision() >= p_min && t.recall() >= r_min,
            "{field}: p {:.3} r {:.3}\n{}",
            t.precision(),
            t.recall(),
            t.misses.join("\n")
        );
    }
}

#[test]
fn development_cases_meet_the_accuracy_floor() {
    assert_floors(
        "datasets/reports/cases",
        23,
        &[
            ("categories", 0.95, 0.95),
            ("total", 0.95, 0.95),
            ("rates", 0.95, 0.9),
            ("tiers", 1.0, 0.95),
            ("topics", 0.95, 0.95),
            ("proposer_split", 1.0, 1.0),
            ("handling_split", 1.0, 0.9),
            ("session_split", 1.0, 1.0),
        ],
    );
}

/// Cases written for banli by writers who had not seen its rules (numbers invented; see
/// tests/fixtures/authored/README.md), in four rounds of 24, each written after the fixes the
/// one before prompted. Before the fixes, categories scored p 0.97 r 0.89 on the first twelve,
/// r 0.92 on the second round, p 0.93 r 0.91 (h81-h92) and p 0.60 r 0.85 (h101-h112) on the
/// third, p 0.97 r 1.0 (h121-h132) and p 0.86 r 0.93 (h141-h152) on the fourth.
#[test]
fn authored_cases_meet_the_accuracy_floor() {
    assert_floors(
        "tests/fixtures/authored",
        96,
        &[
            ("categories", 0.99, 0.98),
            ("category_code", 1.0, 0.99),
            ("category_pct", 1.0, 0.99),
            ("tiers", 1.0, 0.99),
            ("topics", 1.0, 0.97),
            ("total", 0.95, 0.95),
            ("rates", 1.0, 0.98),
            ("proposer_split", 1.0, 0.96),
            ("session_split", 0.93, 0.96),
            ("handling_split", 0.85, 0.75),
            ("meta.report_date", 1.0, 0.96),
            ("meta.session", 1.0, 0.96),
            ("meta.channel", 0.98, 0.98),
            ("meta.year_handled", 0.97, 0.95),
            ("meta.province", 1.0, 0.97),
            ("meta.jurisdiction", 0.94, 0.92),
            ("meta.admin_level", 1.0, 0.97),
        ],
    );
}

/// Real report excerpts rewritten (numbers, places and narrative changed; statistical phrasing
/// and quirks kept; see tests/fixtures/realistic/README.md). On the real excerpts, before the
/// session-13 fixes, categories scored p 0.98 r 0.84 (NPC set) and p 0.89 r 0.81 (CPPCC set).
#[test]
fn realistic_cases_meet_the_accuracy_floor() {
    assert_floors(
        "tests/fixtures/realistic",
        106,
        &[
            ("categories", 0.98, 0.95),
            ("category_code", 1.0, 0.98),
            ("category_pct", 1.0, 0.98),
            ("tiers", 1.0, 0.95),
            ("topics", 0.98, 0.93),
            ("total", 0.94, 0.97),
            // Session 15 merged restated rates (headline and story): precision 0.89 → 0.97.
            ("rates", 0.96, 0.86),
            ("proposer_split", 0.94, 0.92),
            ("roles", 1.0, 0.63),
            // Page stamps (`2022-01-10 16:05 来源:…`) date news items since session 14: recall
            // 0.74 → 0.83; the new extras are mostly items whose gold gives no date. Session 15:
            // a meeting day told before the first count beats the next day's stamp (0.86).
            ("meta.report_date", 0.88, 0.85),
            ("meta.session", 0.92, 0.83),
            // Session 15: one more year for an item whose gold gives none (0.889 → 0.879).
            ("meta.year_handled", 0.87, 0.88),
            ("meta.province", 1.0, 0.93),
            ("meta.jurisdiction", 0.96, 0.90),
            // Before session 14 a place named only by its level word (省十三届人大…) had no
            // level: 0.99 / 0.78.
            ("meta.admin_level", 0.97, 0.90),
        ],
    );
}

#[test]
fn seeds_score_perfectly_on_extraction() {
    let report = banli::score::score_dir(&repo().join("datasets/reports/seeds"), &RULES).unwrap();
    for field in [
        "categories",
        "category_code",
        "category_pct",
        "tiers",
        "total",
        "topics",
        "roles",
        "role_breakdown",
        "numbered_items",
        "session_split",
        "key_items",
        "government_items",
        "feedback_forms",
    ] {
        let t = report.field(field);
        assert!(
            t.tp > 0 && t.fp == 0 && t.fn_ == 0,
            "{field}: {:?}",
            t.misses
        );
    }
    assert_eq!(report.field("named_proposers").fn_, 0);
}

fn status(p: &banli::model::Processed, check: &str) -> Vec<CheckStatus> {
    p.checks
        .iter()
        .filter(|c| c.check == check)
        .map(|c| c.status)
        .collect()
}

#[test]
fn shenzhen_sum_and_percent_mismatches_are_flagged() {
    let p = process_file(&case("021_"));
    // Four categories sum to 1103 件次 while the total is 848 suggestions.
    assert_ne!(status(&p, "categories_sum"), vec![CheckStatus::Pass]);
    assert!(
        status(&p, "pct_stated_vs_computed").contains(&CheckStatus::Fail),
        "{:?}",
        p.checks
    );
    assert_eq!(status(&p, "pct_sum_100"), vec![CheckStatus::Fail]);
}

#[test]
fn chongqing_rounding_warns_and_combined_bucket_keeps_both_codes() {
    let p = process_file(&case("015_"));
    let c = &p.extraction.categories;
    assert_eq!(c[2].code.as_deref(), Some("C/D"));
    assert_eq!(c[2].count, Some(90));
    assert!(
        status(&p, "pct_stated_vs_computed").contains(&CheckStatus::Warn),
        "{:?}",
        p.checks
    );
}

#[test]
fn gongchangling_unaccounted_items_fail_the_sum_and_widen_bounds() {
    let p = process_file(&case("054_"));
    assert_eq!(status(&p, "categories_sum"), vec![CheckStatus::Fail]);
    let planned = p.outcomes.iter().find(|o| o.tier == "planned").unwrap();
    assert_eq!(
        (planned.count_low, planned.count_high),
        (Some(11), Some(19))
    );
}

#[test]
fn aggregate_only_share_is_a_category_without_count_and_bills_stay_apart() {
    let p = process_file(&case("003_"));
    assert_eq!(fact(&p, "total_items"), Some(8609.0));
    assert_eq!(fact(&p, "bills_total"), Some(462.0));
    let c = &p.extraction.categories;
    assert_eq!(c.len(), 1);
    assert_eq!((c[0].count, c[0].pct_stated), (None, Some(80.6)));
}

#[test]
fn guangxi_denominator_differs_from_total() {
    let p = process_file(&case("011_"));
    assert_eq!(fact(&p, "total_items"), Some(692.0));
    let c = &p.extraction.categories;
    assert_eq!(c[2].pct_text.as_deref(), Some("7.70"));
    assert_eq!(c[0].universe_count, Some(688));
    assert_eq!(status(&p, "denominator"), vec![CheckStatus::Warn]);
}

#[test]
fn table_with_footnote_definitions() {
    let p = process_file(&case("024_"));
    let c = &p.extraction.categories;
    assert_eq!(c.len(), 4);
    assert_eq!(c[0].code.as_deref(), Some("A"));
    assert!(c[0].label_zh.contains("已解决或基本解决"));
    assert_eq!(c[3].count, Some(0));
    assert_eq!(c[3].tiers, vec!["deferred".to_string()]);
    assert_eq!(p.extraction.topics.len(), 7);
    assert_eq!(fact(&p, "total_items"), Some(166.0));
}

#[test]
fn traditional_report_keeps_original_wording_for_evidence() {
    let p = process_file(&case("036_"));
    let c = &p.extraction.categories;
    assert_eq!(c.len(), 3);
    assert!(
        c[0].label_zh.contains("已經解決或基本解決"),
        "{}",
        c[0].label_zh
    );
    assert!(c[0].label_norm.contains("已经解决或基本解决"));
    assert_eq!(c[0].code.as_deref(), Some("A"));
    assert_eq!(fact(&p, "bills_total"), Some(2.0));
    assert_eq!(fact(&p, "total_items"), Some(52.0));
}

/// Every known inconsistency in the development cases (`quirks` in their gold) shows up as a
/// warn/fail check; prints the confusion table reported in the notes.
#[test]
fn quirks_are_caught_by_checks() {
    let dir = repo().join("datasets/reports/cases");
    let pairs = [
        ("sum_mismatch", "categories_sum"),
        ("pct_mismatch", "pct_stated_vs_computed"),
        ("denominator_differs", "denominator"),
    ];
    let mut table = vec![[0usize; 4]; pairs.len()]; // tp, fn, fp, tn
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let gold: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(path.with_extension("gold.json")).unwrap(),
        )
        .unwrap();
        let quirks: Vec<&str> = gold["quirks"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|q| q.as_str())
            .collect();
        let p = process_file(&path);
        for (k, (quirk, check)) in pairs.iter().enumerate() {
            let flagged = p
                .checks
                .iter()
                .any(|c| c.check == *check && c.status != CheckStatus::Pass);
            let has = quirks.contains(quirk);
            let cell = match (has, flagged) {
                (true, true) => 0,
                (true, false) => 1,
                (false, true) => 2,
                (false, false) => 3,
            };
            table[k][cell] += 1;
            if has && !flagged {
                eprintln!("missed {quirk} in {}", path.display());
            }
            if !has && flagged {
                eprintln!(
                    "flagged {check} without {quirk} in {}",
                    path.file_name().unwrap().to_string_lossy()
                );
            }
        }
    }
    for (k, (quirk, check)) in pairs.iter().enumerate() {
        eprintln!(
            "{quirk:<20} vs {check:<24} tp {} fn {} fp {} tn {}",
            table[k][0], table[k][1], table[k][2], table[k][3]
        );
        assert_eq!(
            table[k][1], 0,
            "{quirk}: a known inconsistency was not flagged"
        );
    }
}

/// Wordings beyond the bundled corpus: codes defined in a separate sentence, a narrative count
/// that is not a category, a session count that opens the report, shares by 比例.
#[test]
fn coded_scheme_with_separate_definitions_and_narrative_counts() {
    let p = process_text(
        "关于市十五届人大三次会议代表建议办理情况的报告\n大会期间代表提出建议315件，闭会期间提出建议12件。市政府系统承办298件。\n\
         办理结果为A类的196件、B类的88件、C类的14件。A类为已解决或基本解决，B类为正在解决或列入计划解决，C类为留作参考。\n\
         在办理过程中，督促解决各类问题126件，推动落实民生实事20件。\n代表对办理结果满意和基本满意的比例为99.3%，其中满意率为91.2%。",
    );
    // The categories cover the 298 items the government system handled: that is the total the
    // scheme speaks about (as in 海曙 2021); 315 and 12 stay as the session split.
    assert_eq!(fact(&p, "total_items"), Some(298.0));
    assert_eq!(fact(&p, "items_during_session"), Some(315.0));
    assert_eq!(fact(&p, "items_after_session"), Some(12.0));
    assert_eq!(fact(&p, "government_items"), Some(298.0));
    let c = cats(&p);
    assert_eq!(c.len(), 3, "{c:?}");
    assert_eq!(
        c[0],
        (
            "已解决或基本解决".into(),
            Some(196),
            None,
            vec!["resolved".to_string()]
        )
    );
    assert_eq!(
        c[1].3,
        vec!["in_progress".to_string(), "planned".to_string()]
    );
    assert_eq!(c[2].3, vec!["deferred".to_string()]);
    assert!(has_finding(&p, "isolated_outcome_count"));
    assert_eq!(facts(&p, "rate_satisfied_or_basic"), vec![99.3]);
    assert_eq!(facts(&p, "rate_satisfied"), vec![91.2]);
    let o = p.outcomes.iter().find(|o| o.tier == "resolved").unwrap();
    assert_eq!(
        (o.universe.as_str(), o.universe_count),
        ("all_items", Some(298))
    );
}

#[test]
fn shares_in_parentheses_either_side_of_the_count() {
    let p = process_text(
        "2023年，县政府共承办县人大代表建议215件。其中A类（问题已解决或基本解决）128件（59.5%），B类（问题正在解决或已列入计划解决）76件（35.4%），C类（因条件限制暂不能解决或作解释说明）11件（5.1%）。\n\
         从内容看，经济类45件（占20.9%），城建类60件（占27.9%），社会事业类110件（占51.2%）。",
    );
    let c = cats(&p);
    assert_eq!(
        c.iter().map(|c| (c.1, c.2)).collect::<Vec<_>>(),
        vec![
            (Some(128), Some(59.5)),
            (Some(76), Some(35.4)),
            (Some(11), Some(5.1))
        ]
    );
    let t: Vec<Option<f64>> = p.extraction.topics.iter().map(|t| t.pct_stated).collect();
    assert_eq!(t, vec![Some(20.9), Some(27.9), Some(51.2)]);
    let q = process_text(
        "提案办理结果:已解决或基本解决的占62.3%(76件),正在解决的占30.3%(37件),留作参考的占7.4%(9件)。",
    );
    assert_eq!(
        cats(&q).iter().map(|c| (c.1, c.2)).collect::<Vec<_>>(),
        vec![
            (Some(76), Some(62.3)),
            (Some(37), Some(30.3)),
            (Some(9), Some(7.4))
        ]
    );
}

#[test]
fn traditional_html_table_with_worded_rows() {
    let html = "<html><body><p>縣十七屆人大二次會議期間，代表共提出建議一百二十六件。</p><table><tr><th>辦理結果</th><th>件數</th><th>比例</th></tr>\
        <tr><td>已解決或基本解決</td><td>80</td><td>63.5%</td></tr><tr><td>正在解決</td><td>30</td><td>23.8%</td></tr>\
        <tr><td>列入計劃逐步解決</td><td>10</td><td>7.9%</td></tr><tr><td>留作參考</td><td>6</td><td>4.8%</td></tr></table>\
        <p>代表對辦理結果滿意率超過90%。</p></body></html>";
    let p = process_bytes(html.as_bytes(), banli::model::Format::Html);
    assert_eq!(fact(&p, "total_items"), Some(126.0));
    let c = cats(&p);
    assert_eq!(c.len(), 4);
    assert_eq!(p.extraction.categories[0].label_zh, "已解決或基本解決");
    assert_eq!(c[2].3, vec!["planned".to_string()]);
    let sat = p
        .extraction
        .facts
        .iter()
        .find(|f| f.fact == "rate_satisfied")
        .unwrap();
    assert_eq!((sat.value, sat.bound.as_str()), (90.0, "lower_bound"));
    assert_eq!(outcome(&p, "addressed"), (Some(95.2), Some(95.2), true));
}

#[test]
fn nested_sub_counts_sharpen_bounds_and_count_once() {
    let p = process_text(
        "代表提出的7160件建议已全部办理完毕。其中所提问题已经解决或计划逐步解决的5288件，占73.9%，其中已经解决的3096件，正在解决的536件。",
    );
    let c = &p.extraction.categories;
    assert_eq!(c.len(), 3);
    assert_eq!((c[1].parent, c[2].parent), (Some(0), Some(0)));
    let get = |t: &str| {
        p.outcomes
            .iter()
            .find(|o| o.tier == t)
            .map(|o| (o.count_low, o.count_high))
            .unwrap()
    };
    // Only the parent counts towards the universe; the 3096 resolved inside it raise the lower
    // bound of resolved and lower the upper bound of planned.
    assert_eq!(get("resolved"), (Some(3096), Some(7160)));
    assert_eq!(get("planned"), (Some(0), Some(7160 - 3096)));
    assert_eq!(get("addressed"), (Some(5288), Some(7160)));
    assert!(
        p.checks
            .iter()
            .any(|k| k.check == "nested_within_parent" && k.status == CheckStatus::Pass)
    );
}

#[test]
fn a_total_split_by_channel() {
    let p = process_text(
        "2022年，市政府共承办人大代表建议和政协提案386件，其中人大代表建议218件，政协提案168件。",
    );
    assert_eq!(fact(&p, "total_items"), Some(386.0));
    assert_eq!(fact(&p, "npc_items"), Some(218.0));
    assert_eq!(fact(&p, "cppcc_items"), Some(168.0));
}

#[test]
fn items_not_filed_are_no_filed_count() {
    // "未予立案…的8件" are the items refused; only the 621 filed ones are a filed count.
    let p = process_file(&case("009_"));
    assert_eq!(fact(&p, "rate_filed"), Some(98.73));
    let filed: Vec<f64> = p
        .extraction
        .facts
        .iter()
        .filter(|f| f.fact == "items_filed")
        .map(|f| f.value)
        .collect();
    assert!(!filed.contains(&8.0), "{filed:?}");
    let p = process_text("共收到提案120件，经审查立案110件；不予立案的10件转有关部门参考。");
    assert_eq!(fact(&p, "total_items"), Some(110.0));
    assert!(
        !p.extraction
            .facts
            .iter()
            .any(|f| f.fact == "items_filed" && f.value == 10.0)
    );
}

#[test]
fn a_share_of_all_items_beside_a_filed_count_is_the_filing_rate() {
    let p = process_file(&case("009_"));
    assert_eq!(fact(&p, "rate_filed"), Some(98.73));
    let p = process_text("共收到提案500件，经审查立案450件，占提案总数的90%。");
    assert_eq!(fact(&p, "rate_filed"), Some(90.0));
    // A share beside a count of another kind states no rate; nor does a share of a part.
    let p = process_text("共收到提案500件，交有关单位办理450件，占提案总数的90%。");
    assert_eq!(fact(&p, "rate_filed"), None);
    let p = process_text("共收到提案500件，经审查立案450件，占办复总数的90%。");
    assert_eq!(fact(&p, "rate_filed"), None);
}

/// Facts of one kind as (name, value), in reading order.
fn named_facts(p: &banli::model::Processed, kind: &str) -> Vec<(String, f64)> {
    p.extraction
        .facts
        .iter()
        .filter(|f| f.fact == kind)
        .map(|f| (f.name_zh.clone().unwrap_or_default(), f.value))
        .collect()
}

#[test]
fn proposals_split_by_proposer_are_neither_filed_counts_nor_a_channel() {
    // Hebei: "立案提案里集体提案188件，委员提案433件" split the 621 filed proposals.
    let p = process_file(&case("009_"));
    assert_eq!(
        named_facts(&p, "items_collective"),
        [("集体提案".to_string(), 188.0)]
    );
    assert_eq!(
        named_facts(&p, "items_individual"),
        [("委员提案".to_string(), 433.0)]
    );
    assert!(
        named_facts(&p, "items_filed")
            .iter()
            .all(|(_, v)| *v != 188.0)
    );
    assert_eq!(fact(&p, "cppcc_items"), None);
    // Traditional script keeps its wording in the name.
    let p = process_file(&case("047_"));
    assert_eq!(
        named_facts(&p, "items_individual"),
        [("委員個人和聯名提案".to_string(), 67.0)]
    );
    // Without a collective count in the sentence, 委员提案 is the CPPCC channel again.
    let p = process_text("市政府共承办建议和提案300件，其中人大代表建议180件，政协委员提案120件。");
    assert_eq!(fact(&p, "cppcc_items"), Some(120.0));
    assert!(named_facts(&p, "items_individual").is_empty());
}

#[test]
fn a_proposer_split_of_the_key_proposals_is_not_a_split_of_all() {
    // Jiangxi: "遴选重点提案预选件…其中民主党派、工商联、专委会集体提案10件，委员提案9件".
    let p = process_file(&case("013_"));
    assert!(named_facts(&p, "items_collective").is_empty());
    assert!(named_facts(&p, "items_individual").is_empty());
    assert_eq!(
        named_facts(&p, "key_items_collective"),
        [("集体提案".to_string(), 10.0)]
    );
    assert_eq!(
        named_facts(&p, "key_items_individual"),
        [("委员提案".to_string(), 9.0)]
    );
}

#[test]
fn items_handed_to_each_body_are_a_split_by_handler() {
    // Xi'an: "<body>承办N件" after the total; the parenthetical 合办 count stays a role, and the
    // 市政府 inside it does not make 市级有关组织 a government share.
    let p = process_file(&case("031_"));
    let by_handler = named_facts(&p, "items_by_handler");
    for want in [
        ("市人大常委会有关部门", 1.0),
        ("市政府及其所属部门", 374.0),
        ("市法院", 4.0),
        ("市检察院", 1.0),
        ("市级有关组织", 31.0),
    ] {
        assert!(
            by_handler.iter().any(|(n, v)| n == want.0 && *v == want.1),
            "{want:?} in {by_handler:?}"
        );
    }
    assert_eq!(
        named_facts(&p, "government_items"),
        [(String::new(), 374.0)]
    );
    assert!(named_facts(&p, "items_handled").is_empty());
    // The count before "交<body>办理"; 组织办理 is not the verb of 有关机关和组织.
    let p = process_text("全市共收到代表建议77件。其中72件交市政府办理，5件交有关机关和组织办理。");
    assert_eq!(
        named_facts(&p, "items_by_handler"),
        [
            ("市政府".to_string(), 72.0),
            ("有关机关和组织".to_string(), 5.0)
        ]
    );
    assert_eq!(named_facts(&p, "government_items"), [(String::new(), 72.0)]);
    // Bodies listed after "交办:" without a verb of their own.
    let p = process_text(
        "代表共提出建议973件。常委会按承办单位职能进行交办：市人大常委会机关12件，市人民政府877件，本市其他机关和组织45件。",
    );
    assert_eq!(
        named_facts(&p, "items_by_handler").len(),
        3,
        "{:?}",
        p.extraction.facts
    );
    // Sichuan: role words inside bodies' names (常委会办事, 联合办理) are no roles.
    let p = process_file(&case("005_"));
    assert!(p.extraction.roles.is_empty(), "{:?}", p.extraction.roles);
    assert_eq!(named_facts(&p, "items_by_handler").len(), 3);
    // Before any total there is no split to make.
    let p = process_text("市法院承办4件。");
    assert!(named_facts(&p, "items_by_handler").is_empty());
}

#[test]
fn a_share_printed_after_a_parenthetical_belongs_to_the_count_before_it() {
    // Chongqing: "共收到建议1284件（涉及分办建议95件），占全市建议总数的93.2%".
    let p = process_file(&case("015_"));
    assert_eq!(fact(&p, "government_share"), Some(93.2));
    // A count inside the parenthetical does not take the share.
    let p = process_text("全市政府系统共收到建议500件（其中重点建议20件），占全市建议总数的90%。");
    assert_eq!(fact(&p, "government_share"), Some(90.0));
    assert_eq!(fact(&p, "key_items"), Some(20.0));
}

#[test]
fn a_session_count_of_answered_items_is_no_session_split() {
    // Chongqing 2023: "闭会建议15件" is the split; "闭会建议按时办结回复13件" counts answers.
    let p = process_file(&case("016_"));
    assert_eq!(facts(&p, "items_after_session"), [15.0]);
    assert_eq!(facts(&p, "items_during_session"), [1195.0]);
}

#[test]
fn a_code_after_the_count_with_its_definition_after_ji() {
    let p = process_text(
        "区人大代表共提出建议172件。从办理结果看,101件为A类,即所提问题已解决或基本解决,占58.7%;\
         71件为B类,即所提问题正在解决或列入计划解决,占41.3%。",
    );
    let codes: Vec<Option<String>> = p
        .extraction
        .categories
        .iter()
        .map(|c| c.code.clone())
        .collect();
    assert_eq!(codes, [Some("A".to_string()), Some("B".to_string())]);
    assert_eq!(cats(&p)[0].0, "所提问题已解决或基本解决");
    assert_eq!(cats(&p)[0].2, Some(58.7));
    // `B类 41件,占 28.5 %,即…`: the definition follows the share.
    let p = process_text(
        "立案提案144件。办理结果为A类的 96件,占 66.7 %,即所提问题已经解决或采纳;\
         B类 48件,占 33.3 %,即正在解决或列入计划解决。",
    );
    assert_eq!(cats(&p)[1].0, "正在解决或列入计划解决");
    assert_eq!(cats(&p)[1].3, ["in_progress", "planned"]);
}

#[test]
fn shares_listed_after_fenbie_go_to_the_counts_in_order_and_recaps_are_dropped() {
    let p = process_text(
        "共承办建议297件。已解决98件、正在解决116件、列入计划64件、留作参考19件,\
         分别占33.0%、39.1%、21.5%、6.4%。\n下一步,对正在解决和列入计划的180件建议建立跟踪台账。",
    );
    let shares: Vec<(Option<i64>, Option<f64>)> = cats(&p).iter().map(|c| (c.1, c.2)).collect();
    assert_eq!(
        shares,
        [
            (Some(98), Some(33.0)),
            (Some(116), Some(39.1)),
            (Some(64), Some(21.5)),
            (Some(19), Some(6.4))
        ]
    );
    assert!(has_finding(&p, "recap_of_categories"));
}

#[test]
fn handed_to_a_body_after_a_qualified_noun_or_with_a_listed_body() {
    let p = process_text(
        "共收到提案812件,立案735件。立案提案交省政府及其部门办理668件,\
         交省委有关部门办理41件,其余26件由省法院、省检察院等单位办理。",
    );
    assert_eq!(
        named_facts(&p, "items_by_handler"),
        [
            ("省政府及其部门".to_string(), 668.0),
            ("省委有关部门".to_string(), 41.0),
            ("省法院、省检察院等单位".to_string(), 26.0)
        ]
    );
    // A filed count that goes on to name where it went stays a filed count.
    let p =
        process_text("共收到提案629件,其中经审查立案交有关单位办理的621件,占提案总数的98.73%。");
    assert!(named_facts(&p, "items_by_handler").is_empty());
    assert_eq!(fact(&p, "rate_filed"), Some(98.73));
}

#[test]
fn a_yearless_meeting_date_takes_its_year_from_the_page_date() {
    let p = process_text(
        "来源:长兴新闻网  发布时间:2015-11-27 09:30  浏览次数:1026\n\
         11月26日,县十六届人大常委会第二十七次会议听取了县政府关于代表建议办理情况的报告。\n\
         代表共提出建议167件,已全部办结。",
    );
    let date = p.doc.meta.report_date.map(|d| (d.year, d.month, d.day));
    assert_eq!(date, Some((2015, 11, 26)));
}

#[test]
fn codes_opening_a_line_or_in_a_column_of_their_own() {
    let p = process_text(
        "县政府共承办建议64件。从办理结果看:\nA类:所提问题已经解决或基本解决的40件,占62.5%;\n\
         B类:所提问题正在解决的24件,占37.5%。",
    );
    let codes: Vec<Option<String>> = p
        .extraction
        .categories
        .iter()
        .map(|c| c.code.clone())
        .collect();
    assert_eq!(codes, [Some("A".to_string()), Some("B".to_string())]);
    let p = process_text(
        "市人大代表共提出建议400件。\n|类别|办理结果|件数(件)|占比\n\
         |A类|所提问题已解决或基本解决| 238 |59.50%\n|B类|所提问题正在解决或列入计划解决| 162 |40.50%\n\
         |合计|400|100.00%",
    );
    let rows: Vec<(Option<String>, String, Option<i64>)> = p
        .extraction
        .categories
        .iter()
        .map(|c| (c.code.clone(), c.label_norm.clone(), c.count))
        .collect();
    assert_eq!(
        rows,
        [
            (
                Some("A".into()),
                "所提问题已解决或基本解决".into(),
                Some(238)
            ),
            (
                Some("B".into()),
                "所提问题正在解决或列入计划解决".into(),
                Some(162)
            )
        ]
    );
}

#[test]
fn a_gazette_header_inside_a_label_and_planning_named_as_a_constraint() {
    let p = process_text(
        "代表共提出建议200件。所提问题已解决或基本\n常德市人民政府公报　　　　　2019年第11期\n解决的150件,占75%;\
         因资金、规划等条件限制留作参考的50件,占25%。",
    );
    let c = cats(&p);
    assert_eq!(c[0].0, "所提问题已解决或基本解决的");
    assert_eq!(c[1].3, ["deferred"]);
}

#[test]
fn outcome_phrasings_of_the_third_round() {
    // Count, wording, share in parentheses.
    let p = process_text(
        "立案提案167件。87件所提问题当年已解决或基本解决(占52.1%),72件列入今后3年计划逐步解决\
         (占43.1%),8件作为工作参考(占4.8%)。",
    );
    let got: Vec<(String, Option<i64>, Option<f64>)> =
        cats(&p).into_iter().map(|c| (c.0, c.1, c.2)).collect();
    assert_eq!(
        got[0],
        (
            "所提问题当年已解决或基本解决".to_string(),
            Some(87),
            Some(52.1)
        )
    );
    assert_eq!(got.len(), 3);
    // A quoted code without 类, its definition in parentheses.
    let p = process_text(
        "代表共提出建议176件。办理结果为“A”(所提问题已经解决或采纳)的104件,占59.09%;\
         为“B”(所提问题正在解决或已列入工作计划)的72件,占40.91%。",
    );
    let codes: Vec<Option<String>> = p
        .extraction
        .categories
        .iter()
        .map(|c| c.code.clone())
        .collect();
    assert_eq!(codes, [Some("A".to_string()), Some("B".to_string())]);
    assert_eq!(cats(&p)[0].0, "所提问题已经解决或采纳");
    // Code and count first, the wording in parentheses after the count.
    let p = process_text(
        "共立案提案352件。A类213件(所提问题已解决或基本解决),占60.5%;\
         B类139件(所提问题正在解决或列入计划解决),占39.5%。",
    );
    let codes: Vec<Option<String>> = p
        .extraction
        .categories
        .iter()
        .map(|c| c.code.clone())
        .collect();
    assert_eq!(codes, [Some("A".to_string()), Some("B".to_string())]);
    // A share after a parenthetical remark on a rate's name is not the count's share.
    let p = process_text(
        "代表对146件建议办理结果表示满意的121件、基本满意的22件、不满意的3件,满意率(含基本满意)为97.9%。",
    );
    assert_eq!(fact(&p, "rate_dissatisfied"), None);
}

#[test]
fn a_table_announced_as_topics_is_topics() {
    let p = process_text(
        "共立案提案100件。\n立案提案按内容分类如下:\n类别|件数|占比\n脱贫攻坚和农业农村|60|60%\n\
         医疗卫生和计划生育|40|40%\n合计|100|100%",
    );
    assert!(p.extraction.categories.is_empty());
    assert_eq!(p.extraction.topics.len(), 2);
}

#[test]
fn datelines_after_a_byline_or_a_document_number_and_delivery_beats_a_page_date() {
    let date = |text: &str| {
        process_text(text)
            .doc
            .meta
            .report_date
            .map(|d| (d.year, d.month, d.day))
    };
    assert_eq!(
        date(
            "区政协十六届三次会议开幕\n吴江日报讯(记者 沈佳怡)2024年1月8日上午,政协第十六届委员会第三次会议开幕。\n\
             区政协共收到提案312件。"
        ),
        Some((2024, 1, 8))
    );
    assert_eq!(
        date(
            "关于代表建议办理情况的报告\n日期:2015-11-25 来源:县政府办公室\n\
             ——2015年11月20日在县第十六届人民代表大会常务委员会第二十一次会议上\n代表共提出建议186件。"
        ),
        Some((2015, 11, 20))
    );
    assert_eq!(
        date(
            "东莞人大代表建议办理结果出炉　逾五成问题已解决\n2018-12-28 08:41　来源:香港商报网\n\
             【香港商报网讯】记者 黄颖 报道:12月27日,东莞市十六届人大常委会第十九次会议听取了报告。\n\
             市人大代表共提出建议478件。"
        ),
        Some((2018, 12, 27))
    );
}

#[test]
fn last_years_figures_printed_first_are_set_aside() {
    let p = process_text(
        "去年,市政府系统共承办建议586件,其中已经解决或基本解决的301件,占51.4%;正在解决的285件,占48.6%,代表满意率98.6%。\n\
         今年,代表共提出建议541件。从办理结果看,已经解决或基本解决的296件,占54.7%;正在解决的245件,占45.3%。代表满意率99.3%。",
    );
    let counts: Vec<Option<i64>> = cats(&p).iter().map(|c| c.1).collect();
    assert_eq!(counts, [Some(296), Some(245)]);
    assert_eq!(fact(&p, "total_items"), Some(541.0));
    assert_eq!(facts(&p, "rate_satisfied"), [99.3]);
    assert!(has_finding(&p, "previous_period_figures"));
}

#[test]
fn a_period_opening_the_clauses_before_the_count_splits_the_total() {
    let p = process_text(
        "省十三届人大三次会议期间,代表共提出建议812件;闭会期间,代表通过代表工作委员会提出建议47件,\
         合计859件。",
    );
    assert_eq!(fact(&p, "items_during_session"), Some(812.0));
    assert_eq!(fact(&p, "items_after_session"), Some(47.0));
    // Both periods at once are the total, not a split.
    let p = process_text("区八届人大四次会议期间及闭会期间,代表共提出建议290件。");
    assert_eq!(fact(&p, "items_during_session"), None);
    assert_eq!(fact(&p, "items_after_session"), None);
}

/// Each channel's outcome rows, as (channel, tier, share_low, share_high, universe_count).
fn channel_rows(
    p: &banli::model::Processed,
) -> Vec<(String, String, Option<f64>, Option<f64>, Option<i64>)> {
    p.channel_outcomes
        .iter()
        .map(|o| {
            (
                o.channel.clone().unwrap_or_default(),
                o.tier.clone(),
                o.share_low,
                o.share_high,
                o.universe_count,
            )
        })
        .collect()
}

#[test]
fn two_channels_classified_separately_are_normalized_apart_and_pooled() {
    let p = process_text(
        "2024年,市政府共承办代表建议142件、委员提案167件,合计309件。\n\
         建议方面:经评定,A类(所提问题已经解决或基本解决)86件,B类(正在解决或列入计划逐步解决)49件,\
         C类(因条件限制暂时无法解决,留作参考)7件。\n\
         提案方面:87件所提问题当年已解决或基本解决(占52.1%),72件列入今后3年计划逐步解决(占43.1%),\
         8件作为工作参考(占4.8%)。",
    );
    let channels: Vec<Option<&str>> = p
        .extraction
        .categories
        .iter()
        .map(|c| c.channel.as_deref())
        .collect();
    assert_eq!(
        channels,
        [Some("npc_suggestion"); 3]
            .into_iter()
            .chain([Some("cppcc_proposal"); 3])
            .collect::<Vec<_>>()
    );
    let universes: Vec<(&str, Option<i64>)> = p
        .extraction
        .categories
        .iter()
        .map(|c| (c.universe.as_str(), c.universe_count))
        .collect();
    assert_eq!(universes[0], ("npc_items", Some(142)));
    assert_eq!(universes[5], ("cppcc_items", Some(167)));
    let rows = channel_rows(&p);
    let resolved = |ch: &str| {
        rows.iter()
            .find(|r| r.0 == ch && r.1 == "resolved")
            .map(|r| (r.2, r.4))
    };
    assert_eq!(resolved("npc_suggestion"), Some((Some(60.6), Some(142))));
    assert_eq!(resolved("cppcc_proposal"), Some((Some(52.1), Some(167))));
    // Pooled: 86 + 87 of 142 + 167, never 173 of 167.
    assert_eq!(outcome(&p, "resolved"), (Some(56.0), Some(56.0), true));
    assert!(p.outcomes.iter().all(|o| o.universe_count == Some(309)));
    let sums: Vec<(Option<&str>, CheckStatus)> = p
        .checks
        .iter()
        .filter(|c| c.check == "categories_sum")
        .map(|c| (c.subject.as_deref(), c.status))
        .collect();
    assert!(sums.contains(&(Some("npc_suggestion"), CheckStatus::Pass)));
    assert!(sums.contains(&(Some("cppcc_proposal"), CheckStatus::Pass)));
}

#[test]
fn one_pooled_scheme_over_both_channels_stays_one_scheme() {
    let p = process_text(
        "共承办代表建议142件、委员提案167件,合计309件。其中,已解决或基本解决的173件,\
         正在解决或列入计划的121件,留作参考的15件。\n提案方面,委员满意率99.4%。",
    );
    assert!(p.extraction.categories.iter().all(|c| c.channel.is_none()));
    assert!(p.channel_outcomes.is_empty());
    assert_eq!(outcome(&p, "resolved"), (Some(56.0), Some(56.0), true));
}

#[test]
fn a_table_with_a_column_group_per_channel_gives_each_channel_its_scheme() {
    let p = process_text(
        "共承办代表建议143件、委员提案165件,共计308件。办理结果统计如下:\n\
         办理结果|代表建议(件)|占比|政协提案(件)|占比\n\
         A类(已解决或基本解决)|68|47.55%|81|49.09%\n\
         B类(正在解决或列入计划解决)|57|39.86%|63|38.18%\n\
         C类(因条件限制暂不能解决或留作参考)|18|12.59%|21|12.73%\n\
         合计|143|100%|165|100%\n",
    );
    let got: Vec<(Option<String>, Option<String>, Option<i64>, Option<f64>)> = p
        .extraction
        .categories
        .iter()
        .map(|c| (c.channel.clone(), c.code.clone(), c.count, c.pct_stated))
        .collect();
    let row = |ch: &str, code: &str, n: i64, pct: f64| {
        (
            Some(ch.to_string()),
            Some(code.to_string()),
            Some(n),
            Some(pct),
        )
    };
    assert_eq!(
        got,
        [
            row("npc_suggestion", "A", 68, 47.55),
            row("npc_suggestion", "B", 57, 39.86),
            row("npc_suggestion", "C", 18, 12.59),
            row("cppcc_proposal", "A", 81, 49.09),
            row("cppcc_proposal", "B", 63, 38.18),
            row("cppcc_proposal", "C", 21, 12.73),
        ]
    );
    assert_eq!(cats(&p)[0].0, "已解决或基本解决");
    assert_eq!(outcome(&p, "resolved"), (Some(48.4), Some(48.4), true));
    assert_eq!(fact(&p, "table_total"), Some(308.0));
}

#[test]
fn a_table_with_a_total_column_reads_the_total_and_no_share_from_a_count_column() {
    let p = process_text(
        "主办件办理结果统计如下:\n类别|代表建议|委员提案|合计\n\
         A类(已解决或基本解决)|3|1|4\nB类(正在解决或列入计划解决)|1|1|2\n\
         C类(受条件限制暂不能解决,留作参考)|0|1|1\n合计|4|3|7\n",
    );
    let got: Vec<(Option<i64>, Option<f64>)> = cats(&p).iter().map(|c| (c.1, c.2)).collect();
    assert_eq!(got, [(Some(4), None), (Some(2), None), (Some(1), None)]);
    assert!(p.extraction.categories.iter().all(|c| c.channel.is_none()));
}

#[test]
fn codes_named_after_their_definitions_take_them_as_labels() {
    let p = process_text(
        "提案办理结果分为三类:所提问题已经解决或基本解决的为A类;所提问题正在解决或有关工作已经启动的,\
         列为B类;因政策、财力等条件限制,所提意见留作工作参考的为C类。\
         经统计,属于A类的有97件,占50.5%;属于B类的有58件,占30.2%;属于C类的有37件,占19.3%。",
    );
    let got: Vec<(String, Vec<String>)> = cats(&p).into_iter().map(|c| (c.0, c.3)).collect();
    assert_eq!(
        got[0],
        (
            "所提问题已经解决或基本解决的".to_string(),
            vec!["resolved".to_string()]
        )
    );
    assert_eq!(got[1].1, ["in_progress"]);
    assert_eq!(got[2].1, ["deferred"]);
}

#[test]
fn a_count_after_a_share_with_ji_and_a_marked_recap_with_a_share() {
    let p = process_text(
        "共立案提案343件。从办理结果看,所提问题解决或基本解决的占总数的76.4%,计262件;\
         列入计划逐步解决的占12.8%,计44件;作为工作参考的占10.8%,计37件。",
    );
    let got: Vec<(Option<i64>, Option<f64>)> = cats(&p).iter().map(|c| (c.1, c.2)).collect();
    assert_eq!(
        got,
        [
            (Some(262), Some(76.4)),
            (Some(44), Some(12.8)),
            (Some(37), Some(10.8))
        ]
    );
    let p = process_text(
        "共承办建议312件,其中已解决的121件,占38.8%;基本解决的68件,占21.8%;正在解决的80件,占25.6%;\
         留作参考的43件,占13.8%。\n已解决和基本解决两项合计189件,占60.6%。",
    );
    assert_eq!(cats(&p).len(), 4);
    assert!(has_finding(&p, "recap_of_categories"));
}

#[test]
fn the_key_items_own_outcomes_are_set_aside_from_the_main_scheme() {
    let p = process_text(
        "390件提案已全部办复。其中,所提问题已经解决或基本解决的有223件,占57.2%;所提问题正在解决或\
         列入计划解决的有142件,占36.4%;留作参考的有25件,占6.4%。15件重点提案中,已解决或基本解决的\
         11件,其余4件已列入相关规划和年度计划。",
    );
    let counts: Vec<Option<i64>> = cats(&p).iter().map(|c| c.1).collect();
    assert_eq!(counts, [Some(223), Some(142), Some(25)]);
    assert!(has_finding(&p, "key_items_outcomes"));
    // A report whose only scheme is the key items' keeps it.
    let p = process_text("15件重点提案中,已解决或基本解决的11件,已列入相关规划和年度计划的4件。");
    assert_eq!(cats(&p).len(), 2);
}

#[test]
fn categories_over_a_part_leave_the_total_at_all_items_in_a_congress_report() {
    let p = process_text(
        "漯河市人大常委会关于代表建议办理情况的报告\n2021年,代表共提出建议263件,\
         由市政府系统承办241件,由市法院等单位承办22件。\n市政府系统承办的241件建议中,\
         已解决的129件,正在解决的89件,留作参考的23件。",
    );
    assert_eq!(p.doc.meta.issuer_kind.as_deref(), Some("congress"));
    assert_eq!(fact(&p, "total_items"), Some(263.0));
    assert_eq!(fact(&p, "government_items"), Some(241.0));
    assert_eq!(p.extraction.categories[0].universe_count, Some(241));
    // The government's own report speaks about the items it handled.
    let p = process_text(
        "漯河市人民政府关于代表建议办理情况的报告\n2021年,代表共提出建议263件,\
         由市政府系统承办241件。\n241件建议中,已解决的129件,正在解决的89件,留作参考的23件。",
    );
    assert_eq!(fact(&p, "total_items"), Some(241.0));
    // Lead items are a part of every report's items.
    let p = process_text(
        "2020年,我院共办理建议提案32件。10件主办件中,已解决的6件,正在解决的3件,留作参考的1件。",
    );
    assert_eq!(fact(&p, "total_items"), Some(32.0));
}

// ---- Session 13: phrasings met in real report excerpts (numbers changed) ----

#[test]
fn a_label_may_open_with_the_clause_that_names_its_subject() {
    let p = process_text(
        "市人大代表共提出建议120件。其中:代表提出的建议、批评和意见得到解决或正在实施的45件,占37.5%;\
         已经予以采纳并计划在今后逐步解决的50件,占41.7%;暂时无法解决,向代表作出说明的25件,占20.8%。",
    );
    let got: Vec<(Option<i64>, Vec<String>)> = cats(&p).into_iter().map(|c| (c.1, c.3)).collect();
    assert_eq!(
        got,
        [
            (Some(45), vec!["resolved".into(), "in_progress".into()]),
            (Some(50), vec!["planned".into()]),
            (Some(25), vec!["deferred".into()]),
        ]
    );
    assert_eq!(fact(&p, "items_received"), None);
    // Nor does a statement listed before the wording (`已全部办复、`) hide it.
    let p = process_text(
        "目前,这些提案已全部办复、已基本落实或正在落实的480件,占85.7%;列入计划的60件,占10.7%;\
         暂时不能解决的20件,占3.6%。",
    );
    let counts: Vec<Option<i64>> = cats(&p).iter().map(|c| c.1).collect();
    assert_eq!(counts, [Some(480), Some(60), Some(20)]);
    // A subject clause does not rescue a clause that is no outcome (已全部办结).
    let p = process_text("市人大代表共提出建议120件。代表提出的建议已全部办结118件。");
    assert!(cats(&p).is_empty());
}

#[test]
fn pinyin_glosses_inside_words_are_removed_and_the_evidence_keeps_the_original() {
    let text = "市五屆人大三次會(huì)議交由市政府辦理的代表建議80件。從辦理情況來(lái)看,已經(jīng)解決或基本解決的(A類(lèi))44件,\
                占55%;正在解決的(B類(lèi))30件,占37.5%;留作參考的(C類(lèi))6件,占7.5%。";
    let p = process_text(text);
    let codes: Vec<Option<String>> = p
        .extraction
        .categories
        .iter()
        .map(|c| c.code.clone())
        .collect();
    assert_eq!(
        codes,
        [Some("A".into()), Some("B".into()), Some("C".into())]
    );
    assert_eq!(fact(&p, "total_items"), Some(80.0));
    assert_eq!(p.doc.meta.session_zh.as_deref(), Some("市五屆人大三次會議"));
    // Labels as printed leave the glosses out; the spans still point into the original.
    let a = &p.extraction.categories[0];
    assert!(!a.label_zh.contains("(l"), "{}", a.label_zh);
    let chars: Vec<char> = text.chars().collect();
    let span = a.evidence.orig;
    let behind: String = chars[span.start as usize..span.end as usize]
        .iter()
        .collect();
    assert!(
        behind.contains("(jīng)解決") && behind.contains("44件"),
        "{behind}"
    );
}

#[test]
fn a_scheme_over_the_lead_items_is_counted_over_them() {
    let p = process_text(
        "2022年,我局共承办建议提案52件,其中主办20件、协办32件。\n从主办件办理结果看,20件中:\
         A类(所提问题已经解决)12件,B类(正在解决或列入计划)6件,C类(留作参考)2件。",
    );
    assert_eq!(fact(&p, "total_items"), Some(52.0));
    let a = &p.extraction.categories[0];
    assert_eq!(
        (a.universe.as_str(), a.universe_count),
        ("lead_items", Some(20))
    );
    assert_eq!(outcome(&p, "resolved"), (Some(60.0), Some(60.0), true));
    // Without a lead count that fits, the scheme stays over all items.
    let p = process_text(
        "2022年,我局共承办建议提案52件,其中主办21件、协办31件。\n20件中:\
         A类(所提问题已经解决)12件,B类(正在解决或列入计划)6件,C类(留作参考)2件。",
    );
    assert_ne!(p.extraction.categories[0].universe, "lead_items");
}

#[test]
fn a_lone_count_restating_a_category_of_the_scheme_is_set_aside() {
    let p = process_text(
        "会议期间代表共提出建议240件,其中共有110件建议已经解决或采纳。\n从办理答复情况看,建议中所提问题\
         已经解决或者采纳的有110件,占45.8%;列入计划逐步解决的有96件,占40%;留供参考的有34件,占14.2%。\n\
         下一步,将对列入计划的96件建议开展跟踪督办。",
    );
    let counts: Vec<Option<i64>> = cats(&p).iter().map(|c| c.1).collect();
    assert_eq!(counts, [Some(110), Some(96), Some(34)]);
    assert!(has_finding(&p, "restated_category"));
    // One category to a sentence is a scheme, not restatements.
    let p = process_text("共收到建议240件。已经解决的110件。列入计划的96件。留作参考的34件。");
    assert_eq!(cats(&p).len(), 3);
}

#[test]
fn count_first_lists_take_each_label_from_the_right() {
    let p = process_text("共立案提案250件。100件已解决、120件正在解决、30件留作参考。");
    let got: Vec<(String, Option<i64>)> = cats(&p).into_iter().map(|c| (c.0, c.1)).collect();
    assert_eq!(
        got,
        [
            ("已解决".into(), Some(100)),
            ("正在解决".into(), Some(120)),
            ("留作参考".into(), Some(30)),
        ]
    );
    // A rate after the list is no part of the last label; channel nouns open labels.
    let p = process_text(
        "审查立案的250件提案已全部办理完毕。180件委员提案被采纳、50件委员提案被部分采纳,\
         采纳和部分采纳率达92%。",
    );
    let got: Vec<(String, Option<i64>, Vec<String>)> =
        cats(&p).into_iter().map(|c| (c.0, c.1, c.3)).collect();
    assert_eq!(
        got,
        [
            ("被采纳".into(), Some(180), vec!["resolved".into()]),
            ("被部分采纳".into(), Some(50), vec!["in_progress".into()]),
        ]
    );
}

#[test]
fn a_subject_piece_before_the_wording_and_shares_cut_off_rather_than_rounded() {
    let p = process_text(
        "转交县政府办理的政协提案96件。96件提案中,47件提案所提问题已经解决或基本解决,占比48%;\
         42件提案所提问题需要长期坚持去抓,已列入工作计划中,占比43%;7件提案所提问题因客观因素制约,\
         暂时难以解决留做参考,占比7%。",
    );
    let got: Vec<(Option<i64>, Vec<String>)> = cats(&p).into_iter().map(|c| (c.1, c.3)).collect();
    assert_eq!(
        got,
        [
            (Some(47), vec!["resolved".into()]),
            (Some(42), vec!["planned".into()]),
            (Some(7), vec!["deferred".into()]),
        ]
    );
    // 47/96 is 48.96%, printed 48%: cut off, so the universe is still the 96 items.
    assert_eq!(p.extraction.categories[0].universe_count, Some(96));
    assert_eq!(p.extraction.categories[0].universe, "all_items");
}

#[test]
fn a_count_before_a_label_that_runs_into_the_next_count_is_its_universe() {
    let p = process_text(
        "由我市主办的建议、提案共有20件,其中人大代表建议8件,政协委员提案12件。\
         8件人大代表建议所提问题已经解决(A类)1件,占12.5%。正在解决或列入计划逐步解决(B类)7件,占87.5%。",
    );
    let got: Vec<(Option<i64>, Option<f64>)> = cats(&p).into_iter().map(|c| (c.1, c.2)).collect();
    assert_eq!(got, [(Some(1), Some(12.5)), (Some(7), Some(87.5))]);
    // A comma between them keeps both counts categories of their own.
    let p = process_text(
        "共立案284件。其中,有153件提案所反映的问题已经得到解决,97件正在落实推进,34件已列入计划逐步解决。",
    );
    let counts: Vec<Option<i64>> = cats(&p).iter().map(|c| c.1).collect();
    assert_eq!(counts, [Some(153), Some(97), Some(34)]);
}

#[test]
fn categories_of_a_count_named_in_passing_leave_a_stated_total() {
    let p = process_text(
        "县政府共收到代表建议90件,目前已办结89件,其中已得到解决60件,占66.67%,正在解决的17件,\
         占18.89%,规划解决的12件,占13.33%。",
    );
    assert_eq!(fact(&p, "total_items"), Some(90.0));
    assert_eq!(p.extraction.categories[0].universe_count, Some(90));
}

#[test]
fn tier_wordings_met_in_real_reports() {
    use banli::normalize::phrase_tiers;
    for (label, tiers) in [
        ("已经予以采纳并计划在今后逐步解决的", vec!["planned"]),
        ("所提建议已采纳并落实的", vec!["resolved"]),
        ("前瞻性较强,短期内不具备条件采纳落实的", vec!["deferred"]),
        (
            "正在进一步讨论落实或列入规划逐步解决的",
            vec!["in_progress", "planned"],
        ),
        ("建议意见已在办复前就得到了较好地落实", vec!["resolved"]),
        ("得到解决或正在实施的", vec!["resolved", "in_progress"]),
        (
            "已落实或逐步实施代表所提问题的",
            vec!["resolved", "planned"],
        ),
        ("已解决或年内解决的", vec!["resolved", "planned"]),
    ] {
        let (got, _, _) = phrase_tiers(label, &RULES.tiers);
        assert_eq!(got, tiers, "{label}");
    }
}

#[test]
fn a_second_scheme_over_a_subset_is_set_aside_and_merges_are_no_total() {
    let p = process_text(
        "共提交提案材料600件,经审查立案480件,并案25件,交由90家承办单位办理。\n从办理结果看,\
         提案所提建议得到解决或部分解决的A类440件,占91.67%;列入计划逐步解决的B类34件,占7.08%;\
         短期内不具备条件采纳落实的C类6件,占1.25%。由市级党群系统承办的有60件,所提问题已得到解决的\
         A类件有48件,占80%;所提问题列入计划逐步解决的B类件有12件,占20%。",
    );
    let counts: Vec<Option<i64>> = cats(&p).iter().map(|c| c.1).collect();
    assert_eq!(counts, [Some(440), Some(34), Some(6)]);
    assert!(has_finding(&p, "subset_scheme"));
    assert_eq!(fact(&p, "total_items"), Some(480.0));
    assert_eq!(outcome(&p, "deferred"), (Some(1.3), Some(1.3), true));
    // Schemes of two channels reuse the codes; neither is a subset of the other.
    let p = process_text(
        "人大代表建议方面:A类(已经解决)30件,B类(正在解决)10件。\n政协提案方面:A类(已经解决)20件,\
         B类(正在解决)8件。",
    );
    assert_eq!(cats(&p).len(), 4);
    assert!(!has_finding(&p, "subset_scheme"));
}

#[test]
fn a_note_after_a_rate_name_names_the_rate() {
    let p = process_text(
        "128件建议全部按期办理完毕,并书面答复各位代表,见面率、答复率、满意率(含基本满意)均为100%。",
    );
    assert_eq!(fact(&p, "rate_face_to_face"), Some(100.0));
    assert_eq!(fact(&p, "rate_answered"), Some(100.0));
    assert_eq!(fact(&p, "rate_satisfied_or_basic"), Some(100.0));
    assert_eq!(fact(&p, "rate_satisfied"), None);
    // A note that names nothing leaves the rate as its name says.
    let p = process_text("代表建议办理满意率(按件计)为97%。");
    assert_eq!(fact(&p, "rate_satisfied"), Some(97.0));
}

#[test]
fn a_share_followed_by_a_handling_verb_is_that_rate() {
    let p = process_text("经审查,立案3210件,交150家承办单位办理。截至12月20日,98.7%已经办复。");
    assert_eq!(fact(&p, "rate_answered"), Some(98.7));
    assert_eq!(fact(&p, "total_items"), Some(3210.0));
    // A category's share is never read so.
    let p = process_text("共承办建议300件,已解决的120件,占40%已经办结。");
    assert_eq!(fact(&p, "rate_completed"), None);
}

#[test]
fn codes_written_lei_jian_enumerated_restatements_and_key_item_only_schemes() {
    // `(A类件)` closes a label like `(A类)`.
    let p = process_text(
        "共承办提案126件。得到解决和基本解决的(A类件)30件,占23.81%;正在解决的(B类件)90件,\
         占71.43%;一时难以解决的(C类件)6件,占4.76%。",
    );
    let codes: Vec<Option<String>> = p
        .extraction
        .categories
        .iter()
        .map(|c| c.code.clone())
        .collect();
    assert_eq!(
        codes,
        [Some("A".into()), Some("B".into()), Some("C".into())]
    );
    // A later section repeating one category under a list marker restates it.
    let p = process_text(
        "共承办建议80件。其中已经落实的“A”类建议66件,占82.5%;正在落实或列入计划落实的“B”类建议9件,\
         占11.25%;暂时难以落实的“C”类建议5件,占6.25%。\n二、办理成效\n(一)已经落实的66件,占82.5%。\
         如修建了便民市场。",
    );
    let counts: Vec<Option<i64>> = cats(&p).iter().map(|c| c.1).collect();
    assert_eq!(counts, [Some(66), Some(9), Some(5)]);
    // The key items' split, the report's only scheme, is counted over the key items.
    let p = process_text(
        "今年共收到代表建议212件,确定重点建议10件。10件重点建议中,已经解决或基本解决的7件,\
         正在逐步解决的3件。",
    );
    let a = &p.extraction.categories[0];
    assert_eq!(
        (a.universe.as_str(), a.universe_count),
        ("key_items", Some(10))
    );
    assert_eq!(outcome(&p, "resolved"), (Some(70.0), Some(70.0), true));
    // A threshold that counts items is no rate.
    let p = process_text("245件建议中,代表对办理工作满意率达80%以上的有229件,占93%。");
    assert_eq!(fact(&p, "rate_satisfied"), None);
}

#[test]
fn a_scheme_over_both_channels_counts_the_sum_of_their_counts() {
    let p = process_text(
        "2019年,县政府系统共承办人大代表建议52件、政协委员提案68件。其中,已解决或正在解决的80件,\
         占66.67%;已列入计划,正逐步解决的30件,占25%;因条件限制暂不能解决的10件,占8.33%。",
    );
    assert_eq!(fact(&p, "npc_items"), Some(52.0));
    assert_eq!(fact(&p, "cppcc_items"), Some(68.0));
    let total = p
        .extraction
        .facts
        .iter()
        .find(|f| f.fact == "total_items")
        .expect("total");
    assert_eq!(total.value, 120.0);
    assert_eq!(total.provenance, banli::model::Provenance::Derived);
    assert_eq!(p.extraction.categories[0].universe_count, Some(120));
    // Without categories, a total's clause listing both channels' counts is read the same way.
    let p = process_text("2018年,该局共承办人大建议 15 件,政协提案 7 件,内容涉及农田水利建设。");
    assert_eq!(fact(&p, "npc_items"), Some(15.0));
    assert_eq!(fact(&p, "total_items"), Some(22.0));
    // A printed total over both channels stays the total.
    let p =
        process_text("我局共承办代表建议和委员提案60件,其中人大代表建议35件、政协委员提案25件。");
    assert_eq!(fact(&p, "total_items"), Some(60.0));
    // Categories that sum to one channel's count keep that count as the total.
    let p = process_text(
        "2019年,县政府系统共承办人大代表建议52件、政协委员提案68件。建议办理中,已解决的30件,\
         正在解决的22件。",
    );
    assert_ne!(fact(&p, "total_items"), Some(120.0));
}

#[test]
fn approximate_shares_respective_shares_over_a_named_universe_and_codes_with_de() {
    let p = process_text(
        "共承办建议730件。已解决的612件,约占总数的83.8%;列入计划的116件,约占总数的15.9%;\
         留作参考的2件,约占总数的0.3%。",
    );
    let pcts: Vec<Option<f64>> = cats(&p).iter().map(|c| c.2).collect();
    assert_eq!(pcts, [Some(83.8), Some(15.9), Some(0.3)]);
    let p = process_text(
        "共承办670件。办理结果为:已经解决(A类)的418件、列入计划(B类)的232件、留作参考(C类)的20件,\
         分别占政府系统承办总数的62.4%、34.6%和3%。",
    );
    let pcts: Vec<Option<f64>> = cats(&p).iter().map(|c| c.2).collect();
    assert_eq!(pcts, [Some(62.4), Some(34.6), Some(3.0)]);
    let p = process_text(
        "共立案780件。办理结果为A类的(所提问题已经解决的)242件,占31.8%;B类的(所提问题正在解决的)\
         344件,占45.3%;C类的(所提问题留作参考的)194件,占24.9%。",
    );
    let got: Vec<(Option<String>, String)> = p
        .extraction
        .categories
        .iter()
        .map(|c| (c.code.clone(), c.label_norm.clone()))
        .collect();
    assert_eq!(got[0], (Some("A".into()), "所提问题已经解决的".into()));
    assert_eq!(got.len(), 3);
}

#[test]
fn shares_printed_before_their_labels() {
    let p = process_text(
        "共立案提案700件。从答复情况看,45.2%的提案建议得到采纳落实;46.3%的提案建议正在办理落实中,\
         6%的提案建议列入办理计划,还有2.5%的提案建议留作工作参考。95%的委员表示满意。",
    );
    let got: Vec<(Option<f64>, Vec<String>)> = cats(&p).into_iter().map(|c| (c.2, c.3)).collect();
    assert_eq!(
        got,
        [
            (Some(45.2), vec!["resolved".into()]),
            (Some(46.3), vec!["in_progress".into()]),
            (Some(6.0), vec!["planned".into()]),
            (Some(2.5), vec!["deferred".into()]),
        ]
    );
}

#[test]
fn uncoded_labels_ending_in_lei_are_topics_and_real_topic_names_map() {
    let p = process_text(
        "按提案所涉及的内容划分,城建交通类40件,计划财贸类20件,教科文卫类15件,农林水类9件,其它类6件。",
    );
    assert!(cats(&p).is_empty());
    let mapped: Vec<Vec<String>> = p
        .extraction
        .topics
        .iter()
        .map(|t| t.mapped.iter().map(|(code, _)| code.clone()).collect())
        .collect();
    assert_eq!(
        mapped,
        [
            vec!["urban_transport".to_string()],
            vec!["economy_tech".to_string()],
            vec!["edu_sci_culture_health".to_string()],
            vec!["agriculture_rural".to_string()],
            vec!["other".to_string()],
        ]
    );
}

#[test]
fn items_counted_in_ge_after_an_outcome_are_categories() {
    let p = process_text(
        "2021年,区住建局共收到代表建议12条,均为区人大代表建议。办理结果为:已解决或年内解决的5个,\
         计划3年内解决的7个;涉及4个社区。",
    );
    let counts: Vec<Option<i64>> = cats(&p).iter().map(|c| c.1).collect();
    assert_eq!(counts, [Some(5), Some(7)]);
    assert_eq!(fact(&p, "total_items"), Some(12.0));
}

#[test]
fn a_filed_count_without_its_noun_is_the_total_and_a_count_of_items_among_is_no_category() {
    let p = process_text(
        "三次会议以来,共收到提案材料761件,其中会议期间收到749件,闭会期间收到12件。经审查,立案742件,\
         交由126个承办单位办理。742件提案中,所提意见建议被采纳和反映问题已基本得到解决的占48.65%;\
         已列入计划逐步解决的占44.07%,所提问题留作参考的占7.28%。",
    );
    assert_eq!(fact(&p, "total_items"), Some(742.0));
    assert_eq!(fact(&p, "items_received"), Some(761.0));
    let got: Vec<(Option<i64>, Option<f64>)> = cats(&p).iter().map(|c| (c.1, c.2)).collect();
    assert_eq!(
        got,
        [(None, Some(48.65)), (None, Some(44.07)), (None, Some(7.28))]
    );
    // A filed count with its noun is still read as before, and a handled count without a noun
    // names nothing: the printed total of all items stays the total.
    let p = process_text("共收到建议230件。经梳理,办理120件,已解决的150件,正在解决的80件。");
    assert_eq!(fact(&p, "total_items"), Some(230.0));
}

#[test]
fn rates_listed_with_respective_values_take_each_its_own() {
    let p = process_text(
        "共收回反馈意见表561份,办理工作满意率和办理结果满意率分别达到99.6%和98.4%。办结率、答复率均为100%。",
    );
    let rates: Vec<(String, f64)> = p
        .extraction
        .facts
        .iter()
        .filter(|f| f.fact.starts_with("rate_"))
        .map(|f| (f.name_zh.clone().unwrap_or_default(), f.value))
        .collect();
    assert_eq!(
        rates,
        [
            ("办理工作满意率".to_string(), 99.6),
            ("办理结果满意率".to_string(), 98.4),
            ("办结率".to_string(), 100.0),
            ("答复率".to_string(), 100.0),
        ]
    );
}

#[test]
fn page_numbers_of_a_shared_document_do_not_split_labels() {
    let filler =
        "按照分级负责、归口办理的原则,各承办单位认真研究代表建议,逐件制定办理方案。".repeat(5);
    let p = process_text(&format!(
        "1、在县十一届人大三次会议上,代表们一共提出各类建议72件。{filler}办理情况分为以下三类:\
         A类:建议所提问题已经解决或基本解\n2、决的有23件,占总件数的31.9%;B类:正在解决或列入计划逐步解决的有40件,\
         占55.6%;{filler}C类:因条件限制暂时无法解决的有9件,占\n3、12.5%。"
    ));
    let got: Vec<(Option<String>, Option<i64>, Option<f64>)> = p
        .extraction
        .categories
        .iter()
        .map(|c| (c.code.clone(), c.count, c.pct_stated))
        .collect();
    assert_eq!(
        got,
        [
            (Some("A".into()), Some(23), Some(31.9)),
            (Some("B".into()), Some(40), Some(55.6)),
            (Some("C".into()), Some(9), Some(12.5)),
        ]
    );
    assert_eq!(fact(&p, "total_items"), Some(72.0));
}

#[test]
fn topic_names_after_their_examples_and_before_fillers() {
    let p = process_text(
        "代表们一共提出各类建议72件。其中涉及农林水电、工交、财贸等经济建设类的有51件,占70.8%;\
         涉及教育、卫生等社会事业类的有14件,占19.4%;涉及公安、人事、扶贫等综合类的有7件,占9.8%。",
    );
    assert_eq!(
        topics(&p),
        [
            ("经济建设类".to_string(), Some(51)),
            ("社会事业类".to_string(), Some(14)),
            ("综合类".to_string(), Some(7)),
        ]
    );
    let p = process_text("十届四次会议提案中,经济建设类提案有517件,占立案总数的57.71%。");
    let got: Vec<&str> = p
        .extraction
        .topics
        .iter()
        .map(|t| t.label_zh.as_str())
        .collect();
    assert_eq!(got, ["经济建设类"]);
}

#[test]
fn a_topic_named_before_a_filler_piece_and_said_again_once() {
    let p = process_text(
        "共收到提案902件,经审查立案817件,其中社会建设方面的提案最多,达296件;其次是经济建设方面提案,共289件。\
         从类别看,立案提案中,社会建设方面提案最多,共296件。",
    );
    assert_eq!(
        topics(&p),
        [
            ("社会建设方面".to_string(), Some(296)),
            ("经济建设方面".to_string(), Some(289)),
        ]
    );
    // A scheme's codes before the universe they classify are no topic.
    let p = process_text(
        "按照A类(所提问题已解决)、B类(正在解决)的标准分类,214件建议中,A类128件、B类86件。",
    );
    assert!(p.extraction.topics.is_empty());
}

#[test]
fn a_count_printed_right_after_a_colon_takes_the_label_before_it() {
    let p = process_text(
        "代表提出建议763件。据统计,已经解决或基本解决:245件,占32%。例如某代表建议。\n\
         正在解决或列入年度计划逐步解决:312件,占41%。\n因目前条件所限未能解决和留作参考:206件,占27%。",
    );
    let got: Vec<(String, Option<i64>, Option<f64>)> =
        cats(&p).into_iter().map(|c| (c.0, c.1, c.2)).collect();
    assert_eq!(
        got,
        [
            ("已经解决或基本解决".to_string(), Some(245), Some(32.0)),
            (
                "正在解决或列入年度计划逐步解决".to_string(),
                Some(312),
                Some(41.0)
            ),
            (
                "因目前条件所限未能解决和留作参考".to_string(),
                Some(206),
                Some(27.0)
            ),
        ]
    );
    assert_eq!(fact(&p, "total_items"), Some(763.0));
    // Codes, roles and topics printed the same way.
    let p = process_text(
        "本单位共收到建议:45件。其中主办:30件,协办:15件。A类:20件,占44.4%;B类:25件,占55.6%。\
         从内容看,经济建设类:12件,社会事业方面:20件。",
    );
    assert_eq!(fact(&p, "total_items"), Some(45.0));
    let codes: Vec<(Option<String>, Option<i64>)> = p
        .extraction
        .categories
        .iter()
        .map(|c| (c.code.clone(), c.count))
        .collect();
    assert_eq!(
        codes,
        [
            (Some("A".to_string()), Some(20)),
            (Some("B".to_string()), Some(25))
        ]
    );
    let roles: Vec<(String, i64)> = p
        .extraction
        .roles
        .iter()
        .map(|r| (r.role_zh.clone(), r.count))
        .collect();
    assert_eq!(roles, [("主办".to_string(), 30), ("协办".to_string(), 15)]);
    let topics: Vec<String> = p
        .extraction
        .topics
        .iter()
        .map(|t| t.label_norm.clone())
        .collect();
    assert_eq!(topics, ["经济建设类", "社会事业方面"]);
    // A colon that ends an intro before a label is no label of the count after the label.
    let p = process_text("共收到建议100件。办理结果如下:已解决60件,正在解决40件。");
    let labels: Vec<String> = cats(&p).into_iter().map(|c| c.0).collect();
    assert_eq!(labels, ["已解决", "正在解决"]);
}

#[test]
fn shares_of_a_named_universe_with_last_periods_and_restated_shares() {
    let p = process_text(
        "全区共承办建议提案268件。人大代表建议办理已经解决或基本解决的(A类),由2019年占办复总数的52.3%\
         提升至2020年的74%;因国家政策规定,或客观条件限制,或超越本级政府职权范围暂时无法解决的(C类),\
         由2019年的28.4%降至2020年的6%。政协提案所提问题已经解决或基本解决的(A类),占办复总数的76.9%;\
         因客观条件限制,政策规定等原因目前难以解决的(C类),仅占办复总数的3.8%。",
    );
    let got: Vec<(Option<String>, Option<f64>, String)> = p
        .extraction
        .categories
        .iter()
        .map(|c| (c.code.clone(), c.pct_stated, c.universe.clone()))
        .collect();
    let a = Some("A".to_string());
    let c = Some("C".to_string());
    assert_eq!(
        got,
        [
            (a.clone(), Some(74.0), "answered_items".to_string()),
            (c.clone(), Some(6.0), "all_items".to_string()),
            (a, Some(76.9), "answered_items".to_string()),
            (c, Some(3.8), "answered_items".to_string()),
        ]
    );
    // Labels joined by 或 across commas stay whole; last period's shares are set aside, said.
    assert!(
        p.extraction.categories[1]
            .label_norm
            .starts_with("因国家政策规定,或客观条件限制")
    );
    assert!(
        p.extraction.categories[3]
            .label_norm
            .starts_with("因客观条件限制,政策规定")
    );
    let prior = p
        .extraction
        .findings
        .iter()
        .filter(|f| f.code == "prior_period_share")
        .count();
    assert_eq!(prior, 2);

    // A share that restates a counted category goes to that category.
    let p = process_text(
        "共收到建议146件。建议所提问题已落实的78件,部分落实的45件,列入明年计划落实的15件,\
         未能落实的8件。已落实建议占建议总数的53.4%。",
    );
    let got: Vec<(Option<i64>, Option<f64>)> = cats(&p).into_iter().map(|c| (c.1, c.2)).collect();
    assert_eq!(
        got,
        [
            (Some(78), Some(53.4)),
            (Some(45), None),
            (Some(15), None),
            (Some(8), None)
        ]
    );
}

#[test]
fn enumerated_outcome_headings_far_apart_are_siblings() {
    let story =
        "比如某代表建议建设便民市场,区里同步招商引资,总投资860万元,占地4200平方米。".repeat(12);
    let text = format!(
        "区政府共承办代表提出的建议32件。各类办理情况分述如下:\n(一)已落实的18件。{story}\n\
         (二)正在办理和列入计划办理的9件。{story}\n"
    );
    let p = process_text(&text);
    let got: Vec<Option<i64>> = cats(&p).into_iter().map(|c| c.1).collect();
    assert_eq!(got, [Some(18), Some(9)]);
    // Without the list markers, two such counts that far apart are narrative.
    let p = process_text(&text.replace("(一)", "").replace("(二)", ""));
    assert!(cats(&p).is_empty());
}

#[test]
fn a_count_broken_out_in_parentheses_is_a_part_of_the_total_before_it() {
    let p = process_text(
        "本年度,我局共接收人大代表建议、政协委员提案36件(其中承办30件,协办6件),均在时限内办结。\
         其中,承办人大代表建议12件,已经解决或基本解决12件;承办政协委员提案18件,已经解决或基本解决15件,\
         正在解决或列入规划逐步解决3件。",
    );
    assert_eq!(fact(&p, "total_items"), Some(36.0));
}

#[test]
fn a_count_coordinated_with_a_bill_count_shares_its_verb() {
    let p = process_text(
        "五年来,市人大代表共提出247件代表议案和4917件代表建议,有151件代表议案已经转化为立法项目。",
    );
    assert_eq!(fact(&p, "total_items"), Some(4917.0));
    assert_eq!(fact(&p, "bills_total"), Some(247.0));
    let p = process_text("一次会议以来,省人大代表共提出议案236件、建议4981件。");
    assert_eq!(fact(&p, "total_items"), Some(4981.0));
    // Two channels' counts under one verb still make the derived total of both.
    let p = process_text("今年卫计局共收到人大代表建议5件、政协委员提案3件,议题包括医改等。");
    let total = p
        .extraction
        .facts
        .iter()
        .find(|f| f.fact == "total_items")
        .map(|f| (f.value, f.qualifier.clone()));
    assert_eq!(total, Some((8.0, Some("derived: 5 + 3".to_string()))));
}

#[test]
fn a_count_of_the_period_after_the_session_is_the_total_the_categories_sum_to() {
    let p = process_text(
        "会后,县政府承接县人大常委会交办人大代表意见建议160件,分送34个部门单位。\
         已经落实的“A”类建议138件,占86.25%;正在落实或列入计划落实的“B”类建议16件,占10%;\
         暂时难以落实的“C”类建议6件,占3.75%。",
    );
    assert_eq!(fact(&p, "total_items"), Some(160.0));
    assert_eq!(fact(&p, "items_after_session"), Some(160.0));
    // Beside a count of the session itself it stays a split.
    let p = process_text("会议期间,代表共提出建议812件;闭会期间,代表提出建议47件,合计859件。");
    assert_ne!(fact(&p, "total_items"), Some(47.0));
    assert_eq!(fact(&p, "items_after_session"), Some(47.0));
}

#[test]
fn a_rate_said_again_is_one_rate_and_rates_listed_together_stay_apart() {
    let p = process_text(
        "全国政协提案工作报告:提出提案5768件 立案4791件 99.6%已办复\n\
         报告说,政协委员提出提案5768件,立案4791件,99.6%已办复。\n\
         截至目前,办结率、按时办结率均为100%。今年提案办结率100%。",
    );
    let rates: Vec<(String, f64)> = p
        .extraction
        .facts
        .iter()
        .filter(|f| f.fact.starts_with("rate_"))
        .map(|f| (f.fact.clone(), f.value))
        .collect();
    assert_eq!(
        rates,
        [
            ("rate_completed".to_string(), 100.0),
            ("rate_completed".to_string(), 100.0),
            ("rate_answered".to_string(), 99.6),
        ]
    );
    let restated = p
        .extraction
        .findings
        .iter()
        .filter(|f| f.code == "restated_rate")
        .count();
    assert_eq!(restated, 2);
}

#[test]
fn proposals_counted_by_collective_authors_split_the_total() {
    let p = process_text(
        "共收到提案902件,经审查,立案817件。立案提案中,委员提案728件,各民主党派省委、省工商联提案85件,\
         专委会提案4件,分别交由104个承办单位办理。",
    );
    assert_eq!(fact(&p, "total_items"), Some(817.0));
    let split: Vec<(String, String, f64)> = p
        .extraction
        .facts
        .iter()
        .filter(|f| {
            f.fact.starts_with("items_collective") || f.fact.starts_with("items_individual")
        })
        .map(|f| {
            (
                f.fact.clone(),
                f.name_zh.clone().unwrap_or_default(),
                f.value,
            )
        })
        .collect();
    assert_eq!(
        split,
        [
            (
                "items_individual".to_string(),
                "委员提案".to_string(),
                728.0
            ),
            (
                "items_collective".to_string(),
                "各民主党派省委、省工商联提案".to_string(),
                85.0
            ),
            (
                "items_collective".to_string(),
                "专委会提案".to_string(),
                4.0
            ),
        ]
    );
    // Without any collective author in its sentence, 委员提案 names the channel.
    let p = process_text("今年共收到政协委员提案120件,均已办复。");
    assert!(fact(&p, "items_individual").is_none());
}

#[test]
fn roles_counted_per_channel_sum_to_roles_of_all_items() {
    let p = process_text(
        "2019年,市交通委共承办市人大代表建议、市政协提案239件。其中:市人大代表建议158件(主办84件,会办74件),\
         市政协提案81件(主办47件,会办34件)。",
    );
    let roles: Vec<(String, Option<String>, i64, bool)> = p
        .extraction
        .roles
        .iter()
        .map(|r| {
            (
                r.role_zh.clone(),
                r.channel.clone(),
                r.count,
                r.parent.is_some(),
            )
        })
        .collect();
    let npc = Some("npc_suggestion".to_string());
    let cppcc = Some("cppcc_proposal".to_string());
    assert_eq!(
        roles,
        [
            ("主办".to_string(), npc.clone(), 84, true),
            ("会办".to_string(), npc, 74, true),
            ("主办".to_string(), cppcc.clone(), 47, true),
            ("会办".to_string(), cppcc, 34, true),
            ("主办".to_string(), None, 131, false),
            ("会办".to_string(), None, 108, false),
        ]
    );
    assert!(
        p.checks
            .iter()
            .any(|c| c.check == "roles_sum" && c.status == CheckStatus::Pass)
    );
}

#[test]
fn a_framing_piece_is_no_part_of_a_label() {
    let p = process_text(
        "共收到建议146件。从解决情况看,已列入计划逐步办理的80件,已落实的66件,占45.2%。",
    );
    let got: Vec<(String, Vec<String>)> = cats(&p).into_iter().map(|c| (c.0, c.3)).collect();
    assert_eq!(
        got,
        [
            (
                "已列入计划逐步办理的".to_string(),
                vec!["planned".to_string()]
            ),
            ("已落实的".to_string(), vec!["resolved".to_string()]),
        ]
    );
}

#[test]
fn a_bare_noun_after_its_channels_body_names_that_channel() {
    let p = process_text(
        "2020年,区交通运输局共承办区十八届人大四次会议代表建议42件(主办38件、协办4件)和\
         区政协十四届四次会议提案19件(主办8件、协办11件),全部建议提案均在规定时限内办结。",
    );
    assert_eq!(fact(&p, "npc_items"), Some(42.0));
    assert_eq!(fact(&p, "cppcc_items"), Some(19.0));
    assert_eq!(fact(&p, "total_items"), Some(61.0));
    let lead_of_proposals = p
        .extraction
        .roles
        .iter()
        .find(|r| r.count == 8)
        .and_then(|r| r.channel.clone());
    assert_eq!(lead_of_proposals.as_deref(), Some("cppcc_proposal"));
    // A clause naming both channels (省、市代表建议和政协提案205件) is no one channel's.
    let p = process_text(
        "2021年,我局共办理省、市代表建议和政协提案205件,其中市代表建议38件(主办12件、会办26件),\
         市政协提案151件(主办42件、会办109件),省代表建议7件,省政协提案9件。",
    );
    assert_eq!(fact(&p, "total_items"), Some(205.0));
}

#[test]
fn a_share_alone_on_the_line_after_a_short_count_line_is_its_share() {
    let p = process_text(
        "市政府系统共办理提案704件\n其中所提问题已经解决或基本解决的280件\n占39.8%\n\
         正在解决或已列入计划解决的306件\n占43.5%\n所提问题暂时不能解决的84件\n占11.9%\n\
         所提建议留作参考的34件\n占4.8%\n提案中的意见建议被市政府积极吸纳。",
    );
    let pcts: Vec<Option<f64>> = cats(&p).into_iter().map(|c| c.2).collect();
    assert_eq!(pcts, [Some(39.8), Some(43.5), Some(11.9), Some(4.8)]);
}

#[test]
fn topics_listed_after_what_the_proposals_concern() {
    let p = process_text(
        "共立案提案487件。其中,提案涉及经济建设167件,社会建设165件,文化建设52件,生态文明建设31件,政治建设23件。",
    );
    assert_eq!(
        topics(&p),
        [
            ("经济建设".to_string(), Some(167)),
            ("社会建设".to_string(), Some(165)),
            ("文化建设".to_string(), Some(52)),
            ("生态文明建设".to_string(), Some(31)),
            ("政治建设".to_string(), Some(23)),
        ]
    );
}
