//! Stage 3, normalize: each source category → a set of common fine tiers (by the meaning of its
//! wording, never by its letter), topics → the common taxonomy, and per-report outcome bounds.
//!
//! A share across schemes is a pair of bounds: `low` counts categories lying wholly inside the
//! asked tiers, `high` every category touching them. Items a report leaves unclassified (its
//! categories sum to less than their universe) and categories no rule understood count only
//! towards `high`: unknown is never zero, and never silently resolved.

use crate::extract::channel_fact;
use crate::model::{Category, DocMeta, Extraction, Fact, Outcome, Role, Topic};
use crate::rules::{Rules, TierRules, TopicTaxonomy, WordList};

/// Fine tiers in ordinal order.
pub const FINE_TIERS: [&str; 4] = ["resolved", "in_progress", "planned", "deferred"];

/// Output groups: the fine tiers plus the coarse groups.
pub const GROUPS: [(&str, &[&str]); 6] = [
    ("resolved", &["resolved"]),
    ("in_progress", &["in_progress"]),
    ("planned", &["planned"]),
    ("deferred", &["deferred"]),
    ("progressing", &["in_progress", "planned"]),
    ("addressed", &["resolved", "in_progress", "planned"]),
];

/// A report's outcome rows: over the whole report (`outcomes`), and per channel when the report
/// classifies each channel's items on its own (`outcomes_by_channel`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportOutcomes {
    pub whole: Vec<Outcome>,
    pub by_channel: Vec<Outcome>,
}

/// Normalize one report's extraction in place and compute its outcome rows.
pub fn normalize(meta: &DocMeta, ex: &mut Extraction, rules: &Rules) -> ReportOutcomes {
    for c in &mut ex.categories {
        if c.mapping.as_deref() == Some("manual") {
            continue;
        }
        assign_tiers(c, meta, &rules.tiers);
    }
    for t in &mut ex.topics {
        t.mapped = map_topic(t, rules);
    }
    let channels = scheme_channels(&ex.categories);
    if channels.len() >= 2 {
        return by_channel(ex, &channels);
    }
    let universe = universe_of(&ex.categories, &ex.facts, lead_count(&ex.roles, None));
    fill_universe(ex.categories.iter_mut(), universe.as_ref());
    ReportOutcomes {
        whole: outcomes(&ex.categories, universe.as_ref()),
        by_channel: vec![],
    }
}

/// Give top-level categories without a stated universe the one decided.
fn fill_universe<'c>(
    categories: impl Iterator<Item = &'c mut Category>,
    universe: Option<&Universe>,
) {
    for c in categories {
        if c.universe_count.is_none() && c.parent.is_none() {
            c.universe_count = universe.map(|u| u.count);
            if let Some(u) = universe
                && c.universe == "all_items"
            {
                c.universe = u.name.clone();
            }
        }
    }
}

/// The channels of the report's outcome schemes, in order of first appearance, when every
/// category belongs to one (extraction scopes them only then).
fn scheme_channels(categories: &[Category]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in categories {
        let Some(ch) = &c.channel else { return vec![] };
        if !out.contains(ch) {
            out.push(ch.clone());
        }
    }
    out
}

/// Each channel's scheme over that channel's own items, and the whole report pooled from them.
fn by_channel(ex: &mut Extraction, channels: &[String]) -> ReportOutcomes {
    let mut rows: Vec<Outcome> = Vec::new();
    let mut complete = true;
    for ch in channels {
        let mine = |c: &Category| c.channel.as_deref() == Some(ch.as_str());
        let facts = channel_facts(&ex.facts, ch);
        let scheme: Vec<Category> = ex.categories.iter().filter(|c| mine(c)).cloned().collect();
        // A channel's scheme over all of that channel's items is over `npc_items`/`cppcc_items`.
        let lead = lead_count(&ex.roles, Some(ch));
        let universe = universe_of(&scheme, &facts, lead).map(|mut u| {
            if u.name == "all_items" {
                u.name = channel_fact(ch).to_string();
            }
            u
        });
        fill_universe(
            ex.categories.iter_mut().filter(|c| mine(c)),
            universe.as_ref(),
        );
        let own = outcomes(&scheme, universe.as_ref());
        complete &= !own.is_empty();
        rows.extend(own.into_iter().map(|mut o| {
            o.channel = Some(ch.clone());
            o
        }));
    }
    let total = fact_value(&ex.facts, "total_items");
    ReportOutcomes {
        whole: if complete {
            pooled(&rows, total)
        } else {
            vec![]
        },
        by_channel: rows,
    }
}

