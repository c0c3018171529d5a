//! Bad input, faults and reruns: nothing crashes, nothing already written is lost.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use banli::model::Severity;
use banli::run::{self, RunOptions};

use crate::bin::*;
use crate::tables::{files, read_out, read_table, strings};
use crate::util::*;

const GOOD: &str = "2022年，县政府共承办人大代表建议20件。其中已解决或基本解决的12件，占60%；正在解决的8件，占40%。";

fn opts(input: &Path, out: &Path) -> RunOptions {
    RunOptions {
        inputs: vec![banli::ingest::InputDir {
            root: input.to_path_buf(),
            collection: "in".into(),
        }],
        out: out.to_path_buf(),
        datasets: repo().join("datasets"),
        ..Default::default()
    }
}

/// Every bad input of the matrix, each next to a good report.
fn bad_input_matrix(dir: &Path) -> Vec<(&'static str, &'static str)> {
    let w = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    w("good.txt", GOOD.as_bytes());
    w("empty.txt", b"");
    w("image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10");
    let mut truncated = GOOD.as_bytes().to_vec();
    truncated.extend_from_slice(&"件".as_bytes()[..2]);
    w("truncated.txt", &truncated);
    let gbk_html = format!(
        "<html><head><meta charset=\"utf-8\"></head><body><p>{}</p></body></html>",
        GOOD.replace("20件", "21件").replace("12件", "13件")
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&gbk_html);
    w("gbk_declared_utf8.html", &gbk);
    let utf16: Vec<u8> = GOOD
        .replace("20件", "22件")
        .replace("12件", "14件")
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    w("utf16_no_bom.txt", &utf16);
    let nested = format!(
        "{}{}{}",
        "<div><span>".repeat(20_000),
        GOOD.replace("20件", "23件").replace("12件", "15件"),
        "<p><b></i></div>".repeat(10)
    );
    w("nested.html", nested.as_bytes());
    w(
        "overflow.txt",
        "县政府共承办建议99999999999999999999件，已解决的5件。".as_bytes(),
    );
    w(
        "absurd_pct.txt",
        "县政府共承办建议30件，其中已解决的10件，占320%；正在解决的20件，占-5%。".as_bytes(),
    );
    w(
        "boilerplate.txt",
        "雪园足球比分直播\n图片\n打印\n字号\n".as_bytes(),
    );
    w(
        "duplicate_a.txt",
        GOOD.replace("20件", "25件")
            .replace("12件", "17件")
            .as_bytes(),
    );
    w(
        "duplicate_b.txt",
        GOOD.replace("20件", "25件")
            .replace("12件", "17件")
            .as_bytes(),
    );
    let big = std::fs::File::create(dir.join("huge_single_line.txt")).unwrap();
    big.set_len(200 * 1024 * 1024).unwrap();
    vec![
        ("empty.txt", "empty"),
        ("image.txt", "PNG"),
        ("boilerplate.txt", "no report text"),
        ("huge_single_line.txt", "refused"),
    ]
}

#[test]
fn bad_inputs_give_findings_and_the_batch_goes_on() {
    let input = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let quarantined = bad_input_matrix(input.path());
    let summary = run::run(&opts(input.path(), out.path())).unwrap();
    // good, truncated, gbk, utf16, nested, overflow, absurd, duplicate (once) = 8 processed
    assert_eq!(summary.documents, 8, "{:?}", summary.findings);
    assert_eq!(summary.quarantined, quarantined.len());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("manifest.json")).unwrap()).unwrap();
    for (file, reason) in &quarantined {
        let entry = manifest["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["path"].as_str().unwrap().ends_with(file))
            .unwrap();
        assert_eq!(entry["status"], "quarantined", "{file}");
        assert!(
            entry["reason"].as_str().unwrap().contains(reason),
            "{file}: {}",
            entry["reason"]
        );
    }
    let findings = read_out(out.path(), "findings");
    let codes = strings(&findings, "code");
    let paths = strings(&findings, "source_path");
    let has = |file: &str, code: &str| {
        paths
            .iter()
            .zip(&codes)
            .any(|(p, c)| p.as_deref() == Some(file) && c.as_deref() == Some(code))
    };
    assert!(has("truncated.txt", "encoding"));
    assert!(has("utf16_no_bom.txt", "encoding"));
    assert!(has("overflow.txt", "number_out_of_range"));
    assert!(has("absurd_pct.txt", "number_out_of_range"));
    assert!(has("duplicate_b.txt", "duplicate_report"));
    let checks = read_out(out.path(), "checks");
    let names = strings(&checks, "check");
    let observed = strings(&checks, "observed");
    assert!(
        names
            .iter()
            .zip(&observed)
            .any(|(c, o)| c.as_deref() == Some("duplicate_report")
                && o.as_deref().is_some_and(|o| o.ends_with("duplicate_b.txt")))
    );
    // The good reports' numbers came through, whatever their encoding.
    let facts = read_out(out.path(), "facts");
    let names = strings(&facts, "fact");
    let vals = facts
        .column_by_name("value")
        .unwrap()
        .as_any()
        .downcast_ref::<arrow_array::Float64Array>()
        .unwrap();
    let totals: Vec<f64> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.as_deref() == Some("total_items"))
        .map(|(i, _)| vals.value(i))
        .collect();
    for t in [20.0, 21.0, 22.0, 23.0, 25.0] {
        assert!(totals.contains(&t), "total {t} missing: {totals:?}");
    }
    // 320% is kept as printed and fails a check; the data is not "fixed".
    let checks = read_out(out.path(), "checks");
    let check_names = strings(&checks, "check");
    let observed = strings(&checks, "observed");
    assert!(
        check_names
            .iter()
            .zip(&observed)
            .any(|(c, o)| c.as_deref() == Some("rate_in_range") && o.as_deref() == Some("320"))
    );
}

