//! Text normalization for parsing, keeping a map back to the original characters.
//!
//! Every step works on characters paired with their origins, so any span found in the normalized
//! text maps back to the file: full-width folding and traditional→simplified are 1:1; dropped
//! boilerplate lines and joined PDF breaks remove characters; Chinese numerals rewritten as digits
//! map each new character into the numeral they replace.
//!
//! Every report passes through here, so the steps work in place on the two input vectors
//! (characters, origins), with no per-line or per-step allocations:
//! 1. [`fold`]: drop `\r` and BOMs, fold widths, note the characters fast2s may change;
//! 2. [`to_simplified_at`]: convert those (a table built once from fast2s, same result);
//! 3. [`keep_and_join_lines`]: trim, drop boilerplate, join broken lines, drop spaces between
//!    Han, and encode the kept lines as UTF-8 once (the boilerplate rules need the line as text);
//! 4. [`rewrite_numerals_and_build`]: the text, byte offsets and origins become the [`NormText`]
//!    as they are, or are copied in runs around the numerals rewritten as digits.

use std::sync::OnceLock;

use crate::model::NormText;
use crate::numbers::{cn_digit, is_cn_numeral_char, parse_cn_decimal, parse_cn_integer};
use crate::rules::TextRules;

/// Normalize `chars` (with origins into the original text) into parse-ready text.
pub fn normalize(
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

/// Characters ignored when a line is compared with `drop_exact` (bullets, brackets, spaces).
fn is_furniture(c: char) -> bool {
    matches!(c, '•' | '·' | '|' | ' ' | '-' | '[' | ']' | '【' | '】')
}

/// Whether a trimmed line is boilerplate, given the line as characters and as UTF-8 (`line_text`,
/// the same characters encoded). `core` is scratch reused across lines.
fn is_boilerplate(line: &[char], line_text: &str, rules: &TextRules, core: &mut String) -> bool {
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

const TERMINAL: &[char] = &['。', '！', '？', '!', '?', ';', '；', ':', '：', '…'];
const CLOSERS: &[char] = &['”', '’', '"', '」', '』', ')', '）'];

/// Whether a line ends a sentence (so the next line starts a new paragraph).
fn ends_sentence(line: &[char]) -> bool {
    match line {
        [.., c] if TERMINAL.contains(c) => true,
        [.., p, c] if CLOSERS.contains(c) => TERMINAL.contains(p),
        _ => false,
    }
}

/// A line that opens a heading or a list item (judged on its first eight characters).
fn starts_block(line: &[char]) -> bool {
    let s = &line[..line.len().min(8)];
    let first = s.first().copied().unwrap_or(' ');
    if matches!(first, '•' | '-' | '*' | '#' | '|' | '—') {
        return true;
    }
    if matches!(first, '(' | '（') {
        return true;
    }
    let n = s
        .iter()
        .take_while(|c| cn_digit(**c).is_some() || **c == '十' || c.is_ascii_digit())
        .count();
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

/// Minimum length of a line that a PDF wrapped mid-sentence (headings and titles are shorter).
const MIN_WRAPPED_LINE: usize = 16;

/// What joining needs to know about the previous kept line.
#[derive(Clone, Copy)]
struct KeptLine {
    ends_sentence: bool,
    long: bool,
    table_row: bool,
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
            let this = KeptLine {
                ends_sentence: ends_sentence(line),
                long: e - s >= MIN_WRAPPED_LINE,
                table_row,
            };
            let breaks = prev.is_some_and(|p| {
                p.ends_sentence || !p.long || starts_block(line) || p.table_row || this.table_row
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

fn is_han(c: char) -> bool {
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
    let extra: usize = rewrites.iter().map(|r| r.digits.len()).sum();
    let mut out = NormText {
        text: String::with_capacity(text.len() + extra),
        origin: Vec::with_capacity(n + extra + 1),
        char_bytes: Vec::with_capacity(n + extra + 1),
    };
    let mut copied = 0; // cs[..copied] is in `out`
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
                    && prev.len() >= MIN_WRAPPED_LINE
                    && !ref_starts_block(&lc)
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

    fn ref_starts_block(line: &[char]) -> bool {
        let s: String = line.iter().take(8).collect();
        let mut chars = s.chars();
        let first = chars.next().unwrap_or(' ');
        if matches!(first, '•' | '-' | '*' | '#' | '|' | '—' | '(' | '（') {
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
        let pieces: &[&str] = &[
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
        let mut rng = Rng(0xD1B5_4A32_D192_ED03);
        let r = rules();
        for round in 0..5_000 {
            let parts = (rng.next() % 40) as usize;
            let s: String = (0..parts).map(|_| rng.pick(pieces)).collect();
            let chars: Vec<char> = s.chars().collect();
            // Origins as an HTML stripper would give them: increasing, with gaps.
            let mut o = 0u32;
            let origins: Vec<u32> = chars
                .iter()
                .map(|_| {
                    o += 1 + (rng.next() % 3) as u32;
                    o
                })
                .collect();
            let orig_len = o + 1;
            let got = normalize(chars.clone(), origins.clone(), orig_len, &r);
            let want = reference(chars, origins, orig_len, &r);
            assert_eq!(got, want, "round {round}: {s:?}");
        }
    }
}
