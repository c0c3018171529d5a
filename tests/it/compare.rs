//! Stage 6 end to end: comparison tables, charts, the report page, yearly and incremental runs.

use std::path::Path;
use std::process::Command;
use std::sync::LazyLock;

use arrow_array::{Array, BooleanArray, Float64Array, Int32Array, Int64Array, RecordBatch};

use crate::bin::*;
use crate::tables::{files, read_table, strings};
use crate::util::*;

/// One bundled run shared by the read-only tests below (a run costs a few seconds).
static BUNDLED: LazyLock<tempfile::TempDir> = LazyLock::new(|| {
    let out = tempfile::tempdir().unwrap();
    run_ok(banli().args(["run", "--out"]).arg(out.path()));
    out
});

fn column<'a, T: 'static>(b: &'a RecordBatch, name: &str) -> &'a T {
    b.column_by_name(name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .as_any()
        .downcast_ref::<T>()
        .unwrap_or_else(|| {
            panic!(
                "{name} has type {:?}",
                b.column_by_name(name).unwrap().data_type()
            )
        })
}

fn f64_at(b: &RecordBatch, name: &str, row: usize) -> Option<f64> {
    let a = column::<Float64Array>(b, name);
    (!a.is_null(row)).then(|| a.value(row))
}

fn bool_at(b: &RecordBatch, name: &str, row: usize) -> Option<bool> {
    let a = column::<BooleanArray>(b, name);
    (!a.is_null(row)).then(|| a.value(row))
}

fn i64_at(b: &RecordBatch, name: &str, row: usize) -> Option<i64> {
    let a = column::<Int64Array>(b, name);
    (!a.is_null(row)).then(|| a.value(row))
}

fn i32_at(b: &RecordBatch, name: &str, row: usize) -> Option<i32> {
    let a = column::<Int32Array>(b, name);
    (!a.is_null(row)).then(|| a.value(row))
}

/// The comparison row of a jurisdiction (simplified name) in a year.
fn row_of(b: &RecordBatch, jurisdiction: &str, year: i32) -> usize {
    let keys = strings(b, "jurisdiction_key");
    (0..b.num_rows())
        .find(|&i| keys[i].as_deref() == Some(jurisdiction) && i32_at(b, "year", i) == Some(year))
        .unwrap_or_else(|| panic!("no comparison row for {jurisdiction} {year}: {keys:?}"))
}

fn bounds(b: &RecordBatch, tier: &str, row: usize) -> (Option<f64>, Option<f64>, Option<bool>) {
    (
        f64_at(b, &format!("{tier}_share_low"), row),
        f64_at(b, &format!("{tier}_share_high"), row),
        bool_at(b, &format!("{tier}_exact"), row),
    )
}

#[test]
fn comparison_carries_each_reports_outcomes_as_bounds() {
    let c = read_table(&BUNDLED.path().join("comparison.parquet"));
    let zibo = row_of(&c, "淄博市", 2020);
    assert_eq!(
        bounds(&c, "addressed", zibo),
        (Some(98.2), Some(98.2), Some(true))
    );
    assert_eq!(
        bounds(&c, "resolved", zibo),
        (Some(0.0), Some(52.8), Some(false))
    );
    assert_eq!(bool_at(&c, "outcomes_exact", zibo), Some(false));
    let luohe = row_of(&c, "漯河市", 2021);
    assert_eq!(
        bounds(&c, "resolved", luohe),
        (Some(58.7), Some(58.7), Some(true))
    );
    assert_eq!(i64_at(&c, "total_items", luohe), Some(230));
    assert_eq!(strings(&c, "label")[luohe].as_deref(), Some("漯河 Luohe"));
    // Jinan's DRC prints no outcome scheme: unknown, not zero.
    let jinan = (0..c.num_rows())
        .find(|&i| strings(&c, "issuer_zh")[i].as_deref() == Some("济南市发展和改革委员会"))
        .expect("Jinan DRC row");
    assert_eq!(bool_at(&c, "has_outcome_scheme", jinan), Some(false));
    assert_eq!(bounds(&c, "resolved", jinan), (None, None, None));
    // Satisfaction keeps its definition.
    let defs = strings(&c, "satisfaction_definition");
    for (i, d) in defs.iter().enumerate() {
        let (s, sb) = (
            f64_at(&c, "rate_satisfied", i),
            f64_at(&c, "rate_satisfied_or_basic", i),
        );
        match d.as_deref() {
            Some("satisfied_or_basic") => assert_eq!(f64_at(&c, "satisfaction", i), sb),
            Some("satisfied") => assert_eq!((f64_at(&c, "satisfaction", i), sb), (s, None)),
            None => assert_eq!(f64_at(&c, "satisfaction", i), None),
            Some(other) => panic!("unknown definition {other}"),
        }
    }
    // One row per series and year.
    let series = strings(&c, "series_key");
    let mut keys: Vec<(String, Option<i32>)> = (0..c.num_rows())
        .map(|i| (series[i].clone().unwrap(), i32_at(&c, "year", i)))
        .collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n, "duplicate series-year rows");
}

#[test]
fn trends_follow_a_jurisdiction_across_years_with_interval_changes() {
    let t = read_table(&BUNDLED.path().join("trends.parquet"));
    let key = strings(&t, "jurisdiction_key");
    let metric = strings(&t, "metric");
    let luohe_total = (0..t.num_rows())
        .find(|&i| {
            key[i].as_deref() == Some("漯河市") && metric[i].as_deref() == Some("total_items")
        })
        .expect("Luohe 2020 → 2021 total");
    assert_eq!(i32_at(&t, "year_from", luohe_total), Some(2020));
    assert_eq!(i32_at(&t, "year_to", luohe_total), Some(2021));
    assert_eq!(f64_at(&t, "to_low", luohe_total), Some(230.0));
    // Chongqing (重庆市 and the traditional 重慶市 are one jurisdiction) has several years.
    let cq: Vec<usize> = (0..t.num_rows())
        .filter(|&i| key[i].as_deref() == Some("重庆市"))
        .collect();
    assert!(!cq.is_empty(), "no Chongqing trend");
    // Changes are intervals consistent with the bounds on both ends.
    for i in 0..t.num_rows() {
        let (fl, fh, tl, th) = (
            f64_at(&t, "from_low", i).unwrap(),
            f64_at(&t, "from_high", i).unwrap(),
            f64_at(&t, "to_low", i).unwrap(),
            f64_at(&t, "to_high", i).unwrap(),
        );
        let (cl, ch) = (
            f64_at(&t, "change_low", i).unwrap(),
            f64_at(&t, "change_high", i).unwrap(),
        );
        assert!(
            (cl - (tl - fh)).abs() < 0.051 && (ch - (th - fl)).abs() < 0.051,
            "row {i}"
        );
        assert!(cl <= ch);
        assert_eq!(bool_at(&t, "exact", i), Some(fl == fh && tl == th));
    }
}

#[test]
fn themes_show_ev_charging_recurring_across_three_seed_cities() {
    let t = read_table(&BUNDLED.path().join("themes.parquet"));
    let theme = strings(&t, "theme");
    let key = strings(&t, "jurisdiction_key");
    let mut places: Vec<String> = (0..t.num_rows())
        .filter(|&i| theme[i].as_deref() == Some("ev_charging"))
        .map(|i| key[i].clone().unwrap())
        .collect();
    places.sort();
    for p in ["楚雄市", "济南市", "漯河市"] {
        assert!(places.iter().any(|x| x == p), "{p} not in {places:?}");
    }
    let i = (0..t.num_rows())
        .find(|&i| theme[i].as_deref() == Some("ev_charging"))
        .unwrap();
    assert_eq!(bool_at(&t, "recurring", i), Some(true));
    assert!(i64_at(&t, "n_jurisdictions", i).unwrap() >= 3);
}

#[test]
fn topic_mix_shares_add_up_per_report() {
    let t = read_table(&BUNDLED.path().join("topic_mix.parquet"));
    let docs = strings(&t, "doc_id");
    let mut sums: std::collections::BTreeMap<String, f64> = Default::default();
    for (i, d) in docs.iter().enumerate() {
        *sums.entry(d.clone().unwrap()).or_default() += f64_at(&t, "share", i).unwrap();
    }
    assert!(!sums.is_empty());
    for (d, s) in sums {
        assert!((s - 100.0).abs() < 0.6, "{d}: shares add to {s}");
    }
}

#[test]
fn six_charts_in_svg_and_png_with_chinese_labels() {
    let dir = BUNDLED.path().join("charts");
    let expect = [
        (
            "outcome_composition",
            vec![
                "办理结果构成",
                "漯河 Luohe 2021",
                "合并类别 merged category",
                "淄博 Zibo 2020",
                "基数 universe",
            ],
        ),
        (
            "resolved_bounds",
            vec!["已解决比例", "漯河 Luohe 2021", "58.7%", "[0.0%, 52.8%]"],
        ),
        (
            "rates",
            vec![
                "满意率",
                "满意和基本满意率 satisfied or basically",
                "办结率 completed",
            ],
        ),
        ("topic_mix", vec!["建议内容分布", "城建交通"]),
        (
            "year_over_year",
            vec!["逐年变化", "漯河 Luohe", "2020", "2021"],
        ),
        (
            "theme_matrix",
            vec![
                "新能源汽车充电",
                "楚雄 Chuxiong",
                "济南 Jinan",
                "漯河 Luohe",
            ],
        ),
    ];
    for (name, texts) in expect {
        let svg = std::fs::read_to_string(dir.join(format!("{name}.svg"))).unwrap();
        for t in texts {
            assert!(svg.contains(t), "{name}.svg lacks {t:?}");
        }
        assert!(
            svg.contains("Noto Sans SC"),
            "{name}.svg names no CJK fallback font"
        );
        let png = std::fs::read(dir.join(format!("{name}.png"))).unwrap();
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000,
            "{name}.png"
        );
    }
}

