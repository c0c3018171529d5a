//! Named and numbered items: `路文华等3位代表提出的关于…的建议`, `(73号建议)`,
//! `第199号《关于…的提案》`, `杞发荣委员、徐彦委员提出的`, with key-item flags and themes.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::{Captures, Regex};

use super::proposer_scan::{TAIL_FIRST_CHARS, may_propose_at, proposer_matches_from};
use super::quantity::is_digit;
use super::{Ctx, captures_in_windows, merged_windows, strip_prefixes};
use crate::model::{Extraction, Item};

static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:\(第?(\d{1,4})号(建议|提案|议案)?\)|第(\d{1,4})号(建议|提案|议案)?|(\d{1,4})号(建议|提案|议案))"#).expect("static regex")
});
/// The words a proposer match must end with; [`proposer_matches_from`] runs only near them.
const PROPOSING: [&str; 4] = ["提出", "提交", "所提", "领衔"];
/// The characters the item searches start from, found in one pass over the report: the first
/// characters of [`PROPOSING`], `号` (every [`NUMBERED`] match contains one, at most 20 bytes
/// after the match starts (`(第` and four digits of up to 4 bytes) and 10 bytes before it ends
/// (`号建议)`)), then [`TAIL_FIRST_CHARS`]. No two overlap, so every occurrence is found.
/// Leftmost-first (the same matches here) lets the searcher use its vectorized prefilter.
static MARKS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let chars = ["提", "所", "领", "号"].into_iter().chain(TAIL_FIRST_CHARS);
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(chars)
        .expect("static needles")
});
const NUMBER_SIGN_MARK: usize = 3;

/// Where the words and characters of [`MARKS`] are in a report (byte offsets, in order).
struct Marks {
    /// Starts of the [`PROPOSING`] words.
    proposing: Vec<usize>,
    /// `号`.
    number_signs: Vec<usize>,
    /// `等`, `代`, `委`.
    tail_starts: Vec<usize>,
}

impl Marks {
    fn find(text: &str) -> Marks {
        let mut marks = Marks {
            proposing: Vec::new(),
            number_signs: Vec::new(),
            tail_starts: Vec::new(),
        };
        for m in MARKS.find_iter(text) {
            let p = m.start();
            match m.pattern().as_usize() {
                0..NUMBER_SIGN_MARK => {
                    if PROPOSING.iter().any(|w| text[p..].starts_with(w)) {
                        marks.proposing.push(p);
                    }
                }
                NUMBER_SIGN_MARK => marks.number_signs.push(p),
                _ => marks.tail_starts.push(p),
            }
        }
        marks
    }
}

static TITLE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"[《“"]((?:关于)?[^《》“”"]{4,80}?)[》”"]$"#).expect("static regex")
});

/// A title right after the proposers, at the start of `rest`, in byte offsets of `rest`: what
/// the regex
///
/// ```text
/// ^(?:第(\d+)号)?(?:[《“"]([^》”"]{4,80})[》”"]|(关于[^。;,]{2,60}?的(?:建议|提案|意见)))
/// ```
///
/// matches, read by hand (its automaton over the classes' Unicode ranges cost more than the
/// rest of the item search). The tests check it against the regex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TitleAfter {
    /// The digits of `第…号` (group 1).
    number: Option<(usize, usize)>,
    /// The quoted title (group 2) or the `关于…的建议` phrase (group 3).
    title: (usize, usize),
    /// End of the match.
    end: usize,
}

/// The [`TitleAfter`] at the start of `rest`. With `第`, digits and `号` there, the title must
/// follow them: the regex's other way, without the number, would start at `第`, which no title
/// does. `\d+` takes all the digits: a shorter number would leave a digit where `号` must be.
fn title_after(rest: &str) -> Option<TitleAfter> {
    let Some(after) = rest.strip_prefix('第') else {
        let (title, end) = title_at(rest, 0)?;
        return Some(TitleAfter {
            number: None,
            title,
            end,
        });
    };
    let digits_start = rest.len() - after.len();
    let digits_end = digits_start
        + after
            .char_indices()
            .find(|(_, c)| !is_digit(*c))
            .map_or(after.len(), |(i, _)| i);
    if digits_end == digits_start || !rest[digits_end..].starts_with('号') {
        return None;
    }
    let (title, end) = title_at(rest, digits_end + '号'.len_utf8())?;
    Some(TitleAfter {
        number: Some((digits_start, digits_end)),
        title,
        end,
    })
}

