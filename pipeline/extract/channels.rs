//! Outcome schemes of one channel. A report on both channels may classify suggestions and
//! proposals each on its own (`建议方面:A类…;提案方面:87件…`, `在241件政协提案中,A类…`).
//! Pooled into one universe, 86 + 87 resolved items of 142 + 167 would read as 173 of 167.
//!
//! A clause that opens with a channel noun followed by a scope word (rules: `channel_scope`)
//! scopes the categories after it, up to the next such clause, to that channel: within its
//! paragraph, or under it when the clause is a heading line. Categories are scoped only when
//! every top-level category falls under a scope and both channels occur; each channel's own
//! count (the scope clause's `在186件…中`, else the intake's `代表建议142件`) becomes the fact
//! `npc_items` / `cppcc_items`, which normalize takes as that channel's universe.

use super::{Ctx, QUnit, Qty};
use crate::model::Extraction;
use crate::rules::WordList;

pub const NPC: &str = "npc_suggestion";
pub const CPPCC: &str = "cppcc_proposal";

/// The count fact naming a channel's items.
pub fn channel_fact(channel: &str) -> &'static str {
    if channel == NPC {
        "npc_items"
    } else {
        "cppcc_items"
    }
}

/// A clause naming the channel the categories after it classify.
#[derive(Debug, Clone, PartialEq)]
struct Scope {
    /// Byte where the clause starts (its opener, or the noun).
    at: usize,
    channel: &'static str,
    /// Quantity index of a count inside the clause (`在186件代表建议中`).
    count: Option<usize>,
    /// The clause is a heading line: it scopes the paragraphs under it, not only its own.
    heading: bool,
}

/// Scope each top-level category (and its sub-counts) to a channel when the report classifies
/// the two channels separately; otherwise leave every category unscoped.
pub(crate) fn scope_categories(ctx: &Ctx, ex: &mut Extraction) {
    if ctx.rules.channel_scope.npc.is_empty() || ex.categories.len() < 2 {
        return;
    }
    // A table with a column group per channel has scoped its rows already.
    let from_tables = ex.categories.iter().any(|c| c.channel.is_some());
    let scope_at = |pos: usize| {
        if from_tables {
            None
        } else {
            scope_before(ctx, pos)
        }
    };
    let mut assigned: Vec<(&'static str, Option<usize>)> = Vec::with_capacity(ex.categories.len());
    for c in &ex.categories {
        let own = match (&c.channel, c.parent) {
            (Some(ch), _) => Some((if ch == NPC { NPC } else { CPPCC }, None)),
            (None, Some(p)) => assigned.get(p as usize).copied(),
            (None, None) => {
                scope_at(ctx.text_byte(c.evidence.span.start)).map(|s| (s.channel, s.count))
            }
        };
        let Some(own) = own else {
            ex.categories.iter_mut().for_each(|c| c.channel = None);
            return;
        };
        assigned.push(own);
    }
    let has = |ch: &str| assigned.iter().any(|a| a.0 == ch);
    if !(has(NPC) && has(CPPCC)) {
        ex.categories.iter_mut().for_each(|c| c.channel = None);
        return;
    }
    for (c, a) in ex.categories.iter_mut().zip(&assigned) {
        c.channel = Some(a.0.to_string());
    }
    for channel in [NPC, CPPCC] {
        let from_scope = assigned.iter().filter(|a| a.0 == channel).find_map(|a| a.1);
        if let Some(qi) = from_scope.or_else(|| intake_count(ctx, channel)) {
            let q = &ctx.qtys[qi];
            super::clauses::push_channel_count(ctx, ex, q, channel_fact(channel));
        }
    }
}

/// How many lines above a category a heading may scope it from.
const HEADING_REACH: usize = 40;

/// The scope clause that scopes byte `pos`: the last one before it in its paragraph, else the
/// nearest heading line above that holds one. Searched around each
/// category only: a report has a handful of categories and thousands of channel nouns.
fn scope_before(ctx: &Ctx, pos: usize) -> Option<Scope> {
    let text = ctx.text;
    let (ps, _) = ctx.paragraph_of(pos);
    if let Some(s) = scope_clauses(ctx, ps, pos).pop() {
        return Some(s);
    }
    let mut end = ps;
    for _ in 0..HEADING_REACH {
        if end == 0 {
            break;
        }
        let line_end = end - 1;
        let line_start = text[..line_end].rfind('\n').map_or(0, |i| i + 1);
        // Only a heading scopes from above, and a heading is a short line: longer ones are
        // passed over unread.
        if is_heading_line(&text[line_start..])
            && let Some(s) = scope_clauses(ctx, line_start, line_end).pop()
        {
            return s.heading.then_some(s);
        }
        end = line_start;
    }
    None
}

/// The scope clauses whose noun starts in `[from, to)`, in order.
fn scope_clauses(ctx: &Ctx, from: usize, to: usize) -> Vec<Scope> {
    let rules = &ctx.rules.channel_scope;
    let text = ctx.text;
    let mut out: Vec<Scope> = Vec::new();
    for (list, channel) in [(&rules.npc, NPC), (&rules.cppcc, CPPCC)] {
        for (i, at) in list.occurrences(&text[from..to]) {
            let end = from + at + list[i].len();
            if rules.scope_words.longest_prefix_of(&text[end..]).is_none() {
                continue;
            }
            if let Some(scope) = clause_opening_at(ctx, from + at, channel) {
                out.push(scope);
            }
        }
    }
    out.sort_by_key(|s| s.at);
    out.dedup_by_key(|s| s.at);
    out
}

/// The scope clause whose noun starts at `noun`, if the noun opens a clause once openers and a
/// count before it are stripped.
fn clause_opening_at(ctx: &Ctx, noun: usize, channel: &'static str) -> Option<Scope> {
    let rules = &ctx.rules.channel_scope;
    let text = ctx.text;
    let mut start = noun;
    let mut count = None;
    loop {
        let before = &text[..start];
        if let Some(w) = longest_suffix(before, &rules.openers) {
            start -= w.len();
        } else if let Some(qi) = count_ending_at(ctx, start) {
            count = Some(qi);
            start = ctx.qtys[qi].start;
        } else {
            break;
        }
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let head = &text[line_start..start];
    let opens = match head.chars().next_back() {
        None => true,
        Some('、') => is_list_number(&head[..head.len() - '、'.len_utf8()]),
        Some(')') => head.starts_with('(') && is_list_number(&head[1..head.len() - 1]),
        Some(c) => matches!(c, '。' | ';' | ':' | ',' | '!' | '?'),
    };
    if !opens {
        return None;
    }
    let heading = (head.is_empty() || is_list_number(head.trim_end_matches(['、', ')'])))
        && is_heading_line(&text[line_start..]);
    Some(Scope {
        at: start,
        channel,
        count,
        heading,
    })
}

/// The longest word of `words` that `s` ends with.
fn longest_suffix<'w>(s: &str, words: &'w WordList) -> Option<&'w str> {
    crate::rules::ends_with_any(s, words).map(String::as_str)
}

