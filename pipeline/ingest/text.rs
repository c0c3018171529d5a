//! Text normalization for parsing, keeping a map back to the original characters.
//!
//! Every step keeps each character's origin, so any span found in the normalized text maps back
//! to the file: full-width folding and traditional→simplified are 1:1; dropped boilerplate lines
//! and joined PDF breaks remove characters; Chinese numerals rewritten as digits map each new
//! character into the numeral they replace.
//!
//! Every report passes through here, so the work is one pass over the UTF-8 lines, with no
//! per-character vectors of the whole text and no per-line allocations:
//! 1. [`LineBuf::fold`]: drop `\r` and BOMs, fold widths and convert traditional → simplified
//!    (a table built once from fast2s, same result); a line without such characters (a lookup
//!    in one table per character) is used as it is, otherwise it is copied in runs around them;
//! 2. the line is trimmed, dropped as boilerplate, or appended to the output as one UTF-8 run
//!    (joined to the previous line or after a `\n`), with the byte offset and origin of each of
//!    its characters and the places where a numeral may start;
//! 3. [`Out::finish`]: the text, byte offsets and origins become the [`NormText`] as they are,
//!    or are copied in runs around the numerals rewritten as digits.

use std::sync::OnceLock;

use crate::model::NormText;
use crate::numbers::{cn_digit, is_cn_numeral_char, parse_cn_decimal, parse_cn_integer};
use crate::rules::{PhraseIndex, TextRules};

/// Where the characters of the text given to [`normalize_str`] come from in the original.
#[derive(Debug, Clone, Copy)]
pub enum Origins<'a> {
    /// Character `k` of the text is character `k` of the original (plain text).
    Identity,
    /// Character `k` of the text is character `map[k]` of the original (stripped HTML); characters
    /// beyond the map are ignored.
    Map(&'a [u32]),
}

/// [`normalize_str`] over characters and their origins as vectors, as the older tests call it.
#[cfg(test)]
fn normalize(chars: Vec<char>, origins: Vec<u32>, orig_len: u32, rules: &TextRules) -> NormText {
    let n = chars.len().min(origins.len());
    let text: String = chars[..n].iter().collect();
    normalize_str(&text, Origins::Map(&origins[..n]), orig_len, rules)
}

/// Normalize text (its characters coming from the original as `origins` says) into
/// parse-ready text.
pub fn normalize_str(
    src: &str,
    origins: Origins<'_>,
    orig_len: u32,
    rules: &TextRules,
) -> NormText {
    let src = match origins {
        Origins::Map(map) => chars_prefix(src, map.len()),
        Origins::Identity => src,
    };
    let mut out = Out::new(src.len(), origins, orig_len);
    let phrases = rules.phrases.as_deref();
    let classes = phrases.map_or(classes(), |p| &*p.classes);
    let mut line = LineBuf::default();
    let mut core = String::new();
    let mut prev: Option<KeptLine> = None;
    let mut k0 = 0u32; // index in `src` of the first character of the line
    let mut rest = src;
    let mut first = true;
    loop {
        let (raw_len, n_raw, more) = line.fold(rest, first, classes);
        let folded: &str = if line.owned {
            &line.text
        } else {
            &rest[..raw_len]
        };
        let trimmed = folded.trim();
        if !trimmed.is_empty() {
            let lead_bytes = (folded.len() - folded.trim_start().len()) as u32;
            let end_bytes = lead_bytes + trimmed.len() as u32;
            let lead = line.offs.partition_point(|&o| o < lead_bytes);
            let end = line.offs.partition_point(|&o| o < end_bytes);
            let stamp = is_stamp_line_str(trimmed);
            let this = KeptLine {
                ends_sentence: ends_sentence(trimmed) || stamp,
                long: end - lead >= MIN_WRAPPED_LINE,
                table_row: line.table_row,
            };
            let breaks = prev.is_some_and(|p| {
                p.ends_sentence
                    || !p.long
                    || stamp
                    || starts_block_str(trimmed)
                    || is_date_line(trimmed.chars())
                    || p.table_row
                    || this.table_row
            });
            let dropped = match phrases {
                // The phrases are looked for only where one starts (marked by the fold).
                Some(p) => {
                    (if line.may_hold_furniture() {
                        is_furniture_or_exact(trimmed, rules, &mut core)
                    } else {
                        // The core is the line itself.
                        rules.may_drop_exact(trimmed.len()) && rules.drop_exact.contains(trimmed)
                    }) || contains_phrase(p, folded, &line.offs, &line.phrase_at, lead, end)
                        || rules.drops_by_regex(trimmed)
                }
                None => is_boilerplate(trimmed, rules, &mut core),
            };
            if !dropped {
                let l = Line {
                    text: folded,
                    offs: &line.offs,
                    nums: &line.nums,
                    origins: line_origins(&line.dropped, &mut line.kept, n_raw),
                    k0,
                };
                if breaks {
                    let o = out.origin_of(&l, lead as u32);
                    out.push_break(o.saturating_sub(1));
                }
                prev = Some(this);
                if line.has_space {
                    out.emit_dropping_han_spaces(&l, lead, end);
                } else {
                    out.emit(&l, lead, end);
                }
            }
        }
        if !more {
            break;
        }
        rest = &rest[raw_len + 1..];
        k0 += n_raw + 1;
        first = false;
    }
    out.finish(orig_len)
}

/// `s` up to its `n`-th character (all of it if it is shorter).
fn chars_prefix(s: &str, n: usize) -> &str {
    if s.len() <= n || s.chars().count() <= n {
        return s;
    }
    match s.char_indices().nth(n) {
        Some((b, _)) => &s[..b],
        None => s,
    }
}

/// [`LineBuf::fold`]: `\r`, BOM, or a character [`fold_width`] changes.
const FOLD: u8 = 1;
/// fast2s may change the character.
const T2S: u8 = 2;
/// A numeral rewrite may start at the character (numeral characters and the 百 of 百分之).
const NUM: u8 = 4;
/// `\n`, ` ` and `|`: the end of a line, a space, a table cell.
const LF: u8 = 8;
const SPACE: u8 = 16;
const PIPE: u8 = 32;
/// A `drop_contains` phrase starts with the character (only in the classes of
/// [`classes_marking`]).
const PHRASE: u8 = 64;
/// [`is_furniture`], but for the space and `|` (they have their own bits).
const FURNITURE: u8 = 128;

/// What a character needs or is, as the bits above.
fn class_slow(c: char) -> u8 {
    let mut k = 0;
    if c == '\r' || c == '\u{FEFF}' || fold_width(c) != c {
        k |= FOLD;
    }
    if T2s::get().may_change(c) {
        k |= T2S;
    }
    if c == '百' || is_cn_numeral_char(c) {
        k |= NUM;
    }
    match c {
        '\n' => k |= LF,
        ' ' => k |= SPACE,
        '|' => k |= PIPE,
        _ if is_furniture(c) => k |= FURNITURE,
        _ => {}
    }
    k
}

/// [`class_slow`] of every character of the Basic Multilingual Plane, built once (surrogates,
/// which are no characters, have none).
fn classes() -> &'static [u8; 0x10000] {
    static CLASSES: OnceLock<Box<[u8; 0x10000]>> = OnceLock::new();
    CLASSES.get_or_init(|| {
        let all: Box<[u8]> = (0..0x10000u32)
            .map(|u| char::from_u32(u).map_or(0, class_slow))
            .collect();
        all.try_into().expect("one class per BMP code point")
    })
}

/// [`classes`] with [`PHRASE`] marking the characters `firsts` (of the Basic Multilingual Plane).
pub(crate) fn classes_marking(firsts: impl Iterator<Item = char>) -> Box<[u8; 0x10000]> {
    let mut all: Box<[u8; 0x10000]> = classes()
        .to_vec()
        .into_boxed_slice()
        .try_into()
        .expect("one class per BMP code point");
    for c in firsts {
        if let Some(k) = all.get_mut(c as usize) {
            *k |= PHRASE;
        }
    }
    all
}

#[inline(always)]
fn class_of(classes: &[u8], c: char) -> u8 {
    match classes.get(c as usize) {
        Some(&k) => k,
        None => class_slow(c),
    }
}

/// Where the kept characters of a line come from in it.
#[derive(Clone, Copy)]
enum LineOrigins<'a> {
    /// Kept character `j` is character `start + j` of the raw line.
    Run(u32),
    /// Kept character `j` is character `list[j]` of the raw line.
    List(&'a [u32]),
}

/// One line folded and converted, reused from line to line. Its characters are those of the raw
/// line but the dropped ones (`\r`, BOM): the kept characters.
#[derive(Default)]
struct LineBuf {
    /// The line folded and converted, when it differs from the raw line (`owned`).
    text: String,
    owned: bool,
    /// The byte offset in the folded line of each kept character, and the folded line's length.
    offs: Vec<u32>,
    /// The kept characters a numeral may start at (increasing).
    nums: Vec<u32>,
    /// Whether the line holds a space, a `|`, another [`is_furniture`] character.
    has_space: bool,
    table_row: bool,
    has_furniture: bool,
    /// Indices in the raw line of the characters dropped (`\r`, BOM).
    dropped: Vec<u32>,
    /// Byte offsets in `text` and kept indices of the characters fast2s may change.
    t2s_at: Vec<(u32, u32)>,
    /// Scratch for [`LineOrigins::List`].
    kept: Vec<u32>,
    /// The kept characters a `drop_contains` phrase may start at (increasing; only with the
    /// classes of [`classes_marking`]).
    phrase_at: Vec<u32>,
    /// Scratch for [`LineBuf::convert`]: the converted line.
    scratch: String,
    /// Scratch for [`LineBuf::convert`]: byte offset, length and conversion of each change.
    changes: Vec<(usize, usize, char)>,
}

impl LineBuf {
    /// Whether the folded line may hold an [`is_furniture`] character (a character fast2s
    /// converts is not looked at again).
    fn may_hold_furniture(&self) -> bool {
        self.has_space || self.table_row || self.has_furniture || !self.t2s_at.is_empty()
    }

