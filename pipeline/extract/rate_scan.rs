//! The rate grammar (`办结率为98.5%`, `办复率和满意率均为100%`, `满意度超过 90 %`) as a hand-written
//! scanner. It finds exactly the matches of the regex
//!
//! ```text
//! ([\p{Han}、]{1,30}?(?:率|满意度))(\([^()]{1,12}\))?[ ]?(?:平均为|平均达到|平均达|均为|均达到了|均达到|均达|均在|均是|达到了|已达到|分别为|分别是
//! |分别达到|保持在|稳定在|都是|都为|都达到|为|达到|达|是|高达|已达)?[ ]?(超过|高于|不低于)?[ ]?
//! (\d+(?:[.。]\d+)?)[ ]?%+
//! ```
//!
//! (`。` as the decimal point: `立案率83。7%`, a typing slip some reports carry.)
//!
//! with `captures_iter` (leftmost-first, non-overlapping), which is what extraction used before:
//! the regex ran its automata over every window around `率`, then a backtracker for the groups.
//! The tests below check the scanner against that regex.
//!
//! Why this is enough: everything after the rate word (the *tail*: verb, bound, number, `%`)
//! does not depend on where the name starts, so the scanner first finds the places where a rate
//! word is followed by a tail. The lazy `{1,30}?` makes a name starting at `s` end at the first
//! such place after `s`, and only if the characters between are all Han or `、` and at most 30;
//! the leftmost start for a place is therefore the start of that Han run, at most 30
//! characters back, and no earlier than where the search resumes.

use super::han::is_han;
use super::quantity::is_digit;

/// One match, in byte offsets of the searched text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RateMatch {
    pub start: usize,
    /// End of the rate names (group 1 is `start..names_end`).
    pub names_end: usize,
    /// A note in parentheses right after the last name, brackets included (group 2):
    /// `满意率(含基本满意)`.
    pub note: Option<(usize, usize)>,
    /// `超过`/`高于`/`不低于` (group 2).
    pub bound: Option<(usize, usize)>,
    /// The number (group 3).
    pub num: (usize, usize),
    pub end: usize,
}

/// What follows a rate word, as the regex reads it.
#[derive(Debug, Clone, Copy)]
struct Tail {
    note: Option<(usize, usize)>,
    bound: Option<(usize, usize)>,
    num: (usize, usize),
    end: usize,
}

/// The rate words that end a name, in the regex's order.
const RATE_WORDS: [&str; 2] = ["率", "满意度"];
/// Verbs between the name and the value, in the regex's order (longer before shorter where one
/// starts another).
const VERBS: [&str; 25] = [
    "平均为",
    "平均达到",
    "平均达",
    "均为",
    "均达到了",
    "均达到",
    "均达",
    "均在",
    "均是",
    "达到了",
    "已达到",
    "分别为",
    "分别是",
    "分别达到",
    "保持在",
    "稳定在",
    "都是",
    "都为",
    "都达到",
    "为",
    "达到",
    "达",
    "是",
    "高达",
    "已达",
];
const BOUNDS: [&str; 3] = ["超过", "高于", "不低于"];
/// Most characters of a name before its rate word.
const MAX_NAME_CHARS: usize = 30;

/// Every match in `text`, left to right.
pub(super) fn rate_matches(text: &str) -> Vec<RateMatch> {
    let ends = rate_word_ends(text);
    let mut out = Vec::new();
    let mut from = 0;
    for (at, word_len, tail) in ends {
        // A start before an earlier place that failed cannot reach this one: the run of name
        // characters or the 30 characters would have ended before that place too.
        let start = from
            .max(name_run_start(text, at))
            .max(chars_back(text, at, MAX_NAME_CHARS));
        if start < at {
            out.push(RateMatch {
                start,
                names_end: at + word_len,
                note: tail.note,
                bound: tail.bound,
                num: tail.num,
                end: tail.end,
            });
            from = tail.end;
        }
    }
    out
}

