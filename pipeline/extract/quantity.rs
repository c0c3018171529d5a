//! The quantity grammar (`230件`, `1,284件`, `58.7%`, `27.9 %`, `3万件`) as a hand-written
//! scanner. It finds exactly the matches of the regex
//!
//! ```text
//! (\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)([ ]?)(万件|件次|件|条|份|%+|位|名|人|家|个|项)
//! ```
//!
//! with `captures_iter` (leftmost-first, non-overlapping; `\d` is any Unicode decimal digit), which
//! is what extraction used before: the regex had no literal to skip ahead with, so it ran its
//! automaton over every byte of every report and then a second engine for the groups of each of
//! the ~50 quantities per report. The tests below check the scanner against that regex.
//!
//! Why a scan is enough: a number is made of digits, `,` and `.`, and its unit (or the one optional
//! space before it) is none of those, so a match's number always ends where a maximal run of
//! digits, commas and dots ends, and that run must end with a digit. Of the suffixes of the run
//! that spell a number, the regex takes the longest one (the leftmost start); [`number_start`]
//! finds it from the right in one pass.

/// One match of the quantity grammar, in byte offsets. The number is `start..num_end`, the unit
/// `unit_start..end` (`num_end < unit_start` when a space separates them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct QtyMatch {
    pub start: usize,
    pub num_end: usize,
    pub unit_start: usize,
    pub end: usize,
}

/// Units in the order the regex alternation tries them (`万件` before `件`, `件次` before `件`).
#[cfg(test)]
const UNITS_BEFORE_PERCENT: [&str; 5] = ["万件", "件次", "件", "条", "份"];
#[cfg(test)]
const UNITS_AFTER_PERCENT: [&str; 6] = ["位", "名", "人", "家", "个", "项"];

/// Every quantity in `text`, left to right.
pub(super) fn quantity_matches(text: &str) -> Vec<QtyMatch> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(run_start) = next_digit(text, from) {
        let run_end = number_run_end(text, run_start);
        from = run_end;
        if !ends_with_digit(&text[..run_end]) {
            continue;
        }
        let unit_start = if text.as_bytes().get(run_end) == Some(&b' ') {
            run_end + 1
        } else {
            run_end
        };
        let Some(unit_len) = unit_len_at(&text[unit_start..]) else {
            continue;
        };
        let m = QtyMatch {
            start: number_start(text, run_start, run_end),
            num_end: run_end,
            unit_start,
            end: unit_start + unit_len,
        };
        from = m.end;
        out.push(m);
    }
    out
}

/// `\d` of the regex crate: a Unicode decimal digit (general category Nd), from a table.
pub(super) fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && super::han::is_unicode_digit(c))
}

/// Lead bytes of U+2000..U+9FFF (general punctuation such as `“”`, CJK punctuation, kana,
/// Han): no decimal digit starts with one, so the scan never decodes Chinese text.
fn is_digitless_cjk_lead(b: u8) -> bool {
    b.wrapping_sub(0xE2) < 8
}

/// Byte offset of the first decimal digit at or after `from` (a character boundary).
fn next_digit(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    loop {
        i = super::skip_to(bytes, i, may_start_digit)?;
        if bytes.get(i).is_some_and(u8::is_ascii_digit) {
            return Some(i);
        }
        let c = text.get(i..)?.chars().next()?;
        if is_digit(c) {
            return Some(i);
        }
        i += c.len_utf8();
    }
}

/// An ASCII digit, or the lead byte of a character outside U+2000..U+9FFF (which may be one).
/// Written without short-circuits so that block tests vectorize.
fn may_start_digit(b: u8) -> bool {
    (b.wrapping_sub(b'0') < 10) | ((b >= 0xC0) & !is_digitless_cjk_lead(b))
}

fn is_number_char(c: char) -> bool {
    c == ',' || c == '.' || is_digit(c)
}

