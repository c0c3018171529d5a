//! The clause grammar: what a counted clause (`…88件,占58%`) or a share (`…的占80.6%`) states.
//!
//! For every count the grammar looks at the clause around it: the *left* text back to the
//! previous quantity or hard boundary (`;`, `:`, `。`), and the *right* text up to the next one.
//! It decides, in order: role breakdown, bill, handling role, key items, session split,
//! feedback forms, satisfaction, outcome category, topic, total. Totals are chosen last, when
//! the categories' and topics' sums are known.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::{Ctx, QUnit, Qty, is_hard_boundary, pct_value, strip_prefixes, strip_suffixes};
use crate::model::{Category, Extraction, Fact, Finding, Provenance, Role, Severity, Topic, Unit};
use crate::rules::{WordList, ends_with_any};

/// `(A类)`, `(C类、D类)`, `(“A”类)` at the end of a label, optionally followed by a noun and `共`.
static CODE_PAREN_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\(["“”']?([A-Z甲乙丙丁])["“”']?类件?(?:[、,和]["“”']?([A-Z甲乙丙丁])["“”']?类件?)*\)(?:的)?(?:建议|提案|议案)?(?:共|有|为|计)?$"#).expect("static regex")
});
/// `A类(已解决或采纳的)` — code, then its definition in parentheses.
static CODE_THEN_DEF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"["“”']?([A-Z甲乙丙丁])["“”']?类(?:的)?\(([^()]{2,80})\)(?:的)?(?:建议|提案)?(?:共|有|为)?$"#,
    )
    .expect("static regex")
});
/// `A类:` opening a line or clause, or after an intro's colon (`分为以下三类:A类:…`), before a label.
static CODE_BEFORE_COLON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:^|[\n;。:])[ ]*["“”']?([A-Z甲乙丙丁])["“”']?类(?:建议|提案)?[ ]?:[ ]?$"#)
        .expect("static regex")
});
/// `为“A”(所提问题已经解决或采纳)的` — a quoted code without 类, then its definition.
static QUOTED_CODE_THEN_DEF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["“”']([A-Z甲乙丙丁])["“”']\(([^()]{2,80})\)(?:的)?(?:建议|提案)?(?:共|有|为)?$"#)
        .expect("static regex")
});
/// `…的“A”类建议` / `“…的”A类建议共` — the code after the definition.
static CODE_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["“”']?([A-Z甲乙丙丁])["“”']?类(?:、["“”']?([A-Z甲乙丙丁])["“”']?类)*(?:的)?(?:建议|提案|议案|答复函|办理件|件)?(?:共|有|为|计)?$"#).expect("static regex")
});
/// `88件(甲类)` / `1064件(A类答复函)` / `120件,为A类` / `101件为A类,即` — the code right
/// after the count (a following `即` introduces the definition, which is the label).
static CODE_AFTER_COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(?:\(["“”']?([A-Z甲乙丙丁])["“”']?类[^()]{0,8}\)|,?(?:为|属于|属|列为|均为|定为|评为)["“”']?([A-Z甲乙丙丁])["“”']?类(?:建议|提案|件)?(?:,?即(?:为)?)?)"#).expect("static regex")
});
/// `13件主办件已办结,办理类别为"A"类` — a class stated for a subset, without its own count.
const SUBSET_CLASS_PATTERN: &str = r#"(\d+)件([\p{Han}]{0,4}件)?[^。;\d]{0,16}?(?:办理)?类别?(?:均为|为|是|属于|均属)["“”']?([A-Z甲乙丙丁])["“”']?类"#;
/// [`SUBSET_CLASS_PATTERN`], searched in the whole text (the tests' oracle).
#[cfg(test)]
static SUBSET_CLASS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(SUBSET_CLASS_PATTERN).expect("static regex"));
/// [`SUBSET_CLASS_PATTERN`] anchored where the searched text starts.
static SUBSET_CLASS_AT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"\A(?:{SUBSET_CLASS_PATTERN})")).expect("static regex"));
/// Percent right after a count: `,占建议总数的58%`, `、占比88.1%`, `,各占比9%`.
static ATTACHED_PCT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(?:\([^()]{0,12}\))?[,、 (]?(?:各|约|大约)?(?:占比为|占比|佔比|比例为|比例达|比重为|占|佔|为)([^\d%;。,]{0,12}?)(?:的)?[ ]?$"#).expect("static regex")
});
/// `135件(58.7%)`: the share in parentheses right after the count, with no 占.
static PAREN_PCT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^(?:\([ ]?|[ ]+)$"#).expect("static regex"));
/// `…的占58.7%(135件)` / `…的占总数的76.4%,计262件`: the count after a share.
static COUNT_AFTER_SHARE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^[ ]?(?:\((?:共|计)?(\d+)件\)|,[ ]?(?:共计|合计|计|共)[ ]?(\d+)[ ]?件)"#)
        .expect("static regex")
});

/// A label that is only a code: `A类88件`, `答复为A类的有128件`.
static CODE_ONLY_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^[^,]{0,10}?["“”']?([A-Z甲乙丙丁])["“”']?类(?:的)?(?:建议|提案|件|办理件|答复件)?(?:有|共|为|计)?$"#).expect("static regex")
});

/// Whether a code pattern ([`CODE_PAREN_END`], [`CODE_THEN_DEF`], [`CODE_SUFFIX`],
/// [`CODE_ONLY_LABEL`]) can match in `s`: each needs a `类`, and most labels hold none.
fn may_hold_code(s: &str) -> bool {
    s.contains('类')
}

/// Whether [`CODE_AFTER_COUNT`] can match `s`: it opens with `(`, `,` or a verb's first
/// character and holds a `类` in its first 24 bytes.
fn may_open_with_code(s: &str) -> bool {
    s.starts_with(['(', ',', '为', '属', '列', '均', '定', '评'])
        && may_hold_code(&s[..s.floor_char_boundary(24)])
}

/// A label picked out of the text: byte range in the normalized text, and a code if printed.
#[derive(Debug, Clone)]
struct Label {
    start: usize,
    end: usize,
    code: Option<String>,
}

#[derive(Debug, Clone)]
struct TotalCandidate {
    qi: usize,
    value: i64,
    kind: String,
    strict: bool,
    government: bool,
    /// A percentage printed right after the count (`…139件,占全县代表建议的92%`).
    pct: Option<usize>,
    /// The universe that percentage is of (`all_items` for `占提案总数的`).
    pct_universe: Option<String>,
    /// `其中人大代表建议218件、政协提案168件`: a split of the total by channel.
    channel_split: Option<&'static str>,
    /// The count is of a part of all items: the government's in a congress's report
    /// (`由州政府系统承办241件`), or the lead items (`10件主办件`).
    part: bool,
}