/// Each place where a rate word starts and a tail follows it: (offset, word length, tail).
fn rate_word_ends(text: &str) -> Vec<(usize, usize, Tail)> {
    let mut out = Vec::new();
    // Both rate words are Han: look only at the lead bytes of `率` and `满`.
    for (at, c) in text.char_indices() {
        if c != '率' && c != '满' {
            continue;
        }
        let Some(word) = RATE_WORDS.iter().find(|w| text[at..].starts_with(*w)) else {
            continue;
        };
        if let Some(tail) = tail_after_word(text, at + word.len()) {
            out.push((at, word.len(), tail));
        }
    }
    out
}

/// The tail after a rate word, with the optional note `(\([^()]{1,12}\))?` first: a tail can
/// never start with `(`, so trying the note first gives the regex's greedy choice.
fn tail_after_word(text: &str, p: usize) -> Option<Tail> {
    if let Some(note) = note_at(text, p)
        && let Some(tail) = tail_at(text, note.1)
    {
        return Some(Tail {
            note: Some(note),
            ..tail
        });
    }
    tail_at(text, p)
}

/// `\([^()]{1,12}\)` at `p`: its range.
fn note_at(text: &str, p: usize) -> Option<(usize, usize)> {
    let rest = text[p..].strip_prefix('(')?;
    for (n, (i, c)) in rest.char_indices().enumerate() {
        match c {
            ')' if n > 0 => return Some((p, p + 1 + i + 1)),
            '(' | ')' => return None,
            _ if n >= 12 => return None,
            _ => {}
        }
    }
    None
}

/// The tail `[ ]?(?:verb)?[ ]?(bound)?[ ]?(\d+(?:[.。]\d+)?)[ ]?%+` at `p`, trying the options in
/// the regex's order (space before none, each verb in turn before none, …) and taking the first
/// way that reaches a number and `%`.
fn tail_at(text: &str, p: usize) -> Option<Tail> {
    for p1 in optional_space(text, p) {
        for p2 in optional_word(text, p1, &VERBS).map(|(_, e)| e) {
            for p3 in optional_space(text, p2) {
                for (bound, p4) in optional_word(text, p3, &BOUNDS) {
                    for p5 in optional_space(text, p4) {
                        if let Some((num, end)) = percent_at(text, p5) {
                            return Some(Tail {
                                note: None,
                                bound,
                                num,
                                end,
                            });
                        }
                    }
                }
            }
        }
    }
    None
}

/// `[ ]?`: after a space if there is one, then without.
fn optional_space(text: &str, p: usize) -> impl Iterator<Item = usize> {
    let space = text.as_bytes().get(p) == Some(&b' ');
    space.then_some(p + 1).into_iter().chain([p])
}

/// `(?:w1|w2|…)?`: each word that starts at `p` in order (with its range), then none.
fn optional_word<'w>(
    text: &'w str,
    p: usize,
    words: &'w [&str],
) -> impl Iterator<Item = (Option<(usize, usize)>, usize)> + 'w {
    words
        .iter()
        .filter(move |w| text[p..].starts_with(**w))
        .map(move |w| (Some((p, p + w.len())), p + w.len()))
        .chain([(None, p)])
}

/// `(\d+(?:[.。]\d+)?)[ ]?%+` at `p`: the number's range and the match end. Each part is greedy
/// and what follows it can never be its own character, so giving characters back never helps.
fn percent_at(text: &str, p: usize) -> Option<((usize, usize), usize)> {
    let int_end = digits_end(text, p);
    if int_end == p {
        return None;
    }
    let mut num_end = int_end;
    if let Some(point) = ['.', '。']
        .into_iter()
        .find(|&c| text[int_end..].starts_with(c))
    {
        let frac_start = int_end + point.len_utf8();
        let frac_end = digits_end(text, frac_start);
        if frac_end > frac_start {
            num_end = frac_end;
        }
    }
    let pct = if text.as_bytes().get(num_end) == Some(&b' ') {
        num_end + 1
    } else {
        num_end
    };
    let percents = text[pct..].len() - text[pct..].trim_start_matches('%').len();
    (percents > 0).then_some(((p, num_end), pct + percents))
}

/// End of the run of `\d` characters starting at `p`.
fn digits_end(text: &str, p: usize) -> usize {
    text[p..]
        .char_indices()
        .find(|(_, c)| !is_digit(*c))
        .map_or(text.len(), |(i, _)| p + i)
}

