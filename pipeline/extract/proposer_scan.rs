//! The proposer grammar (`路文华等3位代表提出的`, `杞发荣委员、徐彦委员联名提出`) as a hand-written
//! scanner. It finds exactly the matches of the regex
//!
//! ```text
//! ((?:[\p{Han}]{1,10}(?:代表|委员)?、)*[\p{Han}]{2,12}?)(?:等(\d+)?(?:位|名)?)?(代表|委员)(?:们)?
//! (?:共同|联名|领衔)?(?:提出|提交|所提|领衔提出)的?
//! ```
//!
//! with `captures_iter` (leftmost-first, non-overlapping), which is what extraction used before;
//! its automaton over Unicode Han runs was the costliest search in extraction. The tests below
//! check the scanner against that regex.
//!
//! How the regex reads a match starting at `s`:
//! - each `…、` group is a whole run of Han characters followed by `、` (a group cannot end
//!   anywhere else, `、` not being Han), of 1 to 10 characters, or 11 to 12 ending in `代表` or
//!   `委员`; so the groups from `s` are fixed and only their number is chosen, most first;
//! - after the groups, the lazy `{2,12}?` takes the fewest Han characters after which the *tail*
//!   (`等3位`, `代表`, `们`, `联名`, `提出`, `的`) follows; the tail does not depend on where the match
//!   started, so the scanner finds where tails can start once per text.

use super::han::is_han;
use super::quantity::is_digit;

/// One match, in byte offsets of the searched text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ProposerMatch {
    pub start: usize,
    /// End of the names (group 1 is `start..names_end`).
    pub names_end: usize,
    /// The number after `等` (group 2).
    pub count: Option<(usize, usize)>,
    /// `代表` or `委员` (group 3).
    pub kind: (usize, usize),
    pub end: usize,
}

/// What follows the names, as the regex reads it.
#[derive(Debug, Clone, Copy)]
struct Tail {
    count: Option<(usize, usize)>,
    kind: (usize, usize),
    end: usize,
}

const KINDS: [&str; 2] = ["代表", "委员"];
const TOGETHER: [&str; 3] = ["共同", "联名", "领衔"];
const PROPOSING: [&str; 4] = ["提出", "提交", "所提", "领衔提出"];
/// Most Han characters of a `…、` group, and of one ending in 代表/委员.
const MAX_GROUP_CHARS: usize = 10;
const MAX_GROUP_CHARS_WITH_KIND: usize = 12;
/// Fewest and most Han characters of the last name.
const LAST_NAME_CHARS: std::ops::RangeInclusive<usize> = 2..=12;

/// Whether a match can have its proposing word (`提出`, `提交`, `所提`, `领衔…`) start at byte
/// `p`: only right after `代表`/`委员`, then an optional `们`, then an optional `共同`/`联名`/`领衔`.
/// Each optional word is taken off whenever it is there: none of them ends like the word before
/// it can, so leaving it on could not end in `代表`/`委员`.
pub(super) fn may_propose_at(text: &str, p: usize) -> bool {
    let Some(before) = text.get(..p) else {
        return false;
    };
    let before = TOGETHER
        .iter()
        .find_map(|t| before.strip_suffix(t))
        .unwrap_or(before);
    let before = before.strip_suffix('们').unwrap_or(before);
    KINDS.iter().any(|k| before.ends_with(k))
}

/// Every match in `text`, left to right.
pub(super) fn proposer_matches(text: &str) -> Vec<ProposerMatch> {
    let tails = Tails::find(text);
    let mut out = Vec::new();
    let mut from = 0;
    // End of the run of Han characters the current start is in.
    let mut run_end = 0;
    for (s, c) in text.char_indices() {
        if s < from || !is_han(c) {
            continue;
        }
        if s >= run_end {
            run_end = han_run(text, s, usize::MAX).0;
        }
        if !may_match_at(text, &tails, s, run_end) {
            continue;
        }
        if let Some(m) = match_at(text, &tails, s) {
            from = m.end;
            out.push(m);
        }
    }
    out
}

/// A cheap necessary condition for a match at `s`, inside a Han run ending at `run_end`: a
/// group needs `、` right after the run, and a last name without groups needs a tail inside it.
fn may_match_at(text: &str, tails: &Tails, s: usize, run_end: usize) -> bool {
    text[run_end..].starts_with('、') || tails.first_after(s).is_some_and(|q| q < run_end)
}

