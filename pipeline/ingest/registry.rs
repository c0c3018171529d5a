//! The optional source registry (`datasets/sources.toml` or `--registry FILE`): metadata a
//! curator states for a report, overriding what was inferred from the text.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::is_contained_relative;
use crate::error::{Error, Result};
use crate::model::{Date, Document, Finding, MetadataSource, Severity};
use crate::rules::parse_toml;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    #[serde(default)]
    report: Vec<Entry>,
}

/// One registry entry: a path (relative to its input folder) and the metadata to state.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub jurisdiction_zh: Option<String>,
    pub jurisdiction_en: Option<String>,
    pub province_zh: Option<String>,
    pub admin_level: Option<String>,
    pub issuer_zh: Option<String>,
    pub issuer_kind: Option<String>,
    pub channel: Option<String>,
    pub session_zh: Option<String>,
    pub year_handled: Option<i32>,
    pub report_date: Option<String>,
    pub source_url: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub entries: BTreeMap<String, Entry>,
    pub path: String,
}

const LEVELS: &[&str] = &["national", "provincial", "prefecture", "county", "district"];
const KINDS: &[&str] = &["government", "department", "congress", "cppcc", "other"];
const CHANNELS: &[&str] = &["npc_suggestion", "cppcc_proposal", "both"];

impl Registry {
    /// Load and validate a registry file. Malformed TOML or values are errors naming the file
    /// and line; entries whose path escapes the input folder are rejected the same way.
    pub fn load(path: &Path) -> Result<Registry> {
        let src = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let file: RegistryFile = parse_toml(path, &src)?;
        let mut entries = BTreeMap::new();
        for e in file.report {
            let line = src
                .find(&format!("\"{}\"", e.path))
                .map(|b| crate::rules::line_col(&src, b).0)
                .unwrap_or(0);
            let bad = |message: String| Error::Rules {
                path: path.to_path_buf(),
                line,
                column: 1,
                message,
            };
            if !is_contained_relative(&e.path) {
                return Err(bad(format!(
                    "report path {:?} must be relative and stay inside the input folder",
                    e.path
                )));
            }
            check_enum(&e.admin_level, LEVELS, "admin_level").map_err(bad)?;
            check_enum(&e.issuer_kind, KINDS, "issuer_kind").map_err(bad)?;
            check_enum(&e.channel, CHANNELS, "channel").map_err(bad)?;
            if let Some(d) = &e.report_date
                && Date::parse_iso(d).is_none()
            {
                return Err(bad(format!("report_date {d:?} is not a YYYY-MM-DD date")));
            }
            entries.insert(e.path.clone(), e);
        }
        Ok(Registry {
            entries,
            path: path.display().to_string(),
        })
    }

    /// Entries whose file does not exist under any of `roots`.
    pub fn missing(&self, roots: &[&Path]) -> Vec<Finding> {
        self.entries
            .keys()
            .filter(|p| !roots.iter().any(|r| r.join(p).is_file()))
            .map(|p| {
                Finding::new(
                    &self.path,
                    Severity::Warn,
                    "registry_missing_file",
                    format!("registry entry {p:?} names a file that is not in the input folders"),
                )
            })
            .collect()
    }
}

fn check_enum(
    v: &Option<String>,
    allowed: &[&str],
    field: &str,
) -> std::result::Result<(), String> {
    match v {
        Some(s) if !allowed.contains(&s.as_str()) => {
            Err(format!("{field} {s:?} is not one of {allowed:?}"))
        }
        _ => Ok(()),
    }
}

/// Overlay the registry's statements on the inferred metadata.
pub fn apply(reg: &Registry, doc: &mut Document, findings: &mut Vec<Finding>) {
    let Some(e) = reg.entries.get(&doc.source_path) else {
        return;
    };
    let m = &mut doc.meta;
    let before = m.clone();
    let set = |dst: &mut Option<String>, v: &Option<String>| {
        if v.is_some() {
            *dst = v.clone();
        }
    };
    set(&mut m.jurisdiction_zh, &e.jurisdiction_zh);
    set(&mut m.jurisdiction_en, &e.jurisdiction_en);
    set(&mut m.province_zh, &e.province_zh);
    set(&mut m.admin_level, &e.admin_level);
    set(&mut m.issuer_zh, &e.issuer_zh);
    set(&mut m.issuer_kind, &e.issuer_kind);
    set(&mut m.channel, &e.channel);
    set(&mut m.session_zh, &e.session_zh);
    if e.year_handled.is_some() {
        m.year_handled = e.year_handled;
    }
    if let Some(d) = e.report_date.as_deref().and_then(Date::parse_iso) {
        m.report_date = Some(d);
    }
    doc.source_url = e.source_url.clone();
    let m = &mut doc.meta;
    m.metadata_source = if all_stated(e) {
        MetadataSource::Registry
    } else if any_stated(e) {
        MetadataSource::Mixed
    } else {
        m.metadata_source
    };
    if before.jurisdiction_zh.is_some() && before.jurisdiction_zh != m.jurisdiction_zh {
        findings.push(
            Finding::new(
                &doc.source_path,
                Severity::Info,
                "registry_overrides",
                format!(
                    "registry says jurisdiction {:?}; the text suggested {:?}",
                    m.jurisdiction_zh, before.jurisdiction_zh
                ),
            )
            .doc(&doc.doc_id),
        );
    }
}

fn any_stated(e: &Entry) -> bool {
    e.jurisdiction_zh.is_some()
        || e.jurisdiction_en.is_some()
        || e.province_zh.is_some()
        || e.admin_level.is_some()
        || e.issuer_zh.is_some()
        || e.issuer_kind.is_some()
        || e.channel.is_some()
        || e.session_zh.is_some()
        || e.year_handled.is_some()
        || e.report_date.is_some()
}

fn all_stated(e: &Entry) -> bool {
    e.jurisdiction_zh.is_some()
        && e.province_zh.is_some()
        && e.admin_level.is_some()
        && e.issuer_zh.is_some()
        && e.issuer_kind.is_some()
        && e.channel.is_some()
        && e.year_handled.is_some()
        && e.report_date.is_some()
}