/// Every decision about counted clauses in one document.
pub fn extract_clauses(ctx: &Ctx, ex: &mut Extraction, used: &mut [bool]) {
    let mut totals: Vec<TotalCandidate> = Vec::new();
    // Counts of the period after the session, candidates after all others (see below).
    let mut after_session_totals: Vec<TotalCandidate> = Vec::new();
    let mut universe_carry: Option<String> = None;
    let mut last_role: Option<(usize, u32)> = None; // (end byte of the role count, role position)
    let mut last_category: Option<(usize, i64, usize)> = None; // (sentence start, count, index)
    // An open `其中` breakdown: (sentence start, parent index, count left for children).
    let mut nest: Option<(usize, usize, i64)> = None;
    // Categories printed without a share: (category index, quantity index).
    let mut share_less: Vec<(usize, usize)> = Vec::new();

    subset_classes(ctx, ex, used);
    let definitions = super::code_definitions(ctx);

    for qi in 0..ctx.qtys.len() {
        if used[qi] {
            continue;
        }
        let q = &ctx.qtys[qi];
        if !matches!(
            q.unit,
            QUnit::Item | QUnit::ItemTimes | QUnit::Form | QUnit::Other
        ) {
            continue;
        }
        let (ss, _) = ctx.sentence_of(q.start);
        let paren_open = open_paren_before(ctx.text, ss, q.start);
        let lb = left_bound(ctx, qi, ss).max(paren_open.map(|p| p + 1).unwrap_or(0));
        // Only counts of items and item-answers get past the role, feedback-form and unit
        // tests to the rules that read the text after the count.
        let rb = if matches!(q.unit, QUnit::Item | QUnit::ItemTimes) {
            right_bound(ctx, qi)
        } else {
            q.end
        };
        let left = &ctx.text[lb..q.start];
        let right = &ctx.text[q.end..rb];
        let clause_start = last_comma_piece(ctx.text, lb, q.start);
        let l_clause = &ctx.text[clause_start..q.start];
        let right_head = right_head_of(right);

        // Role breakdown: counts inside the parentheses right after a role count.
        if let (Some(p), Some((role_end, role_pos))) = (paren_open, last_role)
            && p == role_end
            && q.unit == QUnit::Item
        {
            push_role_breakdown(ctx, ex, q, lb, role_pos);
            used[qi] = true;
            continue;
        }
        if paren_open.is_none() {
            last_role = None;
        }

        // Only a count of items ever uses its noun (bills, totals).
        let noun = if q.unit == QUnit::Item {
            item_noun(ctx, left, right)
        } else {
            None
        };
        if q.unit == QUnit::Item
            && noun
                .as_deref()
                .is_some_and(|n| ctx.rules.bill_nouns.iter().any(|b| b == n))
        {
            push_count_fact(ctx, ex, q, "bills_total", None, lb);
            used[qi] = true;
            continue;
        }
        // Before roles: a body's name may hold a role word (常委会办事机构, 联合办理).
        let handler = if q.unit == QUnit::Item && !totals.is_empty() {
            handler_of(ctx, qi, clause_start, right)
        } else {
            None
        };
        if let Some((bs, be)) = handler {
            let name = ctx.original_of(bs, be);
            push_named_count_fact(ctx, ex, q, "items_by_handler", name, clause_start.min(bs));
            // A government body's share is also the government system's (falls through).
            if !ctx.contains_any(&ctx.text[bs..be], &ctx.rules.government_words) {
                used[qi] = true;
                continue;
            }
        }
        if let Some((role_zh, role)) = role_in(ctx, l_clause).filter(|_| handler.is_none()) {
            let pos = ex.roles.len() as u32;
            // `市人大代表建议158件(主办84件,会办74件)`: roles of the channel counted before.
            let channel = paren_open
                .and_then(|p| ctx.qtys[..qi].iter().rposition(|o| o.end == p))
                .and_then(|owner| named_channel(ctx, owner))
                .map(|c| channel_of_split(c).to_string());
            ex.roles.push(Role {
                position: pos,
                role_zh: role_zh.clone(),
                role: role.clone(),
                level_zh: None,
                channel,
                count: q.value as i64,
                parent: None,
                evidence: ctx.evidence(
                    clause_start,
                    q.end,
                    if q.unit == QUnit::Other {
                        "role.units"
                    } else {
                        "role.count"
                    },
                ),
            });
            if q.unit == QUnit::Other
                && let Some(r) = ex.roles.last_mut()
            {
                r.role_zh = format!("{role_zh}单位");
            }
            last_role = Some((q.end, pos));
            used[qi] = true;
            continue;
        }
        // `已解决或年内解决的5个`: items counted in 个 right after an outcome's wording are a
        // category's count; other counts of units (家, 项, 个) are not read here.
        if q.unit == QUnit::Other && !items_in_ge(ctx, q) {
            continue;
        }
        if q.unit == QUnit::Item
            && (ctx.contains_any(l_clause, &ctx.rules.key_words) || named_key_after(ctx, right))
        {
            push_count_fact(ctx, ex, q, "key_items", None, clause_start);
            used[qi] = true;
            continue;
        }
        if q.unit == QUnit::Item
            && let Some((fact, ws, we)) = proposer_split_of(ctx, qi, clause_start, right_head)
        {
            let name = ctx.original_of(ws, we);
            push_named_count_fact(ctx, ex, q, fact, name, clause_start.min(ws));
            used[qi] = true;
            continue;
        }
        // `省十三届人大三次会议期间,代表共提出建议812件;闭会期间,代表…提出建议47件`: the period
        // may open the clause group before the count's own clause (not both periods at once:
        // `会议期间及闭会期间,代表共提出建议290件` is the total).
        let head_period = || {
            let head = &ctx.text[lb..clause_start];
            // `闭会期间` holds `会期`: a during word counts only before the first after word.
            let first_after = ctx
                .rules
                .session_after_words
                .occurrences(head)
                .map(|(_, at)| at)
                .min();
            let during = ctx.contains_any(
                &head[..first_after.unwrap_or(head.len())],
                &ctx.rules.session_during_words,
            );
            match (first_after.is_some(), during) {
                (true, false) => Some(true),
                (false, true) => Some(false),
                _ => None,
            }
        };
        // Some(true): an after-session period opens the clauses before; Some(false): during.
        let head_period = if q.unit == QUnit::Item && lb < clause_start {
            head_period()
        } else {
            None
        };
        let (head_after, head_during, head_period) = (
            head_period == Some(true),
            head_period == Some(false),
            head_period.is_some(),
        );
        if q.unit == QUnit::Item && (!l_clause.contains('共') || head_period) {
            let after = ctx.contains_any(l_clause, &ctx.rules.session_after_words)
                || ctx.contains_any(right_head, &ctx.rules.session_after_words)
                || (head_period && head_after);
            let during = ctx.contains_any(l_clause, &ctx.rules.session_during_words)
                || ctx.contains_any(right_head, &ctx.rules.session_during_words)
                || (head_period && head_during);
            // `闭会建议按时办结回复13件` counts the after-session items answered, not all of them.
            let outcome = ctx.contains_any(l_clause, &ctx.rules.session_outcome_words);
            if (after || during) && !outcome {
                let fact = if after {
                    "items_after_session"
                } else {
                    "items_during_session"
                };
                push_count_fact(ctx, ex, q, fact, None, clause_start);
                used[qi] = true;
                // `大会期间代表提出建议315件` opening a report is its total as well as a split.
                let opening = during && totals.is_empty() && !left.contains("其中");
                // `会后,县政府承接…交办建议160件`: a count of the period after the session
                // may be all the report handles; it is a total only by the categories' sum or
                // for want of any other.
                let after_only = after && !during;
                if !opening && !after_only {
                    continue;
                }
                if let Some(mut c) = total_candidate(
                    ctx,
                    qi,
                    left,
                    l_clause,
                    right_head,
                    noun.as_deref(),
                    paren_open.is_some(),
                ) {
                    if after_only {
                        c.strict = false;
                        after_session_totals.push(c);
                    } else {
                        c.kind = "received".into();
                        totals.push(c);
                    }
                }
                continue;
            }
        }
        if ctx.contains_any(l_clause, &ctx.rules.feedback_form_words)
            || (q.unit == QUnit::Form && ctx.contains_any(left, &ctx.rules.feedback_form_words))
        {
            let fact = if q.unit == QUnit::Form {
                "feedback_forms"
            } else {
                "feedback_receipts"
            };
            push_count_fact(
                ctx,
                ex,
                q,
                fact,
                Some(ctx.original_of(clause_start, q.start)),
                clause_start,
            );
            used[qi] = true;
            continue;
        }
        if q.unit == QUnit::Form {
            continue;
        }

        let pct = attached_pct(ctx, qi, rb);
        if let Some(sat) =
            satisfaction_in(ctx, l_clause).or_else(|| satisfaction_in(ctx, right_head))
        {
            push_satisfaction(ctx, ex, q, pct, sat, clause_start, used);
            used[qi] = true;
            continue;
        }

        let coded = code_only_label(ctx, clause_start, q.start);
        // `A类213件(所提问题已解决或基本解决)`: the code before the count, the wording after.
        let code_before_count = coded.as_ref().and_then(|c| c.code.clone());
        // `98件已解决、116件正在解决`: what lies between two counts ends the one before it.
        let after_previous = qi > 0
            && ctx.qtys[qi - 1].end == lb
            && ctx.text[lb..q.start].trim_end().ends_with(['、', ',']);
        let label = if after_previous {
            outcome_label_right(ctx, q.end, rb).or_else(|| outcome_label_left(ctx, lb, q.start))
        } else {
            outcome_label_left(ctx, lb, q.start).or_else(|| outcome_label_right(ctx, q.end, rb))
        };
        // `计划财贸类23件`: an uncoded label ending in 类 names a topic, whatever words it holds.
        let label = label.filter(|l| l.code.is_some() || !ctx.text[l.start..l.end].ends_with('类'));
        if let Some(label) = label.or(coded) {
            // A bare code takes its wording from the report's own definition of the code.
            let def = label
                .code
                .as_ref()
                .filter(|_| label.end - label.start <= 8)
                .and_then(|c| definitions.get(c))
                .copied();
            let (label_start, label_end) = def.unwrap_or((label.start, label.end));
            let code = label
                .code
                .clone()
                .or_else(|| code_after_count(right))
                .or_else(|| code_before_colon(ctx, label_start.min(label.start)))
                .or(code_before_count);
            let (universe_zh, carry) = pct
                .as_ref()
                .map(|(pi, u)| universe_of(ctx, *pi, u))
                .unwrap_or((None, false));
            if carry {
                universe_carry = universe_zh.clone();
            }
            let universe_zh = universe_zh.or_else(|| universe_carry.clone());
            let count = q.value as i64;
            // Children follow `其中` and share its sentence while their counts fit the parent.
            let parent = match nest {
                Some((ns, p, left_over)) if ns == ss && count <= left_over => Some(p as u32),
                _ => nested_parent(ctx, left, ss, count, last_category),
            };
            nest = parent.map(|p| {
                let used_before = match nest {
                    Some((ns, np, lo)) if ns == ss && np == p as usize => {
                        ex.categories[p as usize].count.unwrap_or(0) - lo
                    }
                    _ => 0,
                };
                (
                    ss,
                    p as usize,
                    ex.categories[p as usize].count.unwrap_or(0) - used_before - count,
                )
            });
            let end = pct
                .as_ref()
                .map(|(pi, _)| ctx.qtys[*pi].end)
                .unwrap_or(q.end);
            let idx = ex.categories.len();
            let (pct_stated, pct_text) = pct
                .as_ref()
                .map(|(pi, _)| pct_value(&ctx.qtys[*pi]))
                .map(|(v, t)| (Some(v), Some(t)))
                .unwrap_or((None, None));
            ex.categories.push(Category {
                position: idx as u32,
                code,
                label_zh: ctx.original_of(label_start, label_end),
                label_norm: ctx.text[label_start..label_end].to_string(),
                count: Some(q.value as i64),
                pct_stated,
                pct_text,
                universe: if q.unit == QUnit::ItemTimes {
                    "item_answers".into()
                } else {
                    universe_name(ctx, universe_zh.as_deref())
                },
                universe_zh,
                universe_count: None,
                parent,
                provenance: Provenance::Extracted,
                evidence: ctx.evidence(
                    label.start.min(q.start),
                    end,
                    if def.is_some() {
                        "category.code_count+definition"
                    } else if label.start < q.start {
                        "category.label_count"
                    } else {
                        "category.count_label"
                    },
                ),
                ..Category::blank()
            });
            match &pct {
                Some((pi, _)) => used[*pi] = true,
                None => share_less.push((idx, qi)),
            }
            last_category = Some((ss, q.value as i64, idx));
            used[qi] = true;
            continue;
        }

        if q.unit == QUnit::Item
            && let Some((ts, te, shared)) = topic_label(ctx, clause_start, q.start, ss)
        {
            let end = pct
                .as_ref()
                .map(|(pi, _)| ctx.qtys[*pi].end)
                .unwrap_or(q.end);
            let (pct_stated, pct_text) = pct
                .as_ref()
                .map(|(pi, _)| pct_value(&ctx.qtys[*pi]))
                .map(|(v, t)| (Some(v), Some(t)))
                .unwrap_or((None, None));
            // `社会建设方面的提案最多,达296件…社会建设方面提案最多,共296件`: said again.
            let restated = ex
                .topics
                .iter()
                .any(|t| t.label_norm == ctx.text[ts..te] && t.count == Some(q.value as i64));
            if restated {
                used[qi] = true;
                continue;
            }
            ex.topics.push(Topic {
                position: ex.topics.len() as u32,
                label_zh: ctx.original_of(ts, te),
                label_norm: ctx.text[ts..te].to_string(),
                count: Some(q.value as i64),
                pct_stated,
                pct_text,
                shared_count: shared,
                evidence: ctx.evidence(ts, end, "topic.label_count"),
                mapped: vec![],
            });
            if let Some((pi, _)) = &pct {
                used[*pi] = true;
            }
            used[qi] = true;
            continue;
        }

        // `共收到提案720件,立案627件`: the second count inherits the noun of the first.
        let noun = noun.or_else(|| {
            totals
                .last()
                .filter(|t| ctx.sentence_of(ctx.qtys[t.qi].start).0 == ss && t.strict)
                .map(|_| "inherited".to_string())
        });
        if q.unit == QUnit::Item
            && let Some(mut c) = total_candidate(
                ctx,
                qi,
                left,
                l_clause,
                right_head,
                noun.as_deref(),
                paren_open.is_some(),
            )
        {
            if let Some((pi, phrase)) = &pct {
                c.pct = Some(*pi);
                c.pct_universe = Some(universe_name(
                    ctx,
                    universe_of(ctx, *pi, phrase).0.as_deref(),
                ));
            }
            totals.push(c);
        }
    }

    respective_shares(ctx, ex, used, &share_less);
    share_only_statements(ctx, ex, used);
    super::drop_isolated_categories(ctx, ex);
    totals.append(&mut after_session_totals);
    choose_total(ctx, ex, &totals, used);
}

/// `已解决98件、正在解决116件、列入计划64件、留作参考19件,分别占33.0%、39.1%、21.5%、6.4%`:
/// a list of shares after a `respective_share_words` word goes, in order, to the share-less
/// categories of the same sentence, when there are exactly as many of each.
fn respective_shares(
    ctx: &Ctx,
    ex: &mut Extraction,
    used: &mut [bool],
    share_less: &[(usize, usize)],
) {
    let words = &ctx.rules.respective_share_words;
    let mut pi = 0;
    while pi < ctx.qtys.len() {
        let p = &ctx.qtys[pi];
        let before = &ctx.text[ctx.text.floor_char_boundary(p.start.saturating_sub(48))..p.start];
        // `分别占33.0%` or, with the universe named, `分别占政府系统承办总数的62.4%`.
        let introduced = words.last_start_in(before).is_some_and(|(at, w)| {
            let universe = before[at + w.len()..].trim_end();
            universe.chars().count() <= 12 && universe.chars().all(super::han::is_han)
        });
        if used[pi] || p.unit != QUnit::Percent || !introduced {
            pi += 1;
            continue;
        }
        let (ss, _) = ctx.sentence_of(p.start);
        let run = super::percent_run(ctx, pi, used);
        let owners: Vec<usize> = share_less
            .iter()
            .filter(|(_, qi)| {
                let q = &ctx.qtys[*qi];
                q.start >= ss && q.end <= p.start
            })
            .map(|(ci, _)| *ci)
            .collect();
        if owners.len() == run.len()
            && owners
                .iter()
                .all(|ci| ex.categories[*ci].pct_stated.is_none())
        {
            for (ci, qi) in owners.iter().zip(&run) {
                let (v, t) = pct_value(&ctx.qtys[*qi]);
                let c = &mut ex.categories[*ci];
                c.pct_stated = Some(v);
                c.pct_text = Some(t);
                used[*qi] = true;
            }
        }
        pi = run[run.len() - 1] + 1;
    }
}

/// Byte offset just after the nearest hard boundary or previous quantity before `qi`.
fn left_bound(ctx: &Ctx, qi: usize, sentence_start: usize) -> usize {
    let q = &ctx.qtys[qi];
    let mut lb = sentence_start;
    if qi > 0 && ctx.qtys[qi - 1].end > lb && ctx.qtys[qi - 1].end <= q.start {
        lb = ctx.qtys[qi - 1].end;
    }
    let lb = last_hard_boundary_end(ctx.text, lb, q.start).unwrap_or(lb);
    label_before_colon(ctx, qi, lb).unwrap_or(lb)
}

/// `已经解决或基本解决:245件`: a count printed right after a colon is labelled by what stands
/// before the colon, back to the hard boundary before it (within one short stretch).
fn label_before_colon(ctx: &Ctx, qi: usize, lb: usize) -> Option<usize> {
    const MAX_LABEL_BYTES: usize = 180;
    let q = &ctx.qtys[qi];
    if !ctx.text[lb..q.start].trim().is_empty() {
        return None;
    }
    let colon = ctx.text[..lb].strip_suffix(':')?.len();
    let mut from = ctx
        .text
        .floor_char_boundary(colon.saturating_sub(MAX_LABEL_BYTES));
    if qi > 0 && ctx.qtys[qi - 1].end > from && ctx.qtys[qi - 1].end <= colon {
        from = ctx.qtys[qi - 1].end;
    }
    let start = last_hard_boundary_end(ctx.text, from, colon).or_else(|| {
        (from == 0
            || ctx
                .qtys
                .get(qi.wrapping_sub(1))
                .is_some_and(|p| p.end == from))
        .then_some(from)
    })?;
    (!ctx.text[start..colon].trim().is_empty()).then_some(start)
}

/// End of the last hard boundary in `text[from..to]`: `char_indices().rfind(is_hard_boundary)`
/// as a byte scan from the right. Blocks of 16 end positions are tested at once on the three
/// bytes ending at each (a one-byte test would stop at every `、`, which shares `。`'s first
/// byte); then the bytes are tried one by one from the right. Every hard boundary starts with an
/// ASCII byte or a lead byte, so one found at or after `from` (a character boundary) is a whole
/// character of the range.
fn last_hard_boundary_end(text: &str, from: usize, to: usize) -> Option<usize> {
    const BLOCK: usize = 16;
    let bytes = &text.as_bytes()[from..to];
    // No hard boundary ends after `end`.
    let mut end = bytes.len();
    while end >= BLOCK + 2 {
        let w = &bytes[end - BLOCK - 2..end];
        let any = (0..BLOCK).fold(false, |any, j| {
            let (a, b, c) = (w[j], w[j + 1], w[j + 2]);
            any | (c == b';')
                | (c == b':')
                | (c == b'\n')
                | (c == b'!')
                | (c == b'?')
                | ((a == 0xE3) & (b == 0x80) & (c == 0x82))
                | ((a == 0xEF)
                    & (b == 0xBC)
                    & ((c == 0x81) | (c == 0x9F) | (c == 0x9B) | (c == 0x9A)))
        });
        if any {
            break;
        }
        end -= BLOCK;
    }
    (0..end)
        .rev()
        .find_map(|s| match hard_boundary_len(&bytes[s..]) {
            0 => None,
            len => Some(from + s + len),
        })
}

/// Offset of the first hard boundary in `text[from..to]`: `char_indices().find(is_hard_boundary)`,
/// a byte scan that skips blocks holding none of the bytes a hard boundary starts with.
fn first_hard_boundary(text: &str, from: usize, to: usize) -> Option<usize> {
    let bytes = &text.as_bytes()[..to];
    let mut i = from;
    loop {
        let at = super::skip_to(bytes, i, may_start_hard_boundary)?;
        if hard_boundary_len(&bytes[at..]) > 0 {
            return Some(at);
        }
        i = at + 1;
    }
}

