//! Word lists of the extraction rules, with their searchers built once when the rules load.
//!
//! The clause grammar asks the same few questions thousands of times per report about short
//! pieces of text: does this piece contain any of these words, which of them is its longest
//! prefix or suffix, where does the last one start or end. Asked word by word, each question
//! costs one search (or one comparison per position) per word; a [`WordList`] answers it in one
//! pass over the piece. Every method names the word-by-word expression it replaces, and the
//! tests check each against that expression.

use std::fmt;
use std::ops::Deref;

use aho_corasick::AhoCorasick;
use aho_corasick::{AhoCorasickKind, MatchKind};
use serde::{Deserialize, Deserializer};

/// A list of words (as written in the rules file, order kept) and its searchers.
#[derive(Clone)]
pub struct WordList {
    words: Vec<String>,
    /// All words in one automaton. A plain DFA without prefilter: every Chinese word starts
    /// with one of a handful of lead bytes, so a byte prefilter stops at every character, and
    /// on the short pieces searched here it costs more than it saves.
    automaton: AhoCorasick,
    /// Indices of the non-empty words by first character, longest first (sorted by character).
    by_first: Vec<(char, Vec<usize>)>,
    /// Indices of the non-empty words by last character, longest first (sorted by character).
    by_last: Vec<(char, Vec<usize>)>,
    /// Index of an empty word (it is a prefix, suffix and part of every text).
    empty: Option<usize>,
}

impl WordList {
    pub fn new(words: Vec<String>) -> WordList {
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&words)
            .expect("a word list small enough for an automaton");
        let by_first = index_by(&words, |w| w.chars().next());
        let by_last = index_by(&words, |w| w.chars().next_back());
        let empty = words.iter().position(String::is_empty);
        WordList {
            words,
            automaton,
            by_first,
            by_last,
            empty,
        }
    }

    /// `self.iter().any(|w| hay.contains(w))`.
    pub fn contains_any(&self, hay: &str) -> bool {
        self.automaton.is_match(hay)
    }

    /// The longest word `hay` starts with:
    /// `self.iter().filter(|w| hay.starts_with(w)).max_by_key(|w| w.len())`.
    pub fn longest_prefix_of(&self, hay: &str) -> Option<&str> {
        let first = hay.chars().next();
        let found = first
            .and_then(|c| bucket(&self.by_first, c))
            .and_then(|ids| ids.iter().find(|&&i| hay.starts_with(&self.words[i])));
        self.word(found.copied().or(self.empty))
    }

    /// The longest word `hay` ends with that is shorter than `hay`:
    /// `self.iter().filter(|w| hay.ends_with(w) && hay.len() > w.len()).max_by_key(|w| w.len())`.
    pub fn longest_proper_suffix_of(&self, hay: &str) -> Option<&str> {
        let last = hay.chars().next_back();
        let found = last.and_then(|c| bucket(&self.by_last, c)).and_then(|ids| {
            ids.iter().find(|&&i| {
                let w = &self.words[i];
                hay.len() > w.len() && hay.ends_with(w.as_str())
            })
        });
        let empty = self.empty.filter(|_| !hay.is_empty());
        self.word(found.copied().or(empty))
    }

    /// The word whose last occurrence in `hay` starts last, with where it starts; of words
    /// starting there, the longest:
    /// `self.iter().filter_map(|w| hay.rfind(w).map(|at| (at, w))).max_by_key(|(at, w)| (at, w.len()))`.
    /// Walks back from the end of `hay`, so a word near the end is found at once.
    pub fn last_start_in(&self, hay: &str) -> Option<(usize, &str)> {
        if let Some(i) = self.empty {
            return Some((hay.len(), &self.words[i]));
        }
        hay.char_indices().rev().find_map(|(at, c)| {
            let ids = bucket(&self.by_first, c)?;
            let i = ids
                .iter()
                .find(|&&i| hay[at..].starts_with(&self.words[i]))?;
            Some((at, self.words[*i].as_str()))
        })
    }

    /// The word whose last occurrence in `hay` ends last; of words ending there, the longest:
    /// for each end from the right, `self.iter().filter(|w| hay[..end].ends_with(w)).max_by_key(|w| w.len())`.
    pub fn last_ending_in(&self, hay: &str) -> Option<&str> {
        // The first end tried is `hay.len()`, where an empty word always ends; a longer word
        // ending there wins over it.
        let at_end = |c: char| {
            bucket(&self.by_last, c)?
                .iter()
                .find(|&&i| hay.ends_with(self.words[i].as_str()))
                .copied()
        };
        if let Some(i) = self.empty {
            let longer = hay.chars().next_back().and_then(at_end);
            return self.word(longer.or(Some(i)));
        }
        let found = hay.char_indices().rev().find_map(|(at, c)| {
            let end = at + c.len_utf8();
            let ids = bucket(&self.by_last, c)?;
            ids.iter()
                .find(|&&i| hay[..end].ends_with(self.words[i].as_str()))
                .copied()
        });
        self.word(found)
    }

    /// The longest word `hay` contains (of equally long ones, the first in the list):
    /// `self.iter().filter(|w| hay.contains(w)).max_by_key(|w| w.len())`, ties to the first.
    pub fn longest_contained_in(&self, hay: &str) -> Option<&str> {
        let mut best: Option<usize> = None;
        for m in self.automaton.find_overlapping_iter(hay) {
            let i = m.pattern().as_usize();
            let better = best.is_none_or(|b| {
                let (len, best_len) = (self.words[i].len(), self.words[b].len());
                len > best_len || (len == best_len && i < b)
            });
            if better {
                best = Some(i);
            }
        }
        self.word(best)
    }

    /// Every occurrence of every non-empty word, overlapping ones included, as (word index,
    /// start byte), in no particular order: for word `i`, every `s` with
    /// `hay[s..].starts_with(&self[i])`. A word listed twice is reported under both indices.
    /// One pass over `hay` instead of one substring search per word.
    pub fn occurrences<'h>(&'h self, hay: &'h str) -> impl Iterator<Item = (usize, usize)> + 'h {
        self.automaton
            .find_overlapping_iter(hay)
            // An empty word matches everywhere, even inside characters: callers decide.
            .filter(|m| !m.is_empty())
            .map(|m| (m.pattern().as_usize(), m.start()))
    }

    fn word(&self, i: Option<usize>) -> Option<&str> {
        i.map(|i| self.words[i].as_str())
    }
}

