//! Pre-extracted records (`datasets/records/*.jsonl`): facts and categories stated by a user or
//! curator. They override extracted values for the same document and fact, marked `manual`,
//! and every disagreement with the extraction is reported.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::{Category, Evidence, Extraction, Fact, Finding, Provenance, Severity, Unit};

/// One line of a records file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "table", rename_all = "lowercase", deny_unknown_fields)]
pub enum Record {
    Facts {
        /// The report: its `doc_id` or its `source_path`.
        doc: String,
        fact: String,
        value: f64,
        unit: Unit,
        #[serde(default)]
        qualifier: Option<String>,
        #[serde(default)]
        name_zh: Option<String>,
        #[serde(default)]
        note: Option<String>,
    },
    Categories {
        doc: String,
        position: u32,
        label_zh: String,
        #[serde(default)]
        code: Option<String>,
        #[serde(default)]
        count: Option<i64>,
        #[serde(default)]
        pct_stated: Option<f64>,
        #[serde(default)]
        tiers: Option<Vec<String>>,
        #[serde(default)]
        universe: Option<String>,
        /// npc_suggestion|cppcc_proposal when the category belongs to one channel's own scheme.
        #[serde(default)]
        channel: Option<String>,
        #[serde(default)]
        note: Option<String>,
    },
}

impl Record {
    pub fn doc(&self) -> &str {
        match self {
            Record::Facts { doc, .. } | Record::Categories { doc, .. } => doc,
        }
    }
}

/// A record with the place it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub record: Record,
    pub file: PathBuf,
    pub line: usize,
}

const TIERS: &[&str] = &["resolved", "in_progress", "planned", "deferred"];
/// Channels a category record may belong to (an outcome scheme of one channel only).
const CHANNELS: &[&str] = &[crate::extract::NPC, crate::extract::CPPCC];

/// Parse a JSONL records file; the first bad line is an error with file and line.
pub fn parse(path: &Path, src: &str) -> Result<Vec<Located>> {
    let mut out = Vec::new();
    for (i, line) in src.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() || line.trim_start().starts_with("//") {
            continue;
        }
        let bad = |message: String| Error::Record {
            path: path.to_path_buf(),
            line: line_no,
            message,
        };
        let record: Record =
            serde_json::from_str(line).map_err(|e| bad(format!("column {}: {e}", e.column())))?;
        validate(&record).map_err(bad)?;
        out.push(Located {
            record,
            file: path.to_path_buf(),
            line: line_no,
        });
    }
    Ok(out)
}

fn validate(r: &Record) -> std::result::Result<(), String> {
    match r {
        Record::Facts {
            fact, value, unit, ..
        } => {
            if fact.trim().is_empty() {
                return Err("`fact` must not be empty".into());
            }
            if !value.is_finite() || *value < 0.0 {
                return Err(format!(
                    "`value` must be a finite, non-negative number, got {value}"
                ));
            }
            if *unit == Unit::Percent && *value > 100.0 {
                return Err(format!(
                    "a percent `value` must be within 0-100, got {value}"
                ));
            }
        }
        Record::Categories {
            count,
            pct_stated,
            tiers,
            channel,
            ..
        } => {
            if let Some(ch) = channel
                && !CHANNELS.contains(&ch.as_str())
            {
                return Err(format!(
                    "unknown channel {ch:?}; expected one of {CHANNELS:?}"
                ));
            }
            if count.is_some_and(|c| c < 0) {
                return Err("`count` must not be negative".into());
            }
            if pct_stated.is_some_and(|p| !(0.0..=100.0).contains(&p)) {
                return Err("`pct_stated` must be within 0-100".into());
            }
            if let Some(t) = tiers
                .iter()
                .flatten()
                .find(|t| !TIERS.contains(&t.as_str()))
            {
                return Err(format!("unknown tier {t:?}; expected one of {TIERS:?}"));
            }
        }
    }
    Ok(())
}

/// Load every `*.jsonl` under `dir` (sorted). A missing folder means no records.
pub fn load_dir(dir: &Path) -> Result<Vec<Located>> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
            .collect(),
        Err(_) => return Ok(vec![]),
    };
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let src = std::fs::read_to_string(&f).map_err(|e| Error::io(&f, e))?;
        out.extend(parse(&f, &src)?);
    }
    Ok(out)
}

fn manual_evidence(r: &Located) -> Evidence {
    Evidence {
        rule: format!("manual:{}:{}", r.file.display(), r.line),
        ..Default::default()
    }
}