/// The first byte of a hard boundary (without short-circuits, so block tests vectorize).
fn may_start_hard_boundary(b: u8) -> bool {
    (b == b';') | (b == b':') | (b == b'\n') | (b == b'!') | (b == b'?') | (b == 0xE3) | (b == 0xEF)
}

/// Length of the hard boundary ([`is_hard_boundary`]) at the start of `b`, 0 when none.
fn hard_boundary_len(b: &[u8]) -> usize {
    match b {
        [b';' | b':' | b'\n' | b'!' | b'?', ..] => 1,
        // 。 U+3002; ！ U+FF01, ？ U+FF1F, ； U+FF1B, ： U+FF1A
        [0xE3, 0x80, 0x82, ..] | [0xEF, 0xBC, 0x81 | 0x9F | 0x9B | 0x9A, ..] => 3,
        _ => 0,
    }
}

/// Byte offset of the next hard boundary or next counted quantity after `qi`.
fn right_bound(ctx: &Ctx, qi: usize) -> usize {
    let q = &ctx.qtys[qi];
    // A boundary after the next count cannot be the bound: search up to that count only.
    let limit = ctx.qtys[qi + 1..]
        .iter()
        .find(|n| n.unit != QUnit::Percent)
        .map_or(ctx.text.len(), |n| n.start.max(q.end));
    first_hard_boundary(ctx.text, q.end, limit)
        .unwrap_or(limit)
        .max(q.end)
}

/// The start of `right` up to its first `,` or `、`, at most 24 characters.
fn right_head_of(right: &str) -> &str {
    let head = right.split([',', '、']).next().unwrap_or("");
    let end = head.char_indices().nth(24).map_or(head.len(), |(i, _)| i);
    &head[..end]
}

/// Start of the last comma-separated piece of `text[lb..end]`.
fn last_comma_piece(text: &str, lb: usize, end: usize) -> usize {
    text[lb..end].rfind(',').map(|i| lb + i + 1).unwrap_or(lb)
}

/// Byte offset of an unclosed `(` between `from` and `to`: the last `(` that no later `)`
/// closes. Walks back from `to` counting the `)` still to close (brackets pair up the same way
/// read from either end); both are ASCII, so bytes do.
fn open_paren_before(text: &str, from: usize, to: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = to;
    while let Some(at) = super::skip_back_to(bytes, from, i, |b| (b == b'(') | (b == b')')) {
        match bytes[at] {
            b')' => depth += 1,
            _ if depth == 0 => return Some(at),
            _ => depth -= 1,
        }
        i = at;
    }
    None
}

/// The noun a count counts: right after it (`8609件建议`), else the last one before it (the one
/// whose last occurrence ends last, the longer one on a tie).
fn item_noun(ctx: &Ctx, left: &str, right: &str) -> Option<String> {
    let nouns = &ctx.rules.derived.nouns;
    // `247件代表议案和4917件代表建议`: the noun may follow a proposer word.
    let after_modifier = ctx
        .rules
        .noun_modifiers
        .longest_prefix_of(right)
        .map_or(right, |m| &right[m.len()..]);
    for head in [right, after_modifier] {
        if let Some(n) = nouns.iter().find(|n| head.starts_with(n.as_str())) {
            return Some(n.clone());
        }
    }
    // The noun is usually a few characters before the count: search from the right.
    nouns.last_ending_in(left).map(str::to_string)
}

/// The handling role whose word occurs last in the clause.
fn role_in(ctx: &Ctx, clause: &str) -> Option<(String, String)> {
    let (_, zh) = ctx.rules.derived.role_words.last_start_in(clause)?;
    let role = ctx.rules.roles.get(zh)?;
    Some((zh.to_string(), role.clone()))
}

fn push_role_breakdown(ctx: &Ctx, ex: &mut Extraction, q: &Qty, lb: usize, parent: u32) {
    let label = &ctx.text[lb..q.start];
    let label = label.trim_start_matches([',', '、', ' ']);
    let mut level = ctx
        .rules
        .levels
        .iter()
        .filter(|l| label.starts_with(l.as_str()))
        .max_by_key(|l| l.len())
        .cloned();
    if level.is_none() {
        // A level once stated carries to the following items of the same breakdown.
        level = ex
            .roles
            .iter()
            .rev()
            .take_while(|r| r.parent == Some(parent))
            .find_map(|r| r.level_zh.clone());
    }
    let channel = if label.contains("政协") || label.contains("提案") {
        Some("cppcc_proposal".to_string())
    } else if label.contains("人大") || label.contains("建议") {
        Some("npc_suggestion".to_string())
    } else {
        None
    };
    let p = &ex.roles[parent as usize];
    let (role_zh, role) = (p.role_zh.clone(), p.role.clone());
    ex.roles.push(Role {
        position: ex.roles.len() as u32,
        role_zh,
        role,
        level_zh: level,
        channel,
        count: q.value as i64,
        parent: Some(parent),
        evidence: ctx.evidence(lb, q.end, "role.breakdown"),
    });
}

fn push_count_fact(
    ctx: &Ctx,
    ex: &mut Extraction,
    q: &Qty,
    fact: &str,
    qualifier: Option<String>,
    from: usize,
) {
    if ex
        .facts
        .iter()
        .any(|f| f.fact == fact && f.value == q.value)
    {
        return;
    }
    let evidence = ctx.evidence(from.min(q.start), q.end, &format!("count.{fact}"));
    ex.facts
        .push(count_fact(q, fact.into(), None, qualifier, evidence));
}

/// The count of one channel's items (`npc_items`), unless that fact is already there.
pub(super) fn push_channel_count(ctx: &Ctx, ex: &mut Extraction, q: &Qty, fact: &str) {
    if ex.facts.iter().any(|f| f.fact == fact) {
        return;
    }
    push_count_fact(ctx, ex, q, fact, None, evidence_start(ctx, q));
}

/// A count of items under a name (`items_by_handler` for 市法院), unless the same fact, name
/// and value are already there.
fn push_named_count_fact(
    ctx: &Ctx,
    ex: &mut Extraction,
    q: &Qty,
    fact: &str,
    name_zh: String,
    from: usize,
) {
    if ex
        .facts
        .iter()
        .any(|f| f.fact == fact && f.value == q.value && f.name_zh.as_deref() == Some(&name_zh))
    {
        return;
    }
    let evidence = ctx.evidence(from.min(q.start), q.end, &format!("count.{fact}"));
    ex.facts
        .push(count_fact(q, fact.into(), Some(name_zh), None, evidence));
}

/// An extracted, exact count fact for quantity `q`.
fn count_fact(
    q: &Qty,
    fact: String,
    name_zh: Option<String>,
    qualifier: Option<String>,
    evidence: crate::model::Evidence,
) -> Fact {
    Fact {
        fact,
        name_zh,
        value: q.value,
        value_text: q.text.clone(),
        unit: Unit::Count,
        qualifier,
        bound: "exact".into(),
        provenance: Provenance::Extracted,
        evidence,
    }
}

/// `集体提案188件`, `委员个人或联名提案666件`: a count of proposals by who handed them in, in a
/// sentence that names collective proposals. The fact and the label's byte range.
fn proposer_split_of(
    ctx: &Ctx,
    qi: usize,
    clause_start: usize,
    right_head: &str,
) -> Option<(&'static str, usize, usize)> {
    let split = &ctx.rules.proposer_split;
    let q = &ctx.qtys[qi];
    let (ss, se) = ctx.sentence_of(q.start);
    let sentence = &ctx.text[ss..se.max(q.end)];
    let authored = || {
        !split.label_noun.is_empty()
            && sentence.contains(split.label_noun.as_str())
            && split.collective_authors.contains_any(sentence)
    };
    if !split.collective.contains_any(sentence) && !authored() {
        return None;
    }
    // `遴选重点提案…其中集体提案10件，委员提案9件` splits the key proposals, not all of them.
    let of_key_items = ctx.contains_any(&ctx.text[ss..clause_start], &ctx.rules.key_words);
    let kind_of = |word: &str| match (
        split.collective.iter().any(|w| w == word) || word == split.label_noun,
        of_key_items,
    ) {
        (true, false) => "items_collective",
        (false, false) => "items_individual",
        (true, true) => "key_items_collective",
        (false, true) => "key_items_individual",
    };
    // `集体提案 15件`: a space may stand between the label and its count.
    let clause = ctx.text[clause_start..q.start].trim_end();
    let end = clause.len() - ends_with_any(clause, &split.fillers).map_or(0, |f| f.len());
    let head = &clause[..end];
    let left =
        ends_with_any(head, &split.collective).or_else(|| ends_with_any(head, &split.individual));
    if let Some(w) = left {
        // `由区政府承办的政协委员提案共129件` is a total (a total verb before the label, and
        // the channel's name); `立案提案里集体提案188件` a split (a subset marker after the verb).
        let before = &head[..head.len() - w.len()];
        let total_like = ends_with_any(before, &split.channel_words).is_some()
            || (ends_with_any(before, &split.author_markers).is_none()
                && total_kind_in(
                    &ctx.rules.derived.prioritized_total_verbs,
                    &ctx.rules.total_verb_negations,
                    before,
                )
                .is_some()
                && ends_with_any(before, &split.subset_markers).is_none());
        if total_like {
            return None;
        }
        let we = clause_start + end;
        return Some((kind_of(w), we - w.len(), we));
    }
    // `各民主党派省委、省工商联提案85件`: a label naming a collective author.
    if !split.label_noun.is_empty()
        && head.ends_with(split.label_noun.as_str())
        && split.collective_authors.contains_any(head)
        && total_kind_in(
            &ctx.rules.derived.prioritized_total_verbs,
            &ctx.rules.total_verb_negations,
            head,
        )
        .is_none()
    {
        let start = strip_prefixes(
            ctx.text,
            clause_start,
            clause_start + end,
            &ctx.rules.label_prefixes,
        );
        return Some((
            kind_of(split.label_noun.as_str()),
            start,
            clause_start + end,
        ));
    }
    // `188件集体提案`: the label right after the count.
    let right = split
        .collective
        .longest_prefix_of(right_head)
        .or_else(|| split.individual.longest_prefix_of(right_head))?;
    Some((kind_of(right), q.end, q.end + right.len()))
}

/// `市法院承办4件` (the clause before the count is `[lead]<body><verb>`) or `72件交市政府办理`
/// (the text after it is `<lead><body><verb>`): the body's byte range.
fn handler_of(ctx: &Ctx, qi: usize, clause_start: usize, right: &str) -> Option<(usize, usize)> {
    let split = &ctx.rules.handler_split;
    let q = &ctx.qtys[qi];
    let clause = &ctx.text[clause_start..q.start];
    let body_before = |piece: &str, verb: &str, lead_required: bool| -> Option<(usize, usize)> {
        let mut start = 0;
        let mut led = false;
        while let Some(w) = split.lead_words.longest_prefix_of(&piece[start..]) {
            if w.is_empty() {
                break;
            }
            start += w.len();
            led = true;
        }
        let end = piece.len() - verb.len();
        let body = piece.get(start..end)?;
        let plausible = (led || !lead_required)
            && body.chars().count() >= 2
            && ends_with_any(body, &split.body_suffixes).is_some()
            && !body.contains(['共', ',', '(', ')'])
            && !body.bytes().any(|b| b.is_ascii_digit())
            && !ctx.rules.derived.nouns.contains_any(body)
            && total_kind_in(
                &ctx.rules.derived.prioritized_total_verbs,
                &ctx.rules.total_verb_negations,
                body,
            )
            .is_none();
        plausible.then_some((start, end))
    };
    // `交有关机关和组织办理`: the longest verb (组织办理) may eat the body's ending, so every
    // verb the piece ends with is tried; the longest that leaves a body wins.
    let body_in = |piece: &str, lead_required: bool| -> Option<(usize, usize)> {
        split
            .verbs
            .iter()
            .filter(|v| !v.is_empty() && piece.ends_with(v.as_str()))
            .filter_map(|v| Some((v.len(), body_before(piece, v, lead_required)?)))
            .max_by_key(|(len, _)| *len)
            .map(|(_, range)| range)
    };
    let opened = clause.trim_start_matches(['、', ' ']);
    let lead = clause.len() - opened.len();
    let trimmed = opened.strip_suffix('的').unwrap_or(opened).trim_end();
    if let Some((s, e)) = body_in(trimmed, false) {
        return Some((clause_start + lead + s, clause_start + lead + e));
    }
    // `立案提案交省政府及其部门办理668件`: the body starts after a lead word inside the clause;
    // the first lead that leaves a plausible body wins (`交由市交通局办理`: not the 交 of 交通).
    let mut leads: Vec<usize> = split
        .lead_words
        .occurrences(trimmed)
        .map(|(_, at)| at)
        .filter(|&at| at > 0 && !counts_before_handing(ctx, &trimmed[..at]))
        .collect();
    leads.sort_unstable();
    leads.dedup();
    if let Some((s, e)) = leads
        .into_iter()
        .find_map(|at| body_in(&trimmed[at..], true).map(|(s, e)| (at + s, at + e)))
    {
        return Some((clause_start + lead + s, clause_start + lead + e));
    }
    // `按…职能进行交办:市人大常委会机关12件,市人民政府877件`: bodies listed after an intro
    // that ends in a colon, without a verb of their own.
    if listed_after_intro(ctx, q.start, clause_start)
        && let Some((s, e)) = body_before(trimmed, "", false)
    {
        return Some((clause_start + lead + s, clause_start + lead + e));
    }
    // `15件由市法院、市检察院等单位办理`: the body may list several (`、`), so the piece runs to
    // the next comma.
    let piece = right.split(',').next().unwrap_or("");
    let piece = &piece[..piece.char_indices().nth(40).map_or(piece.len(), |(i, _)| i)];
    let (s, e) = body_in(piece, true)?;
    Some((q.end + s, q.end + e))
}