/// `[《“"]([^》”"]{4,80})[》”"]|(关于[^。;,]{2,60}?的(?:建议|提案|意见))` at byte `p` of `rest`: the
/// title group and the end. The two ways start with different characters.
fn title_at(rest: &str, p: usize) -> Option<((usize, usize), usize)> {
    let is_close = |c: char| matches!(c, '》' | '”' | '"');
    let mut chars = rest[p..].chars();
    let first = chars.next()?;
    if matches!(first, '《' | '“' | '"') {
        // The greedy run of other characters stops only at a closing quote: fewer characters
        // would leave one of them where the quote must be.
        let start = p + first.len_utf8();
        let mut end = start;
        for (n, c) in chars.enumerate() {
            if is_close(c) {
                return (4..=80)
                    .contains(&n)
                    .then_some(((start, end), end + c.len_utf8()));
            }
            if n == 80 {
                return None;
            }
            end += c.len_utf8();
        }
        return None;
    }
    let mut end = p + rest[p..].strip_prefix("关于").map(|_| "关于".len())?;
    // The lazy run: the fewest characters (2 to 60, none of 。;,) after which 的 and a noun follow.
    for n in 0..=60 {
        let here = &rest[end..];
        if n >= 2
            && let Some(noun) = here.strip_prefix('的')
            && let Some(w) = ["建议", "提案", "意见"]
                .iter()
                .find(|w| noun.starts_with(**w))
        {
            let end = end + '的'.len_utf8() + w.len();
            return Some(((p, end), end));
        }
        let c = here.chars().next()?;
        if n == 60 || matches!(c, '。' | ';' | ',') {
            return None;
        }
        end += c.len_utf8();
    }
    None
}

/// [`TITLE_BEFORE`]'s captures in `hay`. Every match ends `hay` with `》`, `”` or `"`: any other
/// last character is ruled out without running the regex.
fn title_before(hay: &str) -> Option<Captures<'_>> {
    if !hay.ends_with(['》', '”', '"']) {
        return None;
    }
    TITLE_BEFORE.captures(hay)
}

/// Where [`proposer_matches_from`] runs: around the proposing words, in the windows where one of
/// them can end a match (most `提出` in a report follow no `代表`/`委员`).
fn proposer_windows(text: &str, marks: &Marks) -> Vec<(usize, usize)> {
    merged_windows(text, marks.proposing.iter().copied(), 60 * 3, 12, |h| {
        may_propose_at(text, h)
    })
}

/// Where [`NUMBERED`] can match.
fn numbered_windows(text: &str, marks: &Marks) -> Vec<(usize, usize)> {
    merged_windows(text, marks.number_signs.iter().copied(), 24, 16, |_| true)
}

/// The proposer matches in `text[ws..we]`, in offsets of that window.
fn proposer_matches_in(
    text: &str,
    marks: &Marks,
    (ws, we): (usize, usize),
) -> Vec<super::proposer_scan::ProposerMatch> {
    let starts = &marks.tail_starts;
    let lo = starts.partition_point(|p| *p < ws);
    let hi = lo + starts[lo..].partition_point(|p| *p < we);
    proposer_matches_from(&text[ws..we], starts[lo..hi].iter().map(|p| p - ws))
}

