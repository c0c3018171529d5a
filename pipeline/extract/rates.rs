//! Rates: 办结率, 办复率, 面复率, 满意率 … with their verb variants (为, 达到, 均为), lists sharing
//! one value (`办复率和满意率均为100%`), lower bounds (`超过90%`), and the derived 100% of
//! "all feedback forms satisfied or basically satisfied".

use std::sync::LazyLock;

use super::rate_scan::rate_matches;
use super::{Ctx, Needles, QUnit, windows};
use crate::model::{Extraction, Fact, Provenance, Unit};

static RATE_WORDS: LazyLock<Needles> = LazyLock::new(|| Needles::new(&["率", "满意度"]));

/// Longest prefix of a rate name kept as its qualifier, in characters.
const MAX_PREFIX_CHARS: usize = 8;

/// A rate said again (a headline and its story, `100%辦復 … 提案100%辦復 … 已100%辦復`) is one
/// rate: the same canonical rate, value and bound, a name that ends the other's (`满意率` and
/// `所办政协提案 满意率`), no two different qualifiers, and another sentence or the same name.
/// The one kept has the name printed as a rate (`…率`) if any, else the shortest; each one
/// merged is said in a finding.
pub fn merge_restated_rates(ctx: &Ctx, ex: &mut Extraction) {
    let mut kept: Vec<Fact> = Vec::with_capacity(ex.facts.len());
    for f in ex.facts.drain(..) {
        // Rates listed in one sentence (`办结率、按时办结率均为100%`) are different rates,
        // unless printed with the very same name (a headline run into its story).
        let sentence = |g: &Fact| ctx.sentence_of(ctx.text_byte(g.evidence.span.start));
        let Some(i) = kept.iter().position(|k| {
            f.fact.starts_with("rate_")
                && restates(k, &f)
                && (sentence(k) != sentence(&f) || k.name_zh == f.name_zh)
        }) else {
            kept.push(f);
            continue;
        };
        let (keep, merged) = if name_rank(&f) < name_rank(&kept[i]) {
            let old = std::mem::replace(&mut kept[i], f);
            (kept[i].evidence.line, old)
        } else {
            (kept[i].evidence.line, f)
        };
        super::push_info(
            ctx,
            &mut ex.findings,
            "restated_rate",
            merged.evidence.line,
            format!(
                "{} {}% at line {} restates the rate kept at line {keep}; counted once",
                merged.name_zh.as_deref().unwrap_or(&merged.fact),
                merged.value_text,
                merged.evidence.line
            ),
        );
    }
    ex.facts = kept;
}

fn restates(a: &Fact, b: &Fact) -> bool {
    let (Some(na), Some(nb)) = (a.name_zh.as_deref(), b.name_zh.as_deref()) else {
        return false;
    };
    a.fact == b.fact
        && a.value == b.value
        && a.bound == b.bound
        && (na.ends_with(nb) || nb.ends_with(na))
        && (a.qualifier == b.qualifier || a.qualifier.is_none() || b.qualifier.is_none())
}

/// Lower is better: a name printed as a rate, then a shorter one.
fn name_rank(f: &Fact) -> (bool, usize) {
    let name = f.name_zh.as_deref().unwrap_or("");
    (!name.ends_with('率'), name.chars().count())
}