/// `其中9件确定为重点建议` / `8件涉及…的建议列为重点建议`: the count is named key items after it,
/// in its own comma piece (`为` before the key word).
fn named_key_after(ctx: &Ctx, right: &str) -> bool {
    let piece = right.split(',').next().unwrap_or("");
    piece
        .find('为')
        .is_some_and(|at| ctx.contains_any(&piece[at..], &ctx.rules.key_words))
}

/// Whether the words before a lead word make the count a total of their own: `经审查立案交有关
/// 单位办理的621件` counts the filed items (a total verb ends the words), while in `立案提案交省
/// 政府办理668件` the verb only qualifies the noun that is handed on.
fn counts_before_handing(ctx: &Ctx, before: &str) -> bool {
    total_kind_in(
        &ctx.rules.derived.prioritized_total_verbs,
        &ctx.rules.total_verb_negations,
        before,
    )
    .is_some()
        && ends_with_any(before, &ctx.rules.derived.nouns).is_none()
}

/// The percentage printed right after count `qi`, within its clause, with the text between.
fn attached_pct(ctx: &Ctx, qi: usize, rb: usize) -> Option<(usize, String)> {
    let q = &ctx.qtys[qi];
    // The percent must come before the next count: look at the next few quantities only.
    let (pi, p) = ctx
        .qtys
        .iter()
        .enumerate()
        .skip(qi + 1)
        .take(4)
        .find(|(_, p)| p.unit == QUnit::Percent)?;
    // `1284件(涉及分办建议95件),占…93.2%`: a parenthetical right after the count is skipped,
    // counts inside it included.
    let from = paren_end_after(ctx.text, q.end, p.start).unwrap_or(q.end);
    // The clause may continue past a `,` up to the percent; stop at hard boundaries and counts.
    if ctx.qtys[qi + 1..pi]
        .iter()
        .any(|n| n.unit != QUnit::Percent && n.start >= from)
        || p.start < rb.min(q.end)
    {
        return None;
    }
    let between = &ctx.text[from..p.num_start];
    // `所提建议留作参考的34件\n占4.8%`: a share alone on the next line (a short line is never
    // joined to the next) is the count's.
    let between = match between.strip_prefix('\n') {
        Some(rest) if rest.starts_with(['占', '佔']) && line_ends_after(ctx.text, p.end) => rest,
        _ => between,
    };
    // A count inside a parenthetical does not own a share printed after it closes.
    if between.chars().any(is_hard_boundary) || (between.contains(')') && !between.contains('(')) {
        return None;
    }
    // `占` may be preceded by a short label remainder (`85件已列入规划正在解决,占37%`).
    // `87件所提问题已解决(占52.1%)`: the share may open a parenthetical after the label.
    let cut = between.rfind([',', '、']).max(
        between
            .rfind('(')
            .filter(|p| between[*p..].starts_with("(占") && !between[*p..].contains(')')),
    );
    let tail = cut.map(|i| &between[i..]).unwrap_or(between);
    let tail = if ATTACHED_PCT.is_match(tail) {
        tail
    } else {
        between
    };
    if PAREN_PCT.is_match(between) {
        return Some((pi, String::new()));
    }
    let caps = ATTACHED_PCT.captures(tail)?;
    Some((
        pi,
        caps.get(1)
            .map(|m| m.as_str().to_string())
            .unwrap_or_default(),
    ))
}

/// Whether the line goes on after `pos` with nothing but a closing stop.
fn line_ends_after(text: &str, pos: usize) -> bool {
    let rest = &text[pos..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    matches!(line.trim(), "" | "。" | ";" | ",")
}

/// Whether the clause at `clause_start` is in a list that follows a colon in its sentence, the
/// colon ending an intro with one of `handler_split.list_intros` (`交办:`) in its last characters.
fn listed_after_intro(ctx: &Ctx, q_start: usize, clause_start: usize) -> bool {
    let (ss, _) = ctx.sentence_of(q_start);
    let Some(colon) = ctx.text[ss..clause_start].rfind(':') else {
        return false;
    };
    let intro = &ctx.text[ss..ss + colon];
    let tail_from = intro.char_indices().rev().nth(7).map_or(0, |(i, _)| i);
    ctx.rules
        .handler_split
        .list_intros
        .contains_any(&intro[tail_from..])
}

/// End of a parenthetical that opens at `at` and closes before `limit`, when it holds no hard
/// boundary and no other parenthesis.
fn paren_end_after(text: &str, at: usize, limit: usize) -> Option<usize> {
    let rest = text.get(at..limit)?.strip_prefix('(')?;
    let close = rest.find(')')?;
    let inner = &rest[..close];
    (!inner.contains('(') && !inner.chars().any(is_hard_boundary)).then_some(at + 1 + close + 1)
}

/// Universe named between 占 and the number (`建议总数的`), and whether `(下同)` carries it on.
fn universe_of(ctx: &Ctx, pi: usize, phrase: &str) -> (Option<String>, bool) {
    let p = &ctx.qtys[pi];
    let carry = ctx.text[p.end..].starts_with("(下同)");
    let phrase = phrase.trim_end_matches('的').trim();
    ((!phrase.is_empty()).then(|| phrase.to_string()), carry)
}

fn universe_name(ctx: &Ctx, zh: Option<&str>) -> String {
    match zh {
        None => "all_items".into(),
        Some(z) => ctx
            .rules
            .universe_phrases
            .iter()
            .filter(|(k, _)| z.contains(k.as_str()))
            .max_by_key(|(k, _)| k.len())
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| "stated".into()),
    }
}

/// The code of `A类:所提问题…`, the label starting right after the colon.
fn code_before_colon(ctx: &Ctx, label_start: usize) -> Option<String> {
    let from = ctx.text.floor_char_boundary(label_start.saturating_sub(24));
    let before = &ctx.text[from..label_start];
    if !before.trim_end().ends_with(':') {
        return None;
    }
    // The window may start mid-line: a match at its start counts only at a real boundary.
    let c = CODE_BEFORE_COLON.captures(before)?;
    let whole = c.get(0)?;
    let at_boundary =
        whole.start() > 0 || from == 0 || ctx.text[..from].ends_with(['\n', ';', '。']);
    at_boundary.then(|| c.get(1).map(|m| m.as_str().to_string()))?
}

fn code_after_count(right: &str) -> Option<String> {
    if !may_open_with_code(right) {
        return None;
    }
    CODE_AFTER_COUNT
        .captures(right)
        .and_then(|c| c.get(1).or_else(|| c.get(2)))
        .map(|m| m.as_str().to_string())
}

/// Which satisfaction figure a label states (longest lexicon word wins).
fn satisfaction_in(ctx: &Ctx, label: &str) -> Option<String> {
    let word = ctx
        .rules
        .derived
        .satisfaction_words
        .longest_contained_in(label)?;
    ctx.rules.satisfaction.get(word).cloned()
}

fn push_satisfaction(
    ctx: &Ctx,
    ex: &mut Extraction,
    q: &Qty,
    pct: Option<(usize, String)>,
    canonical: String,
    from: usize,
    used: &mut [bool],
) {
    let label = ctx.original_of(from, q.start);
    ex.facts.push(count_fact(
        q,
        canonical.replace("rate_", "count_"),
        Some(label.trim_end_matches(['的', '有']).to_string()),
        None,
        ctx.evidence(from, q.end, "satisfaction.count"),
    ));
    if let Some((pi, _)) = pct {
        let p = &ctx.qtys[pi];
        ex.facts.push(Fact {
            fact: canonical,
            name_zh: Some(label.trim_end_matches(['的', '有']).to_string()),
            value: p.value,
            value_text: p.text.clone(),
            unit: Unit::Percent,
            qualifier: Some(format!(
                "share of items with feedback ({}件 in this group)",
                q.text
            )),
            bound: if p.lower_bound {
                "lower_bound".into()
            } else {
                "exact".into()
            },
            provenance: Provenance::Extracted,
            evidence: ctx.evidence(from, p.end, "satisfaction.count_share"),
        });
        used[pi] = true;
    }
}

/// Outcome label before the count: the comma pieces back from the count that carry outcome
/// vocabulary (`…暂时不能解决,留作参考的(C类)6件` keeps both pieces).
fn outcome_label_left(ctx: &Ctx, lb: usize, qstart: usize) -> Option<Label> {
    let region = &ctx.text[lb..qstart];
    let mut start = qstart;
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut piece_end = region.len();
    for (i, c) in region.char_indices().rev() {
        if c == ',' {
            pieces.push((i + 1, piece_end));
            piece_end = i;
        }
    }
    pieces.push((0, piece_end));
    // `因国家政策规定,或客观条件限制,或超越…无法解决的`: a piece opening with 或 goes on the
    // piece before it, whatever that one's words.
    let mut continued = false;
    for (a, b) in pieces {
        let piece = &region[a..b];
        let has_outcome = ctx.contains_any(piece, &ctx.rules.outcome_words);
        let code_only = piece.len() < 16 && may_hold_code(piece) && CODE_PAREN_END.is_match(piece);
        if !(has_outcome || continued || code_only && start == qstart) {
            break;
        }
        continued = piece.starts_with('或') && !piece.is_empty();
        if ctx.contains_any(piece, &ctx.rules.not_outcome_words) {
            if let Some(after) = outcome_after_subject(ctx, piece) {
                start = lb + a + after;
            }
            break;
        }
        start = lb + a;
    }
    if start == qstart {
        return None;
    }
    finish_outcome_label(ctx, start, qstart)
}

/// Where the outcome wording starts after a subject clause (`代表提出的|建议得到解决的`) or a
/// listed statement (`已全部办复、|已基本落实的`), when only what comes before holds
/// `not_outcome_words`.
fn outcome_after_subject(ctx: &Ctx, piece: &str) -> Option<usize> {
    let outcome_only = |rest: &str| {
        ctx.contains_any(rest, &ctx.rules.outcome_words)
            && !ctx.contains_any(rest, &ctx.rules.not_outcome_words)
    };
    if let Some((at, word)) = ctx.rules.label_subjects.last_start_in(piece)
        && outcome_only(&piece[at + word.len()..])
    {
        return Some(at + word.len());
    }
    // `这些提案已全部办复、已基本落实或正在落实的`: a listed statement before the wording.
    let (at, _) = ctx.rules.not_outcome_words.last_start_in(piece)?;
    let after = at + piece[at..].find('、')? + '、'.len_utf8();
    outcome_only(&piece[after..]).then_some(after)
}

/// A code standing alone as the label (`A类88件`): the category is real, its wording elsewhere.
fn code_only_label(ctx: &Ctx, clause_start: usize, qstart: usize) -> Option<Label> {
    let piece = ctx.text[clause_start..qstart]
        .trim_end()
        .trim_end_matches(':');
    if !may_hold_code(piece) {
        return None;
    }
    let c = CODE_ONLY_LABEL.captures(piece)?;
    if ctx.contains_any(piece, &ctx.rules.not_outcome_words) {
        return None;
    }
    let code = c.get(1)?;
    let start = clause_start + code.start();
    let end = clause_start
        + piece[code.start()..]
            .find('类')
            .map(|i| code.start() + i + '类'.len_utf8())
            .unwrap_or(code.end());
    Some(Label {
        start,
        end,
        code: Some(code.as_str().to_string()),
    })
}

/// Outcome label after the count (`135件已经解决或基本解决,占58.7%`).
fn outcome_label_right(ctx: &Ctx, qend: usize, rb: usize) -> Option<Label> {
    let region = &ctx.text[qend..rb];
    let mut start = qend;
    let mut code = None;
    if may_open_with_code(region)
        && let Some(c) = CODE_AFTER_COUNT.captures(region)
    {
        code = c
            .get(1)
            .or_else(|| c.get(2))
            .map(|m| m.as_str().to_string());
        start += c.get(0).map(|m| m.end()).unwrap_or(0);
    }
    let rest = &ctx.text[start..rb];
    // The label runs over `,` pieces that carry outcome vocabulary, up to the share (`占…`).
    let mut end = start;
    let mut offset = 0;
    // `42件提案所提问题需要长期坚持去抓,已列入工作计划中,占比43%`: a first piece naming only the
    // subject, when the wording and then a share follow it.
    let mut subject_first = false;
    let mut at_share = false;
    for (n, piece) in rest.split_inclusive(',').enumerate() {
        let body = piece.trim_end_matches(',');
        let body = body
            .split("占")
            .next()
            .unwrap_or(body)
            .trim_end_matches(['、', '(']);
        // `44件被部分采纳,采纳和部分采纳率达88.9%`: a rate is no part of the label.
        if n > 0 && body.contains('率') {
            break;
        }
        if body.is_empty() || !ctx.contains_any(body, &ctx.rules.outcome_words) {
            if n == 0 && ends_with_any(body, &ctx.rules.among_words).is_some() {
                return None;
            }
            let names_subject = body.chars().next().is_some_and(|c| c > '\u{2FFF}');
            if n == 0 && names_subject && !piece.contains("占") {
                subject_first = true;
                offset += piece.len();
                continue;
            }
            at_share = piece.starts_with("占");
            break;
        }
        end = start + offset + body.len();
        if piece.contains("占") {
            at_share = true;
            break;
        }
        offset += piece.len();
    }
    if subject_first && !at_share || counts_the_next(ctx, end, rb) {
        return None;
    }
    let piece = &ctx.text[start..end];
    if piece.is_empty() || !ctx.contains_any(piece, &ctx.rules.outcome_words) {
        return None;
    }
    if ctx.contains_any(piece, &ctx.rules.not_outcome_words) {
        start += outcome_after_subject(ctx, piece)?;
    }
    let mut l = finish_outcome_label(ctx, start, end)?;
    l.code = l.code.or(code);
    Some(l)
}

