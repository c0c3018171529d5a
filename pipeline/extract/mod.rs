//! Stage 2, extract: every statistic in a [`Document`] with its provenance.
//!
//! One regex pass finds every quantity (`N件`, `N份`, `N%` …); a small grammar then decides what
//! each counted clause is (total, outcome category, topic, role, satisfaction count, …) from the
//! words around it, using the vocabularies in `datasets/rules/extract.toml`. Rates, tables and
//! named items have their own passes. Nothing is specific to a city: a quantity that looks like a
//! statistic but fits no rule becomes an `unparsed_statistic` finding instead of vanishing.

mod channels;
mod clauses;
mod han;
mod items;
mod proposer_scan;
mod quantity;
mod rate_scan;
mod rates;
mod tables;

pub use channels::{CPPCC, NPC, channel_fact};

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::{Captures, Regex};

use crate::model::{Document, Evidence, Extraction, Span};
use crate::numbers::parse_arabic;
use crate::rules::{ExtractRules, Rules, WordList, ends_with_any};
use quantity::quantity_matches;

/// What a quantity counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QUnit {
    /// 件: items (suggestions, proposals, bills).
    Item,
    /// 件次: item-answers (one item answered by several units counts several times).
    ItemTimes,
    /// 份: forms.
    Form,
    /// 位/名/人: people.
    Person,
    /// 家/个/项: units, projects.
    Other,
    Percent,
}

/// A number with its unit, as found in the normalized text (byte offsets).
#[derive(Debug, Clone)]
pub struct Qty {
    pub start: usize,
    pub end: usize,
    pub num_start: usize,
    pub num_end: usize,
    /// The number as printed (`7.70`, `1,284`).
    pub text: String,
    pub value: f64,
    pub unit: QUnit,
    /// `超过90%`, `98%以上`.
    pub lower_bound: bool,
}

/// Hard clause boundaries: a label never extends across these.
pub(crate) fn is_hard_boundary(c: char) -> bool {
    matches!(
        c,
        '。' | ';' | ':' | '\n' | '!' | '?' | '！' | '？' | '；' | '：'
    )
}

/// Longest stretch (bytes) on either side of a value that counts as its sentence.
pub const MAX_SENTENCE_BYTES: usize = 900;

/// Shared state for one document's extraction.
pub struct Ctx<'a> {
    pub doc: &'a Document,
    pub text: &'a str,
    pub rules: &'a ExtractRules,
    pub all: &'a Rules,
    pub qtys: Vec<Qty>,
    /// Numbers that look like statistics but cannot be one: overflowing counts, negative shares.
    pub rejected: Vec<(usize, usize, &'static str)>,
    /// Byte ranges of sentences.
    pub sentences: Vec<(usize, usize)>,
    /// Per quantity: its sentence holds more quantities than prose ever does (garbage or an
    /// adversarial input); such quantities are reported, not parsed, to keep the work linear.
    pub dense: Vec<bool>,
    orig_chars: CharOffsets,
    /// [`code_definitions`], computed on first use (clauses and every table need it).
    definitions: OnceCell<HashMap<String, (usize, usize)>>,
    /// The last evidence sentence: its original span and text. Quantities of one sentence
    /// follow each other, and each evidence of theirs prints the same sentence.
    last_sentence: RefCell<Option<(Span, String)>>,
}

impl<'a> Ctx<'a> {
    pub fn new(doc: &'a Document, rules: &'a Rules) -> Ctx<'a> {
        let text = doc.text.text.as_str();
        let (qtys, rejected) = scan_quantities(text);
        let sentences = rejoin_split_numbers(split_sentences(text), &qtys);
        let dense = dense_quantities(&qtys, &sentences);
        let orig_chars = CharOffsets::new(&doc.original);
        Ctx {
            doc,
            text,
            rules: &rules.extract,
            all: rules,
            qtys,
            rejected,
            sentences,
            dense,
            orig_chars,
            definitions: OnceCell::new(),
            last_sentence: RefCell::new(None),
        }
    }

    /// Byte range of the sentence containing byte `pos`, clipped to [`MAX_SENTENCE_BYTES`]
    /// around `pos` so that a report with no sentence ends (one giant line) stays linear.
    pub fn sentence_of(&self, pos: usize) -> (usize, usize) {
        let i = self.sentences.partition_point(|(_, e)| *e <= pos);
        let (s, e) = self.sentences.get(i).copied().unwrap_or((pos, pos));
        let s = s.max(
            self.text
                .floor_char_boundary(pos.saturating_sub(MAX_SENTENCE_BYTES)),
        );
        let e = e.min(
            self.text
                .ceil_char_boundary((pos + MAX_SENTENCE_BYTES).min(self.text.len())),
        );
        (s, e.max(s))
    }

    /// Byte range of the paragraph (between line breaks) containing byte `pos`, clipped like
    /// [`Ctx::sentence_of`].
    pub fn paragraph_of(&self, pos: usize) -> (usize, usize) {
        let pos = pos.min(self.text.len());
        let lo = self
            .text
            .floor_char_boundary(pos.saturating_sub(4 * MAX_SENTENCE_BYTES));
        let hi = self
            .text
            .ceil_char_boundary((pos + 4 * MAX_SENTENCE_BYTES).min(self.text.len()));
        let s = self.text[lo..pos]
            .rfind('\n')
            .map(|i| lo + i + 1)
            .unwrap_or(lo);
        let e = self.text[pos..hi].find('\n').map(|i| pos + i).unwrap_or(hi);
        (s, e)
    }

    pub fn char_span(&self, start: usize, end: usize) -> Span {
        let t = &self.doc.text;
        Span::new(t.char_at_byte(start), t.char_at_byte(end))
    }

    /// Original text of a normalized byte range, line breaks removed.
    ///
    /// When normalization dropped something inside the range (a page-number line between two
    /// halves of a label), only the original characters behind the kept ones are returned.
    pub fn original_of(&self, start: usize, end: usize) -> String {
        let span = self.char_span(start, end);
        let o = self.doc.text.orig_span(span);
        if o.end - o.start <= (span.end - span.start) + 2 {
            return self.original_chars(o);
        }
        // Character by character: each kept character's original, line breaks dropped.
        let original = self.doc.original.as_str();
        let mut out = String::new();
        let mut last = None;
        let mut cursor = None;
        for i in span.start..span.end {
            let Some(&oi) = self.doc.text.origin.get(i as usize) else {
                break;
            };
            if last == Some(oi) {
                continue;
            }
            last = Some(oi);
            let at = self.orig_chars.byte_of_near(original, oi as usize, cursor);
            cursor = Some((oi as usize, at));
            if let Some(c) = original.get(at..).and_then(|r| r.chars().next())
                && c != '\n'
                && c != '\r'
            {
                out.push(c);
            }
        }
        out
    }

    fn original_chars(&self, o: Span) -> String {
        without_line_breaks(self.original_str(o))
    }

    /// The original text behind an original character span.
    fn original_str(&self, o: Span) -> &'a str {
        let original = self.doc.original.as_str();
        let b = |i: u32| self.orig_chars.byte_of(original, i as usize);
        original.get(b(o.start)..b(o.end)).unwrap_or("")
    }

    /// Provenance for the normalized byte range `[start, end)`.
    /// The 1-based line of the original text holding original character `orig`.
    fn line_of_orig(&self, orig: u32) -> u32 {
        1 + self.orig_chars.newlines.partition_point(|n| *n < orig) as u32
    }

    /// The 1-based original line of normalized byte `pos`.
    pub fn line_of(&self, pos: usize) -> u32 {
        let span = self.char_span(pos, pos);
        self.line_of_orig(self.doc.text.orig_span(span).start)
    }

    pub fn evidence(&self, start: usize, end: usize, rule: &str) -> Evidence {
        let span = self.char_span(start, end);
        let orig = self.doc.text.orig_span(span);
        let (ss, se) = self.sentence_of(start);
        let sent_orig = self.doc.text.orig_span(self.char_span(ss, se.max(end)));
        let line = self.line_of_orig(orig.start);
        Evidence {
            span,
            orig,
            sentence: self.sentence_text(sent_orig),
            line,
            rule: rule.to_string(),
        }
    }

    /// The original text of a sentence span, trimmed, line breaks removed; the last one is
    /// kept and copied when asked again.
    fn sentence_text(&self, sent_orig: Span) -> String {
        let mut last = self.last_sentence.borrow_mut();
        if let Some((span, text)) = last.as_ref()
            && *span == sent_orig
        {
            return text.clone();
        }
        // Trimming first gives the same text: line breaks are whitespace themselves.
        let text = without_line_breaks(self.original_str(sent_orig).trim());
        *last = Some((sent_orig, text.clone()));
        text
    }

    /// Byte offset of a normalized character index.
    pub fn text_byte(&self, ch: u32) -> usize {
        self.doc.text.byte_at_char(ch as usize)
    }

    pub fn contains_any(&self, s: &str, words: &WordList) -> bool {
        words.contains_any(s)
    }
}