pub fn extract_items(ctx: &Ctx, ex: &mut Extraction) {
    let mut items: Vec<Item> = Vec::new();
    // The match must contain 提出/提交/所提/领衔 after at most ~60 characters of names; run the
    // pattern only near those words (the Han-run pattern is the costliest in extraction).
    let marks = Marks::find(ctx.text);
    for (ws, we) in proposer_windows(ctx.text, &marks) {
        let window = &ctx.text[ws..we];
        for m in proposer_matches_in(ctx.text, &marks, (ws, we)) {
            let names = &window[m.start..m.names_end];
            let proposers = split_names(ctx, names);
            if proposers.is_empty() {
                continue;
            }
            let printed_count = m.count.map(|(s, e)| &window[s..e]);
            let count = printed_count
                .and_then(|n| n.parse::<i64>().ok())
                .or(Some(proposers.len() as i64)
                    .filter(|_| m.count.is_none() && !window[m.start..m.end].contains('等')));
            let kind = if &window[m.kind.0..m.kind.1] == "委员" {
                "cppcc_proposal"
            } else {
                "npc_suggestion"
            };
            let (all_end, names_start) = (ws + m.end, ws + m.start);
            let rest = &ctx.text[all_end..];
            let title = title_after(rest);
            let number = title
                .and_then(|t| t.number)
                .and_then(|(s, e)| rest[s..e].parse().ok());
            let title_text = title.map(|t| (all_end + t.title.0, all_end + t.title.1));
            let end = title.map(|t| all_end + t.end).unwrap_or(all_end);
            let name_start = ctx.text[names_start..]
                .find(proposers[0].as_str())
                .map(|p| names_start + p)
                .unwrap_or(names_start);
            items.push(Item {
                position: 0,
                number,
                title: title_text.map(|(s, e)| ctx.original_of(s, e)),
                kind: Some(kind.to_string()),
                proposers,
                proposer_count: count,
                key_item: false,
                themes: vec![],
                evidence: ctx.evidence(name_start, end, "item.proposed_by"),
            });
        }
    }
    let numbered = numbered_windows(ctx.text, &marks);
    for c in captures_in_windows(&NUMBERED, ctx.text, &numbered) {
        let Some(all) = c.get(0) else { continue };
        let num = c
            .get(1)
            .or(c.get(3))
            .or(c.get(5))
            .and_then(|m| m.as_str().parse::<i64>().ok());
        let Some(num) = num else { continue };
        // Document numbers (`〔2022〕4号`, `17号)文件`) are not items.
        let before = ctx.text[..all.start()].chars().next_back();
        if before.is_some_and(|b| matches!(b, '〕' | ']' | '﹞' | '】' | ')'))
            || ctx.text[all.end()..].starts_with("文")
        {
            continue;
        }
        let noun = c.get(2).or(c.get(4)).or(c.get(6)).map(|m| m.as_str());
        let window = ctx
            .text
            .floor_char_boundary(all.start().saturating_sub(300));
        let title_before = title_before(&ctx.text[window..all.start()])
            .and_then(|t| t.get(1))
            .map(|m| (window + m.start(), window + m.end()));
        let near_item_word = noun.is_some()
            || title_before.is_some()
            || ctx.text[all.end()..].starts_with(['《', '“']);
        if !near_item_word {
            continue;
        }
        if let Some(existing) = items.iter_mut().find(|i| i.number == Some(num)) {
            existing.kind = existing.kind.clone().or(noun.map(kind_of));
            continue;
        }
        let title_after = ctx.text[all.end()..].strip_prefix('《').and_then(|r| {
            r.find('》')
                .map(|e| (all.end() + '《'.len_utf8(), all.end() + '《'.len_utf8() + e))
        });
        let title = title_after.or(title_before);
        let start = title
            .map(|(s, _)| s.min(all.start()))
            .unwrap_or(all.start());
        let end = title.map(|(_, e)| e.max(all.end())).unwrap_or(all.end());
        if let Some(existing) = items.iter_mut().find(|i| {
            i.number.is_none()
                && title.is_some_and(|(s, e)| {
                    i.title.as_deref() == Some(ctx.original_of(s, e).as_str())
                })
        }) {
            existing.number = Some(num);
            continue;
        }
        items.push(Item {
            position: 0,
            number: Some(num),
            title: title.map(|(s, e)| ctx.original_of(s, e)),
            kind: noun.map(kind_of),
            proposers: vec![],
            proposer_count: None,
            key_item: false,
            themes: vec![],
            evidence: ctx.evidence(start, end, "item.numbered"),
        });
    }
    let key_items = key_item_flags(ctx, &items);
    for ((i, item), key_item) in items.iter_mut().enumerate().zip(key_items) {
        item.position = i as u32;
        item.key_item = key_item;
        let title = item
            .title
            .as_deref()
            .map(fast2s::convert)
            .unwrap_or_default();
        let in_title = ctx.all.theme_keywords.in_title(&title);
        item.themes = ctx
            .all
            .themes
            .iter()
            .zip(in_title)
            .filter(|(_, found)| *found)
            .map(|(t, _)| t.id.clone())
            .collect();
    }
    ex.items = items;
}