    /// Fold the line at the start of `rest` (up to its first `\n`): drop `\r` and BOMs, fold
    /// widths and convert to simplified exactly as over the whole text (`first`: the line starts
    /// the text). The result is the raw line itself when nothing changes, else `self.text`.
    /// Returns the raw line's length in bytes and in characters, and whether a `\n` ends it.
    fn fold(&mut self, rest: &str, first: bool, classes: &[u8; 0x10000]) -> (usize, u32, bool) {
        self.text.clear();
        self.phrase_at.clear();
        self.owned = false;
        self.offs.clear();
        self.nums.clear();
        self.has_space = false;
        self.table_row = false;
        self.has_furniture = false;
        self.dropped.clear();
        self.t2s_at.clear();
        let bytes = rest.as_bytes();
        let mut copied = 0; // rest[..copied] is in `text` (when owned)
        let mut removed = 0; // bytes the folding removed from rest[..copied]
        let mut line_end = rest.len();
        let mut more = false;
        let mut i = 0;
        while i < bytes.len() {
            // The character at `i` (valid UTF-8), decoded only as far as its class needs.
            let cont = |b: u8| (b & 0x3F) as u32;
            let (u, width) = match bytes[i..] {
                [x, ..] if x < 0x80 => (x as u32, 1),
                [x, b1, ..] if x < 0xE0 => (((x & 0x1F) as u32) << 6 | cont(b1), 2),
                [x, b1, b2, ..] if x < 0xF0 => {
                    (((x & 0x0F) as u32) << 12 | cont(b1) << 6 | cont(b2), 3)
                }
                _ => {
                    let c = rest.get(i..).and_then(|s| s.chars().next()).unwrap_or(' ');
                    (c as u32, c.len_utf8())
                }
            };
            let mut k = if u < 0x10000 {
                classes[u as usize & 0xFFFF]
            } else {
                char::from_u32(u).map_or(0, class_slow)
            };
            let at = (i - removed) as u32; // in the folded line
            if k != 0 {
                let kept = self.offs.len() as u32; // this character's index among the kept
                if k & LF != 0 {
                    line_end = i;
                    more = true;
                    break;
                }
                if k & (FOLD | T2S) != 0 {
                    let Some(c) = char::from_u32(u) else {
                        break;
                    };
                    self.text.push_str(rest.get(copied..i).unwrap_or_default());
                    copied = i + width;
                    self.owned = true;
                    if k & FOLD == 0 {
                        self.t2s_at.push((self.text.len() as u32, kept));
                        self.text.push(c);
                    } else if c == '\r' || c == '\u{FEFF}' {
                        self.dropped.push(kept + self.dropped.len() as u32);
                        removed += width;
                        i += width;
                        continue;
                    } else {
                        let f = fold_width(c);
                        removed += width - f.len_utf8();
                        k = class_of(classes, f);
                        if k & T2S != 0 {
                            self.t2s_at.push((self.text.len() as u32, kept));
                        }
                        self.text.push(f);
                    }
                }
                self.has_space |= k & SPACE != 0;
                self.table_row |= k & PIPE != 0;
                self.has_furniture |= k & FURNITURE != 0;
                // The class of a character fast2s changes is looked at once it is converted.
                if k & (NUM | T2S) == NUM {
                    self.nums.push(kept);
                }
                if k & (PHRASE | T2S) == PHRASE {
                    self.phrase_at.push(kept);
                }
            }
            self.offs.push(at);
            i += width;
        }
        if self.owned {
            self.text.push_str(&rest[copied..line_end]);
        }
        self.offs.push((line_end - removed) as u32);
        if !self.t2s_at.is_empty() {
            self.convert(first, more, classes);
        }
        (
            line_end,
            (self.offs.len() - 1 + self.dropped.len()) as u32,
            more,
        )
    }

    /// Convert the characters at `t2s_at` to simplified, as [`to_simplified_at`] over the whole
    /// text: fast2s looks at the unconverted neighbours, which are `\n` at the ends of the line,
    /// or `'0'` at the ends of the text.
    fn convert(&mut self, first: bool, more: bool, classes: &[u8; 0x10000]) {
        let before = if first { '0' } else { '\n' };
        let after = if more { '\n' } else { '0' };
        let t = T2s::get();
        self.changes.clear();
        for &(a, _) in &self.t2s_at {
            let p = a as usize;
            let Some(cur) = self.text.get(p..).and_then(|s| s.chars().next()) else {
                continue;
            };
            let prev = self.text[..p].chars().next_back().unwrap_or(before);
            let len = cur.len_utf8();
            let next = self.text[p + len..].chars().next().unwrap_or(after);
            let new = t.convert(prev, cur, next);
            if new != cur {
                self.changes.push((p, len, new));
            }
        }
        if self.changes.is_empty() {
            return self.mark_converted(classes);
        }
        // The line is copied in runs around the changes into the scratch buffer, which becomes
        // the line (no allocation once the buffers have grown, no shifting of the line's tail).
        let mut text = std::mem::take(&mut self.scratch);
        text.clear();
        let mut copied = 0;
        let mut same_lengths = true;
        for &(p, len, new) in &self.changes {
            text.push_str(self.text.get(copied..p).unwrap_or_default());
            text.push(new);
            same_lengths &= new.len_utf8() == len;
            copied = p + len;
        }
        text.push_str(self.text.get(copied..).unwrap_or_default());
        self.scratch = std::mem::replace(&mut self.text, text);
        if !same_lengths {
            // Never with fast2s's tables: the offsets are found anew.
            self.offs.clear();
            self.offs
                .extend(self.text.char_indices().map(|(b, _)| b as u32));
            self.offs.push(self.text.len() as u32);
        }
        self.mark_converted(classes);
    }

    /// Add the converted characters a numeral or a phrase may start at.
    fn mark_converted(&mut self, classes: &[u8; 0x10000]) {
        let (mut added, mut added_phrase) = (false, false);
        for &(_, j) in &self.t2s_at {
            let at = self
                .offs
                .get(j as usize)
                .map_or(usize::MAX, |&o| o as usize);
            let k = self
                .text
                .get(at..)
                .and_then(|s| s.chars().next())
                .map_or(0, |c| class_of(classes, c));
            if k & NUM != 0 {
                self.nums.push(j);
                added = true;
            }
            if k & PHRASE != 0 {
                self.phrase_at.push(j);
                added_phrase = true;
            }
        }
        if added {
            self.nums.sort_unstable();
        }
        if added_phrase {
            self.phrase_at.sort_unstable();
        }
    }
}

/// Where the kept characters of a line of `n` characters come from, given the `dropped` ones;
/// `kept` is scratch.
fn line_origins<'k>(dropped: &[u32], kept: &'k mut Vec<u32>, n: u32) -> LineOrigins<'k> {
    if dropped.is_empty() {
        return LineOrigins::Run(0);
    }
    let d = dropped;
    let lead = d
        .iter()
        .enumerate()
        .take_while(|(i, k)| **k == *i as u32)
        .count();
    let trail = d
        .iter()
        .rev()
        .enumerate()
        .take_while(|(i, k)| **k + 1 + *i as u32 == n)
        .count();
    if lead + trail >= d.len() {
        return LineOrigins::Run(lead as u32);
    }
    kept.clear();
    let mut next_dropped = d.iter().peekable();
    for k in 0..n {
        if next_dropped.peek() == Some(&&k) {
            next_dropped.next();
        } else {
            kept.push(k);
        }
    }
    LineOrigins::List(kept)
}

/// A folded line, as [`Out`] appends it.
struct Line<'a> {
    text: &'a str,
    /// The byte offset of each kept character in `text`, and `text.len()`.
    offs: &'a [u32],
    /// The kept characters a numeral may start at.
    nums: &'a [u32],
    origins: LineOrigins<'a>,
    /// The index in `src` of the raw line's first character.
    k0: u32,
}

/// The normalized text being built.
struct Out<'a> {
    text: String,
    /// Byte offset in `text` of each character.
    char_bytes: Vec<u32>,
    origin: Vec<u32>,
    /// Indices of the characters a numeral may start at, increasing.
    numerals: Vec<u32>,
    origins: Origins<'a>,
}

impl<'a> Out<'a> {
    /// For a text of `bytes` bytes (it has at most as many characters as the origins say, or as
    /// the original when they are the identity).
    fn new(bytes: usize, origins: Origins<'a>, orig_len: u32) -> Out<'a> {
        let chars = match origins {
            Origins::Identity => (orig_len as usize).min(bytes),
            Origins::Map(map) => map.len().min(bytes),
        };
        Out {
            text: String::with_capacity(bytes),
            char_bytes: Vec::with_capacity(chars + 1),
            origin: Vec::with_capacity(chars + 1),
            numerals: Vec::new(),
            origins,
        }
    }

    /// The origin of character `k` of `src`.
    #[inline]
    fn src_origin(&self, k: u32) -> u32 {
        match self.origins {
            Origins::Identity => k,
            Origins::Map(map) => map.get(k as usize).copied().unwrap_or(0),
        }
    }

    /// The origin of kept character `j` of `line`.
    fn origin_of(&self, line: &Line<'_>, j: u32) -> u32 {
        match line.origins {
            LineOrigins::Run(s) => self.src_origin(line.k0 + s + j),
            LineOrigins::List(l) => {
                self.src_origin(line.k0 + l.get(j as usize).copied().unwrap_or(0))
            }
        }
    }

    fn push_break(&mut self, origin: u32) {
        self.char_bytes.push(self.text.len() as u32);
        self.text.push('\n');
        self.origin.push(origin);
    }

    /// Append kept characters `j0..j1` of `line`, with their byte offsets, origins and numeral
    /// starts, in runs.
    fn emit(&mut self, line: &Line<'_>, j0: usize, j1: usize) {
        let (Some(offs), Some(&b0), Some(&b1)) =
            (line.offs.get(j0..j1), line.offs.get(j0), line.offs.get(j1))
        else {
            return;
        };
        let shift = (self.text.len() as u32).wrapping_sub(b0);
        let first = self.char_bytes.len() as u32;
        self.char_bytes
            .extend(offs.iter().map(|&o| o.wrapping_add(shift)));
        self.text
            .push_str(line.text.get(b0 as usize..b1 as usize).unwrap_or_default());
        let (n0, n1) = (
            line.nums.partition_point(|&j| (j as usize) < j0),
            line.nums.partition_point(|&j| (j as usize) < j1),
        );
        let shift = first.wrapping_sub(j0 as u32);
        self.numerals
            .extend(line.nums[n0..n1].iter().map(|&j| j.wrapping_add(shift)));
        match (line.origins, self.origins) {
            (LineOrigins::Run(s), Origins::Identity) => {
                let from = line.k0 + s;
                self.origin.extend(from + j0 as u32..from + j1 as u32);
            }
            (LineOrigins::Run(s), Origins::Map(map)) => {
                let from = (line.k0 + s) as usize;
                self.origin
                    .extend_from_slice(map.get(from + j0..from + j1).unwrap_or_default());
            }
            (LineOrigins::List(l), _) => {
                for &r in l.get(j0..j1).unwrap_or_default() {
                    let o = self.src_origin(line.k0 + r);
                    self.origin.push(o);
                }
            }
        }
    }

    /// [`Out::emit`] without the spaces between Han characters (PDF letter spacing, `建 议` →
    /// `建议`). Characters `j0..j1` neither start nor end with a space (trimmed), so both
    /// neighbours of a space are among them; the character before a space is never a dropped
    /// space, so it is the last one kept.
    fn emit_dropping_han_spaces(&mut self, line: &Line<'_>, j0: usize, j1: usize) {
        let (Some(&b0), Some(&b1)) = (line.offs.get(j0), line.offs.get(j1)) else {
            return;
        };
        let (b0, b1) = (b0 as usize, b1 as usize);
        let mut seg = j0;
        for (p, _) in line.text.get(b0..b1).unwrap_or_default().match_indices(' ') {
            let p = b0 + p;
            let prev = line.text[..p].chars().next_back();
            let next = line.text[p + 1..].chars().next();
            if prev.is_some_and(is_han) && next.is_some_and(is_han) {
                let j = line.offs.partition_point(|&o| (o as usize) < p);
                self.emit(line, seg, j);
                seg = j + 1;
            }
        }
        self.emit(line, seg, j1);
    }

    /// Rewrite the numerals (see [`find_rewrites`]) and return the [`NormText`].
    fn finish(self, orig_len: u32) -> NormText {
        let Out {
            text,
            mut char_bytes,
            origin: mut os,
            numerals,
            ..
        } = self;
        let n = char_bytes.len();
        char_bytes.push(text.len() as u32);
        let rewrites = find_rewrites(
            CharsAt {
                text: &text,
                char_bytes: &char_bytes,
            },
            &numerals,
        );
        if rewrites.is_empty() {
            os.push(orig_len);
            // All three were sized for the input; keep only what the document needs.
            os.shrink_to_fit();
            char_bytes.shrink_to_fit();
            let mut text = text;
            text.shrink_to_fit();
            return NormText {
                text,
                origin: os,
                char_bytes,
            };
        }
        build_with_rewrites(&rewrites, n, os, &text, &char_bytes, orig_len)
    }
}

/// A name in simplified characters (one to one), so 重慶市 and 重庆市 compare equal.
pub fn simplified(s: &str) -> String {
    let mut cs: Vec<char> = s.chars().collect();
    to_simplified(&mut cs);
    cs.into_iter().collect()
}

/// Full-width ASCII to half-width; odd spaces to a plain space.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' | '\t' | '\u{2002}' | '\u{2003}' | '\u{2009}' | '\u{200B}' => ' ',
        '\u{FE6A}' => '%',
        '\u{2030}' => '%', // some converters turn ％ into ‰-looking glyphs; never a real per-mille here
        _ => c,
    }
}
// ---------------------------------------------------------------- traditional → simplified