/// `s` without `\n` and `\r`, copied a stretch at a time: both are ASCII, so every stretch
/// between them is whole characters.
fn without_line_breaks(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = skip_to(rest.as_bytes(), 0, |b| (b == b'\n') | (b == b'\r')) {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out
}

/// Byte offsets of the characters of a text, from a checkpoint every [`CHECKPOINT_CHARS`]
/// characters (an offset per character of every report took longer to build than all lookups
/// together), and the character index of every `\n`.
struct CharOffsets {
    checkpoints: Vec<u32>,
    chars: usize,
    newlines: Vec<u32>,
}

const CHECKPOINT_CHARS: usize = 64;

/// Bytes [`CharOffsets::new`] looks at together: one bit each in a `u32` mask.
const BLOCK: usize = 32;

/// Bit `j` set where byte `j` of a [`BLOCK`]-byte block starts a character. Eight bytes at a
/// time in a `u64`: a continuation byte (`10xxxxxx`) has its top bit set and the next one clear,
/// and one multiplication gathers the eight top bits into a byte (the compiler does not turn a
/// byte-by-byte fold into vector instructions).
fn char_start_mask(block: &[u8; BLOCK]) -> u32 {
    const TOP: u64 = 0x8080_8080_8080_8080;
    const GATHER: u64 = 0x0102_0408_1020_4080;
    let (words, _) = block.as_chunks::<8>();
    words.iter().enumerate().fold(0, |m, (k, w)| {
        let x = u64::from_le_bytes(*w);
        let starts = !(x & !(x << 1)) & TOP;
        let bits = ((starts >> 7).wrapping_mul(GATHER) >> 56) as u32;
        m | (bits << (8 * k))
    })
}

/// How many bytes of a [`BLOCK`]-byte block start a character: `char_start_mask(block)
/// .count_ones()` without the mask (the target has no population-count instruction). The
/// continuation bytes of each `u64` leave a 1 in the low bit of their byte; the bytes of the
/// four words are added lane by lane (at most 4 each) and one multiplication sums the lanes.
fn char_start_count(block: &[u8; BLOCK]) -> usize {
    const TOP: u64 = 0x8080_8080_8080_8080;
    const LANES: u64 = 0x0101_0101_0101_0101;
    let (words, _) = block.as_chunks::<8>();
    let continuations = words.iter().fold(0u64, |sum, w| {
        let x = u64::from_le_bytes(*w);
        sum + (((x & !(x << 1)) & TOP) >> 7)
    });
    BLOCK - (continuations.wrapping_mul(LANES) >> 56) as usize
}

/// Position of the set bit of `m` that has `n` set bits below it; callers ensure `m` has more
/// than `n` set bits (32 otherwise).
fn nth_set_bit(m: u32, n: usize) -> usize {
    let rest = (0..n).fold(m, |m, _| m & m.wrapping_sub(1));
    rest.trailing_zeros() as usize
}

impl CharOffsets {
    /// One pass over the bytes: a character starts at every byte that is not a UTF-8
    /// continuation byte, and `\n` is never part of a multi-byte character.
    fn new(s: &str) -> CharOffsets {
        let bytes = s.as_bytes();
        let mut checkpoints = Vec::with_capacity(s.len() / CHECKPOINT_CHARS + 1);
        let mut newlines = Vec::new();
        let mut chars = 0usize;
        let (blocks, tail) = bytes.as_chunks::<BLOCK>();
        let mut next_newline = skip_to(bytes, 0, is_newline);
        for (n, block) in blocks.iter().enumerate() {
            let at = n * BLOCK;
            let starts = char_start_mask(block);
            let count = starts.count_ones() as usize;
            // A block holds fewer characters than a checkpoint interval, so at most one
            // checkpoint: the character that brings the count to a multiple of the interval.
            let r = chars % CHECKPOINT_CHARS;
            let before = (CHECKPOINT_CHARS - r) % CHECKPOINT_CHARS;
            if before < count {
                checkpoints.push((at + nth_set_bit(starts, before)) as u32);
            }
            // Line breaks are rare: found with a vectorized skip, counted within their block.
            while let Some(nl) = next_newline.filter(|&nl| nl < at + BLOCK) {
                let below = starts & ((1u32 << (nl - at)) - 1);
                newlines.push((chars + below.count_ones() as usize) as u32);
                next_newline = skip_to(bytes, nl + 1, is_newline);
            }
            chars += count;
        }
        // The last partial block, a byte at a time.
        let tail_at = bytes.len() - tail.len();
        for (j, &b) in tail.iter().enumerate() {
            if is_utf8_continuation(b) {
                continue;
            }
            if chars % CHECKPOINT_CHARS == 0 {
                checkpoints.push((tail_at + j) as u32);
            }
            if b == b'\n' {
                newlines.push(chars as u32);
            }
            chars += 1;
        }
        CharOffsets {
            checkpoints,
            chars,
            newlines,
        }
    }

    /// The byte-at-a-time construction [`CharOffsets::new`] replaces, kept as its test oracle.
    #[cfg(test)]
    fn new_by_bytes(s: &str) -> CharOffsets {
        let mut checkpoints = Vec::new();
        let mut newlines = Vec::new();
        let mut chars = 0usize;
        for (i, &b) in s.as_bytes().iter().enumerate() {
            if is_utf8_continuation(b) {
                continue;
            }
            if chars % CHECKPOINT_CHARS == 0 {
                checkpoints.push(i as u32);
            }
            if b == b'\n' {
                newlines.push(chars as u32);
            }
            chars += 1;
        }
        CharOffsets {
            checkpoints,
            chars,
            newlines,
        }
    }

    /// [`CharOffsets::byte_of`], walking on from `cursor` (a character index and its byte
    /// offset) when `ch` is a little after it, as consecutive lookups usually are.
    fn byte_of_near(&self, s: &str, ch: usize, cursor: Option<(usize, usize)>) -> usize {
        match cursor {
            Some((cc, cb)) if ch >= cc && ch - cc < CHECKPOINT_CHARS && ch < self.chars => {
                nth_char_from(s, cb, ch - cc).unwrap_or(s.len())
            }
            _ => self.byte_of(s, ch),
        }
    }

    /// Byte offset of character `ch` of `s` (the text this was built from); `s.len()` past the end.
    fn byte_of(&self, s: &str, ch: usize) -> usize {
        if ch >= self.chars {
            return s.len();
        }
        let Some(&cp) = self.checkpoints.get(ch / CHECKPOINT_CHARS) else {
            return s.len();
        };
        nth_char_from(s, cp as usize, ch % CHECKPOINT_CHARS).unwrap_or(s.len())
    }
}

/// Byte offset of character `n` (0-based) of `s[from..]`, `from` being a character boundary;
/// `None` past the end: `s[from..].char_indices().nth(n)`, counting the bytes that start a
/// character a [`BLOCK`] at a time instead of decoding each character.
fn nth_char_from(s: &str, from: usize, mut n: usize) -> Option<usize> {
    let bytes = s.as_bytes().get(from..)?;
    let (blocks, tail) = bytes.as_chunks::<BLOCK>();
    for (k, block) in blocks.iter().enumerate() {
        let count = char_start_count(block);
        if n < count {
            return Some(from + k * BLOCK + nth_set_bit(char_start_mask(block), n));
        }
        n -= count;
    }
    let tail_at = from + bytes.len() - tail.len();
    tail.iter()
        .enumerate()
        .filter(|(_, b)| !is_utf8_continuation(**b))
        .nth(n)
        .map(|(j, _)| tail_at + j)
}

/// Offset of the first byte at or after `from` for which `interesting` holds. Blocks of 16
/// bytes without one are skipped with a test over the whole block, which the compiler turns
/// into vector instructions (`interesting` should avoid `&&`/`||` for that).
pub(crate) fn skip_to(
    bytes: &[u8],
    from: usize,
    interesting: impl Fn(u8) -> bool,
) -> Option<usize> {
    let mut i = from;
    while let Some(block) = bytes.get(i..i + 16) {
        if block.iter().fold(false, |any, &b| any | interesting(b)) {
            break;
        }
        i += 16;
    }
    bytes
        .get(i..)?
        .iter()
        .position(|&b| interesting(b))
        .map(|p| i + p)
}

/// Offset of the last byte in `from..to` for which `interesting` holds: [`skip_to`] from the
/// right, skipping blocks of 16 bytes without one.
pub(crate) fn skip_back_to(
    bytes: &[u8],
    from: usize,
    to: usize,
    interesting: impl Fn(u8) -> bool,
) -> Option<usize> {
    let to = to.min(bytes.len());
    let mut i = to;
    while i >= from + 16 {
        if bytes[i - 16..i]
            .iter()
            .fold(false, |any, &b| any | interesting(b))
        {
            break;
        }
        i -= 16;
    }
    bytes
        .get(from..i)?
        .iter()
        .rposition(|&b| interesting(b))
        .map(|p| from + p)
}

fn is_newline(b: u8) -> bool {
    b == b'\n'
}

fn is_utf8_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

type Rejected = Vec<(usize, usize, &'static str)>;

fn scan_quantities(text: &str) -> (Vec<Qty>, Rejected) {
    let mut qtys = Vec::new();
    let mut rejected = Vec::new();
    for m in quantity_matches(text) {
        let num = &text[m.start..m.num_end];
        let unit_s = &text[m.unit_start..m.end];
        let unit = match unit_s {
            // Some reports count suggestions in 条.
            "件" | "万件" | "条" => QUnit::Item,
            "件次" => QUnit::ItemTimes,
            "份" => QUnit::Form,
            "位" | "名" | "人" => QUnit::Person,
            "家" | "个" | "项" => QUnit::Other,
            _ => QUnit::Percent,
        };
        // A digit glued to a letter or another number is an id or a date, not a quantity.
        let before = text[..m.start].chars().next_back();
        if unit == QUnit::Percent
            && before == Some('-')
            && !text[..m.start - 1].ends_with(|c: char| c.is_ascii_digit())
        {
            rejected.push((m.start - 1, m.end, "negative percentage"));
            continue;
        }
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == '.' || b == '-' || b == '/') {
            continue;
        }
        // `83。7%`: a full stop typed for the decimal point of a share.
        let (start, num) = match stop_as_decimal_point(text, m.start, num, unit) {
            Some((start, joined)) => (start, std::borrow::Cow::Owned(joined)),
            None => (m.start, std::borrow::Cow::Borrowed(num)),
        };
        let Some(mut value) = parse_number(&num) else {
            rejected.push((m.start, m.end, "number too large to be a count or share"));
            continue;
        };
        if unit_s == "万件" {
            value *= 1e4;
        }
        if unit != QUnit::Percent && value >= 1e12 {
            rejected.push((m.start, m.end, "number too large to be a count"));
            continue;
        }
        let lower_bound = unit == QUnit::Percent
            && (text[..m.start].ends_with("超过")
                || text[..m.start].ends_with("高于")
                || text[m.end..].starts_with("以上"));
        qtys.push(Qty {
            start,
            end: m.end,
            num_start: start,
            num_end: m.num_end,
            text: num.into_owned(),
            value,
            unit,
            lower_bound,
        });
    }
    (qtys, rejected)
}

/// `83。7%`: when the digits of a share follow `。` right after one to three ASCII digits (with
/// no number before them), the start of those digits and the share as `83.7`.
fn stop_as_decimal_point(
    text: &str,
    start: usize,
    num: &str,
    unit: QUnit,
) -> Option<(usize, String)> {
    if unit != QUnit::Percent || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let before = text[..start].strip_suffix('。')?;
    let int_len = before.bytes().rev().take_while(u8::is_ascii_digit).count();
    let int_start = before.len() - int_len;
    let glued = before[..int_start]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ',' | '-' | '/'));
    ((1..=3).contains(&int_len) && !glued)
        .then(|| (int_start, format!("{}.{num}", &before[int_start..])))
}