/// `8件建议所提问题已经解决(A类)1件`: the label runs into the next count, which is the
/// category's; the count before the label is the items it is counted over.
fn counts_the_next(ctx: &Ctx, label_end: usize, rb: usize) -> bool {
    let between = &ctx.text[label_end..rb];
    between
        .chars()
        .all(|c| c.is_ascii_uppercase() || c == ' ' || "()类有为的共计达甲乙丙丁".contains(c))
        && ctx
            .qtys
            .binary_search_by_key(&rb, |n| n.start)
            .is_ok_and(|i| ctx.qtys[i].unit == QUnit::Item)
}

/// The length of a list marker opening a label (`(一)`, `一)`, `二、`, `3.`), or 0.
pub(super) fn enumerator_len(label: &str) -> usize {
    let body = label.strip_prefix('(').unwrap_or(label);
    let digits = body
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c))
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    match body[digits..].chars().next() {
        Some(c @ (')' | '、' | '.')) if (1..=9).contains(&digits) => {
            label.len() - body.len() + digits + c.len_utf8()
        }
        _ => 0,
    }
}

/// Pull the code out of a label range and trim connectors, quotes and nouns.
fn finish_outcome_label(ctx: &Ctx, mut start: usize, mut end: usize) -> Option<Label> {
    let mut code = None;
    let s = &ctx.text[start..end];
    let coded = may_hold_code(s);
    let quoted = s.contains(['"', '“', '”']);
    if quoted && let Some(c) = QUOTED_CODE_THEN_DEF.captures(s) {
        let def = c.get(2)?;
        code = c.get(1).map(|m| m.as_str().to_string());
        end = start + def.end();
        start += def.start();
    } else if coded && let Some(c) = CODE_THEN_DEF.captures(s) {
        let def = c.get(2)?;
        code = c.get(1).map(|m| m.as_str().to_string());
        end = start + def.end();
        start += def.start();
    } else if coded && let Some(c) = CODE_PAREN_END.captures(s) {
        code = Some(codes_of(&c));
        end = start + c.get(0)?.start();
    } else if coded && let Some(c) = CODE_SUFFIX.captures(s) {
        code = Some(codes_of(&c));
        end = start + c.get(0)?.start();
    }
    start += enumerator_len(&ctx.text[start..end]);
    start += frame_len(ctx, &ctx.text[start..end]);
    start = strip_prefixes(ctx.text, start, end, &ctx.rules.label_prefixes);
    end = strip_suffixes(ctx.text, start, end, &ctx.rules.label_suffixes);
    let label = ctx.text[start..end].trim_matches(['"', '“', '”', ' ', ',', '、', ':']);
    if label.chars().count() < 2 {
        return None;
    }
    let lead = ctx.text[start..end].len()
        - ctx.text[start..end]
            .trim_start_matches(['"', '“', '”', ' ', ',', '、', ':'])
            .len();
    let start = start + lead;
    let end = start + label.len();
    ctx.contains_any(label, &ctx.rules.outcome_words)
        .then_some(Label { start, end, code })
}

/// Most characters between a frame's opening and closing words (`从落实情况看,`).
const MAX_FRAME_CHARS: usize = 10;

/// The length of a framing piece opening a label (`从落实情况看,`, `就办理结果而言,`): an opening
/// word of `label_frames`, a few characters, and a closing word; 0 when none. Its words are no
/// part of the outcome (`从解决情况看,已列入计划的` is planned only).
fn frame_len(ctx: &Ctx, label: &str) -> usize {
    let frames = &ctx.rules.label_frames;
    let Some(open) = frames.opens.longest_prefix_of(label) else {
        return 0;
    };
    let rest = &label[open.len()..];
    let window: usize = rest
        .char_indices()
        .nth(MAX_FRAME_CHARS + 4)
        .map_or(rest.len(), |(i, _)| i);
    frames
        .closes
        .occurrences(&rest[..window])
        .map(|(w, at)| open.len() + at + frames.closes[w].len())
        .min()
        .unwrap_or(0)
}

fn codes_of(c: &regex::Captures) -> String {
    let a = c.get(1).map(|m| m.as_str()).unwrap_or("");
    match c.get(2) {
        Some(b)
            if b.as_str() != a
                && c.get(0).is_some_and(|m| m.as_str().contains('类'))
                && c.len() > 2 =>
        {
            format!("{a}/{}", b.as_str())
        }
        _ => a.to_string(),
    }
}

/// `已解决和正在解决的3096件,其中已解决或基本解决的536件`: the second is inside the first.
fn nested_parent(
    _ctx: &Ctx,
    left: &str,
    sentence_start: usize,
    count: i64,
    last: Option<(usize, i64, usize)>,
) -> Option<u32> {
    let (ss, parent_count, idx) = last?;
    (ss == sentence_start && left.contains("其中") && count <= parent_count).then_some(idx as u32)
}

/// `其中社会建设方面的提案最多,达296件`: when only a filler (达, 共有) stands between the comma
/// and the count, the topic is named in the piece before, up to its first field word (方面, 类,
/// 领域). The byte range from the start of that piece to the end of the field word.
fn named_before_filler(
    ctx: &Ctx,
    clause_start: usize,
    qstart: usize,
    sentence_start: usize,
) -> Option<(usize, usize)> {
    let fillers = &ctx.rules.topic_label_fillers;
    // What is left after the fillers (a word is never stripped from itself) is one of them.
    let rest = &ctx.text[clause_start..strip_suffixes(ctx.text, clause_start, qstart, fillers)];
    if !fillers.iter().any(|w| w == rest) {
        return None;
    }
    let piece_end = clause_start.checked_sub(1)?;
    if sentence_start >= piece_end || ctx.text.as_bytes().get(piece_end) != Some(&b',') {
        return None;
    }
    let head = &ctx.text[sentence_start..piece_end];
    let piece_start = head
        .rfind([',', ';'])
        .map_or(sentence_start, |i| sentence_start + i + 1);
    let piece = &ctx.text[piece_start..piece_end];
    let field_end = ctx
        .rules
        .topic_suffixes
        .iter()
        .filter_map(|w| piece.find(w.as_str()).map(|i| i + w.len()))
        .min()?;
    Some((piece_start, piece_start + field_end))
}

/// Topic label: the last comma piece before the count, when it names a field (方面/类/领域), the
/// sentence announces a breakdown by content, or it is a `…提案` of a subject.
fn topic_label(
    ctx: &Ctx,
    clause_start: usize,
    qstart: usize,
    sentence_start: usize,
) -> Option<(usize, usize, bool)> {
    let (mut start, qstart) = named_before_filler(ctx, clause_start, qstart, sentence_start)
        .unwrap_or((clause_start, qstart));
    let region_start = start;
    let raw = &ctx.text[start..qstart];
    // `这1635件提案中,经济科技类` / `立案提案中经济建设方面`: cut after the universe.
    for marker in ["提案中", "建议中", "议案中"] {
        if let Some(p) = raw.rfind(marker) {
            start = start.max(region_start + p + marker.len());
        }
    }
    start = strip_prefixes(ctx.text, start, qstart, &ctx.rules.label_prefixes);
    // `经济建设类:12件`: the colon before a count ends the name.
    let mut end = start + ctx.text[start..qstart].trim_end_matches([':', ' ']).len();
    let mut shared = false;
    if ctx.text[start..end].ends_with('各') {
        shared = true;
        end -= '各'.len_utf8();
    }
    // `经济建设类的有51件`, `经济建设类提案有517件`: the filler before the count goes.
    end = strip_suffixes(ctx.text, start, end, &ctx.rules.topic_label_fillers);
    end = ctx.text[start..end].trim_end_matches(['的', ' ']).len() + start;
    // `围绕经济建设方面提出提案94件`, `经济建设类提案`: the verb and noun after the topic are no
    // part of it.
    for suffix in &ctx.rules.topic_suffixes {
        if let Some(i) = ctx.text[start..end].rfind(suffix) {
            let rest = &ctx.text[start + i + suffix.len()..end];
            if !rest.is_empty()
                && rest.chars().count() <= 6
                && ctx
                    .rules
                    .item_nouns
                    .iter()
                    .any(|n| rest.ends_with(n.as_str()))
            {
                end = start + i + suffix.len();
            }
            break;
        }
    }
    // `涉及农林水电、工交、财贸等经济建设类`: the examples before 等 are no part of the name.
    if let Some(i) = ctx.text[start..end].rfind('等') {
        let name = &ctx.text[start + i + '等'.len_utf8()..end];
        let named =
            ctx.rules.topic_suffixes.iter().any(|s| {
                name.ends_with(s.as_str()) && name.chars().count() > s.chars().count() + 1
            });
        if named {
            start += i + '等'.len_utf8();
        }
    }
    let label = &ctx.text[start..end];
    let n = label.chars().count();
    if !(2..=30).contains(&n) || label.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    if ctx.contains_any(label, &ctx.rules.proposer_types)
        || ctx.contains_any(label, &ctx.rules.feedback_form_words)
    {
        return None;
    }
    if ctx.rules.derived.multi_char_total_verbs.contains_any(label) {
        return None;
    }
    // The words cut from the label's start count too (`提案涉及|经济建设167件`).
    let sentence_head = &ctx.text[sentence_start.min(start)..start.max(clause_start)];
    let marked = ctx
        .rules
        .topic_suffixes
        .iter()
        .any(|s| label.ends_with(s.as_str()) || label.contains("方面"));
    let context = ctx.contains_any(sentence_head, &ctx.rules.topic_context);
    let subject_noun = ctx
        .rules
        .item_nouns
        .iter()
        .any(|n| label.ends_with(n.as_str()) && label.len() > n.len() + 3)
        && ctx.contains_any(label, &ctx.rules.topic_words);
    let bare_noun = ctx
        .rules
        .item_nouns
        .iter()
        .chain(&ctx.rules.bill_nouns)
        .any(|n| label.ends_with(n.as_str()) && !subject_noun);
    if (marked || context || subject_noun) && !bare_noun {
        Some((start, end, shared))
    } else {
        None
    }
}

fn total_candidate(
    ctx: &Ctx,
    qi: usize,
    left: &str,
    l_clause: &str,
    right_head: &str,
    noun: Option<&str>,
    in_paren: bool,
) -> Option<TotalCandidate> {
    let q = &ctx.qtys[qi];
    let value = q.value as i64;
    let kind_in = |s: &str| {
        total_kind_in(
            &ctx.rules.derived.prioritized_total_verbs,
            &ctx.rules.total_verb_negations,
            s,
        )
    };
    // `kind_in(l_clause).or_else(|| kind_in(left)).or_else(|| kind_in(right_head))`: the clause
    // ends `left`, so it holds no verb when `left` holds none, and is `left` when as long.
    let kind = match kind_in(left) {
        None => kind_in(right_head),
        Some(k) if l_clause.len() == left.len() => Some(k),
        Some(k) => kind_in(l_clause).or(Some(k)),
    };
    // A kind shared with the count before never makes a strict candidate: the two may be the
    // channels of a total the report does not print.
    let (kind, coordinated) = match kind {
        Some(k) => (Some(k), false),
        None => {
            let k = coordinated_kind(ctx, qi).and_then(kind_in);
            let shared = k.is_some();
            (k, shared)
        }
    };
    if noun.is_none() && kind.is_none() {
        return None;
    }
    let government = ctx.contains_any(left, &ctx.rules.government_words)
        || ctx.contains_any(
            right_head.split('(').next().unwrap_or(""),
            &ctx.rules.government_words,
        );
    let named = noun.is_some()
        || kind
            .as_ref()
            .is_some_and(|k| ctx.rules.self_naming_kinds.contains(k));
    let strict = named && kind.is_some() && !coordinated && !left.contains("其中") && !in_paren;
    // A strict candidate is never a channel split: its words are not looked for.
    let channel_split = if strict {
        None
    } else {
        let names = |list: &WordList| {
            list.contains_any(l_clause) || list.longest_prefix_of(right_head).is_some()
        };
        let scope = &ctx.rules.channel_scope;
        let (npc, cppcc) = (names(&scope.split_npc), names(&scope.split_cppcc));
        match (npc, cppcc) {
            (true, false) => Some("npc_items"),
            (false, true) => Some("cppcc_items"),
            _ => None,
        }
    };
    // `从主办件办理结果看,17件中`: a bare count takes what it counts from the clause before.
    let named_in = if l_clause.is_empty() {
        let before = left.trim_end_matches(',');
        &before[before.rfind(',').map_or(0, |i| i + 1)..]
    } else {
        l_clause
    };
    let lead = ctx.rules.roles.iter().any(|(w, role)| {
        role == "lead" && (named_in.contains(w.as_str()) || right_head.starts_with(w.as_str()))
    });
    // A congress's report speaks about every item raised; the government's share is a part.
    // A government's own report speaks about the items it handled.
    let congress = ctx.doc.meta.issuer_kind.as_deref() == Some("congress");
    // `共接收建议、提案36件(其中承办30件,协办6件)`: a count broken out in parentheses.
    let broken_out = in_paren && left.contains("其中");
    Some(TotalCandidate {
        qi,
        value,
        kind: kind.unwrap_or_else(|| "mention".into()),
        strict,
        part: (government && congress) || lead || broken_out,
        government,
        pct: None,
        pct_universe: None,
        channel_split,
    })
}