/// The report's facts as one channel's scheme sees them: its channel count is its total.
fn channel_facts(facts: &[Fact], channel: &str) -> Vec<Fact> {
    let name = channel_fact(channel);
    let mut out: Vec<Fact> = facts
        .iter()
        .filter(|f| f.fact != "total_items")
        .cloned()
        .collect();
    if let Some(f) = facts.iter().find(|f| f.fact == name) {
        let mut total = f.clone();
        total.fact = "total_items".into();
        out.push(total);
    }
    out
}

/// The whole report's rows from its channels' rows: counts add up; shares without counts are
/// weighted by each channel's universe.
fn pooled(rows: &[Outcome], total: Option<i64>) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (name, _) in GROUPS {
        let tier: Vec<&Outcome> = rows.iter().filter(|o| o.tier == name).collect();
        let sizes: Option<Vec<i64>> = tier.iter().map(|o| o.universe_count).collect();
        let Some(sizes) = sizes else { return vec![] };
        let u: i64 = sizes.iter().sum();
        if u <= 0 {
            return vec![];
        }
        let sum = |f: fn(&Outcome) -> Option<i64>| tier.iter().map(|o| f(o)).sum::<Option<i64>>();
        let (low, high) = (sum(|o| o.count_low), sum(|o| o.count_high));
        let weighted = |f: fn(&Outcome) -> Option<f64>| {
            tier.iter()
                .zip(&sizes)
                .map(|(o, n)| f(o).map(|s| s * *n as f64))
                .sum::<Option<f64>>()
                .map(|s| round1(s / u as f64))
        };
        let share = |n: i64| round1(n as f64 * 100.0 / u as f64);
        let (share_low, share_high) = match (low, high) {
            (Some(l), Some(h)) => (Some(share(l)), Some(share(h))),
            _ => (weighted(|o| o.share_low), weighted(|o| o.share_high)),
        };
        out.push(Outcome {
            tier: name.into(),
            count_low: low,
            count_high: high,
            share_low,
            share_high,
            universe: if total == Some(u) {
                "all_items".into()
            } else {
                "channels_combined".into()
            },
            universe_count: Some(u),
            exact: share_low == share_high && low == high,
            from_stated_pct: tier.iter().any(|o| o.from_stated_pct),
            channel: None,
        });
    }
    out
}

/// How a category's tiers were decided.
pub fn assign_tiers(c: &mut Category, meta: &DocMeta, rules: &TierRules) {
    let label = c.label_norm.as_str();
    let jurisdiction = meta.jurisdiction_zh.as_deref().map(fast2s::convert);
    if let Some(e) = rules.crosswalk.iter().find(|e| {
        jurisdiction.as_deref() == Some(e.jurisdiction_zh.as_str())
            && e.code
                .as_ref()
                .is_none_or(|code| c.code.as_ref() == Some(code))
            && e.label_contains
                .as_ref()
                .is_none_or(|p| label.contains(p.as_str()))
            && (e.code.is_some() || e.label_contains.is_some())
    }) {
        c.tiers = ordered(e.tiers.iter().map(String::as_str));
        c.horizon_years = e.horizon_years;
        c.mapping = Some("crosswalk".into());
        c.mapping_rule = Some(e.id.clone());
        return;
    }
    let (tiers, ids, horizon) = phrase_tiers(label, rules);
    if !ids.is_empty() && !tiers.is_empty() {
        c.tiers = tiers;
        c.horizon_years = horizon;
        c.mapping = Some("phrase_rule".into());
        c.mapping_rule = Some(ids.join("+"));
        return;
    }
    let bare_code = c.code.as_ref().is_some_and(|code| {
        label
            .trim_matches(['"', '“', '”'])
            .trim_end_matches('类')
            .trim_matches(['"', '“', '”'])
            == code
    });
    if bare_code && let Some(t) = c.code.as_ref().and_then(|code| rules.code_only.get(code)) {
        c.tiers = ordered(t.iter().map(String::as_str));
        c.mapping = Some("code_only".into());
        c.mapping_rule = Some(format!("code_only.{}", c.code.as_deref().unwrap_or("")));
        return;
    }
    c.tiers = vec![];
    c.mapping = Some("unmapped".into());
    c.mapping_rule = None;
}