/// [`parse_arabic`], with a shortcut for the common plain integer: up to 15 ASCII digits are
/// exact in an `f64`, so converting the integer gives the same value as parsing the text.
fn parse_number(num: &str) -> Option<f64> {
    if (1..=15).contains(&num.len()) && num.bytes().all(|b| b.is_ascii_digit()) {
        return num.parse::<u64>().ok().map(|v| v as f64);
    }
    parse_arabic(num)
}

/// More counted quantities than this in one sentence is not prose.
pub const MAX_QUANTITIES_PER_SENTENCE: usize = 120;

fn dense_quantities(qtys: &[Qty], sentences: &[(usize, usize)]) -> Vec<bool> {
    let mut per_sentence = vec![0usize; sentences.len()];
    let index: Vec<usize> = qtys
        .iter()
        .map(|q| {
            sentences
                .partition_point(|(_, e)| *e <= q.start)
                .min(sentences.len().saturating_sub(1))
        })
        .collect();
    for &i in &index {
        if let Some(n) = per_sentence.get_mut(i) {
            *n += 1;
        }
    }
    index
        .iter()
        .map(|&i| per_sentence.get(i).copied().unwrap_or(0) > MAX_QUANTITIES_PER_SENTENCE)
        .collect()
}

/// `立案率83。7%`: a sentence end inside a quantity's number (a full stop typed for the decimal
/// point, see [`stop_as_decimal_point`]) joins the sentences on either side.
fn rejoin_split_numbers(mut sentences: Vec<(usize, usize)>, qtys: &[Qty]) -> Vec<(usize, usize)> {
    // Only such a number's text differs in length from its span.
    for q in qtys
        .iter()
        .filter(|q| q.num_end - q.num_start != q.text.len())
    {
        let i = sentences.partition_point(|(_, e)| *e <= q.num_start);
        if i + 1 < sentences.len() && sentences[i].1 < q.num_end {
            sentences[i].1 = sentences[i + 1].1;
            sentences.remove(i + 1);
        }
    }
    sentences
}