/// The characters whose fast2s conversion depends on their neighbours: the keys of fast2s 0.3.1's
/// `T2S_EXCLUDE` (乾隆 stays, 乾淨 → 干净) and `T2S_SPECIAL_CONVERT_TYPE` (計畫 → 计划, 藉口 →
/// 借口, 看著 → 看着). fast2s is pinned to that version in `Cargo.toml`: a new version must be
/// checked against this list (the tests below compare with `fast2s::convert`).
const T2S_CONTEXT: &[char] = &[
    '兒', '覆', '夥', '藉', '瞭', '麽', '幺', '於', '乾', '著', '苧', '闔', '鍾', '讎', '畫',
];

/// fast2s's conversion as a dense table over the range of characters it changes.
struct T2s {
    lo: u32,
    /// Bit `c - lo`: whether fast2s may change `c` (a small bitmap, checked for every character).
    changes: Box<[u64]>,
    /// `table[c - lo]`: the simplified character, or [`T2s::CONTEXT`] for [`T2S_CONTEXT`].
    table: Box<[u32]>,
}

impl T2s {
    const CONTEXT: u32 = u32::MAX;

    /// Built once from `fast2s::convert` itself, one character at a time (fast2s converts only
    /// characters of three UTF-8 bytes, U+0800..=U+FFFF).
    fn build() -> T2s {
        let mut alone = String::with_capacity(0x10000 * 4);
        for u in 0x800..=0xFFFF {
            if let Some(c) = char::from_u32(u) {
                alone.push(c);
                alone.push('\n');
            }
        }
        let conv = fast2s::convert(&alone);
        let changed: Vec<(char, u32)> = alone
            .chars()
            .zip(conv.chars())
            .filter(|(c, d)| c != d || T2S_CONTEXT.contains(c))
            .map(|(c, d)| {
                let v = if T2S_CONTEXT.contains(&c) {
                    T2s::CONTEXT
                } else {
                    d as u32
                };
                (c, v)
            })
            .collect();
        let lo = changed.iter().map(|(c, _)| *c as u32).min().unwrap_or(1);
        let hi = changed.iter().map(|(c, _)| *c as u32).max().unwrap_or(0);
        let mut table: Vec<u32> = (lo..=hi).collect();
        let mut changes = vec![0u64; table.len().div_ceil(64)];
        for (c, v) in changed {
            let k = (c as u32 - lo) as usize;
            table[k] = v;
            changes[k / 64] |= 1 << (k % 64);
        }
        T2s {
            lo,
            changes: changes.into_boxed_slice(),
            table: table.into_boxed_slice(),
        }
    }

    /// Whether fast2s may change `c` (in some context).
    #[inline(always)]
    fn may_change(&self, c: char) -> bool {
        T2s::may_change_in(self.lo, &self.changes, c)
    }

    #[inline(always)]
    fn may_change_in(lo: u32, changes: &[u64], c: char) -> bool {
        let k = (c as u32).wrapping_sub(lo) as usize;
        changes
            .get(k / 64)
            .is_some_and(|bits| bits >> (k % 64) & 1 != 0)
    }

    /// `cur` converted, between the unconverted `prev` and `next` (`'0'` at the ends of the text).
    fn convert(&self, prev: char, cur: char, next: char) -> char {
        if !self.may_change(cur) {
            return cur;
        }
        match self.table[(cur as u32 - self.lo) as usize] {
            T2s::CONTEXT => t2s_in_context(prev, cur, next),
            v => char::from_u32(v).unwrap_or(cur),
        }
    }

    fn get() -> &'static T2s {
        static T2S: OnceLock<T2s> = OnceLock::new();
        T2S.get_or_init(T2s::build)
    }
}

/// What fast2s makes of `cur` between `prev` and `next` (`'0'` at either end of the text, as
/// fast2s does): the whole three-character window through fast2s, keeping the middle.
fn t2s_in_context(prev: char, cur: char, next: char) -> char {
    let mut buf = [0u8; 12];
    let mut len = 0;
    for c in [prev, cur, next] {
        len += c.encode_utf8(&mut buf[len..]).len();
    }
    let window = std::str::from_utf8(&buf[..len]).unwrap_or_default();
    fast2s::convert(window).chars().nth(1).unwrap_or(cur)
}

/// Traditional → simplified in place, exactly as `fast2s::convert` over the same characters
/// (1:1, so offsets are unchanged), via a table built from fast2s once per process.
fn to_simplified(cs: &mut [char]) {
    let t = T2s::get();
    let at: Vec<usize> = (0..cs.len()).filter(|&k| t.may_change(cs[k])).collect();
    to_simplified_at(cs, &at);
}

/// [`to_simplified`] given the (increasing) indices of the characters fast2s may change.
fn to_simplified_at(cs: &mut [char], at: &[usize]) {
    let t = T2s::get();
    let mut last: Option<(usize, char)> = None; // the last character converted, as it was
    for &k in at {
        let cur = cs[k];
        // fast2s looks at the original neighbours: `cs[k - 1]` may be converted already, and
        // `cs[k + 1]` is not yet. `'0'` is its context at either end of the text.
        let prev = match (k.checked_sub(1), last) {
            (None, _) => '0',
            (Some(j), Some((l, c))) if j == l => c,
            (Some(j), _) => cs[j],
        };
        let next = cs.get(k + 1).copied().unwrap_or('0');
        cs[k] = t.convert(prev, cur, next);
        last = Some((k, cur));
    }
}

// ---------------------------------------------------------------- lines

/// Characters ignored when a line is compared with `drop_exact` (bullets, brackets, spaces).
fn is_furniture(c: char) -> bool {
    matches!(c, '•' | '·' | '|' | ' ' | '-' | '[' | ']' | '【' | '】')
}

/// Whether a trimmed line is boilerplate. `core` is scratch reused across lines.
fn is_boilerplate(line: &str, rules: &TextRules, core: &mut String) -> bool {
    is_furniture_or_exact(line, rules, core) || rules.drops(line)
}

/// Whether kept characters `lead..end` of a folded line (at byte offsets `offs`) contain a
/// phrase of `p`, given the kept characters a phrase may start at: `contains_re` over them.
fn contains_phrase(
    p: &PhraseIndex,
    folded: &str,
    offs: &[u32],
    starts: &[u32],
    lead: usize,
    end: usize,
) -> bool {
    let Some(&end_b) = offs.get(end) else {
        return false;
    };
    let Some(line) = folded.get(..end_b as usize) else {
        return false;
    };
    starts
        .iter()
        .filter(|&&j| (lead..end).contains(&(j as usize)))
        .any(|&j| {
            let rest = offs
                .get(j as usize)
                .and_then(|&b| line.get(b as usize..))
                .unwrap_or_default();
            rest.chars().next().is_some_and(|c| p.starts(c, rest))
        })
}

/// [`is_boilerplate`] but for `drop_contains` and `drop_regex`: only furniture, or a
/// `drop_exact` line.
fn is_furniture_or_exact(line: &str, rules: &TextRules, core: &mut String) -> bool {
    // The core's size, counted only as far as the `drop_exact` lookup needs.
    let mut core_bytes = 0;
    for c in line.chars() {
        if !is_furniture(c) {
            core_bytes += c.len_utf8();
            if !rules.may_drop_exact(core_bytes) {
                break;
            }
        }
    }
    if core_bytes == 0 {
        return true;
    }
    if rules.may_drop_exact(core_bytes) {
        core.clear();
        core.extend(line.chars().filter(|c| !is_furniture(*c)));
        if rules.drop_exact.contains(core.as_str()) {
            return true;
        }
    }
    false
}

const TERMINAL: &[char] = &['。', '！', '？', '!', '?', ';', '；', ':', '：', '…'];
const CLOSERS: &[char] = &['”', '’', '"', '」', '』', ')', '）'];

/// Whether a line ends a sentence (so the next line starts a new paragraph).
pub(super) fn ends_sentence(line: &str) -> bool {
    let mut it = line.chars().rev();
    match it.next() {
        Some(c) if TERMINAL.contains(&c) => true,
        Some(c) if CLOSERS.contains(&c) => it.next().is_some_and(|p| TERMINAL.contains(&p)),
        _ => false,
    }
}

/// [`starts_block`] of a line as UTF-8.
fn starts_block_str(line: &str) -> bool {
    let mut head = ['\0'; 8];
    let mut m = 0;
    for (slot, c) in head.iter_mut().zip(line.chars()) {
        *slot = c;
        m += 1;
    }
    starts_block(&head[..m])
}