#[test]
fn report_page_is_self_contained_with_evidence() {
    let html = std::fs::read_to_string(BUNDLED.path().join("report.html")).unwrap();
    assert_eq!(html.matches("<figure").count(), 6);
    assert_eq!(html.matches("data:image/png;base64,").count(), 6);
    assert_eq!(html.matches("<details class=\"evidence\">").count(), 6);
    assert!(html.contains("id=\"comparison\"") && html.contains("id=\"checks\""));
    // Evidence sentences from the sources, e.g. Zibo's merged category.
    assert!(html.contains("已经解决或正在解决"));
    for bad in ["src=\"http", "href=\"http", "<link ", "@import", "url(http"] {
        assert!(
            !html.contains(bad),
            "report.html loads something from the network: {bad}"
        );
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(BUNDLED.path().join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["charts"].as_array().unwrap().len(), 6);
    assert!(manifest["rows"]["comparison"].as_u64().unwrap() > 20);
    assert!(manifest["timings_ms"]["charts"].is_u64());
    assert!(manifest["timings_ms"]["tables"].is_u64());
    assert_eq!(manifest["versions"]["polars"], "0.55.2");
    assert!(
        manifest["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["sha256"].is_string())
    );
    let dp: serde_json::Value =
        serde_json::from_slice(&std::fs::read(BUNDLED.path().join("datapackage.json")).unwrap())
            .unwrap();
    let names: Vec<&str> = dp["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    for t in [
        "documents",
        "outcomes",
        "comparison",
        "trends",
        "themes",
        "topic_mix",
    ] {
        assert!(names.contains(&t), "datapackage lacks {t}");
    }
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

fn headless(browser: &str, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--no-first-run",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn report_page_loads_in_headless_chromium_without_console_errors() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("BANLI_REQUIRE_BROWSER").is_none(),
            "BANLI_REQUIRE_BROWSER is set but no chromium was found"
        );
        eprintln!("SKIPPED: no chromium on this machine (.ci/run installs Debian's chromium)");
        return;
    };
    let page = BUNDLED.path().join("report.html");
    let url = format!("file://{}", page.display());
    let profile = tempfile::tempdir().unwrap();
    let dom = headless(browser, profile.path())
        .args(["--virtual-time-budget=5000", "--dump-dom"])
        .arg(&url)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&dom.stdout);
    let log = String::from_utf8_lossy(&dom.stderr);
    assert!(
        text.contains("data-ready=\"1\""),
        "the page script did not run:\n{log}"
    );
    let console_errors: Vec<&str> = log
        .lines()
        .filter(|l| {
            l.contains("CONSOLE")
                && (l.contains("Uncaught") || l.contains(":ERROR:") || l.contains("Error"))
        })
        .collect();
    assert!(
        console_errors.is_empty(),
        "console errors: {console_errors:?}"
    );
    let shot = profile.path().join("report.png");
    let out = headless(browser, profile.path())
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1280,2400")
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 50_000,
        "screenshot is {} bytes",
        png.len()
    );
    // Kept for a person to look at: target/report-screenshot.png.
    let _ = std::fs::copy(&shot, repo().join("target/report-screenshot.png"));
}