/// `共提出247件代表议案和4917件代表建议`, `共提出议案236件、建议4981件`: a count joined to the
/// count before it by 和/及/、 (with at most a noun between) shares its verb; the clause of the
/// count before, where that verb stands.
fn coordinated_kind<'t>(ctx: &Ctx<'t>, qi: usize) -> Option<&'t str> {
    const MAX_BETWEEN_CHARS: usize = 8;
    let prev = ctx.qtys.get(qi.checked_sub(1)?)?;
    let q = &ctx.qtys[qi];
    let between = ctx.text.get(prev.end..q.start)?;
    let connectors = &ctx.rules.count_connectors;
    let joined = connectors.longest_prefix_of(between).is_some()
        || ends_with_any(between, connectors).is_some();
    if !joined
        || between.chars().count() > MAX_BETWEEN_CHARS
        || between.contains(',')
        || between.chars().any(is_hard_boundary)
    {
        return None;
    }
    let (ss, _) = ctx.sentence_of(prev.start);
    let lb = left_bound(ctx, qi - 1, ss);
    let clause_start = last_comma_piece(ctx.text, lb, prev.start);
    Some(&ctx.text[clause_start..prev.start])
}

/// The highest-priority total kind with a verb in `s` that no negation word comes right before.
fn total_kind_in(
    prioritized: &[(String, WordList)],
    negations: &WordList,
    s: &str,
) -> Option<String> {
    let may_negate = negations.contains_any(s);
    prioritized
        .iter()
        .find(|(_, verbs)| {
            verbs.contains_any(s)
                && (!may_negate
                    || verbs
                        .occurrences(s)
                        .any(|(_, at)| ends_with_any(&s[..at], negations).is_none()))
        })
        .map(|(kind, _)| kind.clone())
}

/// Pick the total: the candidate the categories (or topics) sum to, else the strict candidate of
/// the highest-priority kind. The others stay as facts of their own kind.
fn choose_total(ctx: &Ctx, ex: &mut Extraction, cands: &[TotalCandidate], used: &mut [bool]) {
    let top: Vec<&Category> = ex
        .categories
        .iter()
        .filter(|c| c.parent.is_none() && c.universe != "item_answers")
        .collect();
    let cat_sum: i64 = top.iter().filter_map(|c| c.count).sum();
    let topic_sum: i64 = ex
        .topics
        .iter()
        .filter_map(|t| t.count.map(|n| if t.shared_count { 2 * n } else { n }))
        .sum();
    let table_total = ex
        .facts
        .iter()
        .find(|f| f.fact == "table_total")
        .map(|f| f.value as i64);
    // Categories counted over a part of the items (the government's, the lead items) do not
    // make that part the total when a larger total is printed: the total stays all items, and
    // the categories' universe says which part they classify.
    // So do categories of a count named only in passing (`已办结96件,其中…`) below a stated total.
    let part_of_larger = |c: &TotalCandidate| {
        (c.part || c.kind == "mention") && cands.iter().any(|o| o.strict && o.value > c.value)
    };
    let by_sum_match = (top.len() >= 2 && cat_sum > 0)
        .then(|| cands.iter().find(|c| c.value == cat_sum))
        .flatten();
    let floor = by_sum_match
        .filter(|c| part_of_larger(c))
        .map_or(0, |c| c.value + 1);
    let eligible: Vec<&TotalCandidate> = cands.iter().filter(|c| c.value >= floor).collect();
    let by_sum = |sum: i64| {
        (sum > 0)
            .then(|| eligible.iter().copied().find(|c| c.value == sum))
            .flatten()
    };
    let pair: Vec<usize> = if by_sum_match.is_none() {
        channel_pair_total(ctx, ex, cands, (top.len() >= 2).then_some(cat_sum), used)
    } else {
        vec![]
    };
    let chosen = by_sum_match
        .filter(|c| !part_of_larger(c))
        .or_else(|| {
            if ex.topics.len() >= 2 {
                by_sum(topic_sum)
            } else {
                None
            }
        })
        .or_else(|| table_total.and_then(by_sum))
        .or_else(|| {
            ctx.rules
                .total_priority
                .iter()
                .find_map(|k| eligible.iter().copied().find(|c| c.strict && &c.kind == k))
        })
        .or_else(|| eligible.iter().copied().find(|c| c.strict))
        .or_else(|| {
            eligible.iter().copied().find(|c| {
                c.kind != "mention" && !ctx.text[..ctx.qtys[c.qi].start].ends_with("其中")
            })
        });
    let chosen = chosen.filter(|_| pair.is_empty());
    if let Some(c) = chosen {
        let q = &ctx.qtys[c.qi];
        push_count_fact(
            ctx,
            ex,
            q,
            "total_items",
            Some(format!("kind: {}", c.kind)),
            evidence_start(ctx, q),
        );
        used[c.qi] = true;
    }
    for c in cands {
        if pair.contains(&c.qi) {
            continue;
        }
        if chosen.is_some_and(|x| x.value == c.value) && !c.government {
            used[c.qi] = true;
            continue;
        }
        let q = &ctx.qtys[c.qi];
        let from = evidence_start(ctx, q);
        if c.government {
            push_count_fact(ctx, ex, q, "government_items", None, from);
            if let Some(pi) = c.pct {
                let p = &ctx.qtys[pi];
                ex.facts.push(Fact {
                    fact: "government_share".into(),
                    name_zh: None,
                    value: p.value,
                    value_text: p.text.clone(),
                    unit: Unit::Percent,
                    qualifier: None,
                    bound: "exact".into(),
                    provenance: Provenance::Extracted,
                    evidence: ctx.evidence(from, p.end, "share.government"),
                });
                used[pi] = true;
            }
        } else if c.strict {
            push_count_fact(ctx, ex, q, &format!("items_{}", c.kind), None, from);
        } else if let Some(split) = c.channel_split {
            push_count_fact(ctx, ex, q, split, None, from);
        }
        used[c.qi] = true;
    }
    for c in cands.iter().filter(|c| !c.government) {
        push_kind_share_rate(ctx, ex, c, used);
    }
}

/// `共承办人大代表建议49件、政协委员提案66件`: the two counts are each channel's, and the total
/// is their sum, which the report never prints (the fact says it is derived). Read so when the
/// categories sum to it, or when the first count is a total's (`共承办…`) and the second follows
/// it without a verb of its own, and no printed count is as large. Returns the quantities read.
fn channel_pair_total(
    ctx: &Ctx,
    ex: &mut Extraction,
    cands: &[TotalCandidate],
    cat_sum: Option<i64>,
    used: &mut [bool],
) -> Vec<usize> {
    let channel_of = |c: &TotalCandidate| named_channel(ctx, c.qi);
    let sentence = |c: &TotalCandidate| ctx.sentence_of(ctx.qtys[c.qi].start).0;
    let listed_after_total = |i: usize, j: usize| {
        let (a, b) = (&cands[i], &cands[j]);
        j == i + 1 && a.strict && !b.strict && cands.iter().all(|c| c.value < a.value + b.value)
    };
    let channels: Vec<Option<&str>> = cands.iter().map(channel_of).collect();
    let pair = cands.iter().enumerate().find_map(|(i, a)| {
        cands[i + 1..].iter().enumerate().find_map(|(k, b)| {
            let (ca, cb) = (channels[i]?, channels[i + 1 + k]?);
            let sum = a.value + b.value;
            (ca != cb
                && sentence(a) == sentence(b)
                && (cat_sum == Some(sum) || listed_after_total(i, i + 1 + k)))
            .then_some([(a, ca), (b, cb)])
        })
    });
    let Some(pair) = pair else {
        return vec![];
    };
    for (c, fact) in pair {
        let q = &ctx.qtys[c.qi];
        push_channel_count(ctx, ex, q, fact);
        used[c.qi] = true;
    }
    let (a, b) = (&ctx.qtys[pair[0].0.qi], &ctx.qtys[pair[1].0.qi]);
    let sum = pair[0].0.value + pair[1].0.value;
    ex.facts.push(Fact {
        fact: "total_items".into(),
        name_zh: None,
        value: sum as f64,
        value_text: sum.to_string(),
        unit: Unit::Count,
        qualifier: Some(format!("derived: {} + {}", a.text, b.text)),
        bound: "exact".into(),
        provenance: Provenance::Derived,
        evidence: ctx.evidence(evidence_start(ctx, a), b.end, "count.total_of_channels"),
    });
    pair.map(|(c, _)| c.qi).to_vec()
}

/// The channel a count names (`npc_items`, `cppcc_items`): the qualified noun just before it
/// (`代表建议49件`), in a clause that names no other channel (`代表建议和委员提案63件` counts
/// both).
fn named_channel(ctx: &Ctx, qi: usize) -> Option<&'static str> {
    let scope = &ctx.rules.channel_scope;
    let q = &ctx.qtys[qi];
    let (ss, _) = ctx.sentence_of(q.start);
    let from = ctx
        .text
        .floor_char_boundary(ss.max(q.start.saturating_sub(150)));
    // The clause runs back to a comma or to the count before it (`…49件、政协委员提案66件`).
    let previous = qi.checked_sub(1).map_or(0, |p| ctx.qtys[p].end);
    let from = from.max(previous.min(q.start));
    let clause = &ctx.text[last_comma_piece(ctx.text, from, q.start)..q.start];
    let head = clause.trim_end_matches(['共', '有', '计', ' ']);
    let ends = |list: &WordList| ends_with_any(head, list).is_some();
    let (npc, cppcc) = (&scope.split_npc, &scope.split_cppcc);
    match (ends(npc), ends(cppcc)) {
        (true, false) if !cppcc.contains_any(clause) => return Some("npc_items"),
        (false, true) if !npc.contains_any(clause) => return Some("cppcc_items"),
        _ => {}
    }
    // `区政协十四届四次会议提案19件`: a bare noun after its channel's body.
    let bodied = |nouns: &WordList, bodies: &WordList, others: [&WordList; 2]| {
        ends(nouns) && bodies.contains_any(clause) && !others.iter().any(|o| o.contains_any(clause))
    };
    let (nb, cb) = (&scope.npc_bodies, &scope.cppcc_bodies);
    let npc_named = bodied(&scope.npc, nb, [cb, &scope.cppcc]);
    let cppcc_named = bodied(&scope.cppcc, cb, [nb, &scope.npc]);
    match (npc_named, cppcc_named) {
        (true, false) => Some("npc_items"),
        (false, true) => Some("cppcc_items"),
        _ => None,
    }
}

/// The channel a channel-split fact names.
fn channel_of_split(split: &str) -> &'static str {
    if split == "npc_items" {
        "npc_suggestion"
    } else {
        "cppcc_proposal"
    }
}

/// `建议158件(主办84件,会办74件),提案81件(主办47件,会办34件)`: a role counted in two channels
/// is also a role of all items, their sum (a derived row the channel rows break down).
pub fn sum_roles_over_channels(ctx: &Ctx, ex: &mut Extraction) {
    let mut names: Vec<&str> = Vec::new();
    for r in ex
        .roles
        .iter()
        .filter(|r| r.parent.is_none() && r.channel.is_some())
    {
        if !names.contains(&r.role_zh.as_str()) {
            names.push(&r.role_zh);
        }
    }
    let names: Vec<String> = names.into_iter().map(str::to_string).collect();
    for name in names {
        let rows: Vec<usize> = (0..ex.roles.len())
            .filter(|&i| {
                let r = &ex.roles[i];
                r.parent.is_none() && r.channel.is_some() && r.role_zh == name
            })
            .collect();
        let mut channels: Vec<&str> = rows
            .iter()
            .filter_map(|&i| ex.roles[i].channel.as_deref())
            .collect();
        channels.sort_unstable();
        channels.dedup();
        if channels.len() < 2 || channels.len() != rows.len() {
            continue;
        }
        let first = &ex.roles[rows[0]];
        let start = rows
            .iter()
            .map(|&i| ctx.text_byte(ex.roles[i].evidence.span.start))
            .min()
            .unwrap_or(0);
        let end = rows
            .iter()
            .map(|&i| ctx.text_byte(ex.roles[i].evidence.span.end))
            .max()
            .unwrap_or(start);
        let pos = ex.roles.len() as u32;
        let sum = Role {
            position: pos,
            role_zh: name.clone(),
            role: first.role.clone(),
            level_zh: None,
            channel: None,
            count: rows.iter().map(|&i| ex.roles[i].count).sum(),
            parent: None,
            evidence: ctx.evidence(start, end, "role.sum_of_channels"),
        };
        for &i in &rows {
            ex.roles[i].parent = Some(pos);
        }
        ex.roles.push(sum);
    }
}

/// Whether a count in 个 counts items: it closes an outcome's wording (`…解决的5个`) and its clause.
fn items_in_ge(ctx: &Ctx, q: &Qty) -> bool {
    ctx.text[q.num_end..q.end].ends_with('个')
        && ctx.text[..q.start].ends_with('的')
        && ctx.text[q.end..]
            .chars()
            .next()
            .is_none_or(|c| matches!(c, ',' | ';' | '、' | '。' | '\n'))
        && outcome_label_left(ctx, ctx.sentence_of(q.start).0, q.start).is_some()
}

/// Where a total's evidence starts: its sentence, at most 60 bytes back.
fn evidence_start(ctx: &Ctx, q: &Qty) -> usize {
    ctx.text
        .floor_char_boundary(ctx.sentence_of(q.start).0.max(q.start.saturating_sub(60)))
}