/// The match starting at `s`, if any.
fn match_at(text: &str, tails: &Tails, s: usize) -> Option<ProposerMatch> {
    let (names_end, tail) = groups_then_last_name(text, tails, s)?;
    Some(ProposerMatch {
        start: s,
        names_end,
        count: tail.count,
        kind: tail.kind,
        end: tail.end,
    })
}

/// The greedy `(?:…、)*` from `a`, then the last name and tail: one more group first, and only
/// when nothing follows it, the last name here.
fn groups_then_last_name(text: &str, tails: &Tails, a: usize) -> Option<(usize, Tail)> {
    group_end(text, a)
        .and_then(|next| groups_then_last_name(text, tails, next))
        .or_else(|| last_name(text, tails, a))
}

/// End of the `[\p{Han}]{1,10}(?:代表|委员)?、` group starting at `a` (after its `、`), if one does.
fn group_end(text: &str, a: usize) -> Option<usize> {
    let (run_end, chars) = han_run(text, a, MAX_GROUP_CHARS_WITH_KIND + 1);
    let fits = (1..=MAX_GROUP_CHARS).contains(&chars)
        || (chars <= MAX_GROUP_CHARS_WITH_KIND
            && KINDS.iter().any(|k| text[a..run_end].ends_with(k)));
    (fits && text[run_end..].starts_with('、')).then(|| run_end + '、'.len_utf8())
}

/// End of the run of Han characters starting at `a` (looking at `limit` characters at most),
/// and how many characters it has.
fn han_run(text: &str, a: usize, limit: usize) -> (usize, usize) {
    let mut end = a;
    let mut chars = 0;
    for c in text[a..].chars().take(limit) {
        if !is_han(c) {
            break;
        }
        end += c.len_utf8();
        chars += 1;
    }
    (end, chars)
}

/// The lazy `[\p{Han}]{2,12}?` from `a`: the first place after 2 to 12 Han characters where a
/// tail starts, with the tail.
fn last_name(text: &str, tails: &Tails, a: usize) -> Option<(usize, Tail)> {
    let mut p = a;
    let mut chars = 0;
    loop {
        if LAST_NAME_CHARS.contains(&chars)
            && let Some(tail) = tails.at(p)
        {
            return Some((p, tail));
        }
        let c = text[p..].chars().next()?;
        if chars == *LAST_NAME_CHARS.end() || !is_han(c) {
            return None;
        }
        p += c.len_utf8();
        chars += 1;
    }
}

/// Every place in a text where a tail starts, in order.
struct Tails(Vec<(usize, Tail)>);

impl Tails {
    fn find(text: &str) -> Tails {
        // A tail starts with 等, 代表 or 委员.
        let starts = text
            .char_indices()
            .filter(|(_, c)| matches!(c, '等' | '代' | '委'));
        Tails(
            starts
                .filter_map(|(p, _)| tail_at(text, p).map(|t| (p, t)))
                .collect(),
        )
    }

    fn at(&self, p: usize) -> Option<Tail> {
        let i = self.0.binary_search_by_key(&p, |(q, _)| *q).ok()?;
        Some(self.0[i].1)
    }

    /// The first place after `p` where a tail starts.
    fn first_after(&self, p: usize) -> Option<usize> {
        let i = self.0.partition_point(|(q, _)| *q <= p);
        self.0.get(i).map(|(q, _)| *q)
    }
}

/// `(?:等(\d+)?(?:位|名)?)?(代表|委员)(?:们)?(?:共同|联名|领衔)?(?:提出|提交|所提|领衔提出)的?` at `p`,
/// trying the options in the regex's order and taking the first way through.
fn tail_at(text: &str, p: usize) -> Option<Tail> {
    for (count, p1) in optional_count(text, p) {
        let Some(kind) = KINDS.iter().find(|k| text[p1..].starts_with(**k)) else {
            continue;
        };
        let p2 = p1 + kind.len();
        for p3 in optional_words(text, p2, &["们"]) {
            for p4 in optional_words(text, p3, &TOGETHER) {
                if let Some(word) = PROPOSING.iter().find(|w| text[p4..].starts_with(**w)) {
                    let p5 = p4 + word.len();
                    let end = if text[p5..].starts_with('的') {
                        p5 + '的'.len_utf8()
                    } else {
                        p5
                    };
                    return Some(Tail {
                        count,
                        kind: (p1, p2),
                        end,
                    });
                }
            }
        }
    }
    None
}

