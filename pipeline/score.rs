//! Grading against gold files (`banli score`), the `explain` view and the `unmapped` list.
//!
//! Gold format: `../shared/corpus/README.md` (jurisdiction_zh, total, outcome_scheme, rates,
//! topics, roles, …). A report `X.txt` is graded against `X.gold.json` beside it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::ingest::InputDir;
use crate::model::{Processed, Provenance, Unit};
use crate::rules::Rules;
use crate::run::{self, RunOptions};

/// Precision/recall tallies for one field.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    pub misses: Vec<String>,
}

impl Tally {
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
    fn hit(&mut self) {
        self.tp += 1;
    }
    fn miss(&mut self, m: String) {
        self.fn_ += 1;
        self.misses.push(format!("miss: {m}"));
    }
    fn extra(&mut self, m: String) {
        self.fp += 1;
        self.misses.push(format!("extra: {m}"));
    }
}

#[derive(Debug, Clone, Default)]
pub struct ScoreReport {
    pub fields: BTreeMap<String, Tally>,
    pub documents: usize,
}

impl ScoreReport {
    pub fn field(&self, name: &str) -> Tally {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    pub fn render(&self, verbose: bool) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "banli score: {} documents", self.documents);
        let _ = writeln!(
            s,
            "{:<22} {:>5} {:>5} {:>5} {:>9} {:>7}",
            "field", "tp", "fp", "fn", "precision", "recall"
        );
        for (name, t) in &self.fields {
            let _ = writeln!(
                s,
                "{:<22} {:>5} {:>5} {:>5} {:>9.3} {:>7.3}",
                name,
                t.tp,
                t.fp,
                t.fn_,
                t.precision(),
                t.recall()
            );
        }
        if verbose {
            for (name, t) in &self.fields {
                for m in &t.misses {
                    let _ = writeln!(s, "  [{name}] {m}");
                }
            }
        }
        s
    }
}

/// Loose comparison key for wording: simplified, without quotes, punctuation, 的 and codes.
pub fn wording_key(s: &str) -> String {
    // Gold labels copied from pages with pinyin glosses (`經(jīng)濟建設(shè)`) keep them; the
    // extracted labels do not.
    let unglossed =
        crate::ingest::glosses::strip_pinyin_glosses(s, crate::ingest::text::Origins::Identity)
            .map(|(t, _)| t);
    let s = fast2s::convert(unglossed.as_deref().unwrap_or(s));
    s.chars()
        .filter(|c| {
            !matches!(
                c,
                '的' | '"'
                    | '“'
                    | '”'
                    | '‘'
                    | '’'
                    | '\''
                    | ','
                    | '，'
                    | '、'
                    | '('
                    | ')'
                    | '（'
                    | '）'
                    | ' '
                    | '。'
                    | ';'
                    | '；'
                    | ':'
                    | '：'
            )
        })
        .collect::<String>()
        .replace("所提问题", "")
        .replace("建议所涉及问题", "")
        .replace("涉及问题", "")
        .replace("方面", "")
        .replace("提案", "")
}

/// Same wording: one key contains the other, or they share most characters.
pub fn same_wording(a: &str, b: &str) -> bool {
    let (ka, kb) = (wording_key(a), wording_key(b));
    if ka.is_empty() || kb.is_empty() {
        return false;
    }
    if ka.contains(&kb) || kb.contains(&ka) {
        return true;
    }
    let sa: BTreeSet<char> = ka.chars().collect();
    let sb: BTreeSet<char> = kb.chars().collect();
    let inter = sa.intersection(&sb).count() as f64;
    inter / (sa.len().max(sb.len()) as f64) >= 0.75
}

fn simplified(v: Option<&str>) -> Option<String> {
    v.map(fast2s::convert)
}

/// Grade every report in `dir` that has a gold file.
pub fn score_dir(dir: &Path, rules: &Rules) -> Result<ScoreReport> {
    let opts = RunOptions {
        inputs: vec![InputDir {
            root: dir.to_path_buf(),
            collection: "gold".into(),
        }],
        datasets: crate::rules::bundled_datasets_dir(),
        ..Default::default()
    };
    let mut findings = Vec::new();
    let (docs, _) = run::ingest_all(&opts, rules, None, &mut findings);
    let processed = run::process_all(docs, rules, &[]);
    let mut report = ScoreReport::default();
    for p in &processed {
        let stem = p
            .doc
            .source_path
            .rsplit_once('.')
            .map(|(a, _)| a)
            .unwrap_or(&p.doc.source_path);
        let gold_path = dir.join(format!("{stem}.gold.json"));
        let Ok(src) = std::fs::read_to_string(&gold_path) else {
            continue;
        };
        let gold: Value = serde_json::from_str(&src).map_err(|e| Error::Record {
            path: gold_path.clone(),
            line: e.line(),
            message: e.to_string(),
        })?;
        grade(p, &gold, stem, rules, &mut report);
        report.documents += 1;
    }
    Ok(report)
}