/// A line that opens a heading or a list item (judged on its first eight characters).
fn starts_block(line: &[char]) -> bool {
    let s = &line[..line.len().min(8)];
    let first = s.first().copied().unwrap_or(' ');
    if matches!(first, '•' | '-' | '*' | '#' | '|' | '—' | '【') {
        return true;
    }
    let is_numeral = |c: &char| cn_digit(*c).is_some() || *c == '十' || c.is_ascii_digit();
    if matches!(first, '(' | '（') {
        // `（一）` / `(2)` open a list item; `（因条件限制…）31件` continues a wrapped sentence.
        let n = s[1..].iter().take_while(|c| is_numeral(c)).count();
        return n > 0 && matches!(s.get(1 + n), Some(')' | '）'));
    }
    let n = s.iter().take_while(|c| is_numeral(c)).count();
    if opens_with_month_day(s) || opens_with_iso_date(s) {
        return true;
    }
    if n > 0 {
        // `1.` / `一、` open a list item; `98.78%` continues a sentence.
        return match s.get(n) {
            Some('.' | '．') => !s.get(n + 1).is_some_and(|c| c.is_ascii_digit()),
            Some('、' | ')' | '）') => true,
            _ => false,
        };
    }
    first == '第'
        && s.get(2)
            .is_some_and(|c| matches!(c, '章' | '条' | '部' | '节'))
}

/// A digit of either width (`7`, `７`): lines are judged before or after width folding.
fn is_any_digit(c: &char) -> bool {
    c.is_ascii_digit() || matches!(c, '０'..='９')
}

/// `11月15日,` / `12月16日上午`: a dateline opens a paragraph (joining it to a line that ends
/// in digits, such as a page's view counter, would also corrupt the date).
fn opens_with_month_day(s: &[char]) -> bool {
    let digits = |from: usize| {
        s[from.min(s.len())..]
            .iter()
            .take_while(|c| is_any_digit(c))
            .count()
    };
    let m = digits(0);
    if !(1..=2).contains(&m) || s.get(m) != Some(&'月') {
        return false;
    }
    let d = digits(m + 1);
    (1..=2).contains(&d)
        && s.get(m + 1 + d) == Some(&'日')
        && matches!(
            s.get(m + 2 + d),
            Some(',' | '，' | '上' | '下' | ' ' | '　')
        )
}

/// A line that is only a date (`二〇一〇年十二月二十日`, `(2019年3月5日)`): a report's dateline,
/// never the end of a wrapped title.
fn is_date_line(line: impl Iterator<Item = char>) -> bool {
    let digit = |c: char| is_any_digit(&c);
    let year_digit = |c: char| digit(c) || "〇零一二三四五六七八九".contains(c);
    let small = |c: char| digit(c) || "一二三四五六七八九十".contains(c);
    let mut it = line.peekable();
    if it.peek().is_some_and(|c| matches!(c, '(' | '（')) {
        it.next();
    }
    let mut run = |ok: &dyn Fn(char) -> bool, min: usize, max: usize, end: char| {
        let mut n = 0;
        for c in it.by_ref() {
            if c == end {
                return (min..=max).contains(&n);
            }
            if !ok(c) {
                return false;
            }
            n += 1;
        }
        false
    };
    if !(run(&year_digit, 4, 4, '年') && run(&small, 1, 2, '月') && run(&small, 1, 3, '日')) {
        return false;
    }
    match it.next() {
        None => true,
        Some(')' | '）') => it.next().is_none(),
        Some(_) => false,
    }
}

/// `2018-12-28 08:41 来源:…`: a web page's date line (prose never opens with an ISO date).
fn opens_with_iso_date(s: &[char]) -> bool {
    s.len() >= 6 && s[..4].iter().all(char::is_ascii_digit) && s[4] == '-' && s[5].is_ascii_digit()
}

/// [`is_stamp_line`] of a line as UTF-8. The lines here are width-folded, so a clock time
/// holds the bytes digit, `:`, digit: only a line that does has its characters collected.
fn is_stamp_line_str(line: &str) -> bool {
    let holds_clock = line
        .as_bytes()
        .windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit());
    holds_clock && is_stamp_line(&line.chars().collect::<Vec<char>>())
}

/// A web page's stamp line, a date with its clock time (`西安晚报 2019-12-28 05:27 大字`,
/// `2012年01月16日10:47 来源:…`): neither joined to the title before it nor to the byline after
/// it, though none of them ends with a full stop.
fn is_stamp_line(line: &[char]) -> bool {
    let digits_before = |end: usize, max: usize| {
        line[..end]
            .iter()
            .rev()
            .take(max + 1)
            .take_while(|c| is_any_digit(c))
            .count()
    };
    line.iter().enumerate().any(|(i, c)| {
        if !matches!(c, ':' | '：')
            || !line
                .get(i + 1..i + 3)
                .is_some_and(|m| m.iter().all(is_any_digit))
        {
            return false;
        }
        let hours = digits_before(i, 2);
        if !(1..=2).contains(&hours) {
            return false;
        }
        let mut j = i - hours;
        while j > 0 && matches!(line[j - 1], ' ' | '\u{3000}') {
            j -= 1;
        }
        if j > 0 && line[j - 1] == '日' {
            j -= 1;
        }
        date_ends_at(line, j)
    })
}

/// `2019-12-28`, `2012年01月16`, `2020/1/7` ends just before index `end`.
fn date_ends_at(line: &[char], end: usize) -> bool {
    let run = |end: usize| {
        line[..end]
            .iter()
            .rev()
            .take_while(|c| is_any_digit(c))
            .count()
    };
    let day = run(end);
    if !(1..=2).contains(&day) || end - day == 0 {
        return false;
    }
    let sep = end - day - 1;
    if !matches!(line[sep], '-' | '/' | '.' | '月') {
        return false;
    }
    let month = run(sep);
    if !(1..=2).contains(&month) || sep - month == 0 {
        return false;
    }
    let sep = sep - month - 1;
    matches!(line[sep], '-' | '/' | '.' | '年') && run(sep) == 4
}

/// Minimum length of a line that a PDF wrapped mid-sentence (headings and titles are shorter).
const MIN_WRAPPED_LINE: usize = 16;

/// What joining needs to know about the previous kept line.
#[derive(Clone, Copy)]
struct KeptLine {
    ends_sentence: bool,
    long: bool,
    table_row: bool,
}

pub(super) fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

// ---------------------------------------------------------------- numerals and output

/// Units after which a Chinese numeral is a quantity worth rewriting as digits.
const NUMERAL_UNITS: &[char] = &[
    '件', '份', '位', '名', '项', '个', '人', '条', '次', '家', '年', '月', '日',
];
/// Characters before a numeral that make it an ordinal or part of a word, not a quantity.
const NUMERAL_BLOCKERS: &[char] = &['第', '每', '逐', '届', '星', '统', '唯', '万', '之'];

/// The characters a numeral rewrite can start at (numeral characters and the 百 of 百分之), as a
/// bitmap over the Basic Multilingual Plane built once from [`is_cn_numeral_char`].
#[cfg(test)]
fn numeral_starts() -> &'static [u64] {
    static BITS: OnceLock<Box<[u64]>> = OnceLock::new();
    BITS.get_or_init(|| {
        let mut bits = vec![0u64; 0x10000 / 64];
        for u in 0..0x10000u32 {
            if let Some(c) = char::from_u32(u)
                && (c == '百' || is_cn_numeral_char(c))
            {
                bits[(u / 64) as usize] |= 1 << (u % 64);
            }
        }
        bits.into_boxed_slice()
    })
}

#[cfg(test)]
#[inline(always)]
fn may_start_numeral(starts: &[u64], c: char) -> bool {
    let u = c as u32;
    match starts.get((u / 64) as usize) {
        Some(word) => word >> (u % 64) & 1 != 0,
        None => c == '百' || is_cn_numeral_char(c),
    }
}

/// A Chinese numeral to be replaced by digits.
struct Rewrite {
    /// `cs[start..end]` is replaced.
    start: usize,
    end: usize,
    digits: String,
}

/// The characters of the normalized text, by index, through their byte offsets.
#[derive(Clone, Copy)]
struct CharsAt<'a> {
    text: &'a str,
    /// The byte offset of every character, and the text's length.
    char_bytes: &'a [u32],
}

impl CharsAt<'_> {
    fn len(&self) -> usize {
        self.char_bytes.len().saturating_sub(1)
    }

    fn get(&self, i: usize) -> Option<char> {
        if i >= self.len() {
            return None;
        }
        let b = *self.char_bytes.get(i)? as usize;
        self.text.get(b..)?.chars().next()
    }

    /// Characters `a..b` as text.
    fn slice(&self, a: usize, b: usize) -> &str {
        match (self.char_bytes.get(a), self.char_bytes.get(b)) {
            (Some(&x), Some(&y)) => self.text.get(x as usize..y as usize).unwrap_or(""),
            _ => "",
        }
    }
}

/// The Chinese numerals to rewrite as digits: 四千二百八十七件 → 4287件, 百分之七十二点二 →
/// 72.2%, 二〇二二年 → 2022年. Ordinals and words (第一, 一是, 十二届) stay. `starts` are the
/// indices of the characters a rewrite may start at (see [`NUM`]), increasing.
fn find_rewrites(cs: CharsAt<'_>, starts: &[u32]) -> Vec<Rewrite> {
    let mut rewrites: Vec<Rewrite> = Vec::new();
    let mut i = 0;
    for &p in starts {
        let p = p as usize;
        if p < i {
            continue;
        }
        i = p;
        let Some(c) = cs.get(i) else {
            break;
        };
        let mut rewrite = None;
        let mut next = i + 1;
        // 百分之X
        if c == '百' && cs.get(i + 1) == Some('分') && cs.get(i + 2) == Some('之') {
            let run_end = numeral_run_end_at(cs, i + 3, true);
            if run_end > i + 3
                && let Some(dec) = parse_cn_decimal(cs.slice(i + 3, run_end))
            {
                rewrite = Some((run_end, format!("{dec}%")));
            }
        }
        if rewrite.is_none()
            && is_cn_numeral_char(c)
            && !matches!(c, '点' | '點' | '万' | '亿' | '萬' | '億')
        {
            let run_end = numeral_run_end_at(cs, i, false);
            let unit = cs.get(run_end);
            let before = if i > 0 { cs.get(i - 1) } else { None };
            if counts_a_quantity(c, before, unit, run_end - i) {
                let run = cs.slice(i, run_end);
                if let Some(v) = parse_cn_integer(run)
                    && plausible_numeral(run, v, unit)
                {
                    rewrite = Some((run_end, v.to_string()));
                }
            }
            // Not a quantity: keep the whole run so that a sub-run is not rewritten.
            next = run_end;
        }
        if let Some((end, digits)) = rewrite {
            next = end;
            rewrites.push(Rewrite {
                start: i,
                end,
                digits,
            });
        }
        i = next;
    }
    rewrites
}