#[test]
fn strict_mode_exits_1_on_error_findings() {
    let input = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    std::fs::write(input.path().join("good.txt"), GOOD).unwrap();
    std::fs::write(input.path().join("image.txt"), b"\x89PNG\r\n\x1a\n\0\0").unwrap();
    let status = banli()
        .args(["run", "--strict", "--input"])
        .arg(input.path())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(
        status.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let status = banli()
        .args(["run", "--input"])
        .arg(input.path())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0));
}

#[test]
fn registry_paths_cannot_escape_and_malformed_rule_files_name_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("sources.toml");
    std::fs::write(
        &reg,
        "[[report]]\npath = \"../../etc/passwd\"\njurisdiction_zh = \"x\"\n",
    )
    .unwrap();
    let e = banli::ingest::Registry::load(&reg).unwrap_err().to_string();
    assert!(
        e.contains("sources.toml:2") && e.contains("inside the input folder"),
        "{e}"
    );
    std::fs::write(&reg, "[[report]]\npath = \"a.txt\"\nadmin_level = 3\n").unwrap();
    let e = banli::ingest::Registry::load(&reg).unwrap_err().to_string();
    assert!(e.contains("sources.toml:3:"), "{e}");
    std::fs::write(
        &reg,
        "[[report]]\npath = \"missing.txt\"\nchannel = \"npc_suggestion\"\n",
    )
    .unwrap();
    let r = banli::ingest::Registry::load(&reg).unwrap();
    assert_eq!(r.missing(&[dir.path()]).len(), 1);

    // A copy of datasets/ with a broken crosswalk: the run refuses with file, line and column.
    let ds = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("datasets"), ds.path(), &["reports"]);
    std::fs::write(
        ds.path().join("crosswalks/outcomes.toml"),
        "[[entries]]\nid = \"x\"\njurisdiction_zh = \"淄博市\"\ntiers = [\"resolved\"\n",
    )
    .unwrap();
    let e = banli::rules::Rules::load(ds.path())
        .unwrap_err()
        .to_string();
    assert!(e.contains("outcomes.toml:4:"), "{e}");
    std::fs::write(
        ds.path().join("crosswalks/outcomes.toml"),
        "[[entries]]\nid = \"x\"\njurisdiction_zh = \"淄博市\"\ntiers = [\"solved\"]\n",
    )
    .unwrap();
    let e = banli::rules::Rules::load(ds.path())
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown tier"), "{e}");
    std::fs::write(
        ds.path().join("lexicons/themes.toml"),
        "[[theme]]\nid = 1\n",
    )
    .unwrap();
    assert!(banli::rules::Rules::load(ds.path()).is_err());
}

fn copy_dir(from: &Path, to: &Path, skip: &[&str]) {
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if skip.contains(&name.as_str()) {
            continue;
        }
        let dst = to.join(&name);
        if p.is_dir() {
            std::fs::create_dir_all(&dst).unwrap();
            copy_dir(&p, &dst, &[]);
        } else {
            std::fs::copy(&p, &dst).unwrap();
        }
    }
}

#[test]
fn bad_jsonl_record_is_a_finding_naming_file_and_line() {
    let input = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let recs = tempfile::tempdir().unwrap();
    std::fs::write(input.path().join("good.txt"), GOOD).unwrap();
    std::fs::write(recs.path().join("a.jsonl"), "{\"table\":\"facts\",\"doc\":\"good.txt\",\"fact\":\"total_items\",\"value\":21,\"unit\":\"count\"}\n").unwrap();
    std::fs::write(recs.path().join("b.jsonl"), "{\"table\":\"facts\",\"doc\":\"good.txt\",\"fact\":\"rate_satisfied\",\"value\":\"high\",\"unit\":\"percent\"}\n").unwrap();
    let mut o = opts(input.path(), out.path());
    o.records_dir = Some(recs.path().to_path_buf());
    let s = run::run(&o).unwrap();
    assert_eq!(s.findings.get("error:bad_record"), Some(&1));
    // The valid record overrides the extracted total and the conflict is reported.
    assert_eq!(s.findings.get("warn:record_conflict"), Some(&1));
    let facts = read_out(out.path(), "facts");
    let prov = strings(&facts, "provenance");
    assert!(prov.iter().any(|p| p.as_deref() == Some("manual")));
    let findings = read_out(out.path(), "findings");
    let msgs = strings(&findings, "message");
    assert!(
        msgs.iter().flatten().any(|m| m.contains("b.jsonl:1")),
        "{msgs:?}"
    );
}