/// The longest non-empty word of `words` that `s` ends with (`s` itself included).
pub fn ends_with_any<'w>(s: &str, words: &'w [String]) -> Option<&'w String> {
    words
        .iter()
        .filter(|w| !w.is_empty() && s.ends_with(w.as_str()))
        .max_by_key(|w| w.len())
}

/// Word indices grouped by the character `key` picks, each group longest word first.
fn index_by(words: &[String], key: impl Fn(&str) -> Option<char>) -> Vec<(char, Vec<usize>)> {
    let mut groups: Vec<(char, Vec<usize>)> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let Some(c) = key(w) else { continue };
        match groups.iter_mut().find(|(k, _)| *k == c) {
            Some((_, ids)) => ids.push(i),
            None => groups.push((c, vec![i])),
        }
    }
    for (_, ids) in &mut groups {
        // Stable: equally long words keep their order.
        ids.sort_by_key(|&i| std::cmp::Reverse(words[i].len()));
    }
    groups.sort_by_key(|(c, _)| *c);
    groups
}

fn bucket(groups: &[(char, Vec<usize>)], c: char) -> Option<&[usize]> {
    groups
        .binary_search_by_key(&c, |(k, _)| *k)
        .ok()
        .map(|i| groups[i].1.as_slice())
}

impl Default for WordList {
    fn default() -> WordList {
        WordList::new(Vec::new())
    }
}

impl Deref for WordList {
    type Target = [String];
    fn deref(&self) -> &[String] {
        &self.words
    }
}

impl<'a> IntoIterator for &'a WordList {
    type Item = &'a String;
    type IntoIter = std::slice::Iter<'a, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.words.iter()
    }
}

impl fmt::Debug for WordList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.words.fmt(f)
    }
}

impl<'de> Deserialize<'de> for WordList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<WordList, D::Error> {
        Vec::<String>::deserialize(d).map(WordList::new)
    }
}

impl<S: Into<String>> FromIterator<S> for WordList {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> WordList {
        WordList::new(iter.into_iter().map(Into::into).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // The word-by-word expressions the methods replace.

    fn naive_contains_any(words: &[String], hay: &str) -> bool {
        words.iter().any(|w| hay.contains(w.as_str()))
    }

    fn naive_longest_prefix<'w>(words: &'w [String], hay: &str) -> Option<&'w str> {
        words
            .iter()
            .filter(|w| hay.starts_with(w.as_str()))
            .max_by_key(|w| w.len())
            .map(String::as_str)
    }