/// `(?:等(\d+)?(?:位|名)?)?` at `p`: each way it can match, in the regex's order (the number
/// before none, 位/名 before none, the group before no group), with the number's range. The
/// number is all the digits there: a shorter one would leave a digit where none can follow.
fn optional_count(text: &str, p: usize) -> Vec<(Option<(usize, usize)>, usize)> {
    let mut ways = Vec::new();
    if let Some(after) = text[p..].strip_prefix('等') {
        let q = text.len() - after.len();
        let digits_end = q + after
            .char_indices()
            .find(|(_, c)| !is_digit(*c))
            .map_or(after.len(), |(i, _)| i);
        let number = (digits_end > q).then_some((Some((q, digits_end)), digits_end));
        for (count, r) in number.into_iter().chain([(None, q)]) {
            for e in optional_words(text, r, &["位", "名"]) {
                ways.push((count, e));
            }
        }
    }
    ways.push((None, p));
    ways
}

/// `(?:w1|w2|…)?` at `p`: the end after each word that starts there, in order, then `p`.
fn optional_words<'w>(
    text: &'w str,
    p: usize,
    words: &'w [&str],
) -> impl Iterator<Item = usize> + 'w {
    words
        .iter()
        .filter(move |w| text[p..].starts_with(**w))
        .map(move |w| p + w.len())
        .chain([p])
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;
    use std::sync::LazyLock;

    /// The regex the scanner replaces, exactly as extraction used it.
    static PROPOSED_BY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"((?:[\p{Han}]{1,10}(?:代表|委员)?、)*[\p{Han}]{2,12}?)(?:等(\d+)?(?:位|名)?)?(代表|委员)(?:们)?(?:共同|联名|领衔)?(?:提出|提交|所提|领衔提出)的?")
            .unwrap()
    });

    fn regex_matches(text: &str) -> Vec<ProposerMatch> {
        PROPOSED_BY
            .captures_iter(text)
            .map(|c| {
                let all = c.get(0).unwrap();
                let kind = c.get(3).unwrap();
                ProposerMatch {
                    start: all.start(),
                    names_end: c.get(1).unwrap().end(),
                    count: c.get(2).map(|m| (m.start(), m.end())),
                    kind: (kind.start(), kind.end()),
                    end: all.end(),
                }
            })
            .collect()
    }

    #[track_caller]
    fn same_as_regex(text: &str) {
        assert_eq!(proposer_matches(text), regex_matches(text), "{text:?}");
    }

    #[test]
    fn tricky_cases_match_the_regex() {
        let ten = "张".repeat(10);
        let eleven = "张".repeat(11);
        let nine = "张".repeat(9);
        for text in [
            "路文华等3位代表提出的关于加快建设的建议",
            "杞发荣委员、徐彦委员联名提出",
            "李艳、黄俊丽代表提出",
            "张三代表、李四代表等5位代表提出的",
            "由市人大代表们共同提交",
            "代表提出",
            "王代表提出",
            "王五委员领衔提出的提案",
            "王五委员领衔提交",
            "王五等代表提出",
            "王五等名代表提出",
            "王五等12名委员所提",
            "王五等𝟙𝟚名委员所提",
            "王五等3人代表提出",
            "王五等3位提出",
            "、、王五代表提出",
            "王五、、李四代表提出",
            "王五、1李四代表提出",
            "王五、李四",
            "王五、李四代表提出王六代表提出的",
            &format!("{ten}、李四代表提出"),
            &format!("{eleven}、李四代表提出"),
            &format!("{nine}代表、李四代表提出"),
            &format!("{ten}代表、李四代表提出"),
            &format!("{ten}委员、{eleven}代表、李四代表提出"),
            &format!("{ten}{ten}代表提出"),
            "一是代表提出的建议、二是委员提交的提案",
        ] {
            same_as_regex(text);
        }
    }

    /// Pieces of proposer phrases for random texts (also used by `items`' window tests).
    pub(crate) fn proposer_piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "张",
            "李四",
            "代表",
            "委员",
            "代",
            "表",
            "委",
            "员",
            "等",
            "位",
            "名",
            "们",
            "共同",
            "联名",
            "领衔",
            "提出",
            "提交",
            "所提",
            "提",
            "所",
            "的",
            "、",
            "3",
            "12",
            "𝟙",
            "x",
            ",",
            "𠀀",
            "张张张张张张张张张张",
            "张张张张张张张张张张张张张张张张张张张张张张张张张张张张张张张张张张张张张张",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn random_texts_match_the_regex(pieces in prop::collection::vec(proposer_piece(), 0..40)) {
            same_as_regex(&pieces.concat());
        }
    }
}