#[test]
fn a_second_run_on_the_same_output_refuses_with_a_clear_message() {
    let out = tempfile::tempdir().unwrap();
    let _held = run::lock_output(out.path()).unwrap();
    let o = banli()
        .args(["run", "--out"])
        .arg(out.path())
        .current_dir(repo())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("in use by another banli run"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn adding_one_report_changes_only_its_rows() {
    let input = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    for p in ["000_", "004_"] {
        let src = seed(p);
        std::fs::copy(&src, input.path().join(src.file_name().unwrap())).unwrap();
    }
    run::run(&opts(input.path(), out.path())).unwrap();
    let before = files(out.path());
    let facts_before = read_out(out.path(), "facts");
    let s = seed("002_");
    std::fs::copy(&s, input.path().join(s.file_name().unwrap())).unwrap();
    let summary = run::run(&opts(input.path(), out.path())).unwrap();
    assert_eq!(summary.documents, 3);
    // Jinan DRC (2022) lands in its own year partition: every file of the other years is
    // unchanged byte for byte, and its categories partition is empty.
    let after = files(out.path());
    for (path, bytes) in before.iter().filter(|(p, _)| p.contains("year=")) {
        assert!(after.get(path) == Some(bytes), "{path} was rewritten");
    }
    assert!(after.contains_key("categories/year=2022/part-0.parquet"));
    assert_eq!(
        read_table(&out.path().join("categories/year=2022/part-0.parquet")).num_rows(),
        0
    );
    let facts_after = read_out(out.path(), "facts");
    assert!(facts_after.num_rows() > facts_before.num_rows());
}

#[test]
fn killing_a_run_never_leaves_partial_tables() {
    let input = tempfile::tempdir().unwrap();
    // Enough reports that a run takes a moment.
    for i in 0..150 {
        for p in ["000_", "001_", "003_", "004_"] {
            let text = std::fs::read_to_string(seed(p)).unwrap();
            std::fs::write(
                input.path().join(format!("{p}{i}.txt")),
                format!("{text}\n第{i}份"),
            )
            .unwrap();
        }
    }
    let out = tempfile::tempdir().unwrap();
    run_ok(
        banli()
            .args(["run", "--input"])
            .arg(input.path())
            .arg("--out")
            .arg(out.path()),
    );
    let delays = [0u64, 5, 15, 30, 60, 100, 150, 250, 400, 600];
    let mut survived = 0;
    for d in delays {
        let mut child = banli()
            .args(["run", "--no-cache", "--input"])
            .arg(input.path())
            .arg("--out")
            .arg(out.path())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(d));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        for name in ["documents", "facts", "categories", "outcomes", "checks"] {
            let batch = read_out(out.path(), name);
            assert!(
                batch.num_rows() > 0,
                "{name} unreadable or empty after kill at {d} ms"
            );
        }
        survived += 1;
    }
    assert_eq!(survived, delays.len());
    let s = run::run(&opts(input.path(), out.path())).unwrap();
    assert_eq!(s.documents, 600);
    // The completed run cleaned up what the killed ones left behind, partitions included.
    fn temp_files(dir: &Path) -> Vec<String> {
        let mut found = Vec::new();
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.contains(".tmp-") {
                found.push(e.path().display().to_string());
            } else if e.path().is_dir() && name != ".cache" {
                found.extend(temp_files(&e.path()));
            }
        }
        found
    }
    let left = temp_files(out.path());
    assert!(left.is_empty(), "temp files left: {left:?}");
    let _ = Severity::Info;
}

#[test]
fn cached_rerun_processes_only_the_new_report_and_matches_a_full_run() {
    let input = tempfile::tempdir().unwrap();
    for p in ["000_", "001_", "004_"] {
        let src = seed(p);
        std::fs::copy(&src, input.path().join(src.file_name().unwrap())).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let mut o = opts(input.path(), out.path());
    o.cache = true;
    run::run(&o).unwrap();
    let s = seed("002_");
    std::fs::copy(&s, input.path().join(s.file_name().unwrap())).unwrap();
    run::run(&o).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["cache"]["hits"], 3);
    assert_eq!(manifest["cache"]["misses"], 1);
    // Identical to a cold, uncached run over the same four reports.
    let full = tempfile::tempdir().unwrap();
    run::run(&opts(input.path(), full.path())).unwrap();
    let (cached, cold) = (files(out.path()), files(full.path()));
    assert_eq!(
        cached.keys().collect::<Vec<_>>(),
        cold.keys().collect::<Vec<_>>()
    );
    for (f, bytes) in &cached {
        assert!(bytes == &cold[f], "{f} differs from a full run");
    }
}