pub fn extract_rates(ctx: &Ctx, ex: &mut Extraction, used: &mut [bool]) {
    // A rate name is at most 30 characters before 率/满意度 and its value a few after.
    for (ws, we) in windows(ctx.text, &RATE_WORDS, 31 * 3, 48) {
        // A match only counts with a (parsed, not dense) percentage in it: most windows (效率,
        // 频率, a rate without a value) have none, and matches in one window never reach another.
        if !has_share_in(ctx, ws, we) {
            continue;
        }
        for m in rate_matches(&ctx.text[ws..we]) {
            let all = Shifted::new(m.start, m.end, ws);
            let names = Shifted::new(m.start, m.names_end, ws);
            let num = Shifted::new(m.num.0, m.num.1, ws);
            let Some(qi) = ctx
                .qtys
                .iter()
                .position(|q| q.num_start == num.start() && q.unit == QUnit::Percent)
            else {
                continue;
            };
            // Dense sentences and set-aside paragraphs (last year's figures) are not read.
            if used[qi] {
                continue;
            }
            // `满意率达80%以上的有229件`: a threshold that counts items, not a rate.
            let rest = &ctx.text[all.end()..];
            if ["以上的", "以下的"].iter().any(|w| rest.starts_with(w)) {
                continue;
            }
            let name_spans = split_names(ctx, names.start(), names.end());
            let values = respective_values(ctx, names.end(), qi, name_spans.len(), used);
            let mut any = false;
            for (i, (name_start, name_end)) in name_spans.into_iter().enumerate() {
                let vi = values
                    .as_ref()
                    .and_then(|v| v.get(i))
                    .copied()
                    .unwrap_or(qi);
                let q = &ctx.qtys[vi];
                let lower = m.bound.is_some() || q.lower_bound;
                let value_end = if vi == qi { all.end() } else { q.end };
                let name = &ctx.text[name_start..name_end];
                let Some((suffix, canonical)) = rate_suffix(ctx, name) else {
                    continue;
                };
                // The note after the last name (`满意率(含基本满意)`) belongs to it.
                let note = m
                    .note
                    .map(|(a, b)| Shifted::new(a, b, ws))
                    .filter(|_| name_end == names.end());
                let canonical = note
                    .and_then(|n| ctx.rules.rate_named_by_note(&ctx.text[n.start()..n.end()]))
                    .unwrap_or(canonical);
                let printed_end = note.map_or(name_end, |n| n.end());
                let (s, e) = ctx.paragraph_of(all.start());
                let before = ctx
                    .text
                    .floor_char_boundary(all.start().saturating_sub(300));
                let near = &ctx.text[s.min(before)..e];
                if ctx.rules.generic_rates.iter().any(|g| g == suffix)
                    && !ctx.contains_any(near, &ctx.rules.handling_context)
                {
                    continue;
                }
                let prefix_start = prefix_start(name, name.len() - suffix.len());
                let prefix_start = super::strip_prefixes(
                    name,
                    prefix_start,
                    name.len() - suffix.len(),
                    &ctx.rules.label_prefixes,
                );
                let prefix = &name[prefix_start..name.len() - suffix.len()];
                let printed_start = name_start + prefix_start;
                ex.facts.push(Fact {
                    fact: canonical.to_string(),
                    name_zh: Some(ctx.original_of(printed_start, printed_end)),
                    value: q.value,
                    value_text: q.text.clone(),
                    unit: Unit::Percent,
                    qualifier: (!prefix.is_empty()).then(|| prefix.to_string()),
                    bound: if lower {
                        "lower_bound".into()
                    } else {
                        "exact".into()
                    },
                    provenance: Provenance::Extracted,
                    evidence: ctx.evidence(printed_start, value_end, "rate.name_value"),
                });
                any = true;
            }
            if any {
                used[qi] = true;
                values.iter().flatten().for_each(|&vi| used[vi] = true);
            }
        }
    }
    share_verb_rates(ctx, ex, used);
    derived_all_satisfied(ctx, ex);
}

/// `办理工作满意率和办理结果满意率分别达到99.6%和98.4%`: with 分别 between the names and the
/// first value, and as many values listed as names, each name takes its own value in order.
/// The quantities' indices, the first being `qi`; `None` when the values are not so listed.
fn respective_values(
    ctx: &Ctx,
    names_end: usize,
    qi: usize,
    names: usize,
    used: &[bool],
) -> Option<Vec<usize>> {
    let first = ctx.qtys.get(qi)?;
    let between = ctx.text.get(names_end..first.start)?;
    if names < 2 || !ctx.rules.respective_share_words.contains_any(between) {
        return None;
    }
    let run = super::percent_run(ctx, qi, used);
    run.get(..names).map(<[usize]>::to_vec)
}