/// Apply phrase rules by precedence; returns (tiers, rule ids, horizon years).
pub fn phrase_tiers(label: &str, rules: &TierRules) -> (Vec<String>, Vec<String>, Option<i32>) {
    let mut claimed = vec![false; label.len()];
    let mut tiers: Vec<&str> = Vec::new();
    let mut ids = Vec::new();
    let mut horizon = None;
    if let Some(c) = rules.horizon.captures(label)
        && let (Some(m), Some(n)) = (c.get(0), c.get(1))
    {
        horizon = n.as_str().parse().ok();
        claimed[m.start()..m.end()]
            .iter_mut()
            .for_each(|x| *x = true);
        tiers.push("planned");
        ids.push("horizon".to_string());
    }
    // Every occurrence of every phrase, by rule then start.
    let mut hits: Vec<(usize, usize)> = rules.phrases.occurrences(label).collect();
    hits.sort_unstable();
    let mut hits = hits.as_slice();
    for (i, r) in rules.rules.iter().enumerate() {
        let n = hits.partition_point(|(rule, _)| *rule == i);
        let (starts, rest) = hits.split_at(n);
        hits = rest;
        // The occurrences `str::find` gives when each search resumes after the previous match.
        let mut from = 0;
        for &(_, s) in starts {
            if s < from {
                continue;
            }
            let e = s + r.phrase.len();
            if !claimed[s..e].iter().any(|x| *x) {
                claimed[s..e].iter_mut().for_each(|x| *x = true);
                tiers.extend(r.tiers.iter().map(String::as_str));
                if !ids.contains(&r.id) {
                    ids.push(r.id.clone());
                }
            }
            from = e;
        }
    }
    (ordered(tiers.into_iter()), ids, horizon)
}

fn ordered<'a>(tiers: impl Iterator<Item = &'a str>) -> Vec<String> {
    let set: Vec<&str> = tiers.collect();
    FINE_TIERS
        .iter()
        .filter(|t| set.contains(t))
        .map(|t| t.to_string())
        .collect()
}

/// Common topics for a source topic label: longest keywords first, non-overlapping.
pub fn map_topic(t: &Topic, rules: &Rules) -> Vec<(String, String)> {
    topics_of(t.label_norm.as_str(), &rules.topics)
}

fn topics_of(label: &str, taxonomy: &TopicTaxonomy) -> Vec<(String, String)> {
    let mut claimed = vec![false; label.len()];
    let index = &taxonomy.keywords;
    let first = first_occurrences(&index.words, label);
    let mut out: Vec<(String, String)> = Vec::new();
    for &i in &index.longest_first {
        let m = &taxonomy.mapping[i];
        if let Some(p) = first[i] {
            let (s, e) = (p, p + m.keyword.len());
            if claimed[s..e].iter().any(|x| *x) {
                continue;
            }
            claimed[s..e].iter_mut().for_each(|x| *x = true);
            for topic in &m.topics {
                if !out.iter().any(|(t, _)| t == topic) {
                    out.push((topic.clone(), m.relation.clone()));
                }
            }
        }
    }
    if out.len() > 1 {
        // A label spanning several common topics is broader than each of them.
        for (_, rel) in &mut out {
            if rel == "exact" {
                *rel = "broader".into();
            }
        }
    }
    out
}

/// For each word of `words`, where `label.find(word)` finds it: the first start among its
/// occurrences (an empty word starts everywhere, so at 0).
fn first_occurrences(words: &WordList, label: &str) -> Vec<Option<usize>> {
    let mut first: Vec<Option<usize>> = words.iter().map(|w| w.is_empty().then_some(0)).collect();
    for (i, s) in words.occurrences(label) {
        if first[i].is_none_or(|f| s < f) {
            first[i] = Some(s);
        }
    }
    first
}

/// The denominator the report's categories use.
#[derive(Debug, Clone, PartialEq)]
pub struct Universe {
    pub name: String,
    pub count: i64,
}

fn fact_value(facts: &[Fact], name: &str) -> Option<i64> {
    facts
        .iter()
        .find(|f| f.fact == name)
        .map(|f| f.value as i64)
}