/// `经审查立案621件，占提案总数的98.73%`: the share of all items beside a count of a kind listed
/// in `kind_share_rates` is that rate (unless the same rate and value are already there).
fn push_kind_share_rate(ctx: &Ctx, ex: &mut Extraction, c: &TotalCandidate, used: &mut [bool]) {
    let (Some(pi), Some("all_items")) = (c.pct, c.pct_universe.as_deref()) else {
        return;
    };
    let Some(rate) = ctx.rules.kind_share_rates.get(&c.kind) else {
        return;
    };
    let p = &ctx.qtys[pi];
    // `立案4791件 99.6%已辦復`: a share a rate already read is that rate's.
    if used[pi]
        || ex
            .facts
            .iter()
            .any(|f| &f.fact == rate && f.value == p.value)
    {
        return;
    }
    let from = evidence_start(ctx, &ctx.qtys[c.qi]);
    ex.facts.push(Fact {
        fact: rate.clone(),
        name_zh: None,
        value: p.value,
        value_text: p.text.clone(),
        unit: Unit::Percent,
        qualifier: None,
        bound: if p.lower_bound {
            "lower_bound".into()
        } else {
            "exact".into()
        },
        provenance: Provenance::Extracted,
        evidence: ctx.evidence(from, p.end, &format!("share.{}", c.kind)),
    });
    used[pi] = true;
}

/// Groups 0 to 3 of a [`SUBSET_CLASS_PATTERN`] match, as byte ranges of the text.
type SubsetClass = [Option<(usize, usize)>; 4];

/// Most bytes a [`SUBSET_CLASS_PATTERN`] match runs past its first `件`: a 4-character Han
/// run and `件` (19), 16 characters of up to 4 bytes (64), `办理` (6), `类别` (6), the longest
/// verb (6), two quotes, the code and `类` (12): 113, rounded up.
const SUBSET_CLASS_REACH: usize = 128;

/// `件`, where every [`SUBSET_CLASS_PATTERN`] match has its first unit.
static JIAN: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(["件"]).expect("static needle"));

/// `SUBSET_CLASS.captures_iter(text)`, trying the pattern only where a match can start. A match
/// starts with `\d+件`, and all starts in one run of digits lead to the same rest, so the
/// leftmost start of a match is the first digit of a maximal run of `\d` followed by `件`
/// (a match ends with `类`, so no run straddles where the search resumes). It holds a `类`
/// and ends within [`SUBSET_CLASS_REACH`] bytes after that `件`, so the anchored pattern runs
/// only where one follows, on that stretch alone (the pattern has no look-around), and gives
/// the match the whole-text search finds there.
fn subset_class_matches(text: &str) -> Vec<SubsetClass> {
    let mut out = Vec::new();
    let mut from = 0;
    for m in JIAN.find_iter(text) {
        let unit = m.start();
        if unit < from {
            continue;
        }
        let run = text[from..unit]
            .char_indices()
            .rev()
            .take_while(|(_, c)| super::quantity::is_digit(*c))
            .last()
            .map_or(unit, |(i, _)| from + i);
        if run == unit {
            continue;
        }
        let reach = text.ceil_char_boundary((m.end() + SUBSET_CLASS_REACH).min(text.len()));
        if !text[m.end()..reach].contains('类') {
            continue;
        }
        let Some(c) = SUBSET_CLASS_AT.captures(&text[run..reach]) else {
            continue;
        };
        let groups: SubsetClass =
            std::array::from_fn(|g| c.get(g).map(|m| (run + m.start(), run + m.end())));
        if let Some((_, end)) = groups[0] {
            from = end;
        }
        out.push(groups);
    }
    out
}

/// `13件主办件已办结,办理类别为"A"类`: a class for a subset, the subset being the universe.
fn subset_classes(ctx: &Ctx, ex: &mut Extraction, used: &mut [bool]) {
    for c in subset_class_matches(ctx.text) {
        let (Some(all), Some(n), Some(code)) = (c[0], c[1], c[3]) else {
            continue;
        };
        let Some(qi) = ctx.qtys.iter().position(|q| q.num_start == n.0) else {
            continue;
        };
        let code = &ctx.text[code.0..code.1];
        let universe_zh = c[2].map(|(s, e)| ctx.text[s..e].to_string());
        let universe = match universe_zh.as_deref() {
            Some(u) if u.contains("主办") => "lead_items",
            Some(_) => "stated",
            None => "all_items",
        };
        let code_start = c[3].map_or(0, |(s, _)| s);
        let label_start = ctx.text[..code_start]
            .char_indices()
            .next_back()
            .filter(|(_, ch)| matches!(ch, '"' | '“'))
            .map(|(i, _)| i)
            .unwrap_or(code_start);
        ex.categories.push(Category {
            position: ex.categories.len() as u32,
            code: Some(code.to_string()),
            label_zh: format!("{code}类"),
            label_norm: format!("{code}类"),
            count: Some(ctx.qtys[qi].value as i64),
            pct_stated: None,
            pct_text: None,
            universe: universe.into(),
            universe_zh: universe_zh.clone(),
            universe_count: Some(ctx.qtys[qi].value as i64),
            parent: None,
            provenance: Provenance::Extracted,
            evidence: ctx.evidence(all.0.min(label_start), all.1, "category.subset_class"),
            ..Category::blank()
        });
        used[qi] = true;
    }
}

/// Words that end a share's label: `…的占80.6%`, `…的比例为98.5%`.
const SHARE_MARKERS: [&str; 8] = [
    "占",
    "佔",
    "的比例",
    "比例",
    "的比率",
    "比率",
    "的比重",
    "比重",
];

/// Most bytes between a share marker (`占`, `的比例`) and the end of the label: `建议总数的`.
const SHARE_MARKER_SLACK: usize = 9;

/// `rfind_word(hay, word)` if that last occurrence starts at most `word.len() + slack` bytes
/// before the end of `hay`, else `None`. Only that tail is searched: the last occurrence is in
/// it exactly when some occurrence is. (The labels searched run back to the sentence start.)
fn rfind_word_near_end(hay: &str, word: &str, slack: usize) -> Option<usize> {
    let (h, w) = (hay.as_bytes(), word.as_bytes());
    let from = h.len().saturating_sub(w.len() + slack);
    let tail = &h[from..];
    // A valid UTF-8 word only matches at character boundaries, as `str::rfind` reports.
    (0..(tail.len() + 1).checked_sub(w.len())?)
        .rev()
        .find(|&i| &tail[i..i + w.len()] == w)
        .map(|i| from + i)
}

/// `44.8%的提案建议得到采纳落实`: a share before its label, the label running to the end of
/// the clause.
fn share_first_category(ctx: &Ctx, ex: &mut Extraction, used: &mut [bool], pi: usize) {
    let p = &ctx.qtys[pi];
    let Some(rest) = ctx.text[p.end..].strip_prefix('的') else {
        return;
    };
    let start = ctx.text.len() - rest.len();
    let clause = &rest[..rest.floor_char_boundary(90)];
    let len = clause
        .find(|c: char| c == ',' || c == '、' || is_hard_boundary(c))
        .unwrap_or(clause.len());
    let end = start + len;
    let label = &ctx.text[start..end];
    let next_qty = ctx.qtys.partition_point(|q| q.start < start);
    if ctx.qtys.get(next_qty).is_some_and(|q| q.start < end)
        || !ctx.contains_any(label, &ctx.rules.outcome_words)
        || ctx.contains_any(label, &ctx.rules.not_outcome_words)
        || satisfaction_in(ctx, label).is_some()
    {
        return;
    }
    let Some(l) = finish_outcome_label(ctx, start, end) else {
        return;
    };
    let evidence = ctx.evidence(p.start, l.end, "category.share_first");
    let c = share_category(ctx, ex, &l, p, None, None, evidence);
    ex.categories.push(c);
    used[pi] = true;
}

/// A category stated by its share (`p`), with the count printed after it if any.
fn share_category(
    ctx: &Ctx,
    ex: &Extraction,
    l: &Label,
    p: &Qty,
    count: Option<i64>,
    universe_zh: Option<&str>,
    evidence: crate::model::Evidence,
) -> Category {
    Category {
        position: ex.categories.len() as u32,
        code: l.code.clone(),
        label_zh: ctx.original_of(l.start, l.end),
        label_norm: ctx.text[l.start..l.end].to_string(),
        count,
        pct_stated: Some(p.value),
        pct_text: Some(p.text.clone()),
        universe: universe_zh.map_or_else(|| "all_items".into(), |u| universe_name(ctx, Some(u))),
        universe_zh: universe_zh.map(str::to_string),
        universe_count: None,
        parent: None,
        provenance: Provenance::Extracted,
        evidence,
        ..Category::blank()
    }
}

/// `…已落实的78件,部分落实的45件…。已落实建议占建议总数的53.4%`: the one counted category
/// without a share whose label holds the share's label, which the share then restates.
fn restated_category(ex: &Extraction, label: &str) -> Option<usize> {
    let label = label.trim_end_matches('的');
    let mut found = ex.categories.iter().enumerate().filter(|(_, c)| {
        c.count.is_some() && c.pct_stated.is_none() && c.label_norm.contains(label)
    });
    let (i, _) = found.next()?;
    found.next().is_none().then_some(i)
}

/// Longest stretch (bytes) between 占 and a share that names the universe (`占办复总数的`).
const NAMED_UNIVERSE_BYTES: usize = 45;

/// `…占办复总数的76.9%`: the offset of 占 in `region` (which ends where the share's number
/// starts) and the universe phrase after it, when that phrase ends with one of
/// `universe_phrases`.
fn share_of_named_universe<'t>(ctx: &Ctx, region: &'t str) -> Option<(usize, &'t str)> {
    let at = ["占", "佔"]
        .iter()
        .filter_map(|m| rfind_word_near_end(region, m, NAMED_UNIVERSE_BYTES))
        .max()?;
    let phrase = region[at + "占".len()..].trim_end().trim_end_matches('的');
    ctx.rules
        .universe_phrases
        .keys()
        .any(|k| phrase.ends_with(k.as_str()))
        .then_some((at, phrase))
}

/// `已经解决或基本解决的(A类),由2019年占办复总数的52.3%提升至2020年的74%`: a share printed
/// with last period's. The later one is this period's category share; the earlier one is set
/// aside with a finding (neither is read as a category of its own).
fn changed_shares(ctx: &Ctx, ex: &mut Extraction, used: &mut [bool]) {
    for pi in 1..ctx.qtys.len() {
        let (prior, p) = (&ctx.qtys[pi - 1], &ctx.qtys[pi]);
        if used[pi] || used[pi - 1] || p.unit != QUnit::Percent || prior.unit != QUnit::Percent {
            continue;
        }
        let Some((label_end, universe_zh)) = changed_share_label_end(ctx, pi) else {
            continue;
        };
        let (ss, _) = ctx.sentence_of(p.start);
        let ss = ss.min(label_end);
        let lb = last_hard_boundary_end(ctx.text, ss, label_end).unwrap_or(ss);
        let Some(l) = outcome_label_left(ctx, lb, label_end) else {
            continue;
        };
        let evidence = ctx.evidence(l.start, p.end, "category.share_changed");
        let c = share_category(ctx, ex, &l, p, None, universe_zh, evidence);
        let line = ctx
            .evidence(prior.start, prior.end, "share.prior_period")
            .line;
        super::push_info(
            ctx,
            &mut ex.findings,
            "prior_period_share",
            line,
            format!(
                "{}% at line {line} is the previous period's share of {}, given beside this \
                 period's {}%; not counted",
                prior.text, c.label_zh, p.text
            ),
        );
        ex.categories.push(c);
        used[pi - 1] = true;
        used[pi] = true;
    }
}

/// For a share `pi` after a change word (`提升至2020年的`) whose previous share follows a from
/// word (`由2019年占办复总数的`): where the label before the from word ends, and the universe
/// named after 占 if any.
fn changed_share_label_end<'t>(ctx: &Ctx<'t>, pi: usize) -> Option<(usize, Option<&'t str>)> {
    const FROM_BYTES: usize = 60;
    let (prior, p) = (&ctx.qtys[pi - 1], &ctx.qtys[pi]);
    let between = &ctx.text[prior.end..p.num_start];
    let word = ctx.rules.change_to_words.longest_prefix_of(between)?;
    if !is_year_then_de(&between[word.len()..]) {
        return None;
    }
    let from = ctx
        .text
        .floor_char_boundary(prior.num_start.saturating_sub(FROM_BYTES));
    let before = &ctx.text[from..prior.num_start];
    let (at, word) = ctx.rules.change_from_words.last_start_in(before)?;
    let mid = &before[at + word.len()..];
    if mid.chars().any(is_hard_boundary) || mid.contains(',') {
        return None;
    }
    let universe = mid.find('占').and_then(|z| {
        let phrase = mid[z + '占'.len_utf8()..].trim_end_matches('的');
        (!phrase.is_empty()).then_some(phrase)
    });
    let label_end = from + at;
    let label_end = ctx.text[..label_end].trim_end_matches([',', ' ']).len();
    Some((label_end, universe))
}

/// Whether `s` is an optional year (`2020年`) and an optional 的, and nothing else.
fn is_year_then_de(s: &str) -> bool {
    let s = s.trim();
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let s = if digits == 4 {
        s[digits..].strip_prefix('年').unwrap_or(&s[digits..])
    } else {
        s
    };
    matches!(s.trim(), "" | "的")
}