/// Byte ranges of the sentences of `text`, each ending after a `。`, `！`, `？`, `!`, `?` or `\n`.
/// Scans bytes: each end starts with an ASCII byte or a lead byte, never with a continuation
/// byte, so no match can begin inside another character.
fn split_sentences(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(at) = next_sentence_end(bytes, i) {
        let len = sentence_end_len(&bytes[at..]);
        if len == 0 {
            i = at + 1;
            continue;
        }
        let end = at + len;
        if end > start {
            out.push((start, end));
        }
        start = end;
        i = end;
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

/// Offset of the first sentence end at or after `from`. Blocks of 16 positions are tested at
/// once on the three bytes starting at each (without short-circuits, so the test vectorizes):
/// `、` and `《》` share `。`'s first byte, so a one-byte test stops far too often.
fn next_sentence_end(bytes: &[u8], from: usize) -> Option<usize> {
    const BLOCK: usize = 16;
    let mut i = from;
    while let Some(w) = bytes.get(i..i + BLOCK + 2) {
        let any = (0..BLOCK).fold(false, |any, j| {
            let (a, b, c) = (w[j], w[j + 1], w[j + 2]);
            any | (a == b'\n')
                | (a == b'!')
                | (a == b'?')
                | ((a == 0xE3) & (b == 0x80) & (c == 0x82))
                | ((a == 0xEF) & (b == 0xBC) & ((c == 0x81) | (c == 0x9F)))
        });
        if any {
            break;
        }
        i += BLOCK;
    }
    (i..bytes.len()).find(|&j| sentence_end_len(&bytes[j..]) > 0)
}

/// Length of the sentence-ending character at the start of `b`, 0 when there is none.
fn sentence_end_len(b: &[u8]) -> usize {
    match b {
        [b'\n' | b'!' | b'?', ..] => 1,
        // 。 U+3002, ！ U+FF01, ？ U+FF1F
        [0xE3, 0x80, 0x82, ..] | [0xEF, 0xBC, 0x81 | 0x9F, ..] => 3,
        _ => 0,
    }
}

/// Extract every statistic from one document.
pub fn extract(doc: &Document, rules: &Rules) -> Extraction {
    let ctx = Ctx::new(doc, rules);
    let mut ex = Extraction::default();
    let mut used = ctx.dense.clone();
    report_dense(&ctx, &mut ex);
    set_aside_previous_period(&ctx, &mut ex, &mut used);
    rates::extract_rates(&ctx, &mut ex, &mut used);
    tables::extract_tables(&ctx, &mut ex);
    clauses::extract_clauses(&ctx, &mut ex, &mut used);
    clauses::sum_roles_over_channels(&ctx, &mut ex);
    items::extract_items(&ctx, &mut ex);
    channels::scope_categories(&ctx, &mut ex);
    set_aside_subset_schemes(&ctx, &mut ex);
    clauses::report_unparsed(&ctx, &mut ex, &used);
    rates::merge_restated_rates(&ctx, &mut ex);
    report_rejected(&ctx, &mut ex);
    for (i, c) in ex.categories.iter_mut().enumerate() {
        c.position = i as u32;
    }
    for f in &mut ex.findings {
        f.doc_id = Some(doc.doc_id.clone());
    }
    ex
}

/// A lone outcome-like count in narrative (`督促解决各类问题126件`) is not an outcome scheme: a
/// real category comes with a code, a share, or sibling categories in its sentence. Such counts
/// become findings instead.
pub(crate) fn drop_isolated_categories(ctx: &Ctx, ex: &mut Extraction) {
    // Siblings: other categories starting within a few sentences (schemes are listed together).
    const NEAR: usize = 600;
    let starts: Vec<usize> = ex
        .categories
        .iter()
        .map(|c| ctx.text_byte(c.evidence.span.start))
        .collect();
    // In a coded scheme (two or more coded categories), an uncoded count without a share is
    // narrative (`推动落实民生实事20件`), not a category.
    let coded = ex.categories.iter().filter(|c| c.code.is_some()).count();
    // `(一)已落实的18件。…(二)正在办理的9件。`: headings of one enumerated list are siblings
    // however much narrative stands between them.
    const ENUMERATED_NEAR: usize = 8000;
    let enumerated: Vec<bool> = starts
        .iter()
        .map(|&s| opens_enumerated_line(ctx.text, s))
        .collect();
    let mut keep = Vec::with_capacity(ex.categories.len());
    let mut new_index: Vec<Option<u32>> = Vec::with_capacity(ex.categories.len());
    for (i, c) in ex.categories.drain(..).enumerate() {
        let siblings = starts
            .iter()
            .enumerate()
            .filter(|(j, s)| {
                *j != i
                    && (s.abs_diff(starts[i]) < NEAR
                        || enumerated[i]
                            && enumerated[*j]
                            && s.abs_diff(starts[i]) < ENUMERATED_NEAR)
            })
            .count();
        let stray_in_coded_scheme = coded >= 2 && c.code.is_none() && c.pct_stated.is_none();
        let supported = (c.code.is_some() || c.pct_stated.is_some() || siblings > 0)
            && !stray_in_coded_scheme
            || c.evidence.rule.starts_with("table")
            || c.provenance != crate::model::Provenance::Extracted;
        if supported {
            new_index.push(Some(keep.len() as u32));
            keep.push(c);
        } else {
            new_index.push(None);
            push_info(
                ctx,
                &mut ex.findings,
                "isolated_outcome_count",
                c.evidence.line,
                format!(
                    "{} {:?}件 at line {} looks like an outcome but stands alone (no code, share or sibling categories); not counted as a category",
                    c.label_zh, c.count, c.evidence.line
                ),
            );
        }
    }
    drop_recaps(ctx, &mut keep, &mut new_index, ex);
    drop_restatements(ctx, &mut keep, &mut new_index, ex);
    set_aside_key_item_schemes(ctx, &mut keep, &mut new_index, ex);
    renumber_parents(&mut keep, &new_index);
    ex.categories = keep;
}

/// Whether only a list marker (`(一)`, `二、`) stands between the start of the line holding `pos`
/// and `pos`.
fn opens_enumerated_line(text: &str, pos: usize) -> bool {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let head = text[line_start..pos].trim();
    !head.is_empty() && clauses::enumerator_len(head) == head.len()
}

/// Nesting refers to positions: renumber after removals (`new_index`: old position → new).
fn renumber_parents(keep: &mut [crate::model::Category], new_index: &[Option<u32>]) {
    for c in keep {
        c.parent = c
            .parent
            .and_then(|p| new_index.get(p as usize).copied().flatten());
    }
}

/// `由党群政法系统承办的有57件,…已得到解决的A类件有45件,占79%;…B类件有12件,占21%` after the
/// report's A/B/C scheme: codes that start over within one channel open a second scheme. When it
/// classifies fewer items than the first, and those items are stated before it or its shares are
/// of its own sum, it is a subset's scheme; pooled with the main one, its items would count
/// twice, so it is set aside with a finding.
fn set_aside_subset_schemes(ctx: &Ctx, ex: &mut Extraction) {
    let cats = &ex.categories;
    let top = |c: &&crate::model::Category| c.parent.is_none();
    let Some(restart) = cats.iter().enumerate().position(|(i, c)| {
        c.parent.is_none()
            && c.code.is_some()
            && cats[..i]
                .iter()
                .filter(top)
                .any(|d| d.code == c.code && d.channel == c.channel)
    }) else {
        return;
    };
    let channel = cats[restart].channel.clone();
    let same_channel = |c: &&crate::model::Category| c.channel == channel;
    let counts = |from: &[crate::model::Category]| -> i64 {
        from.iter()
            .filter(top)
            .filter(same_channel)
            .filter_map(|c| c.count)
            .sum()
    };
    let (main, sub) = (counts(&cats[..restart]), counts(&cats[restart..]));
    if sub == 0 || sub >= main {
        return;
    }
    let own_shares = cats[restart..].iter().filter(top).filter(same_channel).all(|c| {
        matches!((c.count, c.pct_stated), (Some(n), Some(p)) if (n as f64 * 100.0 / sub as f64 - p).abs() <= 1.0)
    });
    let first = ctx.text_byte(cats[restart].evidence.span.start);
    let reach = ctx.text.floor_char_boundary(first.saturating_sub(90));
    let stated = ctx.qtys.iter().any(|q| {
        q.unit == QUnit::Item && q.start >= reach && q.end <= first && q.value as i64 == sub
    });
    if !(own_shares || stated) {
        return;
    }
    let n = ex.categories.len();
    let mut keep = std::mem::take(&mut ex.categories);
    let mut new_index: Vec<Option<u32>> = (0..n as u32).map(Some).collect();
    let mut flags = keep
        .iter()
        .enumerate()
        .map(|(i, c)| i >= restart && c.channel == channel)
        .collect::<Vec<bool>>()
        .into_iter();
    set_aside_kept(
        ctx,
        &mut keep,
        &mut new_index,
        ex,
        "subset_scheme",
        "classifies a subset of the items again, after the report's main scheme",
        |_, _| flags.next().unwrap_or(false),
    );
    renumber_parents(&mut keep, &new_index);
    ex.categories = keep;
}

/// Remove kept category `i`: its position is gone, and those after it shift down by one.
fn remove_kept(
    keep: &mut Vec<crate::model::Category>,
    new_index: &mut [Option<u32>],
    i: usize,
) -> crate::model::Category {
    for slot in new_index.iter_mut() {
        *slot = match *slot {
            Some(p) if p as usize == i => None,
            Some(p) if p as usize > i => Some(p - 1),
            other => other,
        };
    }
    keep.remove(i)
}

/// The start of the sentence a category's evidence starts in.
fn category_sentence(ctx: &Ctx, c: &crate::model::Category) -> usize {
    ctx.sentence_of(ctx.text_byte(c.evidence.span.start)).0
}

/// `对正在解决和列入计划的180件建议建立跟踪台账` after `正在解决116件、列入计划64件`: an
/// uncoded, share-less count in a later sentence that equals the sum of two or more consecutive
/// earlier categories restates them; it is no category of its own. With a `recap_words` word
/// (`两项合计189件,占60.6%`) a share does not make it one either.
fn drop_recaps(
    ctx: &Ctx,
    keep: &mut Vec<crate::model::Category>,
    new_index: &mut [Option<u32>],
    ex: &mut Extraction,
) {
    let sentence = |c: &crate::model::Category| category_sentence(ctx, c);
    let is_recap = |i: usize, keep: &[crate::model::Category]| {
        let c = &keep[i];
        let marked = ctx.rules.recap_words.contains_any(&c.label_norm);
        let Some(n) = c
            .count
            .filter(|_| c.code.is_none() && (c.pct_stated.is_none() || marked))
        else {
            return false;
        };
        let own = sentence(c);
        (0..i).any(|from| {
            (from + 2..=i).any(|to| {
                // `to >= from + 2`: a run of two or more.
                let run = &keep[from..to];
                run.iter()
                    .all(|r| r.parent.is_none() && r.count.is_some() && sentence(r) < own)
                    && run.iter().filter_map(|r| r.count).sum::<i64>() == n
            })
        })
    };
    set_aside_kept(
        ctx,
        keep,
        new_index,
        ex,
        "recap_of_categories",
        "restates the sum of categories listed before it",
        is_recap,
    );
}

/// `其中,共有108件建议已经解决或采纳` before `已经解决或者采纳的有108件,占46.3%;列入计划…`, or
/// `将对列入计划的103件提案开展跟踪督办` after the scheme: an uncoded count alone in its sentence
/// that equals a category listed with others in another sentence (and its share, if it prints
/// one), and shares outcome wording with it, restates that category; it is no category of its own.
fn drop_restatements(
    ctx: &Ctx,
    keep: &mut Vec<crate::model::Category>,
    new_index: &mut [Option<u32>],
    ex: &mut Extraction,
) {
    let sentence = |c: &crate::model::Category| category_sentence(ctx, c);
    let shares_wording = |a: &str, b: &str| {
        let words = &ctx.rules.outcome_words;
        words
            .occurrences(a)
            .any(|(w, _)| b.contains(words[w].as_str()))
    };
    let is_restatement = |i: usize, keep: &[crate::model::Category]| {
        let c = &keep[i];
        if c.code.is_some() || c.parent.is_some() || c.count.is_none() {
            return false;
        }
        let own = sentence(c);
        let in_sentence = |s: usize| keep.iter().filter(|o| sentence(o) == s).count();
        in_sentence(own) == 1
            && keep.iter().enumerate().any(|(j, d)| {
                j != i
                    && d.count == c.count
                    // A share it prints is the same share (`(一)已经落实的68件,占85%`).
                    && c.pct_stated.is_none_or(|p| d.pct_stated == Some(p))
                    && in_sentence(sentence(d)) >= 2
                    && shares_wording(&c.label_norm, &d.label_norm)
            })
    };
    set_aside_kept(
        ctx,
        keep,
        new_index,
        ex,
        "restated_category",
        "restates a category of the scheme listed in another sentence",
        is_restatement,
    );
}

/// `15件重点提案中,已解决或基本解决的11件,其余4件已列入…计划`: the outcomes of the key items
/// alone, a subset of the items the main scheme already classifies. Pooled with it, the
/// subset's items would count twice; they are set aside with a finding.
fn set_aside_key_item_schemes(
    ctx: &Ctx,
    keep: &mut Vec<crate::model::Category>,
    new_index: &mut [Option<u32>],
    ex: &mut Extraction,
) {
    let scoped_to_key_items = |c: &crate::model::Category| {
        let at = ctx.text_byte(c.evidence.span.start);
        let (s, _) = ctx.sentence_of(at);
        let head = &ctx.text[s..at];
        let head = &head[..head.find(',').unwrap_or(head.len())];
        c.parent.is_none()
            && c.code.is_none()
            && ctx.rules.key_words.contains_any(head)
            // `N件重点提案中`: among the key items.
            && ends_with_any(head, &ctx.rules.proposer_split.subset_markers).is_some()
    };
    let scoped: Vec<bool> = keep.iter().map(scoped_to_key_items).collect();
    // A report whose only scheme is the key items' keeps it.
    let main_scheme = keep
        .iter()
        .zip(&scoped)
        .any(|(c, s)| c.parent.is_none() && !s);
    if !main_scheme || !scoped.contains(&true) {
        return;
    }
    // Each category is asked once, in order: the flags follow the original positions.
    let mut flags = scoped.into_iter();
    set_aside_kept(
        ctx,
        keep,
        new_index,
        ex,
        "key_items_outcomes",
        "classifies the key items only (a subset of the main scheme)",
        |_, _| flags.next().unwrap_or(false),
    );
}

/// Remove the kept categories `set_aside(keep, i)` picks, asking each once in order (on what is
/// left), each with an info finding `code` saying `why`.
fn set_aside_kept(
    ctx: &Ctx,
    keep: &mut Vec<crate::model::Category>,
    new_index: &mut [Option<u32>],
    ex: &mut Extraction,
    code: &str,
    why: &str,
    mut set_aside: impl FnMut(usize, &[crate::model::Category]) -> bool,
) {
    let mut i = 0;
    while i < keep.len() {
        if !set_aside(i, keep) {
            i += 1;
            continue;
        }
        let c = remove_kept(keep, new_index, i);
        push_info(
            ctx,
            &mut ex.findings,
            code,
            c.evidence.line,
            format!(
                "{} {:?}件 at line {} {why}; not counted as a category",
                c.label_zh, c.count, c.evidence.line
            ),
        );
    }
}

/// `去年,市政府系统共承办…586件,其中已经解决…301件` opening a paragraph: last year's figures,
/// printed before this year's. Every quantity of such a paragraph is set aside (a finding says
/// so), or its scheme would be pooled with this year's.
fn set_aside_previous_period(ctx: &Ctx, ex: &mut Extraction, used: &mut [bool]) {
    let openers = &ctx.rules.previous_period_openers;
    if openers.is_empty() {
        return;
    }
    let mut qi = 0;
    while qi < ctx.qtys.len() {
        let (ps, pe) = ctx.paragraph_of(ctx.qtys[qi].start);
        let head = ctx.text[ps..pe].trim_start();
        let opens = openers.iter().any(|w| {
            !w.is_empty()
                && head
                    .strip_prefix(w.as_str())
                    .is_some_and(|r| r.starts_with(','))
        });
        let next = qi + ctx.qtys[qi..].iter().take_while(|q| q.start < pe).count();
        if opens {
            used[qi..next].iter_mut().for_each(|u| *u = true);
            let line = ctx.line_of(ps);
            push_info(
                ctx,
                &mut ex.findings,
                "previous_period_figures",
                line,
                format!(
                    "the paragraph at line {line} opens with a previous period ({}); its {} figures are not read as this report's",
                    &head[..head.find(',').unwrap_or(0)],
                    next - qi
                ),
            );
        }
        qi = next.max(qi + 1);
    }
}

/// An informational finding about this document at `line`.
pub(super) fn push_info(
    ctx: &Ctx,
    findings: &mut Vec<crate::model::Finding>,
    code: &str,
    line: u32,
    message: String,
) {
    findings.push(
        crate::model::Finding::new(
            &ctx.doc.source_path,
            crate::model::Severity::Info,
            code,
            message,
        )
        .at(Some(line), None),
    );
}

fn report_dense(ctx: &Ctx, ex: &mut Extraction) {
    let mut last_sentence = None;
    for (q, _) in ctx.qtys.iter().zip(&ctx.dense).filter(|(_, d)| **d) {
        let s = ctx.sentences.partition_point(|(_, e)| *e <= q.start);
        if last_sentence == Some(s) {
            continue;
        }
        last_sentence = Some(s);
        let line = ctx.line_of(q.start);
        ex.findings.push(
            crate::model::Finding::new(
                &ctx.doc.source_path,
                crate::model::Severity::Warn,
                "dense_numbers",
                format!("a sentence at line {line} holds more than {MAX_QUANTITIES_PER_SENTENCE} counted quantities; it was not parsed (a table or garbled text?)"),
            )
            .at(Some(line), None),
        );
    }
}

fn report_rejected(ctx: &Ctx, ex: &mut Extraction) {
    for &(s, e, why) in &ctx.rejected {
        let ev = ctx.evidence(s, e, "rejected");
        let printed: String = ctx.text[s..e].chars().take(40).collect();
        ex.findings.push(
            crate::model::Finding::new(
                &ctx.doc.source_path,
                crate::model::Severity::Warn,
                "number_out_of_range",
                format!("{why}: {printed} at line {}", ev.line),
            )
            .at(Some(ev.line), None),
        );
    }
}

/// `A类(已解决或采纳的)` and `“…的”A类`: definitions printed next to a code.
static CODE_DEFINITIONS: LazyLock<[Regex; 2]> = LazyLock::new(|| {
    [
        Regex::new(r#"["“”']?([A-Z甲乙丙丁])["“”']?类\(([^()]{2,60})\)"#).expect("static regex"),
        Regex::new(r#"[“"]([^”"]{2,60})[”"](?:的)?["“”']?([A-Z甲乙丙丁])["“”']?类"#)
            .expect("static regex"),
    ]
});
/// `"A"类代表…` / `A类为…` / `A类:…` / `B类41件,占28.5%,即…` / `为A类,即…`: a definition
/// running to the next stop, share or code.
static CODE_INTRO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["“”']?([A-Z甲乙丙丁])["“”']?类(?:(?:的)?[ ]?\d{1,6}[ ]?件(?:,(?:占比|占)[ ]?\d{1,3}(?:\.\d{1,3})?[ ]?%)?,即(?:为)?|代表|是指|指|为|:|,?即(?:为)?)"#).expect("static regex")
});
/// `所提问题已经解决或基本解决的,列为A类;`: a code named after its definition, which runs back
/// to the clause boundary before it.
static CODE_AFTER_DEFINITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:列为|定为|归为|归入|为)["“”']?([A-Z甲乙丙丁])["“”']?类(?:提案|建议)?[;。,\n]"#)
        .expect("static regex")
});
/// Where the patterns above can match. A [`CODE_DEFINITIONS`] match contains `类(` at most 9
/// bytes after it starts (`“A”`) and ends at most 245 bytes after it (`类(`, 60 characters of
/// up to 4 bytes, `)`); the second contains `类` at most 258 bytes after it starts (`“`, 60
/// characters, `”的“A”`) and ends 3 bytes after it, with its closing quote at most 15 bytes
/// before that `类` (`”的“A”`); a [`CODE_INTRO`] match contains `类` and
/// the word after it, 9 bytes at most on either side. Each needs to run near its needle only.
static CODE_PAREN: LazyLock<Needles> = LazyLock::new(|| Needles::new(&["类("]));
static CODE_WORD: LazyLock<Needles> = LazyLock::new(|| Needles::new(&["类"]));
static CODE_INTRO_WORDS: LazyLock<Needles> =
    LazyLock::new(|| Needles::new(&["类代表", "类是指", "类指", "类为", "类:", "类即", "类,即"]));
/// `B类 41件,占 28.5 %,即`: the code up to 56 bytes before `,即`.
static CODE_COUNT_INTRO: LazyLock<Needles> = LazyLock::new(|| Needles::new(&[",即"]));

/// Where each of [`CODE_DEFINITIONS`] can match.
fn code_definition_windows(text: &str) -> [Vec<(usize, usize)>; 2] {
    [
        windows(text, &CODE_PAREN, 12, 248),
        windows_where(text, &CODE_WORD, 264, 6, |h| {
            let from = text.floor_char_boundary(h.saturating_sub(15));
            text[from..h].contains(['”', '"'])
        }),
    ]
}

/// Sorted, overlapping or touching ranges merged (so no match is found twice).
fn merge_ranges(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Where [`CODE_INTRO`] can match.
fn code_intro_windows(text: &str) -> Vec<(usize, usize)> {
    let mut near = windows(text, &CODE_INTRO_WORDS, 12, 12);
    near.extend(windows(text, &CODE_COUNT_INTRO, 64, 12));
    merge_ranges(near)
}

/// Byte range of each code's definition, anywhere in the report (next to the counts, in a
/// footnote, in the introduction); the first one with outcome vocabulary wins.
pub fn code_definitions<'c>(ctx: &'c Ctx) -> &'c HashMap<String, (usize, usize)> {
    ctx.definitions.get_or_init(|| find_code_definitions(ctx))
}

