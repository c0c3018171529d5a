//! Golden expectations for the five seed reports: every fact in their gold files.

use crate::util::*;

fn t(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn luohe_2021_three_uncoded_tiers_count_before_label() {
    let p = process_file(&seed("000_"));
    assert_eq!(fact(&p, "total_items"), Some(230.0));
    assert_eq!(fact(&p, "key_items"), Some(9.0));
    assert_eq!(fact(&p, "feedback_forms"), Some(176.0));
    assert_eq!(
        cats(&p),
        vec![
            (
                "已经解决或基本解决".into(),
                Some(135),
                Some(58.7),
                t(&["resolved"])
            ),
            (
                "已列入规划正在解决".into(),
                Some(85),
                Some(37.0),
                t(&["in_progress", "planned"])
            ),
            (
                "因目前条件限制需以后解决或留作参考".into(),
                Some(10),
                Some(4.3),
                t(&["deferred"])
            ),
        ]
    );
    // 全部为"满意"或"基本满意" over 176 forms → a derived 100% with its denominator.
    let derived = p
        .extraction
        .facts
        .iter()
        .find(|f| f.fact == "rate_satisfied_or_basic")
        .unwrap();
    assert_eq!(derived.value, 100.0);
    assert_eq!(derived.provenance, banli::model::Provenance::Derived);
    assert!(derived.qualifier.as_deref().unwrap().contains("176"));
    assert_eq!(outcome(&p, "resolved"), (Some(58.7), Some(58.7), true));
    let names: Vec<String> = p
        .extraction
        .items
        .iter()
        .flat_map(|i| i.proposers.clone())
        .collect();
    for n in [
        "路文华",
        "李香稳",
        "吴付红",
        "冯广军",
        "杨晓芳",
        "李益民",
        "王海蛟",
        "翟战福",
        "贾长鹰",
        "李艳",
        "黄俊丽",
    ] {
        assert!(
            names.contains(&n.to_string()),
            "missing proposer {n}: {names:?}"
        );
    }
    assert_eq!(names.len(), 11, "{names:?}");
    let first = &p.extraction.items[0];
    assert_eq!(first.proposers, vec!["路文华".to_string()]);
    assert_eq!(first.proposer_count, Some(3));
    assert_eq!(first.title.as_deref(), Some("关于进一步优化营商环境的建议"));
    assert!(
        p.extraction
            .items
            .iter()
            .any(|i| i.themes.contains(&"ev_charging".to_string()))
    );
}

#[test]
fn xiping_2022_abc_with_pdf_breaks() {
    let p = process_file(&seed("001_"));
    assert_eq!(fact(&p, "total_items"), Some(151.0));
    assert_eq!(fact(&p, "government_items"), Some(139.0));
    assert_eq!(fact(&p, "government_share"), Some(92.0));
    let c = &p.extraction.categories;
    assert_eq!(c.len(), 3);
    assert_eq!(
        (c[0].code.as_deref(), c[0].count, c[0].pct_stated),
        (Some("A"), Some(88), Some(58.0))
    );
    assert_eq!(c[0].label_norm, "已解决或基本解决的");
    assert_eq!(c[0].tiers, t(&["resolved"]));
    assert_eq!(
        (c[1].code.as_deref(), c[1].count, c[1].pct_stated),
        (Some("B"), Some(57), Some(38.0))
    );
    assert_eq!(c[1].tiers, t(&["in_progress", "planned"]));
    assert_eq!(
        (c[2].code.as_deref(), c[2].count, c[2].pct_stated),
        (Some("C"), Some(6), Some(4.0))
    );
    assert!(c[2].label_norm.contains("暂时不能解决,留作参考"));
    assert_eq!(c[2].tiers, t(&["deferred"]));
    let topics: Vec<(String, Option<i64>)> = p
        .extraction
        .topics
        .iter()
        .map(|t| (t.label_norm.clone(), t.count))
        .collect();
    assert_eq!(
        topics,
        vec![
            ("科教文卫方面".into(), Some(40)),
            ("工交财贸方面".into(), Some(34)),
            ("农业农村方面".into(), Some(44)),
            ("城市建设方面".into(), Some(15)),
            ("社会建设方面".into(), Some(18)),
        ]
    );
    assert_eq!(facts(&p, "rate_satisfied"), vec![97.97]);
    let nums: Vec<i64> = p.extraction.items.iter().filter_map(|i| i.number).collect();
    assert_eq!(nums, vec![1, 73, 78]);
    // The A-class evidence spans the PDF break and maps back to the original text.
    let ev = &c[0].evidence;
    assert!(
        ev.sentence.contains("已解决或基本解决的(A类)88件"),
        "{}",
        ev.sentence
    );
}

#[test]
fn jinan_drc_2022_no_scheme_roles_and_rates() {
    let p = process_file(&seed("002_"));
    assert_eq!(fact(&p, "total_items"), Some(82.0));
    assert_eq!(fact(&p, "items_during_session"), Some(79.0));
    assert_eq!(fact(&p, "items_after_session"), Some(3.0));
    let roles: Vec<(String, i64)> = p
        .extraction
        .roles
        .iter()
        .map(|r| (r.role_zh.clone(), r.count))
        .collect();
    assert_eq!(
        roles,
        vec![
            ("主办".into(), 19),
            ("分办".into(), 25),
            ("会办".into(), 38)
        ]
    );
    assert!(p.extraction.categories.is_empty());
    assert!(p.outcomes.is_empty(), "no scheme: unknown, not zero");
    assert_eq!(facts(&p, "rate_completed")[0], 100.0);
    assert_eq!(facts(&p, "rate_face_to_face"), vec![100.0]);
    assert_eq!(facts(&p, "rate_satisfied"), vec![100.0]);
    let names: Vec<String> = p
        .extraction
        .items
        .iter()
        .flat_map(|i| i.proposers.clone())
        .collect();
    assert_eq!(
        names,
        ["郭梅", "杨爱琴", "孟宪德", "赵利", "李文杰", "姚丽", "林霞"]
            .map(String::from)
            .to_vec()
    );
}

#[test]
fn chuxiong_2022_subset_universe_and_breakdown() {
    let p = process_file(&seed("003_"));
    assert_eq!(fact(&p, "total_items"), Some(20.0));
    let c = &p.extraction.categories;
    assert_eq!(c.len(), 1);
    assert_eq!((c[0].code.as_deref(), c[0].count), (Some("A"), Some(13)));
    assert_eq!(c[0].universe, "lead_items");
    assert_eq!(c[0].universe_count, Some(13));
    assert_eq!(c[0].mapping.as_deref(), Some("code_only"));
    assert_eq!(c[0].tiers, t(&["resolved"]));
    let top: Vec<(String, i64)> = p
        .extraction
        .roles
        .iter()
        .filter(|r| r.parent.is_none())
        .map(|r| (r.role_zh.clone(), r.count))
        .collect();
    assert_eq!(top, vec![("主办".into(), 13), ("协办".into(), 7)]);
    let breakdown: Vec<(String, Option<String>, Option<String>, i64)> = p
        .extraction
        .roles
        .iter()
        .filter(|r| r.parent.is_some())
        .map(|r| {
            (
                r.role_zh.clone(),
                r.level_zh.clone(),
                r.channel.clone(),
                r.count,
            )
        })
        .collect();
    let b =
        |r: &str, l: &str, c: &str, n| (r.to_string(), Some(l.to_string()), Some(c.to_string()), n);
    assert_eq!(
        breakdown,
        vec![
            b("主办", "州", "npc_suggestion", 2),
            b("主办", "州", "cppcc_proposal", 1),
            b("主办", "市", "npc_suggestion", 2),
            b("主办", "市", "cppcc_proposal", 8),
            b("协办", "市", "npc_suggestion", 4),
            b("协办", "州", "cppcc_proposal", 3),
        ]
    );
    assert_eq!(facts(&p, "rate_completed"), vec![100.0]);
    assert_eq!(facts(&p, "rate_satisfied"), vec![100.0]);
    let nums: Vec<i64> = p.extraction.items.iter().filter_map(|i| i.number).collect();
    assert_eq!(nums, vec![11, 199]);
    let names: Vec<String> = p
        .extraction
        .items
        .iter()
        .flat_map(|i| i.proposers.clone())
        .collect();
    assert_eq!(
        names,
        ["李春闻", "杞发荣", "徐彦"].map(String::from).to_vec()
    );
}

#[test]
fn zibo_2020_horizon_rule_gives_bounds() {
    let p = process_file(&seed("004_"));
    assert_eq!(fact(&p, "total_items"), Some(436.0));
    let c = &p.extraction.categories;
    assert_eq!(c.len(), 3);
    assert_eq!((c[0].count, c[0].pct_stated), (Some(230), Some(52.8)));
    assert_eq!(c[0].tiers, t(&["resolved", "in_progress"]));
    assert_eq!(
        (c[1].count, c[1].pct_stated, c[1].horizon_years),
        (Some(198), Some(45.4), Some(3))
    );
    assert_eq!(c[1].tiers, t(&["planned"]));
    assert_eq!((c[2].count, c[2].pct_stated), (Some(8), Some(1.8)));
    assert_eq!(c[2].tiers, t(&["deferred"]));
    assert_eq!(outcome(&p, "resolved"), (Some(0.0), Some(52.8), false));
    assert_eq!(outcome(&p, "addressed"), (Some(98.2), Some(98.2), true));
    let topics: Vec<(String, Option<i64>, Option<f64>)> = p
        .extraction
        .topics
        .iter()
        .map(|t| (t.label_norm.clone(), t.count, t.pct_stated))
        .collect();
    assert_eq!(topics[0], ("经济科技方面".into(), Some(149), Some(34.2)));
    assert_eq!(topics.len(), 4);
    assert_eq!(facts(&p, "rate_answered"), vec![100.0]);
    assert_eq!(facts(&p, "rate_satisfied_or_basic"), vec![99.6]);
    assert!(
        p.checks
            .iter()
            .all(|c| c.status == banli::model::CheckStatus::Pass),
        "{:?}",
        p.checks
    );
}