/// Whether each item's sentence (original text, so simplified first) has key-item words.
/// Items listed together share their sentence: each distinct one is converted and searched once.
fn key_item_flags(ctx: &Ctx, items: &[Item]) -> Vec<bool> {
    let mut known: HashMap<&str, bool> = HashMap::new();
    items
        .iter()
        .map(|item| {
            let sentence = item.evidence.sentence.as_str();
            *known.entry(sentence).or_insert_with(|| {
                ctx.contains_any(&fast2s::convert(sentence), &ctx.rules.key_words)
            })
        })
        .collect()
}

fn kind_of(noun: &str) -> String {
    match noun {
        "提案" => "cppcc_proposal".into(),
        "议案" => "bill".into(),
        _ => "npc_suggestion".into(),
    }
}

/// `李艳、黄俊丽` → [李艳, 黄俊丽]; `围绕郭梅` → [郭梅]; `市人大` → [].
fn split_names(ctx: &Ctx, raw: &str) -> Vec<String> {
    raw.split('、')
        .filter_map(|piece| {
            let piece = piece.trim_end_matches("代表").trim_end_matches("委员");
            let start = strip_prefixes(piece, 0, piece.len(), &ctx.rules.name_prefixes);
            let mut name = &piece[start..];
            let n = name.chars().count();
            // Compound surnames (上官树林, 欧阳修) keep their two characters.
            let compound = [4usize, 3].into_iter().filter(|k| n >= *k).find_map(|k| {
                let at = name.char_indices().nth(n - k).map(|(i, _)| i)?;
                ctx.rules
                    .compound_surnames
                    .iter()
                    .any(|c| name[at..].starts_with(c.as_str()))
                    .then_some(at)
            });
            if let Some(at) = compound {
                name = &name[at..];
            } else if n > 3 {
                // Keep the last 3 characters if they start with a surname, else the last 2.
                let chars: Vec<(usize, char)> = name.char_indices().collect();
                let three = chars[n - 3];
                let two = chars[n - 2];
                name = if ctx.all.surnames.contains(&three.1) && !ctx.all.surnames.contains(&two.1)
                {
                    &name[three.0..]
                } else if ctx.all.surnames.contains(&two.1) {
                    &name[two.0..]
                } else {
                    &name[three.0..]
                };
            }
            let n = name.chars().count();
            let ok = (2..=4).contains(&n)
                && !name.chars().any(|c| ctx.rules.name_stop_chars.contains(c))
                && !ctx
                    .rules
                    .name_stop_words
                    .iter()
                    .any(|w| name.contains(w.as_str()))
                && (name
                    .chars()
                    .next()
                    .is_some_and(|c| ctx.all.surnames.contains(&c))
                    || ctx
                        .rules
                        .compound_surnames
                        .iter()
                        .any(|c| name.starts_with(c.as_str())));
            ok.then(|| name.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::proposer_scan::proposer_matches;
    use crate::extract::proposer_scan::tests::proposer_piece;
    use crate::extract::tests::groups;
    use crate::extract::{Needles, windows, windows_holding};
    use proptest::prelude::*;

    /// The searches [`Marks`] replaces, as extraction used them.
    static PROPOSING_NEEDLES: LazyLock<Needles> = LazyLock::new(|| Needles::new(&PROPOSING));
    static NUMBER_SIGN: LazyLock<Needles> = LazyLock::new(|| Needles::new(&["号"]));

    #[track_caller]
    fn numbered_match_whole_text_search(text: &str) {
        let numbered = numbered_windows(text, &Marks::find(text));
        assert_eq!(numbered, windows(text, &NUMBER_SIGN, 24, 16), "{text:?}");
        assert_eq!(
            groups(captures_in_windows(&NUMBERED, text, &numbered)),
            groups(NUMBERED.captures_iter(text)),
            "{text:?}"
        );
    }

    #[test]
    fn numbered_items_in_windows_are_the_whole_text_matches() {
        for text in [
            "(第𝟙𝟚𝟛𝟜号建议)第1234号提案 12号议案〔2022〕4号 17号)文件 (第12号) 第号 号建议",
            "(第１２３４号议案)x(𝟙𝟚𝟛𝟜号建议)(第12345号)",
        ] {
            numbered_match_whole_text_search(text);
        }
    }

    /// The proposer windows skipped by [`proposer_windows`] hold no match.
    #[track_caller]
    fn skipped_proposer_windows_hold_no_match(text: &str) {
        let marks = Marks::find(text);
        let kept = proposer_windows(text, &marks);
        assert_eq!(
            kept,
            windows_holding(text, &PROPOSING_NEEDLES, 60 * 3, 12, |h| {
                may_propose_at(text, h)
            }),
            "{text:?}"
        );
        let all = windows(text, &PROPOSING_NEEDLES, 60 * 3, 12);
        assert!(kept.iter().all(|w| all.contains(w)), "{text:?}");
        for &(ws, we) in all.iter().filter(|w| !kept.contains(w)) {
            assert_eq!(proposer_matches(&text[ws..we]), vec![], "{text:?}");
        }
        for &w in &kept {
            assert_eq!(
                proposer_matches_in(text, &marks, w),
                proposer_matches(&text[w.0..w.1]),
                "{text:?}"
            );
        }
    }

    #[test]
    fn proposer_windows_keep_every_match() {
        for text in [
            "路文华等3位代表提出的关于加快建设的建议,群众提出意见",
            "杞发荣委员、徐彦委员联名提出。会上提出",
            "王五委员领衔提出的提案",
            "由市人大代表们共同提交",
            "代表们所提建议,委员领衔,代表领衔提出",
            "提出",
            "",
        ] {
            skipped_proposer_windows_hold_no_match(text);
        }
    }

    /// The regex [`title_after`] replaces, exactly as extraction used it.
    static TITLE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"^(?:第(\d+)号)?(?:[《“"]([^》”"]{4,80})[》”"]|(关于[^。;,]{2,60}?的(?:建议|提案|意见)))"#).unwrap()
    });

    fn title_after_by_regex(text: &str) -> Option<TitleAfter> {
        let span = |m: regex::Match| (m.start(), m.end());
        TITLE_AFTER.captures(text).map(|c| TitleAfter {
            number: c.get(1).map(span),
            title: c.get(2).or(c.get(3)).map(span).unwrap(),
            end: c.get(0).unwrap().end(),
        })
    }

    #[track_caller]
    fn titles_match_the_regexes(text: &str) {
        let opt_groups = |c: Option<Captures>| groups(c.into_iter());
        assert_eq!(title_after(text), title_after_by_regex(text), "{text:?}");
        assert_eq!(
            opt_groups(title_before(text)),
            opt_groups(TITLE_BEFORE.captures(text)),
            "{text:?}"
        );
    }

    #[test]
    fn title_shortcuts_match_the_regexes() {
        for text in [
            "第12号《关于加快建设的建议》",
            "《关于加快建设的建议》",
            "“关于加快建设”的提案",
            "关于加快城市建设的建议,",
            "的关于加快建设的建议",
            "x《关于加快建设的建议》",
            "提出《关于加快建设的建议》",
            "",
            &format!("第12号《{}》", "𠀀".repeat(80)),
            &format!("第12号《{}》", "𠀀".repeat(81)),
            &format!("第１２号《{}》x", "𠀀".repeat(80)),
            &format!("第{}号“{}”", "9".repeat(500), "𠀀".repeat(80)),
            &format!("关于{}的建议", "𠀀".repeat(60)),
            &format!("关于{}的提案", "𠀀".repeat(61)),
            &format!("《{}》", "建".repeat(79)),
        ] {
            titles_match_the_regexes(text);
        }
    }

    fn title_piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "第",
            "12",
            "号",
            "《",
            "》",
            "“",
            "”",
            "\"",
            "关于",
            "关",
            "于",
            "加快建设",
            "的",
            "建议",
            "提案",
            "意见",
            "。",
            ";",
            ",",
            "x",
            "𝟙",
            "１",
            "𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀",
        ])
    }

    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "(", ")", "第", "号", "1", "23", "４", "𝟙", "建议", "提案", "议案", "x", "〕", "文",
        ])
    }

    proptest! {
        #[test]
        fn numbered_windows_miss_no_match(pieces in prop::collection::vec(piece(), 0..60)) {
            numbered_match_whole_text_search(&pieces.concat());
        }

        #[test]
        fn title_shortcuts_miss_no_match(pieces in prop::collection::vec(title_piece(), 0..60)) {
            titles_match_the_regexes(&pieces.concat());
        }

        #[test]
        fn proposer_windows_miss_no_match(
            pieces in prop::collection::vec(proposer_piece(), 0..120),
        ) {
            skipped_proposer_windows_hold_no_match(&pieces.concat());
        }
    }
}