/// The [`NormText`] of `text` (`n` characters at `char_bytes`, with origins `os`) with the
/// `rewrites` applied: the text between them is copied in runs. A replacement's first character
/// maps to the numeral's first, the others to its last, so spans map to the numeral.
fn build_with_rewrites(
    rewrites: &[Rewrite],
    n: usize,
    os: Vec<u32>,
    text: &str,
    char_bytes: &[u32],
    orig_len: u32,
) -> NormText {
    let extra: usize = rewrites.iter().map(|r| r.digits.len()).sum();
    let mut out = NormText {
        text: String::with_capacity(text.len() + extra),
        origin: Vec::with_capacity(n + extra + 1),
        char_bytes: Vec::with_capacity(n + extra + 1),
    };
    let mut copied = 0; // characters ..copied are in `out`
    for r in rewrites.iter().chain(std::iter::once(&Rewrite {
        start: n,
        end: n,
        digits: String::new(),
    })) {
        let (from, to) = (char_bytes[copied], char_bytes[r.start]);
        let shift = (out.text.len() as u32).wrapping_sub(from);
        out.char_bytes.extend(
            char_bytes[copied..r.start]
                .iter()
                .map(|b| b.wrapping_add(shift)),
        );
        out.text.push_str(&text[from as usize..to as usize]);
        out.origin.extend_from_slice(&os[copied..r.start]);
        if r.start == n {
            break;
        }
        let k = r.digits.chars().count();
        for (j, d) in r.digits.chars().enumerate() {
            out.char_bytes.push(out.text.len() as u32);
            out.text.push(d);
            out.origin.push(if j + 1 == k && k > 1 {
                os[r.end - 1]
            } else {
                os[r.start]
            });
        }
        copied = r.end;
    }
    out.char_bytes.push(out.text.len() as u32);
    out.origin.push(orig_len);
    out
}

/// Whether a numeral run of `len` characters starting with `first`, after `before` and followed
/// by `unit`, is a quantity worth rewriting as digits (not an ordinal, a word or an idiom).
fn counts_a_quantity(first: char, before: Option<char>, unit: Option<char>, len: usize) -> bool {
    let blocked = before.is_some_and(|b| NUMERAL_BLOCKERS.contains(&b) || b.is_ascii_digit());
    // A lone 一/两 before 件 is idiom (办理一件提案、解决一个问题) unless a noun or 的
    // precedes it (提案一件, 留作参考的一件).
    let after_noun = before.is_some_and(|b| {
        matches!(
            b,
            '案' | '议' | '见' | '的' | '有' | '共' | '计' | '为' | ')' | '）' | '类'
        )
    });
    let idiom_unit = unit.is_some_and(|u| matches!(u, '件' | '个' | '项' | '条'));
    let lone_one = len == 1 && matches!(first, '一' | '两') && !after_noun && idiom_unit;
    !blocked && !lone_one && unit.is_some_and(|u| NUMERAL_UNITS.contains(&u))
}

fn plausible_numeral(s: &str, v: u64, unit: Option<char>) -> bool {
    match unit {
        // 二〇二二年 is a year; 三年 is a duration (keep both as digits), but 一年 in 一年来 is idiom-like
        // and harmless as 1年. Months/days only from real dates.
        Some('月') => (1..=12).contains(&v),
        Some('日') => (1..=31).contains(&v) && s.chars().count() <= 3,
        Some('年') => v < 100 || (1949..=2100).contains(&v),
        _ => true,
    }
}

fn numeral_run_end_at(cs: CharsAt<'_>, from: usize, allow_point: bool) -> usize {
    let mut j = from;
    while j - from < 24 {
        match cs.get(j) {
            Some(c) if is_cn_numeral_char(c) && (allow_point || !matches!(c, '点' | '點')) => {
                j += 1
            }
            _ => break,
        }
    }
    j
}

#[cfg(test)]
mod in_place_oracle {
    //! The in-place pipeline over a vector of characters that [`normalize_str`] replaced, kept
    //! as a test oracle for it.
    use super::*;

    pub(super) fn normalize_in_place(
        chars: Vec<char>,
        origins: Vec<u32>,
        orig_len: u32,
        rules: &TextRules,
    ) -> NormText {
        let mut cs = chars;
        let mut os = origins;
        let n = cs.len().min(os.len());
        cs.truncate(n);
        os.truncate(n);
        let mut maybe_t2s = Vec::new();
        let n = fold(&mut cs, &mut os, &mut maybe_t2s);
        to_simplified_at(&mut cs[..n], &maybe_t2s);
        let mut text = String::with_capacity(n * 3);
        let mut char_bytes = Vec::with_capacity(n + 1);
        let n = keep_and_join_lines(
            &mut cs[..n],
            &mut os[..n],
            rules,
            &mut text,
            &mut char_bytes,
        );
        rewrite_numerals_and_build(&cs[..n], os, text, char_bytes, orig_len)
    }

    /// Drop `\r` and byte-order marks and fold widths, in place. Returns the new length; `maybe_t2s`
    /// receives the (new) index of every character fast2s may change, so that the conversion visits
    /// only those.
    fn fold(cs: &mut [char], os: &mut [u32], maybe_t2s: &mut Vec<usize>) -> usize {
        let t = T2s::get();
        let mut w = 0;
        for i in 0..cs.len() {
            let mut c = cs[i];
            let u = c as u32;
            // Fast path: printable ASCII and U+3001..U+FE69 (CJK) are kept as they are.
            let kept =
                (u.wrapping_sub(0x20) < 0xA0 - 0x20) | (u.wrapping_sub(0x3001) < 0xFE6A - 0x3001);
            if !kept {
                if c == '\r' || c == '\u{FEFF}' {
                    continue;
                }
                c = fold_width(c);
            }
            // The table's fields as arguments stay in registers (through `t`, the compiler reloads
            // them after every push).
            if T2s::may_change_in(t.lo, &t.changes, c) {
                maybe_t2s.push(w);
            }
            cs[w] = c;
            os[w] = os[i];
            w += 1;
        }
        w
    }

    fn is_ws(c: char) -> bool {
        c == ' ' || c.is_whitespace()
    }

    /// `start..end` of `line` without surrounding whitespace (empty when all of it is).
    fn trim_range(line: &[char]) -> (usize, usize) {
        let start = line.iter().position(|c| !is_ws(*c)).unwrap_or(line.len());
        let end = line
            .iter()
            .rposition(|c| !is_ws(*c))
            .map(|p| p + 1)
            .unwrap_or(start);
        (start, end.max(start))
    }

    /// Whether a trimmed line is boilerplate, given the line as characters and as UTF-8 (`line_text`,
    /// the same characters encoded). `core` is scratch reused across lines.
    fn is_boilerplate(
        line: &[char],
        line_text: &str,
        rules: &TextRules,
        core: &mut String,
    ) -> bool {
        // The core's size, counted only as far as the `drop_exact` lookup needs.
        let mut core_bytes = 0;
        for &c in line {
            if !is_furniture(c) {
                core_bytes += c.len_utf8();
                if !rules.may_drop_exact(core_bytes) {
                    break;
                }
            }
        }
        if core_bytes == 0 {
            return true;
        }
        if rules.may_drop_exact(core_bytes) {
            core.clear();
            core.extend(line.iter().filter(|c| !is_furniture(**c)));
            if rules.drop_exact.contains(core.as_str()) {
                return true;
            }
        }
        rules.drops(line_text)
    }

    /// Whether a line ends a sentence (so the next line starts a new paragraph).
    fn ends_sentence(line: &[char]) -> bool {
        match line {
            [.., c] if TERMINAL.contains(c) => true,
            [.., p, c] if CLOSERS.contains(c) => TERMINAL.contains(p),
            _ => false,
        }
    }

    /// Split into lines, trim them, drop empty and boilerplate lines, and join lines that PDF
    /// extraction broke inside a sentence or a word, blank lines included: `已解\n\n决或基本解决的`.
    /// Other line breaks stay as one `\n` (mapped just before the next line's first character).
    /// Spaces between Han characters (PDF letter spacing, `建 议` → `建议`) go on the way: a trimmed
    /// line neither starts nor ends with a space, so both neighbours of a space are in its line.
    ///
    /// In place: the output never gets ahead of the input, since every `\n` written replaces at least
    /// one read. Returns the new length; `text` receives the output as UTF-8, and `char_bytes` the
    /// byte offset of each of its characters.
    fn keep_and_join_lines(
        cs: &mut [char],
        os: &mut [u32],
        rules: &TextRules,
        text: &mut String,
        char_bytes: &mut Vec<u32>,
    ) -> usize {
        let n = cs.len();
        let mut core = String::new();
        let mut prev: Option<KeptLine> = None;
        let mut w = 0; // write position; always <= the start of the line being read
        let mut a = 0; // start of the line being read
        loop {
            let b = cs[a..].iter().position(|&c| c == '\n').map_or(n, |p| a + p);
            let (s, e) = trim_range(&cs[a..b]);
            let (s, e) = (a + s, a + e);
            if s < e {
                let line = &cs[s..e];
                let (mut has_space, mut table_row) = (false, false);
                for &c in line {
                    has_space |= c == ' ';
                    table_row |= c == '|';
                }
                let stamp = is_stamp_line(line);
                let this = KeptLine {
                    ends_sentence: ends_sentence(line) || stamp,
                    long: e - s >= MIN_WRAPPED_LINE,
                    table_row,
                };
                let breaks = prev.is_some_and(|p| {
                    p.ends_sentence
                        || !p.long
                        || stamp
                        || starts_block(line)
                        || is_date_line(line.iter().copied())
                        || p.table_row
                        || this.table_row
                });
                // The line (and its break) is encoded once, straight into the output, where the
                // boilerplate rules read it; a dropped line is cut off again.
                let (text_mark, bytes_mark) = (text.len(), char_bytes.len());
                if breaks {
                    char_bytes.push(text.len() as u32);
                    text.push('\n');
                }
                let line_start = text.len();
                push_chars(text, char_bytes, line);
                if is_boilerplate(line, &text[line_start..], rules, &mut core) {
                    text.truncate(text_mark);
                    char_bytes.truncate(bytes_mark);
                } else {
                    if breaks {
                        os[w] = os[s].saturating_sub(1);
                        cs[w] = '\n';
                        w += 1;
                    }
                    prev = Some(this);
                    if has_space {
                        let start = w;
                        for i in s..e {
                            let c = cs[i];
                            // `w <= i`: `cs[w - 1]` is the last character kept (of this line, which
                            // starts with a non-space), `cs[i + 1]` is still the input.
                            if c == ' ' && is_han(cs[w - 1]) && is_han(cs[i + 1]) {
                                continue;
                            }
                            cs[w] = c;
                            os[w] = os[i];
                            w += 1;
                        }
                        if w - start != e - s {
                            // Spaces between Han went: the line is encoded again without them.
                            text.truncate(line_start);
                            char_bytes.truncate(bytes_mark + usize::from(breaks));
                            push_chars(text, char_bytes, &cs[start..w]);
                        }
                    } else {
                        cs.copy_within(s..e, w);
                        os.copy_within(s..e, w);
                        w += e - s;
                    }
                }
            }
            if b == n {
                return w;
            }
            a = b + 1;
        }
    }

