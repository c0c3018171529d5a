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
//!
//! The scanner first reads the text's characters once ([`Chars`]): where each Han run ends and
//! where tails start, so each step of the grammar is a lookup, and the groups after a `、` are
//! read once for all the starts before it.

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

/// Every match in `text`, left to right (extraction finds the tail characters itself and calls
/// [`proposer_matches_from`]).
///
/// A match is names (Han characters and `、`) and a tail starting with a Han character, so its
/// start and its tail's start lie in one *segment*, a maximal stretch of Han characters and
/// `、`. Only the segments holding a tail are read, each on its own: nothing the grammar asks
/// about a start (its run, the groups after it, the last name) looks past its segment.
#[cfg(test)]
pub(super) fn proposer_matches(text: &str) -> Vec<ProposerMatch> {
    proposer_matches_from(text, TAIL_STARTS.find_iter(text).map(|m| m.start()))
}

/// [`proposer_matches`] given where `等`, `代` and `委` are in `text` (byte offsets, in order):
/// a caller that found them in a larger text already need not search again.
pub(super) fn proposer_matches_from(
    text: &str,
    tail_starts: impl Iterator<Item = usize>,
) -> Vec<ProposerMatch> {
    let tails: Vec<(usize, Tail)> = tail_starts
        .filter_map(|p| tail_at(text, p).map(|t| (p, t)))
        .collect();
    let mut out = Vec::new();
    // Byte offset the next match can start at (the regex resumes after each match).
    let mut from = 0;
    let mut k = 0;
    while let Some(&(q, _)) = tails.get(k) {
        let (a, b) = segment_around(text, q);
        let k_end = k + tails[k..].partition_point(|(p, _)| *p < b);
        Chars::new(text, a, b, &tails[k..k_end]).scan(text, &mut from, &mut out);
        k = k_end;
    }
    out
}

/// The characters a tail starts with: 等, 代表 or 委员.
pub(super) const TAIL_FIRST_CHARS: [&str; 3] = ["等", "代", "委"];

#[cfg(test)]
static TAIL_STARTS: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::new(TAIL_FIRST_CHARS).expect("static needles")
    });

/// Whether `c` can be in a match's names.
fn in_segment(c: char) -> bool {
    c == '、' || is_han_fast(c)
}

/// The segment around the character at byte `q`.
fn segment_around(text: &str, q: usize) -> (usize, usize) {
    let a = text[..q]
        .char_indices()
        .rev()
        .take_while(|(_, c)| in_segment(*c))
        .last()
        .map_or(q, |(i, _)| i);
    let b = text[q..]
        .char_indices()
        .find(|(_, c)| !in_segment(*c))
        .map_or(text.len(), |(i, _)| q + i);
    (a, b)
}

/// [`Chars::groups_then_last_name`] not worked out yet at this character.
const UNKNOWN: u32 = u32::MAX;
/// [`Chars::groups_then_last_name`] found nothing at this character.
const NO_MATCH: u32 = u32::MAX - 1;

/// What the scanner needs of a segment, worked out in one pass over its characters, in
/// character indices within it: every question the grammar asks (where a Han run ends, how many
/// characters it has, where the next tail starts) is then a lookup instead of a walk.
struct Chars {
    /// Byte offset (in the text) of every character, then of the segment's end.
    at: Vec<usize>,
    /// Per character (and one past the last): index of the first character after its run of
    /// Han characters; its own index when it is not Han (a `、`).
    run_end: Vec<usize>,
    /// Every place where a tail starts (character index), in order.
    tails: Vec<(usize, Tail)>,
}

impl Chars {
    /// The segment `a..b` holding `tails` (byte offsets in the text).
    fn new(text: &str, a: usize, b: usize, tails: &[(usize, Tail)]) -> Chars {
        let mut at = Vec::with_capacity((b - a) / 3 + 1);
        let mut run_end = Vec::with_capacity((b - a) / 3 + 1);
        let mut local_tails = Vec::with_capacity(tails.len());
        let mut next_tail = tails.iter().peekable();
        for (i, c) in text[a..b].char_indices() {
            let p = a + i;
            if let Some((_, tail)) = next_tail.next_if(|(q, _)| *q == p) {
                local_tails.push((at.len(), *tail));
            }
            at.push(p);
            // First whether it is a `、`, turned into run ends below.
            run_end.push(usize::from(c == '、'));
        }
        at.push(b);
        let n = run_end.len();
        run_end.push(n);
        let mut end = n;
        for i in (0..n).rev() {
            if run_end[i] == 1 {
                end = i;
            }
            run_end[i] = end;
        }
        Chars {
            at,
            run_end,
            tails: local_tails,
        }
    }