    fn naive_longest_proper_suffix<'w>(words: &'w [String], hay: &str) -> Option<&'w str> {
        words
            .iter()
            .filter(|w| hay.ends_with(w.as_str()) && hay.len() > w.len())
            .max_by_key(|w| w.len())
            .map(String::as_str)
    }

    fn naive_last_start<'w>(words: &'w [String], hay: &str) -> Option<(usize, &'w str)> {
        words
            .iter()
            .filter_map(|w| hay.rfind(w.as_str()).map(|at| (at, w.as_str())))
            .max_by_key(|(at, w)| (*at, w.len()))
    }

    /// The loop `item_noun` ran: try every end from the right.
    fn naive_last_ending<'w>(words: &'w [String], hay: &str) -> Option<&'w str> {
        let mut end = hay.len();
        loop {
            let head = &hay[..end];
            if let Some(w) = words
                .iter()
                .filter(|w| head.ends_with(w.as_str()))
                .max_by_key(|w| w.len())
            {
                return Some(w);
            }
            end = head.char_indices().next_back()?.0;
        }
    }

    fn naive_longest_contained<'w>(words: &'w [String], hay: &str) -> Option<&'w str> {
        // `max_by_key` keeps the last of equal keys; reversing makes it the first in the list.
        words
            .iter()
            .rev()
            .filter(|w| hay.contains(w.as_str()))
            .max_by_key(|w| w.len())
            .map(String::as_str)
    }

    /// Every (word index, start) of every non-empty word, overlapping ones included, sorted.
    fn naive_occurrences(words: &[String], hay: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (i, w) in words.iter().enumerate().filter(|(_, w)| !w.is_empty()) {
            for s in 0..hay.len() {
                if hay.is_char_boundary(s) && hay[s..].starts_with(w.as_str()) {
                    out.push((i, s));
                }
            }
        }
        out
    }

    #[track_caller]
    fn check(words: &[&str], hay: &str) {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let list = WordList::new(words.clone());
        let ctx = format!("words {words:?} hay {hay:?}");
        assert_eq!(
            list.contains_any(hay),
            naive_contains_any(&words, hay),
            "{ctx}"
        );
        assert_eq!(
            list.longest_prefix_of(hay),
            naive_longest_prefix(&words, hay),
            "{ctx}"
        );
        assert_eq!(
            list.longest_proper_suffix_of(hay),
            naive_longest_proper_suffix(&words, hay),
            "{ctx}"
        );
        assert_eq!(
            list.last_start_in(hay),
            naive_last_start(&words, hay),
            "{ctx}"
        );
        assert_eq!(
            list.last_ending_in(hay),
            naive_last_ending(&words, hay),
            "{ctx}"
        );
        assert_eq!(
            list.longest_contained_in(hay),
            naive_longest_contained(&words, hay),
            "{ctx}"
        );
        let mut found: Vec<(usize, usize)> = list.occurrences(hay).collect();
        found.sort_unstable();
        assert_eq!(found, naive_occurrences(&words, hay), "{ctx}");
    }

    #[test]
    fn tricky_cases_match_the_word_by_word_search() {
        let lists: [&[&str]; 6] = [
            &[],
            &[""],
            &["建议", "提案", "意见", "批评", "议案"],
            &[
                "满意",
                "基本满意",
                "不满意",
                "满意和基本满意",
                "满意或基本满意",
            ],
            &["单独办理", "单独", "办理", "主办", "主办", "理"],
            &["a", "ab", "b", "", "ba", "𝟙", "𝟙a"],
        ];
        let hays = [
            "",
            "a",
            "ab",
            "建议",
            "议案建议",
            "代表建议和政协提案中的意见",
            "表示满意和基本满意的",
            "基本满意或不满意",
            "由主办单位单独办理",
            "单独办理理",
            "aba𝟙a",
            "𝟙",
        ];
        for words in lists {
            for hay in hays {
                check(words, hay);
            }
        }
    }

    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "", "a", "b", "ab", "建", "议", "建议", "案", "议案", "满意", "基本", "不", "和", "𝟙",
            "é",
        ])
    }

    proptest! {
        #[test]
        fn random_lists_match_the_word_by_word_search(
            words in prop::collection::vec(piece(), 0..6),
            hays in prop::collection::vec(prop::collection::vec(piece(), 0..12), 1..6),
        ) {
            for hay in hays {
                check(&words, &hay.concat());
            }
        }
    }
}