fn copy_seeds(dir: &Path, prefixes: &[&str]) {
    for p in prefixes {
        let src = seed(p);
        std::fs::copy(&src, dir.join(src.file_name().unwrap())).unwrap();
    }
}

fn run_into(input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    run_ok(
        banli()
            .args(["run", "--input"])
            .arg(input)
            .arg("--out")
            .arg(out)
            .args(extra),
    )
}

#[test]
fn a_year_run_adds_its_partition_and_keeps_other_years_byte_identical() {
    let input = tempfile::tempdir().unwrap();
    // Luohe 2021, Xiping 2022, Zibo 2020.
    copy_seeds(input.path(), &["000_", "001_", "004_"]);
    let out = tempfile::tempdir().unwrap();
    run_into(input.path(), out.path(), &["--year", "2021"]);
    let after_2021 = files(out.path());
    assert!(
        after_2021
            .keys()
            .any(|k| k.starts_with("documents/year=2021/"))
    );
    assert!(
        !after_2021
            .keys()
            .any(|k| k.contains("year=2022") || k.contains("year=2020"))
    );
    run_into(input.path(), out.path(), &["--year", "2022"]);
    let after_2022 = files(out.path());
    for (k, v) in after_2021.iter().filter(|(k, _)| k.contains("year=2021")) {
        assert!(
            after_2022.get(k) == Some(v),
            "{k} was rewritten by the 2022 run"
        );
    }
    // The comparison spans every year present.
    let c = read_table(&out.path().join("comparison.parquet"));
    let mut years: Vec<i32> = (0..c.num_rows())
        .filter_map(|i| i32_at(&c, "year", i))
        .collect();
    years.sort();
    assert_eq!(years, vec![2021, 2022]);
    // A full run owns every year; the result equals a cold full run into a fresh folder.
    run_into(input.path(), out.path(), &[]);
    let fresh = tempfile::tempdir().unwrap();
    run_into(input.path(), fresh.path(), &[]);
    let (a, b) = (files(out.path()), files(fresh.path()));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(v == &b[k], "{k} differs from a cold full run");
    }
}