/// The stated counts of a part of the items a scheme may be counted over, in order of
/// preference (a report whose only scheme classifies its key items is counted over them);
/// `lead` is the count of the lead (主办) items, which departments often classify alone.
fn stated_counts<'f>(facts: &'f [Fact], lead: Option<i64>) -> impl Iterator<Item = Universe> + 'f {
    [
        "government_items",
        "items_filed",
        "items_handled",
        "items_merged",
        "items_received",
        "table_total",
        "key_items",
    ]
    .into_iter()
    .filter_map(|name| {
        fact_value(facts, name).map(|count| Universe {
            name: name.trim_start_matches("items_").to_string(),
            count,
        })
    })
    .chain(lead.map(|count| Universe {
        name: "lead_items".into(),
        count,
    }))
}

/// The count of the lead items of `channel` (or of all items), when the report states one
/// (however often it repeats it).
fn lead_count(roles: &[Role], channel: Option<&str>) -> Option<i64> {
    let mut leads = roles
        .iter()
        .filter(|r| r.role == "lead" && r.channel.as_deref() == channel && r.level_zh.is_none())
        .map(|r| r.count);
    let first = leads.next()?;
    leads.all(|n| n == first).then_some(first)
}

/// Decide the universe: a stated subset, the denominator implied by the printed percentages,
/// the total, or the categories' own sum.
pub fn universe_of(categories: &[Category], facts: &[Fact], lead: Option<i64>) -> Option<Universe> {
    let top: Vec<&Category> = categories.iter().filter(|c| c.parent.is_none()).collect();
    if top.is_empty() {
        return None;
    }
    if let Some(c) = top.iter().find(|c| c.universe_count.is_some()) {
        return Some(Universe {
            name: c.universe.clone(),
            count: c.universe_count?,
        });
    }
    let total = fact_value(facts, "total_items");
    let counted: Vec<&&Category> = top.iter().filter(|c| c.count.is_some()).collect();
    let sum: i64 = counted.iter().filter_map(|c| c.count).sum();
    if counted.is_empty() {
        return total.map(|t| Universe {
            name: "all_items".into(),
            count: t,
        });
    }
    if top.iter().any(|c| c.universe == "item_answers") {
        return Some(Universe {
            name: "item_answers".into(),
            count: sum,
        });
    }
    // The denominator the printed percentages imply, checked on the largest category: `n` fits
    // when count/n rounds to the printed share, with 0.1 points of slack for sources that force
    // their shares to sum to 100.
    let largest = counted
        .iter()
        .filter(|c| c.pct_stated.is_some_and(|p| p > 0.0))
        .max_by_key(|c| c.count);
    if let Some(c) = largest
        && let (Some(count), Some(pct)) = (c.count, c.pct_stated)
    {
        let unit = 10f64.powi(-(decimals(c.pct_text.as_deref()) as i32));
        // Rounded (with slack for shares forced to sum to 100) or cut off (`47/96` printed `48%`).
        let fits = |n: i64| {
            let share = count as f64 * 100.0 / n as f64;
            n > 0 && ((share - pct).abs() <= unit / 2.0 + 0.1 || (pct..pct + unit).contains(&share))
        };
        if let Some(t) = total.filter(|t| fits(*t)) {
            return Some(Universe {
                name: "all_items".into(),
                count: t,
            });
        }
        if fits(sum) {
            return Some(Universe {
                name: if total == Some(sum) {
                    "all_items".into()
                } else {
                    "classified_items".into()
                },
                count: sum,
            });
        }
        if let Some(u) = stated_counts(facts, lead).find(|u| fits(u.count)) {
            return Some(u);
        }
        return Some(Universe {
            name: "implied_by_pct".into(),
            count: (count as f64 * 100.0 / pct).round() as i64,
        });
    }
    // Without printed shares: categories that add up exactly to a stated count use it.
    if total != Some(sum)
        && let Some(u) = stated_counts(facts, lead).find(|u| u.count == sum)
    {
        return Some(u);
    }
    match total {
        Some(t) if t >= sum => Some(Universe {
            name: "all_items".into(),
            count: t,
        }),
        _ => Some(Universe {
            name: "classified_items".into(),
            count: sum,
        }),
    }
}

fn decimals(text: Option<&str>) -> u32 {
    text.and_then(|t| t.split_once('.'))
        .map(|(_, d)| d.len() as u32)
        .unwrap_or(0)
}