    /// Append characters to the output as UTF-8, with the byte offset of each.
    fn push_chars(text: &mut String, char_bytes: &mut Vec<u32>, chars: &[char]) {
        for &c in chars {
            char_bytes.push(text.len() as u32);
            text.push(c);
        }
    }

    /// Rewrite quantities in Chinese numerals as Arabic digits: 四千二百八十七件 → 4287件,
    /// 百分之七十二点二 → 72.2%, 二〇二二年 → 2022年. Ordinals and words (第一, 一是, 十二届) stay.
    /// A replacement's first character maps to the numeral's first, the others to its last, so spans
    /// map to the numeral.
    ///
    /// `text` is `cs` as UTF-8, `char_bytes` the byte offset of each character and `os[..cs.len()]`
    /// their origins. Without rewrites (most reports) they become the [`NormText`] as they are;
    /// otherwise the text between rewrites is copied in runs.
    fn rewrite_numerals_and_build(
        cs: &[char],
        mut os: Vec<u32>,
        text: String,
        mut char_bytes: Vec<u32>,
        orig_len: u32,
    ) -> NormText {
        let n = cs.len();
        debug_assert_eq!(char_bytes.len(), n);
        char_bytes.push(text.len() as u32);
        let starts = numeral_starts();
        let mut rewrites: Vec<Rewrite> = Vec::new();
        let mut run = String::new();
        let mut i = 0;
        while let Some(p) = cs[i..].iter().position(|&c| may_start_numeral(starts, c)) {
            i += p;
            let c = cs[i];
            let mut rewrite = None;
            let mut next = i + 1;
            // 百分之X
            if c == '百' && cs.get(i + 1) == Some(&'分') && cs.get(i + 2) == Some(&'之') {
                let run_end = numeral_run_end(cs, i + 3, true);
                if run_end > i + 3 {
                    run.clear();
                    run.extend(&cs[i + 3..run_end]);
                    if let Some(dec) = parse_cn_decimal(&run) {
                        rewrite = Some((run_end, format!("{dec}%")));
                    }
                }
            }
            if rewrite.is_none()
                && is_cn_numeral_char(c)
                && !matches!(c, '点' | '點' | '万' | '亿' | '萬' | '億')
            {
                let run_end = numeral_run_end(cs, i, false);
                let unit = cs.get(run_end).copied();
                let before = if i > 0 { Some(cs[i - 1]) } else { None };
                if counts_a_quantity(c, before, unit, run_end - i) {
                    run.clear();
                    run.extend(&cs[i..run_end]);
                    if let Some(v) = parse_cn_integer(&run)
                        && plausible_numeral(&run, v, unit)
                    {
                        rewrite = Some((run_end, v.to_string()));
                    }
                }
                // Not a quantity: keep the whole run so that a sub-run is not rewritten.
                next = run_end;
            }
            if let Some((end, digits)) = rewrite {
                next = end;
                rewrites.push(Rewrite {
                    start: i,
                    end,
                    digits,
                });
            }
            i = next;
        }
        os.truncate(n);
        if rewrites.is_empty() {
            os.push(orig_len);
            // All three were sized for the input; keep only what the document needs.
            os.shrink_to_fit();
            char_bytes.shrink_to_fit();
            let mut text = text;
            text.shrink_to_fit();
            return NormText {
                text,
                origin: os,
                char_bytes,
            };
        }
        // Applying the rewrites is the same step as in `normalize_str`; the oracle checks how
        // they are found.
        build_with_rewrites(&rewrites, n, os, &text, &char_bytes, orig_len)
    }

    fn numeral_run_end(cs: &[char], from: usize, allow_point: bool) -> usize {
        let mut j = from;
        while j < cs.len() && j - from < 24 {
            let c = cs[j];
            if is_cn_numeral_char(c) && (allow_point || !matches!(c, '点' | '點')) {
                j += 1;
            } else {
                break;
            }
        }
        j
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;

    fn rules() -> TextRules {
        TextRules::for_tests(&["图片", "打印", "字号:", "字号"], &["比分直播"])
    }

    fn norm(s: &str) -> NormText {
        let chars: Vec<char> = s.chars().collect();
        let origins = (0..chars.len() as u32).collect();
        normalize(chars, origins, s.chars().count() as u32, &rules())
    }

    #[test]
    fn joins_pdf_break_inside_a_word() {
        let t =
            norm("从办理结果分类统计情况看，建议所涉及问题已解\n\n决或基本解决的(A类)88件,占58%;");
        assert!(t.text.contains("已解决或基本解决的(A类)88件"), "{}", t.text);
    }

    #[test]
    fn joins_a_wrapped_line_that_opens_with_a_parenthetical() {
        let t = norm(
            "件，占26.2%；C类（已列入计划逐步解决）85件，占20.6%；D类\n（因条件限制，留作参考）31件，占7.5%。",
        );
        assert!(
            t.text.contains("D类(因条件限制,留作参考)31件"),
            "{}",
            t.text
        );
        // `（二）` still opens a heading after an unfinished line.
        let t = norm("一、关于办理工作的基本情况和主要做法\n（二）主要做法");
        assert!(t.text.contains("\n(二)主要做法"), "{}", t.text);
    }

    #[test]
    fn a_date_alone_on_its_line_is_not_joined_to_a_title() {
        let t = norm(
            "城关区人民政府关于区八届人大四次会议代表建议办理工作情况的报告\n二〇一〇年十二月二十日\n",
        );
        assert!(t.text.contains("报告\n"), "{}", t.text);
        let t = norm("关于市十三届人大一次会议代表建议批评和意见办理\n(2019年3月5日)");
        assert!(t.text.contains("办理\n(2019年3月5日)"), "{}", t.text);
        // A date that goes on is part of the sentence.
        assert!(!is_date_line("2019年3月5日召开".chars()));
    }

    #[test]
    fn a_page_stamp_line_is_joined_to_neither_neighbour() {
        let t = norm(
            "西安市十六届人大四次会议以来 代表建议516件已全部办结\n\n西安晚报 2019-12-28 05:27 大字\n\n本报讯(记者赵辉)12月27日,记者获悉,代表共提出建议516件。",
        );
        assert!(
            t.text
                .contains("办结\n西安晚报 2019-12-28 05:27 大字\n本报讯"),
            "{}",
            t.text
        );
        let t = norm(
            "提案办理回复率达到百分之百的各项工作情况通报\n2012年01月16日10:47 来源:本网\n正文",
        );
        assert!(t.text.contains("通报\n2012年01月16日10:47"), "{}", t.text);
        for stamp in [
            "2022-01-10 16:05",
            "2020/1/7 9:26:44",
            "2012年01月16日10:47",
        ] {
            assert!(is_stamp_line_str(stamp), "{stamp}");
        }
        for prose in [
            "会议于2022年1月10日召开:16名代表",
            "12345-01-10 16:05",
            "比例为16:05",
        ] {
            assert!(!is_stamp_line_str(prose), "{prose}");
        }
    }

    #[test]
    fn keeps_paragraph_breaks_after_sentences_and_before_headings() {
        let t = norm("一、总体情况\n共交办建议230件。\n二、主要做法");
        assert_eq!(t.text, "一、总体情况\n共交办建议230件。\n二、主要做法");
    }

    #[test]
    fn folds_full_width_and_maps_back() {
        let src = "占５８．７％，共８８件";
        let t = norm(src);
        assert_eq!(t.text, "占58.7%,共88件");
        let start = t.text.find("88").unwrap();
        let cs = t.char_at_byte(start);
        let o = t.orig_span(Span::new(cs, cs + 2));
        let orig: String = src
            .chars()
            .skip(o.start as usize)
            .take((o.end - o.start) as usize)
            .collect();
        assert_eq!(orig, "８８");
    }

    #[test]
    fn traditional_is_matchable_with_offsets_kept() {
        let src = "辦復率和滿意率均為100%，“A”類建議共33件";
        let t = norm(src);
        assert!(t.text.contains("办复率和满意率均为100%"), "{}", t.text);
        assert!(t.text.contains("类建议共33件"));
        assert_eq!(t.char_len(), src.chars().count());
    }

    #[test]
    fn drops_boilerplate_lines() {
        let t =
            norm("雪园足球比分直播\n\n图片\n\n漯河市人民政府\n  • 字号:\n  • |\n  • 打印\n正文。");
        assert_eq!(t.text, "漯河市人民政府\n正文。");
    }

    #[test]
    fn rewrites_chinese_numerals_that_are_quantities() {
        let t = norm(
            "共收到建议四千二百八十七件，解决的占百分之七十二点二，二〇二二年，第一次会议，十二届",
        );
        assert_eq!(
            t.text,
            "共收到建议4287件,解决的占72.2%,2022年,第一次会议,十二届"
        );
        let p = t.text.find("72.2%").unwrap();
        let c = t.char_at_byte(p);
        let o = t.orig_span(Span::new(c, c + 5));
        let src: Vec<char> = "共收到建议四千二百八十七件，解决的占百分之七十二点二"
            .chars()
            .collect();
        let orig: String = src[o.start as usize..o.end as usize].iter().collect();
        assert_eq!(orig, "百分之七十二点二");
    }

    #[test]
    fn spaces_between_han_are_dropped() {
        assert_eq!(norm("建 议 230 件").text, "建议 230 件");
    }
}

#[cfg(test)]
mod fast_path_tests {
    //! The in-place fast paths against straightforward versions of the same steps.
    use super::*;

    fn table_convert(s: &str) -> String {
        let mut cs: Vec<char> = s.chars().collect();
        to_simplified(&mut cs);
        cs.into_iter().collect()
    }