/// The quantity of items (`186件`) ending exactly at byte `end`.
fn count_ending_at(ctx: &Ctx, end: usize) -> Option<usize> {
    let i = ctx.qtys.partition_point(|q| q.end < end);
    ctx.qtys
        .get(i)
        .filter(|q| q.end == end && q.unit == QUnit::Item)
        .map(|_| i)
}

/// `一`, `三`, `2`, `(一`: a short list number.
fn is_list_number(s: &str) -> bool {
    let s = s.trim_start_matches('(');
    !s.is_empty()
        && s.chars().count() <= 3
        && s.chars()
            .all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
}

/// A short line without a sentence end: a heading.
fn is_heading_line(from_line_start: &str) -> bool {
    let line = from_line_start.split('\n').next().unwrap_or("");
    line.chars().count() <= 30 && !line.contains('。')
}

/// The intake count of a channel: the first count of items printed right after one of its
/// nouns (`代表建议142件`, `委员提案共167件`) or right before one (`186件代表建议`), where the
/// noun is not part of a pair naming both channels (`建议提案309件`).
fn intake_count(ctx: &Ctx, channel: &str) -> Option<usize> {
    let rules = &ctx.rules.channel_scope;
    let (own, other) = if channel == NPC {
        (&rules.npc, &rules.cppcc)
    } else {
        (&rules.cppcc, &rules.npc)
    };
    let text = ctx.text;
    let alone = |before_noun: &str, after_noun: &str| {
        longest_suffix(before_noun, other).is_none()
            && other.longest_prefix_of(after_noun).is_none()
    };
    ctx.qtys.iter().position(|q: &Qty| {
        if q.unit != QUnit::Item {
            return false;
        }
        let mut before = &text[..q.num_start];
        while let Some(w) = longest_suffix(before, &rules.count_fillers) {
            before = &before[..before.len() - w.len()];
        }
        if let Some(noun) = longest_suffix(before, own) {
            return alone(&before[..before.len() - noun.len()], &text[q.num_start..]);
        }
        let after = &text[q.end..];
        own.longest_prefix_of(after)
            .is_some_and(|noun| alone(&text[..q.end], &after[noun.len()..]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tests::{ctx_rules, doc_of};

    fn scopes(text: &str) -> Vec<(&'static str, Option<i64>, bool)> {
        let rules = ctx_rules();
        let doc = doc_of(text);
        let ctx = Ctx::new(&doc, rules);
        scope_clauses(&ctx, 0, ctx.text.len())
            .into_iter()
            .map(|s| {
                (
                    s.channel,
                    s.count.map(|i| ctx.qtys[i].value as i64),
                    s.heading,
                )
            })
            .collect()
    }

    #[test]
    fn scope_clauses_open_a_clause_and_carry_their_count() {
        assert_eq!(
            scopes("建议方面:A类86件。\n提案方面:87件已解决。"),
            vec![(NPC, None, false), (CPPCC, None, false)]
        );
        assert_eq!(
            scopes("在186件代表建议中,已解决79件;在241件政协提案中,A类121件。"),
            vec![(NPC, Some(186), false), (CPPCC, Some(241), false)]
        );
        assert_eq!(
            scopes("一、人大代表建议办理情况\n共承办142件。"),
            vec![(NPC, None, true)]
        );
    }

    #[test]
    fn channel_nouns_inside_a_clause_are_no_scope() {
        // 办理 before the noun: the clause is about handling, not a channel's share of results.
        assert!(scopes("在办理建议中,我们坚持…").is_empty());
        // A pair naming both channels scopes neither.
        assert!(scopes("在代表建议和政协提案中,已解决的200件。").is_empty());
        assert!(scopes("在代表建议、政协提案中,已解决的200件。").is_empty());
    }

    #[test]
    fn intake_counts_skip_pairs_of_both_channels() {
        let rules = ctx_rules();
        let doc = doc_of("共承办建议提案309件,其中代表建议共142件、委员提案167件。");
        let ctx = Ctx::new(&doc, rules);
        let value = |ch| intake_count(&ctx, ch).map(|i| ctx.qtys[i].value as i64);
        assert_eq!(value(NPC), Some(142));
        assert_eq!(value(CPPCC), Some(167));
    }
}