fn find_code_definitions(ctx: &Ctx) -> HashMap<String, (usize, usize)> {
    let mut defs = HashMap::new();
    let mut add = |code: &str, s: usize, e: usize| {
        let def = &ctx.text[s..e];
        if e > s
            && ctx.contains_any(def, &ctx.rules.outcome_words)
            && !ctx.contains_any(def, &ctx.rules.not_outcome_words)
        {
            defs.entry(code.to_string()).or_insert((s, e));
        }
    };
    let near = code_definition_windows(ctx.text);
    for (k, (re, near)) in CODE_DEFINITIONS.iter().zip(&near).enumerate() {
        for c in captures_in_windows(re, ctx.text, near) {
            let (code, def) = if k == 1 {
                (c.get(2), c.get(1))
            } else {
                (c.get(1), c.get(2))
            };
            if let (Some(code), Some(def)) = (code, def) {
                add(code.as_str(), def.start(), def.end());
            }
        }
    }
    for c in captures_in_windows(
        &CODE_AFTER_DEFINITION,
        ctx.text,
        &windows(ctx.text, &CODE_WORD, 16, 12),
    ) {
        let (Some(all), Some(code)) = (c.get(0), c.get(1)) else {
            continue;
        };
        // A definition is at most 60 characters: look no further back than 61.
        let from = ctx
            .text
            .floor_char_boundary(all.start().saturating_sub(61 * 3));
        let before = &ctx.text[from..all.start()];
        let Some(start) = before
            .char_indices()
            .rev()
            .find(|(_, c)| matches!(c, ';' | ':' | '。' | '\n'))
            .map(|(i, c)| from + i + c.len_utf8())
        else {
            continue;
        };
        let def = ctx.text[start..all.start()].trim_end_matches([',', ' ']);
        if (2..=60).contains(&def.chars().count()) {
            add(code.as_str(), start, start + def.len());
        }
    }
    let near = code_intro_windows(ctx.text);
    let intros: Vec<(String, usize, usize)> = captures_in_windows(&CODE_INTRO, ctx.text, &near)
        .filter_map(|c| {
            Some((
                c.get(1)?.as_str().to_string(),
                c.get(0)?.start(),
                c.get(0)?.end(),
            ))
        })
        .collect();
    for (i, (code, _, def_start)) in intros.iter().enumerate() {
        let limit = intros
            .get(i + 1)
            .map(|n| n.1)
            .unwrap_or(ctx.text.len())
            .min(def_start + 180);
        let limit = ctx.text.floor_char_boundary(limit);
        let stop = ctx.text[*def_start..limit]
            .find([';', '。', '\n', '"', '“', '”'])
            .map(|p| def_start + p)
            .unwrap_or(limit);
        // `为A类,即所提问题已解决,占58.7%`: the share is not part of the definition.
        let stop = ctx.text[*def_start..stop]
            .find(",占")
            .map_or(stop, |p| def_start + p);
        let end = ctx.text[*def_start..stop]
            .trim_end_matches([',', '、', ' '])
            .len()
            + def_start;
        add(code, *def_start, end);
    }
    defs
}

