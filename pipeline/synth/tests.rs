//! Generator tests: determinism, gold consistency, and that the scorer runs on a generated corpus.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{SynthOptions, generate, generate_one};

/// A scratch folder removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let p = std::env::temp_dir().join(format!("banli-synth-test-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        Scratch(p)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("list folder").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .expect("inside")
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&p).expect("read file"));
            }
        }
    }
    out
}

#[test]
fn same_seed_gives_byte_identical_files() {
    let (a, b) = (Scratch::new("det-a"), Scratch::new("det-b"));
    for s in [&a, &b] {
        generate(&SynthOptions {
            reports: 60,
            seed: 42,
            out: s.0.clone(),
        })
        .expect("generate");
    }
    let (fa, fb) = (files(&a.0), files(&b.0));
    assert_eq!(fa.len(), 120, "a report and a gold file each");
    assert_eq!(fa, fb);
    let other = generate_one(43, 0).expect("generate");
    let first = generate_one(42, 0).expect("generate");
    assert!(
        other.bytes != first.bytes || other.stem != first.stem,
        "another seed, another corpus"
    );
}

fn gold_of(seed: u64, i: u64) -> Value {
    let g = generate_one(seed, i).expect("generate");
    serde_json::from_slice(&g.gold_json).expect("gold is JSON")
}

fn has_quirk(g: &Value, q: &str) -> bool {
    g["quirks"]
        .as_array()
        .is_some_and(|a| a.iter().any(|x| x == q))
}

#[test]
fn categories_sum_to_the_total_where_the_scheme_says_so() {
    let mut checked = 0;
    for i in 0..400 {
        let g = gold_of(7, i);
        let cats = g["outcome_scheme"].as_array().cloned().unwrap_or_default();
        let top: Vec<&Value> = cats
            .iter()
            .filter(|c| {
                c.get("parent").is_none() && c.get("grade").is_none() && c.get("universe").is_none()
            })
            .collect();
        if top.is_empty() || has_quirk(&g, "sum_mismatch") || has_quirk(&g, "denominator_differs") {
            continue;
        }
        let sum: i64 = top.iter().filter_map(|c| c["count"].as_i64()).sum();
        assert_eq!(Some(sum), g["total"].as_i64(), "report {i}: {}", g["synth"]);
        // A nested category stays within its parent.
        for c in cats.iter().filter(|c| c.get("parent").is_some()) {
            let parent = cats
                .iter()
                .find(|p| p["label_zh"] == c["parent"])
                .expect("parent is listed");
            assert!(c["count"].as_i64() <= parent["count"].as_i64());
        }
        checked += 1;
    }
    assert!(
        checked > 200,
        "most reports carry a full scheme ({checked})"
    );
}

#[test]
fn gold_matches_what_is_printed() {
    for i in 0..200 {
        let g = gold_of(11, i);
        assert!(
            g["total"].as_i64().is_some_and(|t| t > 0),
            "report {i} states a total"
        );
        let roles: i64 = g["roles"]
            .as_object()
            .map(|o| o.values().filter_map(Value::as_i64).sum())
            .unwrap_or(0);
        if roles > 0 {
            assert_eq!(
                Some(roles),
                g["total"].as_i64(),
                "report {i}: roles split the total"
            );
        }
        let topics: i64 = g["topics"]
            .as_array()
            .map(|a| a.iter().filter_map(|t| t["count"].as_i64()).sum())
            .unwrap_or(0);
        if topics > 0 {
            assert_eq!(
                Some(topics),
                g["total"].as_i64(),
                "report {i}: topics split the total"
            );
        }
        for (name, v) in g["rates"].as_object().cloned().unwrap_or_default() {
            let v = v.as_f64().unwrap_or(-1.0);
            assert!((0.0..=100.0).contains(&v), "report {i}: rate {name} = {v}");
        }
        let level = g["admin_level"].as_str().unwrap_or("");
        assert!(
            matches!(
                level,
                "national" | "provincial" | "prefecture" | "county" | "district"
            ),
            "{level}"
        );
    }
}

#[test]
fn text_decodes_and_shows_its_numbers() {
    for i in 0..150 {
        let g = generate_one(5, i).expect("generate");
        let decoded = crate::ingest::decode::decode(&g.bytes).expect("decodable");
        let gold: Value = serde_json::from_slice(&g.gold_json).expect("gold is JSON");
        let arabic = gold["synth"]["numerals"] == "arabic" && !has_quirk(&gold, "fullwidth_digits");
        if let (true, Some(total)) = (arabic, gold["total"].as_i64()) {
            assert!(
                decoded.text.contains(&total.to_string()),
                "report {i} prints its total {total}"
            );
        }
    }
}

#[test]
fn scorer_runs_on_a_generated_corpus() {
    let dir = Scratch::new("score");
    let n = generate(&SynthOptions {
        reports: 200,
        seed: 3,
        out: dir.0.clone(),
    })
    .expect("generate");
    assert_eq!(n, 200);
    let rules = crate::rules::Rules::bundled().expect("bundled rules");
    let report = crate::score::score_dir(&dir.0, &rules).expect("score");
    assert_eq!(report.documents, 200);
    assert!(report.fields.contains_key("total"));
}