/// One decimal, and never -0.0 (an empty f64 sum is -0.0, which prints badly in every reader).
/// Items in sub-categories `child` of top-level categories `parent`, counting only children whose
/// tiers lie within their parent's (a child contradicting its parent says nothing reliable).
fn child_count(
    categories: &[Category],
    top: &[&Category],
    parent: impl Fn(&Category) -> bool,
    child: impl Fn(&Category) -> bool,
) -> i64 {
    top.iter()
        .filter(|p| parent(p))
        .flat_map(|p| {
            categories.iter().filter(|k| {
                k.parent == Some(p.position) && k.tiers.iter().all(|t| p.tiers.contains(t))
            })
        })
        .filter(|k| child(k))
        .filter_map(|k| k.count)
        .sum()
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0 + 0.0
}

/// Outcome bounds for each group. Empty when the report has no outcome scheme.
pub fn outcomes(categories: &[Category], universe: Option<&Universe>) -> Vec<Outcome> {
    let top: Vec<&Category> = categories.iter().filter(|c| c.parent.is_none()).collect();
    if top.is_empty() {
        return vec![];
    }
    let Some(u) = universe else { return vec![] };
    let all_counted = top.iter().all(|c| c.count.is_some());
    let touches = |c: &Category, g: &[&str]| {
        c.tiers.is_empty() || c.tiers.iter().any(|t| g.contains(&t.as_str()))
    };
    let inside = |c: &Category, g: &[&str]| {
        !c.tiers.is_empty() && c.tiers.iter().all(|t| g.contains(&t.as_str()))
    };
    let mut out = Vec::new();
    if all_counted {
        let sum: i64 = top.iter().filter_map(|c| c.count).sum();
        let unclassified = (u.count - sum).max(0);
        for (name, g) in GROUPS {
            // Sub-counts (`其中已经解决的3096件`) sharpen the lower bound of a merged parent …
            let refined = child_count(categories, &top, |p| !inside(p, g), |k| inside(k, g));
            let low: i64 = top
                .iter()
                .filter(|c| inside(c, g))
                .filter_map(|c| c.count)
                .sum::<i64>()
                + refined;
            // … and sub-counts wholly outside the group lower the upper bound of their parent.
            let excluded = child_count(
                categories,
                &top,
                |p| touches(p, g) && !p.tiers.is_empty(),
                |k| !k.tiers.is_empty() && k.tiers.iter().all(|t| !g.contains(&t.as_str())),
            );
            let high: i64 = top
                .iter()
                .filter(|c| touches(c, g))
                .filter_map(|c| c.count)
                .sum::<i64>()
                + unclassified
                - excluded;
            let share = |n: i64| (u.count > 0).then(|| round1(n as f64 * 100.0 / u.count as f64));
            out.push(Outcome {
                tier: name.into(),
                count_low: Some(low),
                count_high: Some(high),
                share_low: share(low),
                share_high: share(high),
                universe: u.name.clone(),
                universe_count: Some(u.count),
                exact: low == high,
                from_stated_pct: false,
                channel: None,
            });
        }
    } else if top.iter().all(|c| c.pct_stated.is_some()) {
        let stated: f64 = top.iter().filter_map(|c| c.pct_stated).sum();
        let rest = (100.0 - stated).max(0.0);
        for (name, g) in GROUPS {
            let low: f64 = top
                .iter()
                .filter(|c| inside(c, g))
                .filter_map(|c| c.pct_stated)
                .sum();
            let high: f64 = top
                .iter()
                .filter(|c| touches(c, g))
                .filter_map(|c| c.pct_stated)
                .sum::<f64>()
                + rest;
            out.push(Outcome {
                tier: name.into(),
                count_low: None,
                count_high: None,
                share_low: Some(round1(low)),
                share_high: Some(round1(high.min(100.0))),
                universe: u.name.clone(),
                universe_count: Some(u.count),
                exact: (low - high).abs() < 1e-9,
                from_stated_pct: true,
                channel: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{PhraseRule, TopicMapping};
    use proptest::prelude::*;

    /// The rule-by-rule search [`phrase_tiers`] replaces: one `str::find` loop per phrase.
    fn phrase_tiers_by_find(
        label: &str,
        rules: &TierRules,
    ) -> (Vec<String>, Vec<String>, Option<i32>) {
        let mut claimed = vec![false; label.len()];
        let mut tiers: Vec<&str> = Vec::new();
        let mut ids = Vec::new();
        let mut horizon = None;
        if let Some(c) = rules.horizon.captures(label)
            && let (Some(m), Some(n)) = (c.get(0), c.get(1))
        {
            horizon = n.as_str().parse().ok();
            claimed[m.start()..m.end()]
                .iter_mut()
                .for_each(|x| *x = true);
            tiers.push("planned");
            ids.push("horizon".to_string());
        }
        for r in &rules.rules {
            let mut from = 0;
            while let Some(p) = label[from..].find(r.phrase.as_str()) {
                let (s, e) = (from + p, from + p + r.phrase.len());
                if !claimed[s..e].iter().any(|x| *x) {
                    claimed[s..e].iter_mut().for_each(|x| *x = true);
                    tiers.extend(r.tiers.iter().map(String::as_str));
                    if !ids.contains(&r.id) {
                        ids.push(r.id.clone());
                    }
                }
                from = e;
            }
        }
        (ordered(tiers.into_iter()), ids, horizon)
    }

    /// The keyword-by-keyword search [`topics_of`] replaces.
    fn topics_by_find(label: &str, taxonomy: &TopicTaxonomy) -> Vec<(String, String)> {
        let mut claimed = vec![false; label.len()];
        let mut maps = taxonomy.mapping.iter().collect::<Vec<_>>();
        maps.sort_by_key(|m| std::cmp::Reverse(m.keyword.len()));
        let mut out: Vec<(String, String)> = Vec::new();
        for m in maps {
            if let Some(p) = label.find(m.keyword.as_str()) {
                let (s, e) = (p, p + m.keyword.len());
                if claimed[s..e].iter().any(|x| *x) {
                    continue;
                }
                claimed[s..e].iter_mut().for_each(|x| *x = true);
                for topic in &m.topics {
                    if !out.iter().any(|(t, _)| t == topic) {
                        out.push((topic.clone(), m.relation.clone()));
                    }
                }
            }
        }
        if out.len() > 1 {
            for (_, rel) in &mut out {
                if rel == "exact" {
                    *rel = "broader".into();
                }
            }
        }
        out
    }

    fn tier_rules(phrases: &[(String, Vec<String>)]) -> TierRules {
        let rules: Vec<PhraseRule> = phrases
            .iter()
            .enumerate()
            .map(|(i, (phrase, tiers))| PhraseRule {
                // Two rules may share an id: ids are reported once.
                id: format!("r{}", i % 4),
                phrase: phrase.clone(),
                tiers: tiers.clone(),
                precedence: 0,
                note: None,
            })
            .collect();
        TierRules {
            tiers: FINE_TIERS.iter().map(|t| t.to_string()).collect(),
            phrases: rules.iter().map(|r| r.phrase.as_str()).collect(),
            rules,
            code_only: Default::default(),
            horizon: regex::Regex::new(r"(\d+)年(?:内)?解决").unwrap(),
            crosswalk: vec![],
        }
    }

    fn taxonomy(keywords: &[(String, Vec<String>, bool)]) -> TopicTaxonomy {
        let mut t = TopicTaxonomy {
            topic: vec![],
            mapping: keywords
                .iter()
                .map(|(keyword, topics, exact)| TopicMapping {
                    keyword: keyword.clone(),
                    topics: topics.clone(),
                    relation: if *exact { "exact" } else { "related" }.into(),
                    note: None,
                })
                .collect(),
            keywords: Default::default(),
        };
        t.index_keywords();
        t
    }

    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "解决", "已", "不能", "暂", "正在", "解", "决", "3年", "年内", "参考", "a", "aa", "𝟙",
            "的",
        ])
    }

    fn word() -> impl Strategy<Value = String> {
        prop::collection::vec(piece(), 1..4).prop_map(|p| p.concat())
    }

    fn tier_set() -> impl Strategy<Value = Vec<String>> {
        prop::sample::subsequence(FINE_TIERS.to_vec(), 0..3)
            .prop_map(|t| t.iter().map(|t| t.to_string()).collect())
    }

    proptest! {
        #[test]
        fn phrase_tiers_match_the_rule_by_rule_search(
            phrases in prop::collection::vec((word(), tier_set()), 0..10),
            labels in prop::collection::vec(prop::collection::vec(piece(), 0..14), 1..6),
        ) {
            let rules = tier_rules(&phrases);
            for label in labels {
                let label = label.concat();
                prop_assert_eq!(phrase_tiers(&label, &rules), phrase_tiers_by_find(&label, &rules));
            }
        }

        #[test]
        fn topics_match_the_keyword_by_keyword_search(
            keywords in prop::collection::vec(
                (
                    prop::collection::vec(piece(), 0..3).prop_map(|p| p.concat()),
                    prop::sample::subsequence(vec!["t1", "t2", "t3"], 0..3)
                        .prop_map(|t| t.iter().map(|t| t.to_string()).collect()),
                    any::<bool>(),
                ),
                0..10,
            ),
            labels in prop::collection::vec(prop::collection::vec(piece(), 0..10), 1..6),
        ) {
            let taxonomy = taxonomy(&keywords);
            for label in labels {
                let label = label.concat();
                prop_assert_eq!(topics_of(&label, &taxonomy), topics_by_find(&label, &taxonomy));
            }
        }
    }

    #[test]
    fn bundled_rules_map_like_the_word_by_word_search() {
        let rules = Rules::bundled().unwrap();
        let mut labels: Vec<String> = rules.tiers.rules.iter().map(|r| r.phrase.clone()).collect();
        labels.extend(rules.topics.mapping.iter().map(|m| m.keyword.clone()));
        let joined: Vec<String> = labels.windows(3).map(|w| w.concat()).collect();
        labels.extend(joined);
        labels.push("3年内能够基本解决,已经解决或正在解决".into());
        for label in &labels {
            assert_eq!(
                phrase_tiers(label, &rules.tiers),
                phrase_tiers_by_find(label, &rules.tiers),
                "{label:?}"
            );
            assert_eq!(
                topics_of(label, &rules.topics),
                topics_by_find(label, &rules.topics),
                "{label:?}"
            );
        }
    }

    #[test]
    fn five_in_one_headings_name_their_field_not_construction() {
        let rules = Rules::bundled().unwrap();
        let one = |label: &str| topics_of(label, &rules.topics);
        let pair = |t: &str, r: &str| vec![(t.to_string(), r.to_string())];
        assert_eq!(one("政治建设方面"), pair("law_governance", "narrower"));
        assert_eq!(
            one("文化建设方面"),
            pair("edu_sci_culture_health", "narrower")
        );
        assert_eq!(one("生态文明建设方面"), pair("environment", "exact"));
        assert_eq!(one("经济建设方面"), pair("economy_tech", "exact"));
        // A plain construction heading still is urban construction.
        assert_eq!(one("城乡建设方面")[0].0, "urban_transport");
    }

    fn cat(label: &str, count: i64, tiers: &[&str]) -> Category {
        Category {
            label_zh: label.into(),
            label_norm: label.into(),
            count: Some(count),
            tiers: tiers.iter().map(|s| s.to_string()).collect(),
            ..Category::blank()
        }
    }

    #[test]
    fn merged_categories_give_bounds() {
        let cats = vec![
            cat("已经解决或正在解决", 230, &["resolved", "in_progress"]),
            cat("3年能够基本解决", 198, &["planned"]),
            cat("作为工作参考", 8, &["deferred"]),
        ];
        let u = Universe {
            name: "all_items".into(),
            count: 436,
        };
        let o = outcomes(&cats, Some(&u));
        let get = |t: &str| o.iter().find(|x| x.tier == t).unwrap().clone();
        assert_eq!(
            (get("resolved").share_low, get("resolved").share_high),
            (Some(0.0), Some(52.8))
        );
        assert!(get("addressed").exact);
        assert_eq!(get("addressed").share_low, Some(98.2));
    }

    #[test]
    fn unclassified_items_only_widen_the_upper_bound() {
        let cats = vec![
            cat("办结及正在办理", 55, &["resolved", "in_progress"]),
            cat("列入明年计划", 11, &["planned"]),
        ];
        let u = Universe {
            name: "all_items".into(),
            count: 74,
        };
        let o = outcomes(&cats, Some(&u));
        let planned = o.iter().find(|x| x.tier == "planned").unwrap();
        assert_eq!(
            (planned.count_low, planned.count_high),
            (Some(11), Some(19))
        );
    }
}