fn tally<'a>(r: &'a mut ScoreReport, field: &str) -> &'a mut Tally {
    r.fields.entry(field.to_string()).or_default()
}

fn grade(p: &Processed, g: &Value, name: &str, rules: &Rules, r: &mut ScoreReport) {
    let meta = &p.doc.meta;
    // Metadata: each field is one decision; a wrong value is both a miss and an extra.
    let meta_fields: [(&str, Option<String>); 8] = [
        (
            "meta.jurisdiction",
            simplified(meta.jurisdiction_zh.as_deref()),
        ),
        ("meta.province", meta.province_zh.clone()),
        ("meta.admin_level", meta.admin_level.clone()),
        ("meta.issuer_kind", meta.issuer_kind.clone()),
        ("meta.channel", meta.channel.clone()),
        (
            "meta.year_handled",
            meta.year_handled.map(|y| y.to_string()),
        ),
        ("meta.report_date", meta.report_date.map(|d| d.iso())),
        ("meta.session", simplified(meta.session_zh.as_deref())),
    ];
    for (f, got) in meta_fields {
        let key = f.trim_start_matches("meta.");
        let key = match key {
            "jurisdiction" => "jurisdiction_zh",
            "province" => "province_zh",
            "session" => "session_zh",
            k => k,
        };
        let Some(gv) = g.get(key) else { continue };
        let want = match gv {
            Value::Null => None,
            Value::String(s) => Some(fast2s::convert(s)),
            Value::Number(n) => Some(n.to_string()),
            _ => continue,
        };
        let t = tally(r, f);
        match (&want, &got) {
            (Some(w), Some(x))
                if w == x
                    || (key == "session_zh"
                        && (w.contains(x.as_str()) || x.contains(w.as_str()))) =>
            {
                t.hit()
            }
            (Some(w), Some(x)) => {
                t.miss(format!("{name}: {key} {w:?}"));
                t.extra(format!("{name}: {key} {x:?}"));
            }
            (Some(w), None) => t.miss(format!("{name}: {key} {w:?}")),
            (None, Some(x)) => t.extra(format!("{name}: {key} {x:?} (gold: unknown)")),
            (None, None) => t.hit(),
        }
    }

    let ex = &p.extraction;
    let fact = |n: &str| {
        ex.facts
            .iter()
            .find(|f| f.fact == n)
            .map(|f| f.value as i64)
    };
    let mut count_field = |fname: &str, want: Option<i64>, got: Option<i64>| {
        let t = tally(r, fname);
        match (want, got) {
            (Some(w), Some(x)) if w == x => t.hit(),
            (Some(w), Some(x)) => {
                t.miss(format!("{name}: {w}"));
                t.extra(format!("{name}: {x}"));
            }
            (Some(w), None) => t.miss(format!("{name}: {w}")),
            (None, Some(x)) if fname == "total" => t.extra(format!("{name}: {x} (gold has none)")),
            _ => {}
        }
    };
    count_field(
        "total",
        g.get("total").and_then(Value::as_i64),
        fact("total_items"),
    );
    if let Some(v) = g.get("key_items").and_then(Value::as_i64) {
        count_field("key_items", Some(v), fact("key_items"));
    }
    if let Some(v) = g.get("total_government_system").and_then(Value::as_i64) {
        count_field("government_items", Some(v), fact("government_items"));
    }
    if let Some(v) = g.get("during_session").and_then(Value::as_i64) {
        count_field("session_split", Some(v), fact("items_during_session"));
    }
    if let Some(v) = g.get("after_session").and_then(Value::as_i64) {
        count_field("session_split", Some(v), fact("items_after_session"));
    }
    if let Some(v) = g
        .pointer("/feedback/forms_returned")
        .and_then(Value::as_i64)
    {
        count_field("feedback_forms", Some(v), fact("feedback_forms"));
    }

    // Categories: matched by count (or share) and wording; tiers graded on matches.
    let gold_cats: Vec<&Value> = g
        .get("outcome_scheme")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let mut matched = vec![false; ex.categories.len()];
    for gc in &gold_cats {
        let skip = gc.get("grade").and_then(Value::as_str) == Some("skip");
        let label = gc.get("label_zh").and_then(Value::as_str).unwrap_or("");
        let count = gc.get("count").and_then(Value::as_i64);
        let pct = gc.get("pct_stated").and_then(Value::as_f64);
        let code = gc.get("code").and_then(Value::as_str);
        let found = ex.categories.iter().enumerate().find(|(i, c)| {
            !matched[*i]
                && match count {
                    Some(n) => c.count == Some(n),
                    None => c.count.is_none() && pct.is_some() && c.pct_stated == pct,
                }
                && (same_wording(&c.label_zh, label)
                    || (code.is_some()
                        && c.code.as_deref() == code
                        && c.label_zh.chars().count() <= 3))
        });
        if skip {
            if let Some((i, _)) = found {
                matched[i] = true;
            }
            continue;
        }
        let t = tally(r, "categories");
        match found {
            Some((i, c)) => {
                matched[i] = true;
                t.hit();
                let tc = tally(r, "category_code");
                if c.code.as_deref() == code {
                    tc.hit()
                } else {
                    tc.miss(format!("{name}: {label} code {code:?}, got {:?}", c.code))
                }
                let tp = tally(r, "category_pct");
                if c.pct_stated == pct
                    || c.pct_stated
                        .zip(pct)
                        .is_some_and(|(a, b)| (a - b).abs() < 1e-9)
                {
                    tp.hit()
                } else {
                    tp.miss(format!(
                        "{name}: {label} pct {pct:?}, got {:?}",
                        c.pct_stated
                    ))
                }
                let want: BTreeSet<String> = gc
                    .get("tiers")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                let alts: Vec<BTreeSet<String>> = gc
                    .get("tiers_alt")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| {
                                x.as_array().map(|xs| {
                                    xs.iter()
                                        .filter_map(|v| v.as_str().map(String::from))
                                        .collect()
                                })
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let got: BTreeSet<String> = c.tiers.iter().cloned().collect();
                let tt = tally(r, "tiers");
                if got == want || alts.contains(&got) {
                    tt.hit()
                } else {
                    tt.miss(format!(
                        "{name}: {label} tiers {want:?}, got {got:?} ({})",
                        c.mapping_rule.as_deref().unwrap_or("-")
                    ));
                }
            }
            None => t.miss(format!("{name}: {label} {count:?} {pct:?}")),
        }
    }
    for (i, c) in ex.categories.iter().enumerate() {
        if !matched[i] {
            tally(r, "categories").extra(format!(
                "{name}: {} {:?} {:?}",
                c.label_zh, c.count, c.pct_stated
            ));
        }
    }

    // Rates: keyed by the printed Chinese name in gold; matched by canonical fact and value.
    let rates: Vec<(String, f64)> = g
        .get("rates")
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_f64().map(|x| (k.clone(), x)))
                .collect()
        })
        .unwrap_or_default();
    let got_rates: Vec<&crate::model::Fact> = ex
        .facts
        .iter()
        .filter(|f| {
            f.unit == Unit::Percent
                && f.fact.starts_with("rate_")
                && f.provenance == Provenance::Extracted
        })
        .collect();
    let mut used = vec![false; got_rates.len()];
    for (k, v) in &rates {
        let canon = canonical_rate(rules, k);
        let hit = got_rates.iter().enumerate().find(|(i, f)| {
            !used[*i] && (f.value - v).abs() < 1e-9 && canon.as_deref().is_none_or(|c| f.fact == c)
        });
        let t = tally(r, "rates");
        match hit {
            Some((i, _)) => {
                used[i] = true;
                t.hit();
            }
            None => t.miss(format!("{name}: {k} {v} (canonical {canon:?})")),
        }
    }
    for (i, f) in got_rates.iter().enumerate() {
        if !used[i] {
            tally(r, "rates").extra(format!(
                "{name}: {} {} {}",
                f.fact,
                f.name_zh.as_deref().unwrap_or(""),
                f.value_text
            ));
        }
    }

    // Topics.
    let topics: Vec<&Value> = g
        .get("topics")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let mut tused = vec![false; ex.topics.len()];
    for gt in &topics {
        let label = gt.get("label_zh").and_then(Value::as_str).unwrap_or("");
        let count = gt.get("count").and_then(Value::as_i64);
        let hit = ex
            .topics
            .iter()
            .enumerate()
            .find(|(i, t)| !tused[*i] && t.count == count && same_wording(&t.label_zh, label));
        let t = tally(r, "topics");
        match hit {
            Some((i, _)) => {
                tused[i] = true;
                t.hit();
            }
            None => t.miss(format!("{name}: {label} {count:?}")),
        }
    }
    for (i, t) in ex.topics.iter().enumerate() {
        if !tused[i] {
            tally(r, "topics").extra(format!("{name}: {} {:?}", t.label_zh, t.count));
        }
    }

    // Roles (top-level) by printed role and count.
    if let Some(roles) = g.get("roles").and_then(Value::as_object) {
        for (k, v) in roles {
            let Some(n) = v.as_i64() else { continue };
            if k.contains("重点") {
                continue; // key items are graded as key_items
            }
            let kk = fast2s::convert(k);
            // `建议主办 38`: a role of one channel is that channel's row, nested or not.
            let of_channel = |r: &crate::model::Role| match r.channel.as_deref() {
                Some("npc_suggestion") => kk.contains("建议"),
                Some("cppcc_proposal") => kk.contains("提案"),
                _ => false,
            };
            let hit = ex.roles.iter().any(|r| {
                (r.parent.is_none() || of_channel(r))
                    && r.count == n
                    && (kk.contains(&r.role_zh)
                        || r.role_zh.contains(kk.trim_end_matches(['件', '（', '('])))
            });
            let t = tally(r, "roles");
            if hit {
                t.hit()
            } else {
                t.miss(format!("{name}: {k} {n}"))
            }
        }
    }
    grade_splits(p, g, name, r);
    if let Some(bd) = g.get("breakdown").and_then(Value::as_array) {
        for b in bd {
            let (role, level, channel, n) = (
                b["role"].as_str(),
                b["level"].as_str(),
                b["channel"].as_str(),
                b["count"].as_i64(),
            );
            let hit = ex.roles.iter().any(|r| {
                r.parent.is_some()
                    && Some(r.role_zh.as_str()) == role
                    && r.level_zh.as_deref() == level
                    && r.channel.as_deref() == channel
                    && Some(r.count) == n
            });
            let t = tally(r, "role_breakdown");
            if hit {
                t.hit()
            } else {
                t.miss(format!("{name}: {b}"))
            }
        }
    }
    if let Some(nums) = g.get("numbered_items").and_then(Value::as_array) {
        let got: BTreeSet<i64> = ex.items.iter().filter_map(|i| i.number).collect();
        let want: BTreeSet<i64> = nums.iter().filter_map(Value::as_i64).collect();
        let t = tally(r, "numbered_items");
        for w in &want {
            if got.contains(w) {
                t.hit()
            } else {
                t.miss(format!("{name}: {w}"))
            }
        }
        for x in got.difference(&want) {
            t.extra(format!("{name}: {x}"));
        }
    }
    if let Some(names) = g.get("named_proposers").and_then(Value::as_array) {
        let got: BTreeSet<String> = ex
            .items
            .iter()
            .flat_map(|i| i.proposers.iter().cloned())
            .collect();
        let want: BTreeSet<String> = names
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        let t = tally(r, "named_proposers");
        for w in &want {
            if got.contains(w) {
                t.hit()
            } else {
                t.miss(format!("{name}: {w}"))
            }
        }
        for x in got.difference(&want) {
            t.extra(format!("{name}: {x}"));
        }
    }
}