/// Shares printed without a count: `得到解决或者计划逐步解决的占80.6%`, `表示满意和基本满意的占95.2%`.
fn share_only_statements(ctx: &Ctx, ex: &mut Extraction, used: &mut [bool]) {
    changed_shares(ctx, ex, used);
    for (pi, p) in ctx.qtys.iter().enumerate() {
        if used[pi] || p.unit != QUnit::Percent {
            continue;
        }
        let (ss, _) = ctx.sentence_of(p.start);
        let lb = left_bound(ctx, pi, ss);
        let region = &ctx.text[lb..p.num_start];
        // `…的占80.6%`, `…的比例为98.5%`: the label ends at the share marker.
        let marker = SHARE_MARKERS
            .iter()
            .filter_map(|m| rfind_word_near_end(region, m, SHARE_MARKER_SLACK))
            .max();
        // `…的(A类),占办复总数的76.9%`: 占 and the universe it names.
        let (marker, universe_zh) = match marker {
            Some(m) => (Some(m), None),
            None => match share_of_named_universe(ctx, region) {
                Some((m, u)) => (Some(m), Some(u)),
                None => (None, None),
            },
        };
        let Some(marker) = marker else {
            share_first_category(ctx, ex, used, pi);
            continue;
        };
        // `…解决的(A类),仅占…`: a comma and an adverb may stand between label and marker.
        let label_end = strip_suffixes(ctx.text, lb, lb + marker, &ctx.rules.share_adverbs);
        let label_end = lb + ctx.text[lb..label_end].trim_end_matches([',', ' ']).len();
        let clause_start = last_comma_piece(ctx.text, lb, label_end);
        let label = &ctx.text[clause_start..label_end];
        if let Some(sat) = satisfaction_in(ctx, label) {
            let start =
                strip_prefixes(ctx.text, clause_start, label_end, &ctx.rules.label_prefixes);
            ex.facts.push(Fact {
                fact: sat,
                name_zh: Some(
                    ctx.original_of(start, label_end)
                        .trim_end_matches('的')
                        .to_string(),
                ),
                value: p.value,
                value_text: p.text.clone(),
                unit: Unit::Percent,
                qualifier: Some("share stated without a count".into()),
                bound: if p.lower_bound {
                    "lower_bound".into()
                } else {
                    "exact".into()
                },
                provenance: Provenance::Extracted,
                evidence: ctx.evidence(start, p.end, "satisfaction.share"),
            });
            used[pi] = true;
        } else if let Some(l) = outcome_label_left(ctx, lb, label_end) {
            // `…的占58.7%(135件)`: the count follows the share.
            let count_after = COUNT_AFTER_SHARE
                .captures(&ctx.text[p.end..])
                .and_then(|c| c.get(1).or_else(|| c.get(2)))
                .map(|m| p.end + m.start());
            let count_q =
                count_after.and_then(|at| ctx.qtys.iter().position(|q| q.num_start == at));
            if let Some(ci) = count_q {
                used[ci] = true;
            }
            let count = count_q.map(|ci| ctx.qtys[ci].value as i64);
            if count.is_none()
                && let Some(i) = restated_category(ex, &ctx.text[l.start..l.end])
            {
                let (v, t) = pct_value(p);
                ex.categories[i].pct_stated = Some(v);
                ex.categories[i].pct_text = Some(t);
                used[pi] = true;
                continue;
            }
            let evidence = ctx.evidence(l.start, p.end, "category.share_only");
            let c = share_category(ctx, ex, &l, p, count, universe_zh, evidence);
            ex.categories.push(c);
            used[pi] = true;
        } else if ctx.contains_any(label, &ctx.rules.government_words) {
            ex.facts.push(Fact {
                fact: "government_share".into(),
                name_zh: Some(ctx.original_of(clause_start, label_end)),
                value: p.value,
                value_text: p.text.clone(),
                unit: Unit::Percent,
                qualifier: None,
                bound: "exact".into(),
                provenance: Provenance::Extracted,
                evidence: ctx.evidence(clause_start, p.end, "share.government"),
            });
            used[pi] = true;
        }
    }
}

/// Counts of items and percentages in handling sentences that no rule claimed.
pub fn report_unparsed(ctx: &Ctx, ex: &mut Extraction, used: &[bool]) {
    let mut last_sentence: Option<((usize, usize), bool)> = None;
    for (qi, q) in ctx.qtys.iter().enumerate() {
        if used[qi] || !matches!(q.unit, QUnit::Item | QUnit::Percent) {
            continue;
        }
        let (s, e) = ctx.sentence_of(q.start);
        // Quantities of one sentence share the answer: ask once per sentence.
        let has_noun = match last_sentence {
            Some((range, has)) if range == (s, e) => has,
            _ => {
                let has = ctx.contains_any(&ctx.text[s..e], &ctx.rules.item_nouns);
                last_sentence = Some(((s, e), has));
                has
            }
        };
        if !has_noun {
            continue;
        }
        let ev = ctx.evidence(q.start, q.end, "unparsed");
        let excerpt: String = ev.sentence.chars().take(80).collect();
        ex.findings.push(
            Finding::new(
                &ctx.doc.source_path,
                Severity::Info,
                "unparsed_statistic",
                format!(
                    "unparsed statistic {}{} at line {}: {excerpt}",
                    q.text,
                    if q.unit == QUnit::Percent { "%" } else { "件" },
                    ev.line
                ),
            )
            .at(Some(ev.line), None),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::rfind_word;
    use proptest::prelude::*;

    /// The per-kind map lookup [`total_kind_in`] replaces.
    fn total_kind_by_lookup(rules: &crate::rules::ExtractRules, s: &str) -> Option<String> {
        rules
            .total_priority
            .iter()
            .find(|k| {
                rules
                    .total_verbs
                    .get(k.as_str())
                    .is_some_and(|vs| vs.contains_any(s))
            })
            .cloned()
    }

    #[test]
    fn prioritized_total_verbs_give_the_kind_of_the_lookup() -> crate::error::Result<()> {
        let rules = crate::rules::Rules::bundled()?.extract;
        let mut hays: Vec<String> = vec![String::new(), "其中".into(), "共收到建议和提案".into()];
        for verbs in rules.total_verbs.values() {
            for v in verbs {
                hays.push(format!("共{v}建议"));
                for w in rules.total_verbs.values().flat_map(|vs| vs.iter()) {
                    hays.push(format!("{w}和{v}"));
                }
            }
        }
        for hay in &hays {
            assert_eq!(
                total_kind_in(
                    &rules.derived.prioritized_total_verbs,
                    &rules.total_verb_negations,
                    hay
                ),
                total_kind_by_lookup(&rules, hay),
                "{hay:?}"
            );
        }
        Ok(())
    }

    #[test]
    fn a_negated_total_verb_gives_no_kind() -> crate::error::Result<()> {
        let rules = crate::rules::Rules::bundled()?.extract;
        let kind = |s: &str| {
            total_kind_in(
                &rules.derived.prioritized_total_verbs,
                &rules.total_verb_negations,
                s,
            )
        };
        assert_eq!(kind("未予立案、作为意见建议处理的"), None);
        assert_eq!(kind("不予立案的"), None);
        // Another verb of the clause still counts, and so does the same verb un-negated.
        assert_eq!(kind("未予立案、转交有关单位的").as_deref(), Some("handled"));
        assert_eq!(kind("未立案的意见经审查后立案的").as_deref(), Some("filed"));
        assert_eq!(kind("经审查立案的").as_deref(), Some("filed"));
        Ok(())
    }

    /// The expression [`rfind_word_near_end`] replaces.
    fn rfind_word_then_filter(hay: &str, word: &str, slack: usize) -> Option<usize> {
        rfind_word(hay, word).filter(|p| hay.len() - p <= word.len() + slack)
    }

    #[test]
    fn share_markers_near_the_end_are_found_like_rfind() {
        for hay in [
            "",
            "占",
            "得到解决或者计划逐步解决的占",
            "占建议总数的",
            "占建议总数的比",
            "占全部建议总数的",
            "的比例占比例为",
            "比重𝟙𝟙",
            "x",
        ] {
            for m in SHARE_MARKERS {
                for slack in [0, 3, 9, 40] {
                    assert_eq!(
                        rfind_word_near_end(hay, m, slack),
                        rfind_word_then_filter(hay, m, slack),
                        "{hay:?} {m:?} {slack}"
                    );
                }
            }
        }
    }

    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "占",
            "佔",
            "的",
            "比例",
            "比率",
            "比重",
            "比",
            "例",
            "建议总数",
            "x",
            "𝟙",
            "。",
        ])
    }

    /// The character walks the byte scans of the clause bounds replace.
    fn first_hard_boundary_by_chars(text: &str, from: usize, to: usize) -> Option<usize> {
        text[from..to]
            .char_indices()
            .find(|(_, c)| is_hard_boundary(*c))
            .map(|(i, _)| from + i)
    }

    fn last_hard_boundary_end_by_chars(text: &str, from: usize, to: usize) -> Option<usize> {
        text[from..to]
            .char_indices()
            .rfind(|(_, c)| is_hard_boundary(*c))
            .map(|(i, c)| from + i + c.len_utf8())
    }

    fn open_paren_by_stack(text: &str, from: usize, to: usize) -> Option<usize> {
        let mut stack = Vec::new();
        for (i, c) in text[from..to].char_indices() {
            match c {
                '(' => stack.push(from + i),
                ')' => {
                    stack.pop();
                }
                _ => {}
            }
        }
        stack.pop()
    }

    fn right_head_by_chars(right: &str) -> String {
        right
            .split([',', '、'])
            .next()
            .unwrap_or("")
            .chars()
            .take(24)
            .collect()
    }

    fn subset_class_by_regex(text: &str) -> Vec<SubsetClass> {
        SUBSET_CLASS
            .captures_iter(text)
            .map(|c| std::array::from_fn(|g| c.get(g).map(|m| (m.start(), m.end()))))
            .collect()
    }

    fn subset_piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "1",
            "23",
            "３",
            "𝟙",
            "件",
            "主办件",
            "已办结",
            ",",
            "办理",
            "类别",
            "类",
            "为",
            "均属",
            "\"",
            "“",
            "A",
            "甲",
            "x",
            "。",
            ";",
            "12件",
            "13件主办件已办结,办理类别为\"A\"类",
        ])
    }

    #[test]
    fn subset_classes_are_the_whole_text_matches() {
        for text in [
            "",
            "13件主办件已办结,办理类别为\"A\"类",
            "共213件,其中13件主办件已办结,办理类别为“A”类,5件类别均属B类,5件5件类为C类",
            "１２件类为A类12件件类为甲类类为B类",
        ] {
            assert_eq!(
                subset_class_matches(text),
                subset_class_by_regex(text),
                "{text:?}"
            );
        }
    }

    fn code_piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "类",
            "(",
            ")",
            "\"",
            "“",
            "”",
            "'",
            "A",
            "Z",
            "甲",
            "丁",
            "、",
            ",",
            "和",
            "的",
            "建议",
            "提案",
            "共",
            "有",
            "为",
            "计",
            "件",
            "办理件",
            "已解决",
            "x",
            "𝟙",
        ])
    }

    #[test]
    fn code_patterns_match_only_with_a_code_word() {
        for text in [
            "A类",
            "(A类)",
            "(A类、B类)的建议共",
            "“A”类(已解决的)",
            "(A类答复函)",
            "A类88",
        ] {
            assert!(may_hold_code(text), "{text:?}");
        }
    }

    fn bound_piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "。", ";", ":", "\n", "!", "?", "！", "？", "；", "：", "、", "《", "＂", "｡", "(",
            ")", ",", "a", "件", "𝟙", "é", " ", "ー", "\u{FF1C}", "\u{3001}",
        ])
    }

    #[track_caller]
    fn same_bounds(text: &str) {
        let cuts: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for (k, &from) in cuts.iter().enumerate() {
            for &to in &cuts[k..] {
                assert_eq!(
                    first_hard_boundary(text, from, to),
                    first_hard_boundary_by_chars(text, from, to),
                    "{text:?} {from} {to}"
                );
                assert_eq!(
                    last_hard_boundary_end(text, from, to),
                    last_hard_boundary_end_by_chars(text, from, to),
                    "{text:?} {from} {to}"
                );
                assert_eq!(
                    open_paren_before(text, from, to),
                    open_paren_by_stack(text, from, to),
                    "{text:?} {from} {to}"
                );
            }
            assert_eq!(
                right_head_of(&text[from..]),
                right_head_by_chars(&text[from..]),
                "{text:?} {from}"
            );
        }
    }

    #[test]
    fn clause_bounds_match_the_char_walks() {
        let long = format!("{}。{}(x)", "长".repeat(40), "、".repeat(30));
        let longer = format!(
            "(a{}){};{}(\n{}",
            "長".repeat(20),
            "、".repeat(17),
            "x".repeat(33),
            "！".repeat(11)
        );
        for text in [
            "",
            "。",
            "())(",
            "(()",
            "()))(()",
            "共收到建议230件(其中代表建议120件;委员提案110件)。已办结!",
            "a：b；c！d？e\n",
            long.as_str(),
            longer.as_str(),
        ] {
            same_bounds(text);
        }
    }

    proptest! {
        #[test]
        fn subset_class_scan_matches_the_regex(
            pieces in prop::collection::vec(subset_piece(), 0..30),
        ) {
            let text = pieces.concat();
            prop_assert_eq!(subset_class_matches(&text), subset_class_by_regex(&text));
        }

        #[test]
        fn code_patterns_never_match_without_the_quick_test(
            pieces in prop::collection::vec(code_piece(), 0..20),
        ) {
            let text = pieces.concat();
            let any = |res: &[&Regex]| res.iter().any(|re| re.is_match(&text));
            if !may_hold_code(&text) {
                prop_assert!(!any(&[&CODE_PAREN_END, &CODE_THEN_DEF, &CODE_SUFFIX, &CODE_ONLY_LABEL]));
            }
            if !may_open_with_code(&text) {
                prop_assert!(!any(&[&CODE_AFTER_COUNT]));
            }
        }

        #[test]
        fn clause_bound_scans_match_the_char_walks(
            pieces in prop::collection::vec(bound_piece(), 0..30),
        ) {
            same_bounds(&pieces.concat());
        }

        #[test]
        fn share_marker_search_matches_rfind(
            pieces in prop::collection::vec(piece(), 0..40),
            slack in 0usize..20,
        ) {
            let hay: String = pieces.concat();
            for m in SHARE_MARKERS {
                prop_assert_eq!(
                    rfind_word_near_end(&hay, m, slack),
                    rfind_word_then_filter(&hay, m, slack)
                );
            }
        }
    }
}
