//! Shared helpers: the bundled rules, processing a file or a string, running the binary.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use banli::ingest::{self, SourceFile};
use banli::model::{Format, Processed};
use banli::rules::Rules;

pub static RULES: LazyLock<Rules> = LazyLock::new(|| Rules::bundled().expect("bundled rules load"));

/// The repository root (the folder with `datasets/`), from whichever package runs the tests.
pub fn repo() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .find(|p| p.join("datasets").is_dir())
        .unwrap_or(&here)
        .to_path_buf()
}

pub fn seed(prefix: &str) -> PathBuf {
    find(&repo().join("datasets/reports/seeds"), prefix)
}

pub fn case(prefix: &str) -> PathBuf {
    find(&repo().join("datasets/reports/cases"), prefix)
}

fn find(dir: &Path, prefix: &str) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name().unwrap().to_string_lossy().starts_with(prefix)
                && p.extension().is_some_and(|e| e == "txt")
        })
        .unwrap_or_else(|| panic!("no report {prefix} in {}", dir.display()))
}

pub fn source(path: &Path) -> SourceFile {
    SourceFile {
        collection: "test".into(),
        rel_path: path.file_name().unwrap().to_string_lossy().into_owned(),
        path: path.to_path_buf(),
        format: ingest::format_of(path).unwrap_or(Format::Txt),
    }
}

/// Run stages 1-4 on one file.
pub fn process_file(path: &Path) -> Processed {
    let (doc, _) = ingest::ingest_file(&source(path), &RULES, None).expect("ingest");
    banli::run::process_all(vec![doc], &RULES, &[])
        .pop()
        .unwrap()
}

/// Run stages 1-4 on text given inline.
pub fn process_text(text: &str) -> Processed {
    process_bytes(text.as_bytes(), Format::Txt)
}

pub fn process_bytes(bytes: &[u8], format: Format) -> Processed {
    let src = SourceFile {
        collection: "test".into(),
        rel_path: "inline.txt".into(),
        path: PathBuf::from("inline.txt"),
        format,
    };
    let (doc, _) = ingest::ingest_bytes(&src, bytes, &RULES, None).expect("ingest");
    banli::run::process_all(vec![doc], &RULES, &[])
        .pop()
        .unwrap()
}

pub fn fact(p: &Processed, name: &str) -> Option<f64> {
    p.extraction
        .facts
        .iter()
        .find(|f| f.fact == name)
        .map(|f| f.value)
}

pub fn facts(p: &Processed, name: &str) -> Vec<f64> {
    p.extraction
        .facts
        .iter()
        .filter(|f| f.fact == name)
        .map(|f| f.value)
        .collect()
}

/// (label, count, pct, tiers) of each category.
pub fn cats(p: &Processed) -> Vec<(String, Option<i64>, Option<f64>, Vec<String>)> {
    p.extraction
        .categories
        .iter()
        .map(|c| (c.label_norm.clone(), c.count, c.pct_stated, c.tiers.clone()))
        .collect()
}

/// Each topic's printed label and count, in order.
pub fn topics(p: &Processed) -> Vec<(String, Option<i64>)> {
    p.extraction
        .topics
        .iter()
        .map(|t| (t.label_zh.clone(), t.count))
        .collect()
}

pub fn outcome(p: &Processed, tier: &str) -> (Option<f64>, Option<f64>, bool) {
    let o = p
        .outcomes
        .iter()
        .find(|o| o.tier == tier)
        .unwrap_or_else(|| panic!("no outcome row {tier}"));
    (o.share_low, o.share_high, o.exact)
}

/// Whether the report's extraction left a finding with this code.
pub fn has_finding(p: &Processed, code: &str) -> bool {
    p.extraction.findings.iter().any(|f| f.code == code)
}