/// Splits of the total graded by count and wording: by proposer (`proposer_split`: 集体提案 /
/// 委员个人或联名提案), by session (`session_split`: 会议期间 / 闭会期间), by handling body
/// (`handling_split`: 市法院 4; entries counting units (个, 家) or stating only a share are not
/// item counts and are skipped). A field absent from the gold file is not graded, so its facts
/// are no extras there.
fn grade_splits(p: &Processed, g: &Value, name: &str, r: &mut ScoreReport) {
    let facts = &p.extraction.facts;
    let named = |f: &crate::model::Fact, label: &str| {
        f.name_zh
            .as_deref()
            .is_some_and(|n| same_wording(n, label) || wording_key(label).contains(&wording_key(n)))
    };
    let mut grade_field =
        |field: &str, wanted: Vec<(String, i64)>, kinds: &[&str], by_name: bool| {
            let mut used = vec![false; facts.len()];
            for (label, n) in &wanted {
                let fits =
                    |f: &crate::model::Fact| f.value == *n as f64 && (!by_name || named(f, label));
                let hit = facts
                    .iter()
                    .enumerate()
                    .find(|(i, f)| !used[*i] && kinds.contains(&f.fact.as_str()) && fits(f));
                let t = tally(r, field);
                match hit {
                    Some((i, _)) => {
                        used[i] = true;
                        t.hit();
                    }
                    None => t.miss(format!("{name}: {label} {n}")),
                }
            }
            for (i, f) in facts.iter().enumerate() {
                if !used[i] && kinds.contains(&f.fact.as_str()) {
                    let label = f.name_zh.as_deref().unwrap_or(&f.fact);
                    tally(r, field).extra(format!("{name}: {label} {}", f.value));
                }
            }
        };
    let pairs = |v: &Value| -> Vec<(String, i64)> {
        v.as_object()
            .map(|o| {
                o.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_i64()?)))
                    .collect()
            })
            .unwrap_or_default()
    };
    if let Some(v) = g.get("proposer_split") {
        grade_field(
            "proposer_split",
            pairs(v),
            &["items_collective", "items_individual"],
            true,
        );
    }
    if let Some(v) = g.get("session_split") {
        let (after, during): (Vec<_>, Vec<_>) = pairs(v)
            .into_iter()
            .partition(|(label, _)| label.contains("闭会") || label.contains("会后"));
        for (wanted, kind) in [
            (during, "items_during_session"),
            (after, "items_after_session"),
        ] {
            if !wanted.is_empty() {
                grade_field("session_split", wanted, &[kind], false);
            }
        }
    }
    if let Some(list) = g.get("handling_split").and_then(Value::as_array) {
        let unit_count = |l: &str| {
            ["（个）", "（家）", "（件次）", "（個）", "(个)"]
                .iter()
                .any(|u| l.contains(u))
        };
        let wanted: Vec<(String, i64)> = list
            .iter()
            .filter_map(|e| {
                let label = e.get("label_zh")?.as_str()?;
                let n = e.get("count")?.as_i64()?;
                (!unit_count(label)).then(|| (label.to_string(), n))
            })
            .collect();
        grade_field("handling_split", wanted, &["items_by_handler"], true);
    }
}