    /// The matches starting in the segment at or after byte `from`, moving `from` past each.
    fn scan(&self, text: &str, from: &mut usize, out: &mut Vec<ProposerMatch>) {
        let n = self.run_end.len() - 1;
        let mut memo = vec![UNKNOWN; n + 1];
        for s in 0..n {
            let run_end = self.run_end[s];
            // A `、`, or inside the last match.
            if self.at[s] < *from || run_end == s {
                continue;
            }
            if !self.may_match_at(text, s, run_end) {
                continue;
            }
            if let Some(k) = self.groups_then_last_name(text, &mut memo, s) {
                let (q, tail) = self.tails[k];
                out.push(ProposerMatch {
                    start: self.at[s],
                    names_end: self.at[q],
                    count: tail.count,
                    kind: tail.kind,
                    end: tail.end,
                });
                *from = tail.end;
            }
        }
    }

    /// Index in [`Chars::tails`] of the first tail at or after character `i`.
    fn first_tail_from(&self, i: usize) -> usize {
        self.tails.partition_point(|(q, _)| *q < i)
    }

    /// A cheap necessary condition for a match at `s`, inside a Han run ending at `run_end`: a
    /// group needs `、` right after the run, and a last name without groups needs a tail inside it.
    fn may_match_at(&self, text: &str, s: usize, run_end: usize) -> bool {
        text[self.at[run_end]..].starts_with('、')
            || self
                .tails
                .get(self.first_tail_from(s + 1))
                .is_some_and(|(q, _)| *q < run_end)
    }

    /// The greedy `(?:…、)*` from character `a`, then the last name and tail: one more group
    /// first, and only when nothing follows it, the last name here. The index of the tail in
    /// [`Chars::tails`] (the names end where it starts). Worked out once per character: the
    /// starts in one run all go on to the same groups after it.
    fn groups_then_last_name(&self, text: &str, memo: &mut [u32], a: usize) -> Option<usize> {
        match memo[a] {
            UNKNOWN => {}
            NO_MATCH => return None,
            k => return Some(k as usize),
        }
        let found = self
            .group_end(text, a)
            .and_then(|next| self.groups_then_last_name(text, memo, next))
            .or_else(|| self.last_name(a));
        memo[a] = found.map_or(NO_MATCH, |k| k as u32);
        found
    }

    /// End of the `[\p{Han}]{1,10}(?:代表|委员)?、` group starting at character `a` (after its
    /// `、`), if one does: the group is the rest of `a`'s run.
    fn group_end(&self, text: &str, a: usize) -> Option<usize> {
        let run_end = self.run_end[a];
        let chars = run_end - a;
        let (start, end) = (self.at[a], self.at[run_end]);
        let fits = (1..=MAX_GROUP_CHARS).contains(&chars)
            || (chars <= MAX_GROUP_CHARS_WITH_KIND
                && KINDS.iter().any(|k| text[start..end].ends_with(k)));
        (fits && text[end..].starts_with('、')).then_some(run_end + 1)
    }

    /// The lazy `[\p{Han}]{2,12}?` from character `a`: the first tail after 2 to 12 Han
    /// characters, all in `a`'s run (a tail starts with a Han character, so inside it).
    fn last_name(&self, a: usize) -> Option<usize> {
        let k = self.first_tail_from(a + *LAST_NAME_CHARS.start());
        let (q, _) = self.tails.get(k)?;
        (*q <= a + *LAST_NAME_CHARS.end() && *q < self.run_end[a]).then_some(k)
    }
}

/// [`is_han`] with the common cases first: the CJK Unified Ideographs block is all Han, and no
/// Han character comes before U+2E80.
fn is_han_fast(c: char) -> bool {
    match u32::from(c) {
        0x4E00..=0x9FFF => true,
        0..0x2E80 => false,
        _ => is_han(c),
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
    fn fast_han_test_is_the_table_for_every_character() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_han_fast(c), is_han(c), "{c:?}");
        }
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
            &"张三、李四代表、王五五五、".repeat(20),
            &format!("{}赵六代表提出", "张三、李四代表、王五五五、".repeat(20)),
            &format!("x{}赵六代表提出", "张三、李四代表、𠀀𠀀、1、".repeat(20)),
            &format!("{}、赵六代表提出", "张".repeat(300)),
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
