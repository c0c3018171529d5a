//! Text normalization for parsing, keeping a map back to the original characters.
//!
//! Every step works on `(char, origin)` pairs, so any span found in the normalized text maps
//! back to the file: full-width folding and traditional→simplified are 1:1; dropped boilerplate
//! lines and joined PDF breaks remove characters; Chinese numerals rewritten as digits map each
//! new character into the numeral they replace.

use crate::model::NormText;
use crate::numbers::{cn_digit, is_cn_numeral_char, parse_cn_decimal, parse_cn_integer};
use crate::rules::TextRules;

type Chars = Vec<(char, u32)>;

/// Normalize `chars` (with origins into the original text) into parse-ready text.
pub fn normalize(
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
    to_simplified(&mut cs);
    let lines = split_lines(&cs);
    let kept: Vec<&[(char, u32)]> = lines
        .into_iter()
        .map(trim)
        .filter(|l| !l.is_empty() && !is_boilerplate(l, rules))
        .collect();
    let joined = join_lines(&kept);
    let spaced = drop_spaces_between_han(joined);
    let numbered = rewrite_chinese_numerals(spaced);
    build(numbered, orig_len)
}

/// Full-width ASCII to half-width; odd spaces to a plain space.
/// A name in simplified characters (one to one), so 重慶市 and 重庆市 compare equal.
pub fn simplified(s: &str) -> String {
    fast2s::convert(s)
}

pub fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' | '\t' | '\u{2002}' | '\u{2003}' | '\u{2009}' | '\u{200B}' => ' ',
        '\u{FE6A}' => '%',
        '\u{2030}' => '%', // some converters turn ％ into ‰-looking glyphs; never a real per-mille here
        _ => c,
    }
}

/// Traditional → simplified, character by character (fast2s is a 1:1 table with a little
/// context), so offsets are unchanged. If the conversion ever changed the length, keep the input.
fn to_simplified(cs: &mut Chars) {
    let s: String = cs.iter().map(|(c, _)| *c).collect();
    let conv = fast2s::convert(&s);
    if conv.chars().count() == cs.len() {
        for ((c, _), n) in cs.iter_mut().zip(conv.chars()) {
            *c = n;
        }
    }
}

fn split_lines(cs: &Chars) -> Vec<&[(char, u32)]> {
    cs.split(|(c, _)| *c == '\n').collect()
}

fn trim(line: &[(char, u32)]) -> &[(char, u32)] {
    let ws = |c: char| c == ' ' || c.is_whitespace();
    let start = line.iter().position(|(c, _)| !ws(*c)).unwrap_or(line.len());
    let end = line
        .iter()
        .rposition(|(c, _)| !ws(*c))
        .map(|p| p + 1)
        .unwrap_or(start);
    &line[start..end.max(start)]
}

fn line_string(line: &[(char, u32)]) -> String {
    line.iter().map(|(c, _)| *c).collect()
}

fn is_boilerplate(line: &[(char, u32)], rules: &TextRules) -> bool {
    let s = line_string(line);
    let core: String = s
        .chars()
        .filter(|c| !matches!(c, '•' | '·' | '|' | ' ' | '-' | '[' | ']' | '【' | '】'))
        .collect();
    if core.is_empty() {
        return true;
    }
    rules.drop_exact.contains(core.as_str()) || rules.drops(&s)
}

const TERMINAL: &[char] = &['。', '！', '？', '!', '?', ';', '；', ':', '：', '…'];
const CLOSERS: &[char] = &['”', '’', '"', '」', '』', ')', '）'];

/// Whether a line ends a sentence (so the next line starts a new paragraph).
fn ends_sentence(line: &[(char, u32)]) -> bool {
    let mut it = line.iter().rev().map(|(c, _)| *c);
    match it.next() {
        Some(c) if TERMINAL.contains(&c) => true,
        Some(c) if CLOSERS.contains(&c) => it.next().is_some_and(|p| TERMINAL.contains(&p)),
        _ => false,
    }
}

