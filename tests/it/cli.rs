//! The command line: run on the bundled data with the registry off, help, explain, score,
//! unmapped, exit codes.

use crate::bin::*;
use crate::tables::{read_out, strings};
use crate::util::*;

#[test]
fn metadata_is_inferred_from_the_text_with_the_registry_off() {
    let out = tempfile::tempdir().unwrap();
    run_ok(
        banli()
            .args(["run", "--no-registry", "--out"])
            .arg(out.path())
            .current_dir(repo()),
    );
    let docs = read_out(out.path(), "documents");
    let paths = strings(&docs, "source_path");
    let src = strings(&docs, "metadata_source");
    for dir in ["seeds"] {
        for entry in std::fs::read_dir(repo().join("datasets/reports").join(dir)).unwrap() {
            let p = entry.unwrap().path();
            if !p.to_string_lossy().ends_with(".gold.json") {
                continue;
            }
            let gold: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            let stem = p
                .file_name()
                .unwrap()
                .to_string_lossy()
                .replace(".gold.json", ".txt");
            let row = paths
                .iter()
                .position(|x| x.as_deref() == Some(stem.as_str()))
                .unwrap();
            assert_eq!(src[row].as_deref(), Some("inferred"));
            for col in [
                "jurisdiction_zh",
                "jurisdiction_en",
                "province_zh",
                "admin_level",
                "issuer_kind",
                "channel",
                "session_zh",
            ] {
                let got = strings(&docs, col)[row].clone();
                let want = gold.get(col).and_then(|v| v.as_str()).map(String::from);
                assert_eq!(got, want, "{stem}: {col}");
            }
        }
    }
}

#[test]
fn help_lists_subcommands_with_examples() {
    let out = run_ok(banli().arg("--help"));
    let s = String::from_utf8_lossy(&out.stdout);
    for sub in [
        "run",
        "ingest",
        "explain",
        "score",
        "unmapped",
        "dictionary",
        "synth",
        "Examples",
    ] {
        assert!(s.contains(sub), "--help lacks {sub}");
    }
}

#[test]
fn explain_prints_rows_beside_evidence() {
    let out = run_ok(banli().arg("explain").arg(seed("004_")));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("从闭会之日起3年能够基本解决"));
    assert!(s.contains("« "));
}

#[test]
fn score_prints_precision_and_recall() {
    let out = run_ok(
        banli()
            .args(["score", "--gold"])
            .arg(repo().join("datasets/reports/seeds")),
    );
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("categories") && s.contains("precision"));
}

#[test]
fn unmapped_lists_what_no_rule_covered() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.txt"), "县政府共承办建议20件，其中办理完毕且代表认可的12件，占60%；另有被退回重新审视的8件，占40%。").unwrap();
    let out = run_ok(banli().arg("unmapped").arg("--input").arg(dir.path()));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains("unparsed statistic") || s.contains("r.txt"),
        "{s}"
    );
}

#[test]
fn bad_arguments_exit_2() {
    let out = banli()
        .args([
            "run",
            "--input",
            "/nonexistent/folder",
            "--registry",
            "/nonexistent/reg.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("reg.toml"));
}

#[test]
fn year_filter_keeps_only_reports_handled_that_year() {
    let out = tempfile::tempdir().unwrap();
    run_ok(
        banli()
            .args(["run", "--year", "2020", "--out"])
            .arg(out.path())
            .current_dir(repo()),
    );
    let docs = read_out(out.path(), "documents");
    let years = docs
        .column_by_name("year_handled")
        .unwrap()
        .as_any()
        .downcast_ref::<arrow_array::Int32Array>()
        .unwrap()
        .clone();
    assert!(docs.num_rows() >= 2, "Zibo 2020 and Luohe 2020 at least");
    assert!((0..years.len()).all(|i| years.value(i) == 2020));
    let paths = strings(&docs, "source_path");
    assert!(
        paths.iter().flatten().any(|p| p.starts_with("004_")),
        "{paths:?}"
    );
}