    /// A small deterministic generator (xorshift), so failures reproduce.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
            xs[(self.next() % xs.len() as u64) as usize]
        }
    }

    /// Words fast2s converts (or keeps) depending on the neighbouring character.
    const CONTEXT_WORDS: &[&str] = &[
        "乾隆",
        "乾坤",
        "乾卦",
        "乾淨",
        "乾兒子",
        "芒果乾",
        "兒寬",
        "兒子",
        "答覆",
        "批覆",
        "回覆",
        "覆蓋",
        "甚夥",
        "夥伴",
        "慰藉",
        "狼藉",
        "藉口",
        "憑藉",
        "藉",
        "瞭望",
        "明瞭",
        "幺麽",
        "麽",
        "幺",
        "樊於期",
        "於是",
        "看著",
        "著名",
        "顯著",
        "苧麻",
        "苧",
        "闔家",
        "闔",
        "鍾書",
        "鍾",
        "校讎",
        "讎定",
        "仇讎",
        "讎",
        "計畫",
        "企畫",
        "畫圖",
        "畫畫",
        "畫",
    ];

    #[test]
    fn table_equals_fast2s_on_traditional_text_and_context_words() {
        let samples = [
            "乾隆的乾兒子一邊乾淨利落地擲出了一個乾卦，一邊嘴裡嚼着芒果乾。",
            "「藉」其他意义仍然保留的，藉口、憑藉的藉（jiè）简化作借，慰藉（jiè）、狼藉（jí）等的藉仍用藉。",
            "企畫 計畫 企劃 計劃 畫圖 畫畫",
            "《第一批异体字整理表》已將「託」與「托」合併為「托」",
            "「於」曾被《第一批異體字整理表》視為「于」的異體字廢除，如樊於期。",
            "辦復率和滿意率均為100%，“A”類建議共33件。看著顯著的著作，闔家鍾書校讎苧麻。",
            "乾",
            "畫",
            "著",
            "藉口",
            "計畫",
            "乾淨",
            "乾隆",
            "",
        ];
        for s in samples {
            assert_eq!(table_convert(s), fast2s::convert(s), "{s}");
        }
        for w in CONTEXT_WORDS {
            for (pre, post) in [
                ("", ""),
                ("a", "b"),
                ("的", "了"),
                ("𠀀", "𠀁"),
                ("\n", " "),
            ] {
                let s = format!("{pre}{w}{post}");
                assert_eq!(table_convert(&s), fast2s::convert(&s), "{s}");
            }
        }
        assert_eq!(table_convert("乾隆"), "乾隆");
        assert_eq!(table_convert("乾淨"), "干净");
        assert_eq!(table_convert("計畫"), "计划");
        // fast2s checks its exclusions first and 藉 has some, so its 藉口 → 借口 rule never fires.
        assert_eq!(table_convert("藉口"), "藉口");
        assert_eq!(table_convert("看著"), "看着");
        assert_eq!(simplified("重慶市"), "重庆市");
    }

    #[test]
    fn table_equals_fast2s_on_every_bmp_character() {
        // Every character fast2s looks at, with consecutive code points as neighbours, and the
        // context-sensitive ones between every character of the context words.
        let all: String = (0x20..=0xFFFF).filter_map(char::from_u32).collect();
        assert_eq!(table_convert(&all), fast2s::convert(&all));
        let neighbours: Vec<char> = CONTEXT_WORDS
            .iter()
            .flat_map(|w| w.chars())
            .chain(['0', ' ', '\n', '的'])
            .collect();
        for &cur in T2S_CONTEXT {
            for &p in &neighbours {
                for &q in &neighbours {
                    let s: String = [p, cur, q].iter().collect();
                    assert_eq!(table_convert(&s), fast2s::convert(&s), "{s}");
                }
            }
        }
    }

    #[test]
    fn table_equals_fast2s_on_random_strings() {
        let mut pool: Vec<char> = CONTEXT_WORDS.iter().flat_map(|w| w.chars()).collect();
        pool.extend("國會議員辦理建議關於體現發展經濟與教育衛生環境0a \n。，%𠀀é".chars());
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let len = (rng.next() % 12) as usize;
            let s: String = (0..len)
                .map(|_| {
                    if rng.next().is_multiple_of(8) {
                        // any scalar value, mostly in the BMP
                        let u = (rng.next() % 0x11_0000) as u32;
                        char::from_u32(u).unwrap_or('x')
                    } else {
                        rng.pick(&pool)
                    }
                })
                .collect();
            assert_eq!(table_convert(&s), fast2s::convert(&s), "{s:?}");
        }
    }

    #[test]
    fn no_numeral_character_below_the_fast_path_bound() {
        for u in 0..=0x10FFFF {
            if let Some(c) = char::from_u32(u) {
                let numeral = is_cn_numeral_char(c) || c == '百';
                assert_eq!(may_start_numeral(numeral_starts(), c), numeral, "{c}");
                assert!(!numeral || c >= '○', "{c}");
            }
        }
        assert!(is_cn_numeral_char('○'));
    }

    // -------- the straightforward pipeline this module replaced, kept as the reference

    type Chars = Vec<(char, u32)>;

    fn reference(
        chars: Vec<char>,
        origins: Vec<u32>,
        orig_len: u32,
        rules: &TextRules,
    ) -> NormText {
        let mut cs: Chars = chars
            .into_iter()
            .zip(origins)
            .filter(|(c, _)| *c != '\r' && *c != '\u{FEFF}')
            .map(|(c, o)| (fold_width(c), o))
            .collect();
        let s: String = cs.iter().map(|(c, _)| *c).collect();
        let conv = fast2s::convert(&s);
        for ((c, _), n) in cs.iter_mut().zip(conv.chars()) {
            *c = n;
        }
        let kept: Vec<&[(char, u32)]> = cs
            .split(|(c, _)| *c == '\n')
            .map(ref_trim)
            .filter(|l| !l.is_empty() && !ref_is_boilerplate(l, rules))
            .collect();
        let mut joined: Chars = Vec::new();
        for (k, line) in kept.iter().enumerate() {
            if k > 0 {
                let prev = kept[k - 1];
                let table_row = |l: &[(char, u32)]| l.iter().any(|(c, _)| *c == '|');
                let pc: Vec<char> = prev.iter().map(|x| x.0).collect();
                let lc: Vec<char> = line.iter().map(|x| x.0).collect();
                let join = !ref_ends_sentence(&pc)
                    && !REF_STAMP.is_match(&pc.iter().collect::<String>())
                    && !REF_STAMP.is_match(&lc.iter().collect::<String>())
                    && prev.len() >= MIN_WRAPPED_LINE
                    && !ref_starts_block(&lc)
                    && !REF_DATE_LINE.is_match(&lc.iter().collect::<String>())
                    && !table_row(prev)
                    && !table_row(line);
                if !join {
                    let o = line.first().map(|(_, o)| *o).unwrap_or(0);
                    joined.push(('\n', o.saturating_sub(1)));
                }
            }
            joined.extend_from_slice(line);
        }
        let mut spaced: Chars = Vec::new();
        for (i, &(c, o)) in joined.iter().enumerate() {
            if c == ' ' {
                let prev = spaced.last().map(|(p, _)| *p);
                let next = joined.get(i + 1).map(|(n, _)| *n);
                if prev.is_some_and(is_han) && next.is_some_and(is_han) {
                    continue;
                }
            }
            spaced.push((c, o));
        }
        ref_build(ref_rewrite_chinese_numerals(spaced), orig_len)
    }

    fn ref_rewrite_chinese_numerals(cs: Chars) -> Chars {
        let mut out: Chars = Vec::with_capacity(cs.len());
        let mut i = 0;
        while i < cs.len() {
            // 百分之X
            if ref_starts_with(&cs, i, "百分之") {
                let run_end = ref_numeral_run_end(&cs, i + 3, true);
                if run_end > i + 3 {
                    let s: String = cs[i + 3..run_end].iter().map(|(c, _)| *c).collect();
                    if let Some(dec) = parse_cn_decimal(&s) {
                        ref_emit_replacement(
                            &mut out,
                            &format!("{dec}%"),
                            cs[i].1,
                            cs[run_end - 1].1,
                        );
                        i = run_end;
                        continue;
                    }
                }
            }
            let (c, _) = cs[i];
            if is_cn_numeral_char(c) && !matches!(c, '点' | '點' | '万' | '亿' | '萬' | '億')
            {
                let run_end = ref_numeral_run_end(&cs, i, false);
                let unit = cs.get(run_end).map(|(u, _)| *u);
                let before = if i > 0 { Some(cs[i - 1].0) } else { None };
                if counts_a_quantity(c, before, unit, run_end - i) {
                    let s: String = cs[i..run_end].iter().map(|(c, _)| *c).collect();
                    if let Some(v) = parse_cn_integer(&s)
                        && plausible_numeral(&s, v, unit)
                    {
                        ref_emit_replacement(&mut out, &v.to_string(), cs[i].1, cs[run_end - 1].1);
                        i = run_end;
                        continue;
                    }
                }
                // Not a quantity: copy the whole run so that a sub-run is not rewritten.
                out.extend_from_slice(&cs[i..run_end]);
                i = run_end;
                continue;
            }
            out.push(cs[i]);
            i += 1;
        }
        out
    }

    fn ref_numeral_run_end(cs: &Chars, from: usize, allow_point: bool) -> usize {
        let mut j = from;
        while j < cs.len() && j - from < 24 {
            let c = cs[j].0;
            if is_cn_numeral_char(c) && (allow_point || !matches!(c, '点' | '點')) {
                j += 1;
            } else {
                break;
            }
        }
        j
    }

    fn ref_starts_with(cs: &Chars, i: usize, pat: &str) -> bool {
        let mut k = i;
        for p in pat.chars() {
            match cs.get(k) {
                Some((c, _)) if *c == p => k += 1,
                _ => return false,
            }
        }
        true
    }

    /// Push `s`; its first character maps to `first`, the last to `last`, so spans map to the numeral.
    fn ref_emit_replacement(out: &mut Chars, s: &str, first: u32, last: u32) {
        let n = s.chars().count();
        for (k, c) in s.chars().enumerate() {
            let o = if k + 1 == n && n > 1 { last } else { first };
            out.push((c, o));
        }
    }

    fn ref_build(cs: Chars, orig_len: u32) -> NormText {
        let mut text = String::with_capacity(cs.len() * 3);
        let mut origin = Vec::with_capacity(cs.len() + 1);
        let mut char_bytes = Vec::with_capacity(cs.len() + 1);
        for (c, o) in cs {
            char_bytes.push(text.len() as u32);
            text.push(c);
            origin.push(o);
        }
        char_bytes.push(text.len() as u32);
        origin.push(orig_len);
        NormText {
            text,
            origin,
            char_bytes,
        }
    }

    fn ref_trim(line: &[(char, u32)]) -> &[(char, u32)] {
        let ws = |c: char| c == ' ' || c.is_whitespace();
        let start = line.iter().position(|(c, _)| !ws(*c)).unwrap_or(line.len());
        let end = line
            .iter()
            .rposition(|(c, _)| !ws(*c))
            .map(|p| p + 1)
            .unwrap_or(start);
        &line[start..end.max(start)]
    }

    fn ref_is_boilerplate(line: &[(char, u32)], rules: &TextRules) -> bool {
        let s: String = line.iter().map(|(c, _)| *c).collect();
        let core: String = s
            .chars()
            .filter(|c| !matches!(c, '•' | '·' | '|' | ' ' | '-' | '[' | ']' | '【' | '】'))
            .collect();
        if core.is_empty() {
            return true;
        }
        rules.drop_exact.contains(core.as_str()) || rules.drops(&s)
    }

    fn ref_ends_sentence(line: &[char]) -> bool {
        let mut it = line.iter().rev().copied();
        match it.next() {
            Some(c) if TERMINAL.contains(&c) => true,
            Some(c) if CLOSERS.contains(&c) => it.next().is_some_and(|p| TERMINAL.contains(&p)),
            _ => false,
        }
    }

    // The line-opening patterns the fast scanners replace, as regexes (compiled once).
    static REF_DATE_LINE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^[(（]?[0-9０-９〇零一二三四五六七八九]{4}年[0-9０-９一二三四五六七八九十]{1,2}月[0-9０-９一二三四五六七八九十]{1,3}日[)）]?$").unwrap()
    });
    static REF_STAMP: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(^|[^0-9０-９])[0-9０-９]{4}[-/.年][0-9０-９]{1,2}[-/.月][0-9０-９]{1,2}日?[ 　]*[0-9０-９]{1,2}[:：][0-9０-９]{2}",
        )
        .unwrap()
    });
    static REF_ISO_DATE: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"^[0-9]{4}-[0-9]").unwrap());
    static REF_MONTH_DAY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^[0-9０-９]{1,2}月[0-9０-９]{1,2}日[,，上下 　]").unwrap()
    });

    fn ref_starts_block(line: &[char]) -> bool {
        let s: String = line.iter().take(8).collect();
        let mut chars = s.chars();
        let first = chars.next().unwrap_or(' ');
        if matches!(first, '•' | '-' | '*' | '#' | '|' | '—' | '【') {
            return true;
        }
        if REF_ISO_DATE.is_match(&s) {
            return true;
        }
        if matches!(first, '(' | '（') {
            let inner: String = chars
                .clone()
                .take_while(|c| cn_digit(*c).is_some() || *c == '十' || c.is_ascii_digit())
                .collect();
            let n = inner.chars().count();
            return n > 0 && matches!(chars.nth(n), Some(')' | '）'));
        }
        if REF_MONTH_DAY.is_match(&s) {
            return true;
        }
        let numeral_run: String = s
            .chars()
            .take_while(|c| cn_digit(*c).is_some() || *c == '十' || c.is_ascii_digit())
            .collect();
        if !numeral_run.is_empty() {
            let n = numeral_run.chars().count();
            let after = s.chars().nth(n);
            let after2 = s.chars().nth(n + 1);
            return match after {
                Some('.' | '．') => !after2.is_some_and(|c| c.is_ascii_digit()),
                Some('、' | ')' | '）') => true,
                _ => false,
            };
        }
        s.starts_with('第')
            && s.chars()
                .nth(2)
                .is_some_and(|c| matches!(c, '章' | '条' | '部' | '节'))
    }

    fn rules() -> TextRules {
        TextRules::for_tests(
            &["图片", "打印", "字号:", "字号", "关闭窗口"],
            &["比分直播", "版权所有"],
        )
    }

    #[test]
    fn in_place_pipeline_equals_the_reference_on_random_documents() {
        let mut rng = Rng(0xD1B5_4A32_D192_ED03);
        let r = rules();
        for round in 0..5_000 {
            let (s, origins, orig_len) = random_document(&mut rng, PIECES);
            let chars: Vec<char> = s.chars().collect();
            let got = normalize(chars.clone(), origins.clone(), orig_len, &r);
            let want = reference(chars, origins, orig_len, &r);
            assert_eq!(got, want, "round {round}: {s:?}");
        }
    }

    /// Pieces random documents are made of: line breaks, spaces, furniture, numerals,
    /// traditional characters and report phrases.
    const PIECES: &[&str] = &[
        "\n",
        "\n",
        "\n\n",
        "\r\n",
        " ",
        "  ",
        "\u{3000}",
        "\t",
        "\u{FEFF}",
        "|",
        "•",
        "-",
        "【",
        "】",
        "。",
        "；",
        "：",
        "”",
        "）",
        "(",
        "（",
        "1.",
        "2、",
        "3.5",
        "一、",
        "十二、",
        "第一章",
        "第3条",
        "#",
        "*",
        "—",
        "图片",
        "打印",
        "字号:",
        "关闭窗口",
        "比分直播",
        "版权所有",
        "建议",
        "提案",
        "共交办建议",
        "办理",
        "件",
        "个",
        "项",
        "年",
        "月",
        "日",
        "的",
        "为",
        "四千二百八十七件",
        "百分之七十二点二",
        "二〇二二年",
        "一件",
        "两个",
        "十二届",
        "一万件",
        "三月",
        "十五日",
        "第一次",
        "每一",
        "点",
        "萬",
        "５８．７％",
        "８８",
        "Ａ類",
        "辦復率",
        "滿意率",
        "計畫",
        "乾淨",
        "乾隆",
        "藉口",
        "看著",
        "建 议",
        "a b",
        "230",
        "%",
        "从办理结果分类统计情况看，建议所涉及问题已解",
        "决或基本解决的(A类)88件,占58%",
        "𠀀",
        "‰",
        "\u{00A0}",
        "\u{200B}",
    ];

    /// What the UTF-8 pipeline treats apart, on top of [`PIECES`]: `\r` and BOMs inside lines,
    /// full-width `｜` and spaces, characters of four bytes, traditional numerals, long lines.
    const UTF8_EXTRA_PIECES: &[&str] = &[
        "\r",
        "a\rb",
        "\u{FEFF}乾",
        "｜",
        "\u{3000}建\u{3000}议",
        "建\t议",
        "𠀀一件",
        "兩萬件",
        "百分之",
        "百分之五點五",
        "２０２２年",
        "乾淨\r\n",
        "著",
        "从办理结果分类统计情况看，建议所涉及问题已解决或基本解决的共计四千二百八十七件，占百分之七十二点二，",
    ];

    /// A random document of `pieces`, with origins as an HTML stripper gives them: increasing,
    /// with gaps.
    fn random_document(rng: &mut Rng, pieces: &[&str]) -> (String, Vec<u32>, u32) {
        let parts = (rng.next() % 40) as usize;
        let s: String = (0..parts).map(|_| rng.pick(pieces)).collect();
        let mut o = 0u32;
        let origins: Vec<u32> = s
            .chars()
            .map(|_| {
                o += 1 + (rng.next() % 3) as u32;
                o
            })
            .collect();
        (s, origins, o + 1)
    }

    #[test]
    fn utf8_pipeline_equals_the_in_place_one_and_the_reference() {
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        let r = rules();
        let pieces: Vec<&str> = PIECES.iter().chain(UTF8_EXTRA_PIECES).copied().collect();
        for round in 0..5_000 {
            let (s, origins, orig_len) = random_document(&mut rng, &pieces);
            let chars: Vec<char> = s.chars().collect();
            let want =
                in_place_oracle::normalize_in_place(chars.clone(), origins.clone(), orig_len, &r);
            assert_eq!(
                want,
                reference(chars.clone(), origins.clone(), orig_len, &r)
            );
            let got = normalize_str(&s, Origins::Map(&origins), orig_len, &r);
            assert_eq!(got, want, "round {round}: {s:?}");
            // Plain text: the origins are the identity.
            let n = chars.len() as u32;
            let want = in_place_oracle::normalize_in_place(chars, (0..n).collect(), n, &r);
            let got = normalize_str(&s, Origins::Identity, n, &r);
            assert_eq!(got, want, "round {round} (identity): {s:?}");
        }
    }

    /// Lines are dropped for their `drop_contains` phrases only where the fold marks a phrase
    /// start: the same lines as `contains_re` over the whole line (the oracle), with phrases
    /// that start with a numeral, a folded, a converted or an ASCII character, or that cannot
    /// be indexed (an empty phrase, one outside the Basic Multilingual Plane).
    #[test]
    fn phrase_starts_drop_what_the_regex_drops() {
        let phrase_sets: &[&[&str]] = &[
            &[
                "版权所有",
                "權所有",
                ":直播",
                "ab",
                "a",
                "乾淨",
                "著作",
                "百分",
                "二十",
                "件。",
            ],
            &["版權", "干净", "|字", " 建", "建 ", "议\n"],
            &["𠀀一", "比分直播"],
            &["", "版权所有"],
        ];
        let pieces: Vec<&str> = PIECES
            .iter()
            .chain(UTF8_EXTRA_PIECES)
            .chain(&["ab", "：直播", "版權所有", "著作", "|字号", "直播"])
            .copied()
            .collect();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for (n, phrases) in phrase_sets.iter().enumerate() {
            let r = TextRules::for_tests(&["图片", "关闭窗口"], phrases);
            assert_eq!(r.phrases.is_some(), n < 2, "{phrases:?}");
            for round in 0..2_000 {
                let (s, origins, orig_len) = random_document(&mut rng, &pieces);
                let chars: Vec<char> = s.chars().collect();
                let want = in_place_oracle::normalize_in_place(
                    chars.clone(),
                    origins.clone(),
                    orig_len,
                    &r,
                );
                let got = normalize_str(&s, Origins::Map(&origins), orig_len, &r);
                assert_eq!(got, want, "{phrases:?} round {round}: {s:?}");
            }
        }
    }

    #[test]
    fn utf8_pipeline_edge_cases() {
        let r = rules();
        let long = "建议办理，".repeat(5_000) + "\n" + &"a b ".repeat(3_000);
        let cases = [
            "",
            "\n",
            "\r",
            "\u{FEFF}",
            " \n \n",
            "一件",
            "二〇二二年\n",
            "\n\n乾",
            "乾\r",
            long.as_str(),
        ];
        for s in cases {
            let chars: Vec<char> = s.chars().collect();
            let n = chars.len() as u32;
            let want = in_place_oracle::normalize_in_place(chars, (0..n).collect(), n, &r);
            assert_eq!(normalize_str(s, Origins::Identity, n, &r), want, "{s:?}");
        }
        // Fewer origins than characters: the rest of the text is ignored, as before.
        let chars: Vec<char> = "共交办建议二十件。".chars().collect();
        let want = in_place_oracle::normalize_in_place(chars.clone(), vec![0, 1, 2, 3], 9, &r);
        assert_eq!(
            normalize(
                "共交办建议二十件。".chars().collect(),
                vec![0, 1, 2, 3],
                9,
                &r
            ),
            want
        );
        assert_eq!(
            normalize_str("共交办建议二十件。", Origins::Map(&[0, 1, 2, 3]), 9, &r),
            want
        );
    }

    #[test]
    fn character_classes_agree_with_the_functions_they_stand_for() {
        let t = T2s::get();
        for u in 0..=0x10FFFF {
            if let Some(c) = char::from_u32(u) {
                let k = class_of(classes(), c);
                let fold = c == '\r' || c == '\u{FEFF}' || fold_width(c) != c;
                assert_eq!(k & FOLD != 0, fold, "{c:?}");
                assert_eq!(k & T2S != 0, t.may_change(c), "{c:?}");
                assert_eq!(
                    k & NUM != 0,
                    may_start_numeral(numeral_starts(), c),
                    "{c:?}"
                );
                assert_eq!(k & LF != 0, c == '\n');
                assert_eq!(k & PHRASE, 0, "{c:?}");
                assert_eq!(
                    k & FURNITURE != 0,
                    is_furniture(c) && !matches!(c, ' ' | '|'),
                    "{c:?}"
                );
                assert_eq!(k & SPACE != 0, c == ' ');
                assert_eq!(k & PIPE != 0, c == '|');
            }
        }
    }
}