#[test]
fn rerun_after_adding_one_report_extracts_only_it_and_matches_a_full_run() {
    let input = tempfile::tempdir().unwrap();
    copy_seeds(input.path(), &["000_", "001_", "004_"]);
    let out = tempfile::tempdir().unwrap();
    run_into(input.path(), out.path(), &[]);
    copy_seeds(input.path(), &["003_"]);
    run_into(input.path(), out.path(), &[]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["cache"]["hits"], 3, "{}", manifest["cache"]);
    assert_eq!(manifest["cache"]["misses"], 1);
    let fresh = tempfile::tempdir().unwrap();
    run_into(input.path(), fresh.path(), &["--no-cache"]);
    let (a, b) = (files(out.path()), files(fresh.path()));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(v == &b[k], "{k} differs from a full run");
    }
    assert!(
        !fresh.path().join(".cache").exists(),
        "--no-cache wrote a cache"
    );
}

#[test]
fn a_year_with_no_reports_still_gives_empty_tables_and_a_page() {
    let input = tempfile::tempdir().unwrap();
    copy_seeds(input.path(), &["000_"]);
    let out = tempfile::tempdir().unwrap();
    run_into(input.path(), out.path(), &["--year", "1999"]);
    assert_eq!(
        read_table(&out.path().join("comparison.parquet")).num_rows(),
        0
    );
    assert!(out.path().join("report.html").is_file());
    assert!(out.path().join("charts/rates.png").is_file());
    // Adding the year that has reports leaves a normal table.
    run_into(input.path(), out.path(), &["--year", "2021"]);
    let c = read_table(&out.path().join("comparison.parquet"));
    assert_eq!(c.num_rows(), 1);
    assert_eq!(i32_at(&c, "year", 0), Some(2021));
}