/// A line that opens a heading or a list item.
fn starts_block(line: &[(char, u32)]) -> bool {
    let s: String = line.iter().take(8).map(|(c, _)| *c).collect();
    let mut chars = s.chars();
    let first = chars.next().unwrap_or(' ');
    if matches!(first, '•' | '-' | '*' | '#' | '|' | '—') {
        return true;
    }
    if matches!(first, '(' | '（') {
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
        // `1.` / `一、` open a list item; `98.78%` continues a sentence.
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

/// Minimum length of a line that a PDF wrapped mid-sentence (headings and titles are shorter).
const MIN_WRAPPED_LINE: usize = 16;

/// Join lines that PDF extraction broke inside a sentence or a word, blank lines included:
/// `已解\n\n决或基本解决的`. Other line breaks stay as one `\n`.
fn join_lines(lines: &[&[(char, u32)]]) -> Chars {
    let mut out: Chars = Vec::new();
    for (k, line) in lines.iter().enumerate() {
        if k > 0 {
            let prev = lines[k - 1];
            let table_row = |l: &[(char, u32)]| l.iter().any(|(c, _)| *c == '|');
            let join = !ends_sentence(prev)
                && prev.len() >= MIN_WRAPPED_LINE
                && !starts_block(line)
                && !table_row(prev)
                && !table_row(line);
            if !join {
                let o = line.first().map(|(_, o)| *o).unwrap_or(0);
                out.push(('\n', o.saturating_sub(1)));
            }
        }
        out.extend_from_slice(line);
    }
    out
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// `建 议` (PDF letter spacing) → `建议`.
fn drop_spaces_between_han(cs: Chars) -> Chars {
    let mut out: Chars = Vec::with_capacity(cs.len());
    for (i, &(c, o)) in cs.iter().enumerate() {
        if c == ' ' {
            let prev = out.last().map(|(p, _)| *p);
            let next = cs.get(i + 1).map(|(n, _)| *n);
            if prev.is_some_and(is_han) && next.is_some_and(is_han) {
                continue;
            }
        }
        out.push((c, o));
    }
    out
}

/// Units after which a Chinese numeral is a quantity worth rewriting as digits.
const NUMERAL_UNITS: &[char] = &[
    '件', '份', '位', '名', '项', '个', '人', '条', '次', '家', '年', '月', '日',
];
/// Characters before a numeral that make it an ordinal or part of a word, not a quantity.
const NUMERAL_BLOCKERS: &[char] = &['第', '每', '逐', '届', '星', '统', '唯', '万', '之'];

/// Rewrite quantities in Chinese numerals as Arabic digits: 四千二百八十七件 → 4287件,
/// 百分之七十二点二 → 72.2%, 二〇二二年 → 2022年. Ordinals and words (第一, 一是, 十二届) stay.
fn rewrite_chinese_numerals(cs: Chars) -> Chars {
    let mut out: Chars = Vec::with_capacity(cs.len());
    let mut i = 0;
    while i < cs.len() {
        // 百分之X
        if starts_with(&cs, i, "百分之") {
            let run_end = numeral_run_end(&cs, i + 3, true);
            if run_end > i + 3 {
                let s: String = cs[i + 3..run_end].iter().map(|(c, _)| *c).collect();
                if let Some(dec) = parse_cn_decimal(&s) {
                    emit_replacement(&mut out, &format!("{dec}%"), cs[i].1, cs[run_end - 1].1);
                    i = run_end;
                    continue;
                }
            }
        }
        let (c, _) = cs[i];
        if is_cn_numeral_char(c) && !matches!(c, '点' | '點' | '万' | '亿' | '萬' | '億') {
            let run_end = numeral_run_end(&cs, i, false);
            let unit = cs.get(run_end).map(|(u, _)| *u);
            let before = if i > 0 { Some(cs[i - 1].0) } else { None };
            let blocked =
                before.is_some_and(|b| NUMERAL_BLOCKERS.contains(&b) || b.is_ascii_digit());
            // A lone 一/两 before 件 is idiom (办理一件提案、解决一个问题) unless a noun or 的
            // precedes it (提案一件, 留作参考的一件).
            let after_noun = before.is_some_and(|b| {
                matches!(
                    b,
                    '案' | '议' | '见' | '的' | '有' | '共' | '计' | '为' | ')' | '）' | '类'
                )
            });
            let idiom_unit = unit.is_some_and(|u| matches!(u, '件' | '个' | '项' | '条'));
            let lone_one =
                run_end == i + 1 && matches!(c, '一' | '两') && !after_noun && idiom_unit;
            if !blocked && !lone_one && unit.is_some_and(|u| NUMERAL_UNITS.contains(&u)) {
                let s: String = cs[i..run_end].iter().map(|(c, _)| *c).collect();
                if let Some(v) = parse_cn_integer(&s)
                    && plausible_numeral(&s, v, unit)
                {
                    emit_replacement(&mut out, &v.to_string(), cs[i].1, cs[run_end - 1].1);
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

fn numeral_run_end(cs: &Chars, from: usize, allow_point: bool) -> usize {
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

fn starts_with(cs: &Chars, i: usize, pat: &str) -> bool {
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
fn emit_replacement(out: &mut Chars, s: &str, first: u32, last: u32) {
    let n = s.chars().count();
    for (k, c) in s.chars().enumerate() {
        let o = if k + 1 == n && n > 1 { last } else { first };
        out.push((c, o));
    }
}

fn build(cs: Chars, orig_len: u32) -> NormText {
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