/// Apply the records for one document to its extraction, reporting conflicts.
pub fn apply(records: &[&Located], source_path: &str, doc_id: &str, ex: &mut Extraction) {
    for r in records {
        match &r.record {
            Record::Facts {
                fact,
                value,
                unit,
                qualifier,
                name_zh,
                note,
                ..
            } => {
                let existing = ex.facts.iter().position(|f| {
                    &f.fact == fact && (qualifier.is_none() || &f.qualifier == qualifier)
                });
                if let Some(i) = existing {
                    if (ex.facts[i].value - value).abs() > 1e-9 {
                        ex.findings.push(conflict(
                            source_path,
                            doc_id,
                            r,
                            &format!(
                                "{fact}: extracted {} but the record says {value}",
                                ex.facts[i].value
                            ),
                        ));
                    }
                    ex.facts.remove(i);
                }
                ex.facts.push(Fact {
                    fact: fact.clone(),
                    name_zh: name_zh.clone(),
                    value: *value,
                    value_text: trim_float(*value),
                    unit: *unit,
                    qualifier: qualifier.clone().or(note.clone()),
                    bound: "exact".into(),
                    provenance: Provenance::Manual,
                    evidence: manual_evidence(r),
                });
            }
            Record::Categories {
                position,
                label_zh,
                code,
                count,
                pct_stated,
                tiers,
                universe,
                channel,
                ..
            } => {
                let existing = ex.categories.iter().position(|c| c.position == *position);
                if let Some(i) = existing {
                    let c = &ex.categories[i];
                    if c.count != *count || c.label_zh != *label_zh {
                        ex.findings.push(conflict(
                            source_path,
                            doc_id,
                            r,
                            &format!("category {position}: extracted {:?} {:?} but the record says {label_zh:?} {count:?}", c.label_zh, c.count),
                        ));
                    }
                    ex.categories.remove(i);
                }
                ex.categories.push(Category {
                    position: *position,
                    code: code.clone(),
                    label_zh: label_zh.clone(),
                    label_norm: label_zh.clone(),
                    count: *count,
                    pct_stated: *pct_stated,
                    pct_text: pct_stated.map(trim_float),
                    universe: universe.clone().unwrap_or_else(|| "all_items".into()),
                    universe_zh: None,
                    universe_count: None,
                    parent: None,
                    channel: channel.clone(),
                    provenance: Provenance::Manual,
                    evidence: manual_evidence(r),
                    tiers: tiers.clone().unwrap_or_default(),
                    horizon_years: None,
                    mapping: tiers.as_ref().map(|_| "manual".to_string()),
                    mapping_rule: tiers
                        .as_ref()
                        .map(|_| format!("{}:{}", r.file.display(), r.line)),
                });
                ex.categories.sort_by_key(|c| c.position);
            }
        }
    }
}

fn conflict(source_path: &str, doc_id: &str, r: &Located, msg: &str) -> Finding {
    Finding::new(
        source_path,
        Severity::Warn,
        "record_conflict",
        format!("{msg} ({}:{}); the record wins", r.file.display(), r.line),
    )
    .doc(doc_id)
}

fn trim_float(v: f64) -> String {
    let s = format!("{v}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_records_parse() {
        let src = r#"{"table":"facts","doc":"seeds/a.txt","fact":"total_items","value":230,"unit":"count"}
{"table":"categories","doc":"0123456789abcdef","position":0,"label_zh":"已解决","count":88,"tiers":["resolved"]}"#;
        let v = parse(Path::new("r.jsonl"), src).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].line, 2);
    }

    #[test]
    fn wrong_types_name_file_and_line() {
        let src = "{\"table\":\"facts\",\"doc\":\"a\",\"fact\":\"total_items\",\"value\":230,\"unit\":\"count\"}\n{\"table\":\"facts\",\"doc\":\"a\",\"fact\":\"total_items\",\"value\":\"many\",\"unit\":\"count\"}";
        let e = parse(Path::new("bad.jsonl"), src).unwrap_err().to_string();
        assert!(e.starts_with("bad.jsonl:2:"), "{e}");
        assert!(e.contains("value") || e.contains("invalid type"), "{e}");
    }

    #[test]
    fn unknown_tier_and_table_are_rejected() {
        let e = parse(
            Path::new("x.jsonl"),
            r#"{"table":"categories","doc":"a","position":0,"label_zh":"x","tiers":["done"]}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("unknown tier"));
        let e = parse(Path::new("x.jsonl"), r#"{"table":"nope","doc":"a"}"#).unwrap_err();
        assert!(e.to_string().contains("x.jsonl:1"));
        let e = parse(
            Path::new("x.jsonl"),
            r#"{"table":"facts","doc":"a","fact":"rate_satisfied","value":320,"unit":"percent"}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("0-100"));
    }
}