/// `99.2%已经办复`: a share not read otherwise, followed by a handling verb, is that rate.
fn share_verb_rates(ctx: &Ctx, ex: &mut Extraction, used: &mut [bool]) {
    let rules = &ctx.rules;
    if rules.share_verb_rates.is_empty() {
        return;
    }
    for (qi, q) in ctx.qtys.iter().enumerate() {
        if used[qi] || q.unit != QUnit::Percent {
            continue;
        }
        // `占40%已办结` is a category's share.
        let before = &ctx.text[ctx.text.floor_char_boundary(q.start.saturating_sub(24))..q.start];
        if before.contains(['占', '佔']) {
            continue;
        }
        let after = &ctx.text[q.end..];
        let after = after.trim_start_matches(' ');
        let after = rules
            .share_verb_fillers
            .longest_prefix_of(after)
            .map_or(after, |w| &after[w.len()..]);
        let Some((verb, canonical)) = rules
            .share_verb_rates
            .iter()
            .filter(|(verb, _)| after.starts_with(verb.as_str()))
            .max_by_key(|(verb, _)| verb.len())
        else {
            continue;
        };
        let end = ctx.text.len() - after.len() + verb.len();
        ex.facts.push(Fact {
            fact: canonical.clone(),
            name_zh: Some(ctx.original_of(q.end, end)),
            value: q.value,
            value_text: q.text.clone(),
            unit: Unit::Percent,
            qualifier: None,
            bound: if q.lower_bound {
                "lower_bound".into()
            } else {
                "exact".into()
            },
            provenance: Provenance::Extracted,
            evidence: ctx.evidence(q.start, end, "rate.share_verb"),
        });
        used[qi] = true;
    }
}

/// Whether a percentage that is not in a dense sentence starts in `[start, end)`.
fn has_share_in(ctx: &Ctx, start: usize, end: usize) -> bool {
    let first = ctx.qtys.partition_point(|q| q.start < start);
    ctx.qtys[first..]
        .iter()
        .zip(&ctx.dense[first..])
        .take_while(|(q, _)| q.start < end)
        .any(|(q, dense)| q.unit == QUnit::Percent && !dense)
}

/// A match's range shifted from a window back into the whole text.
#[derive(Clone, Copy)]
struct Shifted {
    s: usize,
    e: usize,
}

impl Shifted {
    fn new(start: usize, end: usize, offset: usize) -> Shifted {
        Shifted {
            s: start + offset,
            e: end + offset,
        }
    }
    fn start(self) -> usize {
        self.s
    }
    fn end(self) -> usize {
        self.e
    }
}

/// Split `办复率和满意率` / `见面率、办结率、满意和基本满意率` into names; a compound name such as
/// `满意率和基本满意率` that the lexicon lists as one rate stays whole.
fn split_names(ctx: &Ctx, start: usize, end: usize) -> Vec<(usize, usize)> {
    let s = &ctx.text[start..end];
    // Separators inside a compound name the lexicon lists as one rate are not list separators.
    let mut protected = vec![false; s.len()];
    // Most name lists hold no compound name: one automaton pass rules them all out at once.
    let compounds = &ctx.rules.derived.compound_rates;
    if compounds.contains_any(s) {
        for compound in compounds {
            for (p, m) in s.match_indices(compound.as_str()) {
                protected[p..p + m.len()].iter_mut().for_each(|x| *x = true);
            }
        }
    }
    let mut out = Vec::new();
    let mut piece_start = 0;
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    for w in chars.windows(2) {
        let ((_, a), (j, b)) = (w[0], w[1]);
        if (a == '率' || a == '度') && matches!(b, '、' | '和' | '及' | '与') && !protected[j]
        {
            out.push((start + piece_start, start + j));
            piece_start = j + b.len_utf8();
        }
    }
    out.push((start + piece_start, end));
    out
}