/// Literal words to find windows around, each with its searcher built once.
pub(crate) struct Needles {
    /// One searcher per word: how occurrences are defined (see [`Needles::hits`]).
    each: Vec<AhoCorasick>,
    /// The words grouped by their first character, with a searcher for that character; `None`
    /// when a word can overlap itself. One pass per group instead of one per word.
    by_first_char: Option<Vec<(AhoCorasick, Vec<&'static str>)>>,
}

impl Needles {
    pub(crate) fn new(words: &[&'static str]) -> Needles {
        let each = words
            .iter()
            .map(|w| AhoCorasick::new([w]).expect("static needle"))
            .collect();
        let by_first_char = words
            .iter()
            .all(|w| !w.is_empty() && !overlaps_itself(w))
            .then(|| group_by_first_char(words));
        Needles {
            each,
            by_first_char,
        }
    }

    /// Start of every occurrence of every needle (each needle's occurrences non-overlapping,
    /// left to right, as `str::match_indices` gives them), sorted.
    ///
    /// A word that cannot overlap itself has no occurrences to skip, so they are all the
    /// places where it starts; each starts at an occurrence of its first character, and those
    /// never overlap (a character's first byte never continues one). So one pass over the
    /// first character's occurrences, testing each word of the group there, finds them all.
    fn hits(&self, text: &str) -> Vec<usize> {
        let Some(groups) = &self.by_first_char else {
            return self.hits_word_by_word(text);
        };
        let mut hits = Vec::new();
        for (first, words) in groups {
            for m in first.find_iter(text) {
                let rest = &text[m.start()..];
                hits.extend(
                    words
                        .iter()
                        .filter(|w| rest.starts_with(**w))
                        .map(|_| m.start()),
                );
            }
        }
        hits.sort_unstable();
        hits
    }

    /// [`Needles::hits`] with one pass per word.
    fn hits_word_by_word(&self, text: &str) -> Vec<usize> {
        let mut hits: Vec<usize> = self
            .each
            .iter()
            .flat_map(|ac| ac.find_iter(text).map(|m| m.start()))
            .collect();
        hits.sort_unstable();
        hits
    }
}

/// Whether two occurrences of `w` can overlap: some proper suffix (in bytes) is also a prefix.
fn overlaps_itself(w: &str) -> bool {
    let b = w.as_bytes();
    (1..b.len()).any(|k| b.ends_with(&b[..k]))
}

/// `words` grouped by first character (in order of first appearance), each group with a
/// searcher for that character.
fn group_by_first_char(words: &[&'static str]) -> Vec<(AhoCorasick, Vec<&'static str>)> {
    let mut groups: Vec<(char, Vec<&'static str>)> = Vec::new();
    for w in words {
        let Some(c) = w.chars().next() else { continue };
        match groups.iter_mut().find(|(g, _)| *g == c) {
            Some((_, ws)) => ws.push(w),
            None => groups.push((c, vec![w])),
        }
    }
    groups
        .into_iter()
        .map(|(c, ws)| {
            let first =
                AhoCorasick::new([c.encode_utf8(&mut [0; 4]).as_bytes()]).expect("static needle");
            (first, ws)
        })
        .collect()
}

/// Captures of `re` in `text`, searched only inside `windows` (sorted, disjoint), offsets in
/// `text`. When every match of `re` contains a needle and fits in the needle's window, this
/// yields exactly `re.captures_iter(text)`: no match starts in one window and ends in another
/// or outside, so leftmost-first iteration inside each window sees the same candidates. `re`
/// must not use anchors or word boundaries (they would see the text outside the window).
pub(crate) fn captures_in_windows<'t>(
    re: &'t Regex,
    text: &'t str,
    windows: &'t [(usize, usize)],
) -> impl Iterator<Item = Captures<'t>> + 't {
    windows.iter().flat_map(move |&(ws, we)| {
        let hay = &text[..we];
        let mut at = Some(ws);
        std::iter::from_fn(move || {
            let c = re.captures_at(hay, at?)?;
            let m = c.get(0)?;
            at = if m.end() > m.start() {
                Some(m.end())
            } else {
                // An empty match (none of ours can be one): step over a character.
                hay[m.end()..]
                    .chars()
                    .next()
                    .map(|ch| m.end() + ch.len_utf8())
            };
            Some(c)
        })
    })
}

/// Byte ranges around every occurrence of any `needles`, widened by `before`/`after` bytes and
/// merged: a regex whose match must contain a needle only needs to run there, which keeps the
/// expensive patterns (long Han-character runs) off most of the text.
pub(crate) fn windows(
    text: &str,
    needles: &Needles,
    before: usize,
    after: usize,
) -> Vec<(usize, usize)> {
    windows_where(text, needles, before, after, |_| true)
}

/// [`windows`] around the needle occurrences (byte offsets) that `keep` accepts.
fn windows_where(
    text: &str,
    needles: &Needles,
    before: usize,
    after: usize,
    keep: impl Fn(usize) -> bool,
) -> Vec<(usize, usize)> {
    let hits = needles.hits(text).into_iter().filter(|h| keep(*h));
    merged_windows(text, hits, before, after, |_| true)
}

/// Byte ranges `before`/`after` bytes around each of `hits` (ascending byte offsets), widened
/// to character boundaries and merged where they touch, keeping those that hold a hit `useful`
/// accepts. A window is never narrowed to its useful hits, so a search run on it sees the same
/// text as on the plain [`windows`].
pub(crate) fn merged_windows(
    text: &str,
    hits: impl IntoIterator<Item = usize>,
    before: usize,
    after: usize,
    useful: impl Fn(usize) -> bool,
) -> Vec<(usize, usize)> {
    // (start, end, holds a useful hit)
    let mut out: Vec<(usize, usize, bool)> = Vec::new();
    for h in hits {
        let (s, e) = window_around(text, h, before, after);
        let is_useful = useful(h);
        match out.last_mut() {
            Some(last) if s <= last.1 => {
                last.1 = last.1.max(e);
                last.2 |= is_useful;
            }
            _ => out.push((s, e, is_useful)),
        }
    }
    out.into_iter()
        .filter(|w| w.2)
        .map(|(s, e, _)| (s, e))
        .collect()
}

/// The byte range `before`/`after` bytes around `h`, widened to character boundaries.
fn window_around(text: &str, h: usize, before: usize, after: usize) -> (usize, usize) {
    let s = text.floor_char_boundary(h.saturating_sub(before));
    let e = text.ceil_char_boundary((h + after).min(text.len()));
    (s, e)
}

/// The [`windows`] that hold a needle occurrence `useful` accepts, each exactly as [`windows`]
/// gives it. Items merge their windows from one pass of marks; this, with the needles searched
/// on their own, is the tests' oracle for them.
#[cfg(test)]
pub(crate) fn windows_holding(
    text: &str,
    needles: &Needles,
    before: usize,
    after: usize,
    useful: impl Fn(usize) -> bool,
) -> Vec<(usize, usize)> {
    merged_windows(text, needles.hits(text), before, after, useful)
}

/// `hay.rfind(word)`, by plain comparison for haystacks of up to a few hundred bytes (the
/// standard library always sets a two-way searcher up). Only the tests use it now, as the
/// oracle of the share-marker search in `clauses`.
#[cfg(test)]
pub(crate) fn rfind_word(hay: &str, word: &str) -> Option<usize> {
    if hay.len() > 256 {
        return hay.rfind(word);
    }
    let (h, w) = (hay.as_bytes(), word.as_bytes());
    let Some(&last) = w.last() else {
        return Some(h.len());
    };
    let n = w.len();
    (0..(h.len() + 1).checked_sub(n)?)
        .rev()
        .find(|&i| h[i + n - 1] == last && &h[i..i + n] == w)
}

/// Strip any of `prefixes` from the start of `s[range]` repeatedly (longest first); returns the new start.
pub(crate) fn strip_prefixes(s: &str, mut start: usize, end: usize, prefixes: &WordList) -> usize {
    loop {
        let cur = &s[start..end];
        let trimmed = cur.trim_start_matches([' ', ',', '、', '"', '“', '”', '(', ')']);
        let mut moved = cur.len() - trimmed.len();
        if let Some(p) = prefixes.longest_prefix_of(trimmed) {
            moved += p.len();
        }
        if moved == 0 || start + moved > end {
            return start;
        }
        start += moved;
    }
}

/// The run of percentages from quantity `first` on (`62.4%、34.6%和3%`): each next one unused,
/// in the same sentence, and separated from the one before only by list punctuation.
/// Indices into `ctx.qtys`, `first` included.
pub(crate) fn percent_run(ctx: &Ctx, first: usize, used: &[bool]) -> Vec<usize> {
    let Some(q) = ctx.qtys.get(first) else {
        return Vec::new();
    };
    let (_, sentence_end) = ctx.sentence_of(q.start);
    let mut run = vec![first];
    let mut last = first;
    while let Some(n) = ctx.qtys.get(last + 1) {
        let gap = &ctx.text[ctx.qtys[last].end..n.start];
        let listed = gap
            .chars()
            .all(|c| matches!(c, '、' | ',' | '和' | '及' | '与' | ' '));
        if n.unit != QUnit::Percent || used[last + 1] || n.start >= sentence_end || !listed {
            break;
        }
        last += 1;
        run.push(last);
    }
    run
}

/// Strip any of `suffixes` from the end of `s[range]` repeatedly (longest first); returns the new end.
pub(crate) fn strip_suffixes(s: &str, start: usize, mut end: usize, suffixes: &WordList) -> usize {
    loop {
        let cur = &s[start..end];
        let trimmed = cur.trim_end_matches([' ', ',', '、', '"', '“', '”']);
        let mut moved = cur.len() - trimmed.len();
        if let Some(p) = suffixes.longest_proper_suffix_of(trimmed) {
            moved += p.len();
        }
        if moved == 0 || moved > end - start {
            return end;
        }
        end -= moved;
    }
}

/// Number text as printed, for a value the source gave (`58.70` stays `58.70`).
pub(crate) fn pct_value(q: &Qty) -> (f64, String) {
    (q.value, q.text.clone())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::LazyLock;

    static RULES: LazyLock<Rules> = LazyLock::new(|| Rules::bundled().expect("bundled rules"));

    /// The bundled rules, loaded once for every test.
    pub(crate) fn ctx_rules() -> &'static Rules {
        &RULES
    }

    /// `text` ingested as a plain-text report.
    pub(crate) fn doc_of(text: &str) -> Document {
        let src = crate::ingest::SourceFile {
            collection: "test".into(),
            rel_path: "inline.txt".into(),
            path: std::path::PathBuf::from("inline.txt"),
            format: crate::model::Format::Txt,
        };
        crate::ingest::ingest_bytes(&src, text.as_bytes(), &RULES, None)
            .expect("ingest")
            .0
    }

    fn is_sentence_end(c: char) -> bool {
        matches!(c, '。' | '\n' | '!' | '?' | '！' | '？')
    }

    /// The character-by-character sentence split the byte scan replaces.
    fn split_sentences_by_chars(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, c) in text.char_indices() {
            if is_sentence_end(c) {
                let end = i + c.len_utf8();
                if end > start {
                    out.push((start, end));
                }
                start = end;
            }
        }
        if start < text.len() {
            out.push((start, text.len()));
        }
        out
    }