/// Whether the last character of `s` is a digit; an ASCII last byte is its own character.
fn ends_with_digit(s: &str) -> bool {
    match s.as_bytes().last() {
        Some(b) if b.is_ascii() => b.is_ascii_digit(),
        _ => s.chars().next_back().is_some_and(is_digit),
    }
}

/// End of the maximal run of digits, `,` and `.` starting at `start` (a character boundary).
/// ASCII bytes are whole characters and tested as bytes; the characters from the first
/// non-ASCII byte on are decoded.
fn number_run_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        if !b.is_ascii() {
            return number_run_end_by_chars(text, i);
        }
        if !(b.is_ascii_digit() | (b == b',') | (b == b'.')) {
            return i;
        }
        i += 1;
    }
    i
}

fn number_run_end_by_chars(text: &str, start: usize) -> usize {
    text[start..]
        .char_indices()
        .find(|(_, c)| !is_number_char(*c))
        .map(|(i, _)| start + i)
        .unwrap_or(text.len())
}

/// Length of the unit at the start of `s`: [`unit_len_by_list`], deciding on the first
/// character (only `件` starts two units, `件次` tried first as the regex does).
fn unit_len_at(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    match b.first()? {
        b'%' => Some(s.len() - s.trim_start_matches('%').len()),
        // Every other unit is one Han character (lead bytes 0xE4..=0xE9) or two.
        0xE4..=0xE9 => {
            let c = s.chars().next()?;
            match c {
                '件' if s[3..].starts_with('次') => Some(6),
                '万' if s[3..].starts_with('件') => Some(6),
                '件' | '条' | '份' | '位' | '名' | '人' | '家' | '个' | '项' => Some(3),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Length of the unit at the start of `s`, trying the alternatives in the regex's order (the
/// tests' oracle for [`unit_len_at`]).
#[cfg(test)]
fn unit_len_by_list(s: &str) -> Option<usize> {
    if let Some(u) = UNITS_BEFORE_PERCENT.iter().find(|u| s.starts_with(*u)) {
        return Some(u.len());
    }
    if s.starts_with('%') {
        return Some(s.len() - s.trim_start_matches('%').len());
    }
    UNITS_AFTER_PERCENT
        .iter()
        .find(|u| s.starts_with(*u))
        .map(|u| u.len())
}

/// What separates a digit group from the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    /// The group opens the run.
    None,
    Comma,
    Dot,
    /// Two or more of `,` and `.` in a row: no number spans it.
    Other,
}

/// A maximal stretch of digits inside a number run, read from the right.
#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
    digits: usize,
    sep: Sep,
    /// Where the separator before the group starts (= `start` when there is none).
    sep_start: usize,
}

/// The digit group ending at `end`, within the run starting at `run_start`.
fn group_before(text: &str, run_start: usize, end: usize) -> Group {
    let mut start = end;
    let mut digits = 0;
    for (i, c) in text[run_start..end].char_indices().rev() {
        if !is_digit(c) {
            break;
        }
        start = run_start + i;
        digits += 1;
    }
    let sep_len =
        text[run_start..start].len() - text[run_start..start].trim_end_matches([',', '.']).len();
    let sep = match &text[start - sep_len..start] {
        "" => Sep::None,
        "," => Sep::Comma,
        "." => Sep::Dot,
        _ => Sep::Other,
    };
    Group {
        start,
        end,
        digits,
        sep,
        sep_start: start - sep_len,
    }
}

/// Start of the longest suffix of `text[run_start..run_end]` that is a number: `\d+(\.\d+)?` or
/// `\d{1,3}(,\d{3})+(\.\d+)?`. The run starts and ends with a digit.
fn number_start(text: &str, run_start: usize, run_end: usize) -> usize {
    let last = group_before(text, run_start, run_end);
    match last.sep {
        // A fraction: the integer part ends before the dot.
        Sep::Dot => integer_start(
            text,
            run_start,
            group_before(text, run_start, last.sep_start),
        ),
        Sep::Comma => integer_start(text, run_start, last),
        Sep::None | Sep::Other => last.start,
    }
}

/// Start of the longest integer part ending with `last`: thousands groups (`1,234,567`) reach
/// back over every `,`-separated group of exactly three digits, then take up to three digits of
/// the group before; without such a group the integer is `last` alone.
fn integer_start(text: &str, run_start: usize, last: Group) -> usize {
    let mut lead = last;
    while lead.digits == 3 && lead.sep == Sep::Comma {
        lead = group_before(text, run_start, lead.sep_start);
    }
    if lead.start == last.start {
        return last.start;
    }
    let keep = lead.digits.min(3);
    text[lead.start..lead.end]
        .char_indices()
        .nth(lead.digits - keep)
        .map(|(i, _)| lead.start + i)
        .unwrap_or(lead.start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;
    use std::sync::LazyLock;

    /// The regex the scanner replaces.
    static QTY_RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)([ ]?)(万件|件次|件|条|份|%+|位|名|人|家|个|项)",
        )
        .expect("static regex")
    });

    fn by_regex(text: &str) -> Vec<QtyMatch> {
        QTY_RE
            .captures_iter(text)
            .map(|c| {
                let (m, num, unit) = (c.get(0).unwrap(), c.get(1).unwrap(), c.get(3).unwrap());
                assert_eq!(m.start(), num.start());
                QtyMatch {
                    start: m.start(),
                    num_end: num.end(),
                    unit_start: unit.start(),
                    end: m.end(),
                }
            })
            .collect()
    }

    #[track_caller]
    fn same(text: &str) {
        assert_eq!(quantity_matches(text), by_regex(text), "{text:?}");
    }

    #[test]
    fn tricky_numbers_match_the_regex() {
        for text in [
            "共230件,占58.7%,满意率80.9%%,27.9 %,反馈表176份,1,284件,超过90%",
            "1,234,567.89件 12345,678件 1,23件 1,2345件 1234,567,890件 1.234,567件",
            "12.5.3件 5.件 .5件 5,件 ,5件 1,,234件 1.,2件 5..3% 1,234.5.6件 1,234,56件",
            "5万件次 5万人 5万件 5件次 5  件 5 件 5 %% 5% 件 5%%%件 5件3件 7件件",
            "１２３件 ١٢٣,٤٥٦件 12٣件 1,２３4件 ①件 ½件 〇件 𝟙𝟚件 ५%",
            "ID11370100004188602D 第3号 3.14 2022年 100",
            "",
            "件",
            "9",
            "9 ",
            "9,",
            "9.",
            "a1件-5%x-1-5%.5%/5%",
        ] {
            same(text);
        }
    }

    #[test]
    fn digit_test_is_the_regex_class_and_cjk_skip_is_safe() {
        let nd = Regex::new(r"\A\d\z").unwrap();
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            let s = c.encode_utf8(&mut buf);
            let regex_says = nd.is_match(s);
            assert_eq!(is_digit(c), regex_says, "{c:?}");
            if regex_says {
                assert!(!is_digitless_cjk_lead(s.as_bytes()[0]), "{c:?}");
            }
        }
    }

    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "0", "1", "2", "9", "7", "３", "٣", "𝟙", ",", ",", ".", ".", " ", "件", "次", "万",
            "%", "条", "份", "位", "名", "人", "家", "个", "项", "a", "-", "/", "共", "①", "。",
        ])
    }

    #[test]
    fn unit_dispatch_matches_the_list() {
        let units = [
            "万件", "件次", "件", "条", "份", "%", "%%", "位", "名", "人", "家", "个", "项", "万",
            "次", "", "a", "年", "万人", "件件", "𝟙", "é", "\u{E000}",
        ];
        for a in units {
            for b in units {
                let s = format!("{a}{b}");
                assert_eq!(unit_len_at(&s), unit_len_by_list(&s), "{s:?}");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn scanner_matches_the_regex(pieces in prop::collection::vec(piece(), 0..40)) {
            let text: String = pieces.concat();
            prop_assert_eq!(quantity_matches(&text), by_regex(&text), "{:?}", text);
        }
    }
}