/// The longest lexicon suffix that ends `name`, with its canonical fact.
fn rate_suffix<'r>(ctx: &'r Ctx, name: &str) -> Option<(&'r str, &'r str)> {
    ctx.rules
        .rates
        .iter()
        .filter(|(suffix, _)| name.ends_with(suffix.as_str()))
        .max_by_key(|(suffix, _)| suffix.len())
        .map(|(s, c)| (s.as_str(), c.as_str()))
}

/// Where the printed name starts: at most [`MAX_PREFIX_CHARS`] before the suffix, after any `的`.
fn prefix_start(name: &str, suffix_at: usize) -> usize {
    let before = &name[..suffix_at];
    let n = before.chars().count();
    let mut start = if n > MAX_PREFIX_CHARS {
        before
            .char_indices()
            .nth(n - MAX_PREFIX_CHARS)
            .map(|(i, _)| i)
            .unwrap_or(0)
    } else {
        0
    };
    if let Some(p) = before[start..].rfind(['、', '和', '与', '对', '的']) {
        start += p + '和'.len_utf8();
    }
    // `…二次会议代表建议办复率`, `收到提案215件 办复率`: the name starts after the session or
    // the count before it.
    if let Some(p) = before[start..].rfind("会议") {
        start += p + "会议".len();
    }
    if let Some(p) = before[start..].rfind(' ') {
        start += p + 1;
    }
    let unit = before[start..]
        .chars()
        .next()
        .filter(|c| matches!(c, '件' | '份' | '个' | '次'));
    start + unit.map_or(0, char::len_utf8)
}

/// `反馈意见表176份,全部为"满意"或"基本满意"` → a derived 100% with its denominator.
fn derived_all_satisfied(ctx: &Ctx, ex: &mut Extraction) {
    for re in &ctx.rules.all_satisfied_re {
        for m in re.find_iter(ctx.text) {
            let (s, e) = ctx.sentence_of(m.start());
            let basic = m.as_str().contains("基本满意");
            let canonical = if basic {
                "rate_satisfied_or_basic"
            } else {
                "rate_satisfied"
            };
            // Skip when the same sentence already printed this rate.
            if ex.facts.iter().any(|f| {
                f.fact == canonical && ctx.sentence_of(ctx.text_byte(f.evidence.span.start)).0 == s
            }) {
                continue;
            }
            // The denominator: the nearest count before the phrase in the same sentence.
            let denom = ctx.qtys.iter().rfind(|q| {
                q.start >= s && q.end <= m.start() && matches!(q.unit, QUnit::Form | QUnit::Item)
            });
            let qualifier = match denom {
                Some(q) if q.unit == QUnit::Form => format!(
                    "derived: all {} returned feedback forms {}",
                    q.text,
                    if basic {
                        "satisfied or basically satisfied"
                    } else {
                        "satisfied"
                    }
                ),
                Some(q) => format!(
                    "derived: all {} items with feedback {}",
                    q.text,
                    if basic {
                        "satisfied or basically satisfied"
                    } else {
                        "satisfied"
                    }
                ),
                None => format!(
                    "derived: all feedback {}",
                    if basic {
                        "satisfied or basically satisfied"
                    } else {
                        "satisfied"
                    }
                ),
            };
            let start = denom.map(|q| q.start).unwrap_or(m.start());
            ex.facts.push(Fact {
                fact: canonical.into(),
                name_zh: Some(ctx.original_of(m.start(), m.end())),
                value: 100.0,
                value_text: "100".into(),
                unit: Unit::Percent,
                qualifier: Some(qualifier),
                bound: "exact".into(),
                provenance: Provenance::Derived,
                evidence: ctx.evidence(start, m.end().min(e), "rate.all_satisfied"),
            });
        }
    }
}