/// Canonical fact for a gold rate key such as `满意率（省政协提案）` or `办理结果基本满意`.
fn canonical_rate(rules: &Rules, key: &str) -> Option<String> {
    let k = fast2s::convert(key);
    let ex = &rules.extract;
    // `满意率（含基本满意）`: a note that names the rate, as extraction reads it.
    if let Some((_, note)) = k.split_once(['（', '('])
        && let Some(c) = ex.rate_named_by_note(note)
    {
        return Some(c.to_string());
    }
    let k = k.split(['（', '(']).next().unwrap_or(&k).to_string();
    ex.rates
        .iter()
        .filter(|(s, _)| k.ends_with(s.as_str()))
        .max_by_key(|(s, _)| s.len())
        .map(|(_, c)| c.clone())
        .or_else(|| {
            ex.satisfaction
                .iter()
                .filter(|(s, _)| k.ends_with(s.as_str()))
                .max_by_key(|(s, _)| s.len())
                .map(|(_, c)| c.clone())
        })
}

/// Human-readable dump of one processed report, each row beside its evidence.
pub fn explain(p: &Processed) -> String {
    let mut s = String::new();
    let m = &p.doc.meta;
    let _ = writeln!(s, "# {} ({})", p.doc.source_path, p.doc.doc_id);
    let _ = writeln!(
        s,
        "jurisdiction {:?} ({:?}), province {:?}, level {:?}, issuer {:?} ({:?}), channel {:?}, session {:?}, year {:?}, date {:?}",
        m.jurisdiction_zh,
        m.jurisdiction_en,
        m.province_zh,
        m.admin_level,
        m.issuer_zh,
        m.issuer_kind,
        m.channel,
        m.session_zh,
        m.year_handled,
        m.report_date.map(|d| d.iso())
    );
    let _ = writeln!(s, "\n## facts");
    for f in &p.extraction.facts {
        let _ = writeln!(
            s,
            "- {} = {} {} [{}{}] line {}\n    « {} »",
            f.fact,
            f.value_text,
            f.unit.as_str(),
            f.name_zh.as_deref().unwrap_or(""),
            f.qualifier
                .as_deref()
                .map(|q| format!("; {q}"))
                .unwrap_or_default(),
            f.evidence.line,
            f.evidence.sentence
        );
    }
    let _ = writeln!(s, "\n## categories");
    for c in &p.extraction.categories {
        let _ = writeln!(
            s,
            "- #{}{} code {:?} {:?} count {:?} pct {:?} tiers {:?} ({} {}) universe {} {:?} line {}\n    « {} »",
            c.position,
            c.channel
                .as_deref()
                .map(|ch| format!(" [{ch}]"))
                .unwrap_or_default(),
            c.code,
            c.label_zh,
            c.count,
            c.pct_text,
            c.tiers,
            c.mapping.as_deref().unwrap_or("-"),
            c.mapping_rule.as_deref().unwrap_or("-"),
            c.universe,
            c.universe_count,
            c.evidence.line,
            c.evidence.sentence
        );
    }
    let _ = writeln!(s, "\n## outcomes");
    for o in p.outcomes.iter().chain(&p.channel_outcomes) {
        let _ = writeln!(
            s,
            "- {}{:<12} count [{:?}, {:?}] share [{:?}, {:?}] of {} {:?}{}",
            o.channel
                .as_deref()
                .map(|ch| format!("{ch} "))
                .unwrap_or_default(),
            o.tier,
            o.count_low,
            o.count_high,
            o.share_low,
            o.share_high,
            o.universe,
            o.universe_count,
            if o.exact { " exact" } else { "" }
        );
    }
    let _ = writeln!(s, "\n## topics");
    for t in &p.extraction.topics {
        let _ = writeln!(
            s,
            "- {:?} {:?} {:?} → {:?}",
            t.label_zh, t.count, t.pct_text, t.mapped
        );
    }
    let _ = writeln!(s, "\n## roles");
    for r in &p.extraction.roles {
        let _ = writeln!(
            s,
            "- {} ({}) {:?} {:?} {} parent {:?}",
            r.role_zh, r.role, r.level_zh, r.channel, r.count, r.parent
        );
    }
    let _ = writeln!(s, "\n## items");
    for i in &p.extraction.items {
        let _ = writeln!(
            s,
            "- no {:?} {:?} by {:?} ({:?}) key {} themes {:?}",
            i.number, i.title, i.proposers, i.proposer_count, i.key_item, i.themes
        );
    }
    let _ = writeln!(s, "\n## checks");
    for c in &p.checks {
        let _ = writeln!(s, "- {} {}: {}", c.status.as_str(), c.check, c.message);
    }
    let _ = writeln!(s, "\n## findings");
    for f in &p.extraction.findings {
        let _ = writeln!(s, "- {} {}: {}", f.severity.as_str(), f.code, f.message);
    }
    s
}