fn is_name_char(c: char) -> bool {
    c == '、' || is_han(c)
}

/// Start of the run of name characters (Han or `、`) that ends at `at`.
fn name_run_start(text: &str, at: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name_char(*c))
        .last()
        .map_or(at, |(i, _)| i)
}

/// Offset `n` characters before `at` (0 when there are fewer).
fn chars_back(text: &str, at: usize, n: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .nth(n - 1)
        .map_or(0, |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;
    use std::sync::LazyLock;

    /// The regex the scanner replaces, exactly as extraction used it.
    static RATE_RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"([\p{Han}、]{1,30}?(?:率|满意度))(\([^()]{1,12}\))?[ ]?(?:平均为|平均达到|平均达|均为|均达到了|均达到|均达|均在|均是|达到了|已达到|分别为|分别是|分别达到|保持在|稳定在|都是|都为|都达到|为|达到|达|是|高达|已达)?[ ]?(超过|高于|不低于)?[ ]?(\d+(?:[.。]\d+)?)[ ]?%+",
        )
        .unwrap()
    });

    fn regex_matches(text: &str) -> Vec<RateMatch> {
        RATE_RE
            .captures_iter(text)
            .map(|c| {
                let all = c.get(0).unwrap();
                let num = c.get(4).unwrap();
                RateMatch {
                    start: all.start(),
                    names_end: c.get(1).unwrap().end(),
                    note: c.get(2).map(|m| (m.start(), m.end())),
                    bound: c.get(3).map(|m| (m.start(), m.end())),
                    num: (num.start(), num.end()),
                    end: all.end(),
                }
            })
            .collect()
    }

    #[track_caller]
    fn same_as_regex(text: &str) {
        assert_eq!(rate_matches(text), regex_matches(text), "{text:?}");
    }

    #[test]
    fn tricky_cases_match_the_regex() {
        let long = "办".repeat(30);
        let too_long = "办".repeat(31);
        let astral = "𠀀".repeat(31);
        for text in [
            "办结率为98.5%,满意率和基本满意率均为100%",
            "见面率、答复率、满意率(含基本满意)均为100%",
            "满意率()为100%,满意率((含))为9%,满意率(一二三四五六七八九十一二)达9%",
            "满意率(一二三四五六七八九十一二三)达9%,率(含基本满意) 超过 90 %",
            "办复率、满意率均达到了 99 %%",
            "满意度超过 90 %,答复率高于95%",
            "率为98%",
            "x率为98%",
            "满意度为𝟙𝟚%",
            "效率提升,办结率",
            "办结率 为  98%",
            "办结率为   98%",
            "办结率均达到了了98%",
            "办结率为98.%",
            "办结率为98.5.%",
            "立案率83。7%",
            "立案率83。%,办结率。7%",
            "办结率98 %%% ",
            "满意率率为98%",
            "满意度度为98%",
            "率率率率98%",
            "满意率,办结率为98%",
            "、、率为1%",
            "㐀率为1%",
            "ー率为1%",
            &format!("{long}率为1%"),
            &format!("{too_long}率为1%"),
            &format!("{too_long}率为1%,{long}满意度达2%"),
            &format!("{astral}率为1%"),
            &format!("{too_long}率为1%{long}满意度达2%率是3%"),
            &format!("a{long}率1%率2%"),
        ] {
            same_as_regex(text);
        }
    }

    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "率",
            "满意度",
            "满意",
            "度",
            "办结",
            "、",
            "为",
            "均为",
            "均达到",
            "均达到了",
            "了",
            "达",
            "到",
            "是",
            "高达",
            "超过",
            "不低于",
            "高于",
            " ",
            "  ",
            "9",
            "98",
            "9.5",
            ".",
            "。",
            "%",
            "%%",
            "１",
            "𝟙",
            "x",
            ",",
            "㐀",
            "𠀀",
            "ー",
            "办办办办办办办办办办",
            "(",
            ")",
            "(含基本满意)",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn random_texts_match_the_regex(pieces in prop::collection::vec(piece(), 0..40)) {
            same_as_regex(&pieces.concat());
        }
    }
}