    fn text_piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "。", "！", "？", "!", "?", "\n", "\r", "a", "件", "ー", "｡", "＂", "〆", "𝟙", "é",
            " ", "类", "号", "率", "%", "提出", "代表",
        ])
    }

    fn needle_piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "类",
            "类(",
            "(",
            "代表",
            "是指",
            "指",
            "为",
            ":",
            "即",
            "提出",
            "提交",
            "所提",
            "领衔",
            "提",
            "所",
            "号",
            "率",
            "满意度",
            "满意",
            "a",
            "aa",
            "ab",
            "𝟙",
            "类类",
            "x",
        ])
    }

    /// Every needle set of extraction, and some that overlap themselves or each other.
    fn needle_sets() -> Vec<Needles> {
        vec![
            Needles::new(&["类("]),
            Needles::new(&["类"]),
            Needles::new(&["类代表", "类是指", "类指", "类为", "类:", "类即"]),
            Needles::new(&["提出", "提交", "所提", "领衔"]),
            Needles::new(&["号"]),
            Needles::new(&["率", "满意度"]),
            Needles::new(&["类", "类("]),
            Needles::new(&["aa", "ab"]),
            Needles::new(&["类类", "类"]),
        ]
    }

    proptest! {
        #[test]
        fn grouped_needle_hits_match_word_by_word(
            pieces in prop::collection::vec(needle_piece(), 0..60),
        ) {
            let text: String = pieces.concat();
            for needles in needle_sets() {
                prop_assert_eq!(needles.hits(&text), needles.hits_word_by_word(&text));
            }
        }

        #[test]
        fn byte_sentence_split_matches_the_char_split(
            pieces in prop::collection::vec(text_piece(), 0..40),
        ) {
            let text: String = pieces.concat();
            prop_assert_eq!(split_sentences(&text), split_sentences_by_chars(&text));
        }

        #[test]
        fn code_definition_windows_miss_no_match(
            pieces in prop::collection::vec(definition_piece(), 0..80),
        ) {
            definitions_match_whole_text_search(&pieces.concat());
        }

        #[test]
        fn char_offsets_match_char_indices(pieces in prop::collection::vec(text_piece(), 0..300)) {
            let text: String = pieces.concat();
            let offsets = CharOffsets::new(&text);
            let expected: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            for (ch, &b) in expected.iter().enumerate() {
                prop_assert_eq!(offsets.byte_of(&text, ch), b);
            }
            for ch in expected.len()..expected.len() + 3 {
                prop_assert_eq!(offsets.byte_of(&text, ch), text.len());
            }
            for (from, &fb) in expected.iter().enumerate().step_by(7) {
                for ch in from..(from + 70).min(expected.len() + 2) {
                    let want = expected.get(ch).copied().unwrap_or(text.len());
                    prop_assert_eq!(offsets.byte_of_near(&text, ch, Some((from, fb))), want);
                }
            }
            let newlines: Vec<u32> = text
                .chars()
                .enumerate()
                .filter(|(_, c)| *c == '\n')
                .map(|(i, _)| i as u32)
                .collect();
            prop_assert_eq!(&offsets.newlines, &newlines);
        }

        #[test]
        fn nth_char_matches_char_indices(
            pieces in prop::collection::vec(text_piece(), 0..120),
            from_piece in 0usize..120,
            n in 0usize..200,
        ) {
            let text: String = pieces.concat();
            let from: usize = pieces.iter().take(from_piece).map(|p| p.len()).sum();
            let want = text[from..].char_indices().nth(n).map(|(i, _)| from + i);
            prop_assert_eq!(nth_char_from(&text, from, n), want);
        }

        #[test]
        fn block_char_offsets_match_the_byte_scan(
            pieces in prop::collection::vec(text_piece(), 0..400),
        ) {
            let text: String = pieces.concat();
            let fast = CharOffsets::new(&text);
            let slow = CharOffsets::new_by_bytes(&text);
            prop_assert_eq!(fast.checkpoints, slow.checkpoints);
            prop_assert_eq!(fast.chars, slow.chars);
            prop_assert_eq!(fast.newlines, slow.newlines);
        }
    }

    /// Every group of every match, as byte ranges.
    pub(crate) fn groups<'t>(
        caps: impl Iterator<Item = Captures<'t>>,
    ) -> Vec<Vec<Option<(usize, usize)>>> {
        caps.map(|c| c.iter().map(|m| m.map(|m| (m.start(), m.end()))).collect())
            .collect()
    }

    #[track_caller]
    fn definitions_match_whole_text_search(text: &str) {
        let near = code_definition_windows(text);
        for (re, near) in CODE_DEFINITIONS.iter().zip(&near) {
            assert_eq!(
                groups(captures_in_windows(re, text, near)),
                groups(re.captures_iter(text)),
                "{text:?}"
            );
        }
        assert_eq!(
            groups(captures_in_windows(
                &CODE_INTRO,
                text,
                &code_intro_windows(text)
            )),
            groups(CODE_INTRO.captures_iter(text)),
            "{text:?}"
        );
    }

    #[test]
    fn code_definitions_in_windows_are_the_whole_text_matches() {
        let wide = "𝟙".repeat(60);
        let too_wide = "𝟙".repeat(61);
        for text in [
            format!("“{wide}”的“A”类建议,B类({wide})"),
            format!("“{too_wide}”的“A”类,B类({too_wide})"),
            format!("x“{wide}”A类“{wide}”的'B'类C类(已解决)类(类(“类”类"),
            "注:\"A\"类代表已解决;B类是指正在解决,C类为留作参考。甲类:已采纳 乙类即不予采纳".into(),
            "“已经解决的”A类、“正在解决的”“B”类(计划解决)(C类)A类(A类(x))".into(),
        ] {
            definitions_match_whole_text_search(&text);
        }
    }

    fn definition_piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "类",
            "类",
            "(",
            ")",
            "“",
            "”",
            "\"",
            "'",
            "A",
            "B",
            "甲",
            "的",
            "代表",
            "是指",
            "指",
            "为",
            ":",
            "即",
            "已解决或基本解决",
            "x",
            "。",
            " ",
            ",",
            "41",
            "1234567",
            "件",
            "占",
            "占比",
            "28.5",
            "%",
            "𝟙𝟙𝟙𝟙𝟙𝟙𝟙𝟙𝟙𝟙",
            "解决",
        ])
    }

    #[test]
    fn char_start_masks_match_the_byte_test() {
        let mut block = [0u8; BLOCK];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for round in 0..20_000 {
            for b in block.iter_mut() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *b = if round % 2 == 0 {
                    seed as u8
                } else {
                    [0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xFF, 0x41, 0xE4][(seed % 8) as usize]
                };
            }
            let by_bytes = block.iter().enumerate().fold(0u32, |m, (j, &b)| {
                m | (u32::from(!is_utf8_continuation(b)) << j)
            });
            assert_eq!(char_start_mask(&block), by_bytes, "{block:?}");
            assert_eq!(
                char_start_count(&block),
                by_bytes.count_ones() as usize,
                "{block:?}"
            );
        }
    }

    #[test]
    fn needles_that_overlap_themselves_are_searched_word_by_word() {
        assert!(overlaps_itself("aa") && overlaps_itself("类x类") && !overlaps_itself("类类x"));
        assert!(Needles::new(&["aa", "b"]).by_first_char.is_none());
        assert!(Needles::new(&["类(", "类"]).by_first_char.is_some());
        let text = "aaaa类类类(";
        for needles in needle_sets() {
            assert_eq!(needles.hits(text), needles.hits_word_by_word(text));
        }
    }

    #[test]
    fn line_breaks_are_dropped_like_the_char_filter() {
        let pieces = ["", "\n", "\r", "\r\n", " ", "a", "件", "𝟙", "\u{3000}", "é"];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let s = format!("{a}{b}x{c}{a}{}{b}", "长".repeat(20));
                    let filtered: String = s.chars().filter(|c| *c != '\n' && *c != '\r').collect();
                    assert_eq!(without_line_breaks(&s), filtered, "{s:?}");
                    assert_eq!(without_line_breaks(s.trim()), filtered.trim(), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn word_search_matches_std() {
        let hays = [
            "",
            "a",
            "代表",
            "人大代表建议和政协提案",
            "建议建议建",
            "xx提案",
            "提案中经济建设方面的建议",
            "满意率和基本满意率、办结率",
            "ab代表ab代表",
            "各类建议共计一百二十件其中已经解决的",
        ];
        let words = [
            "",
            "a",
            "代表",
            "建议",
            "提案",
            "满意率",
            "率",
            "其中",
            "建",
            "x",
            "ab代表ab代表ab",
        ];
        for h in hays {
            let long = h.repeat(20);
            for w in words {
                for hay in [h, long.as_str()] {
                    assert_eq!(rfind_word(hay, w), hay.rfind(w), "{hay:?} {w:?}");
                }
            }
        }
    }

    #[test]
    fn quantities_are_found_with_units() {
        let (q, _) = scan_quantities(
            "共230件,占58.7%,满意率80.9%%,27.9 %,反馈表176份,1,284件,超过90%,ID11370100004188602D",
        );
        let got: Vec<(String, QUnit)> = q.iter().map(|q| (q.text.clone(), q.unit)).collect();
        assert_eq!(got[0], ("230".into(), QUnit::Item));
        assert_eq!(got[1], ("58.7".into(), QUnit::Percent));
        assert_eq!(got[2], ("80.9".into(), QUnit::Percent));
        assert_eq!(got[3], ("27.9".into(), QUnit::Percent));
        assert_eq!(got[4], ("176".into(), QUnit::Form));
        assert_eq!(got[5], ("1,284".into(), QUnit::Item));
        assert!(q[6].lower_bound);
        assert_eq!(q.len(), 7);
    }

    #[test]
    fn a_full_stop_between_the_digits_of_a_share_is_its_decimal_point() {
        let text = "立案571件,立案率83。7%;共计100。50%的说法不算。";
        let (q, _) = scan_quantities(text);
        let got: Vec<(&str, f64, QUnit)> = q
            .iter()
            .map(|q| (&text[q.start..q.end], q.value, q.unit))
            .collect();
        assert_eq!(
            got,
            [
                ("571件", 571.0, QUnit::Item),
                ("83。7%", 83.7, QUnit::Percent),
                ("100。50%", 100.5, QUnit::Percent),
            ]
        );
        assert_eq!(q[1].text, "83.7");
        // A count before the stop, or a longer number, is a sentence end.
        let (q, _) = scan_quantities("共收到建议1234。56%的建议已办结。收到30件。5%的提案");
        let values: Vec<f64> = q.iter().map(|q| q.value).collect();
        assert_eq!(values, [56.0, 30.0, 5.0]);
    }
}