/// Category labels, topics and rates no rule covered, grouped, for a user adding a city.
pub fn unmapped(ps: &[Processed]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# category labels with no tier rule (add to datasets/rules/tiers.toml or datasets/crosswalks/outcomes.toml)"
    );
    for p in ps {
        for c in p
            .extraction
            .categories
            .iter()
            .filter(|c| c.mapping.as_deref() == Some("unmapped"))
        {
            let _ = writeln!(
                s,
                "{}\t{}\t{:?}\t{}",
                p.doc.source_path, c.label_zh, c.code, c.evidence.sentence
            );
        }
    }
    let _ = writeln!(
        s,
        "\n# topics with no common topic (add to datasets/crosswalks/topics.toml)"
    );
    for p in ps {
        for t in p.extraction.topics.iter().filter(|t| t.mapped.is_empty()) {
            let _ = writeln!(s, "{}\t{}", p.doc.source_path, t.label_zh);
        }
    }
    let _ = writeln!(s, "\n# statistics no rule understood (see findings)");
    for p in ps {
        for f in p
            .extraction
            .findings
            .iter()
            .filter(|f| f.code == "unparsed_statistic")
        {
            let _ = writeln!(s, "{}\t{}", p.doc.source_path, f.message);
        }
    }
    s
}

/// Normalized text of a report (debugging aid for `banli explain --text`).
pub fn normalized_text(p: &Processed) -> &str {
    &p.doc.text.text
}
