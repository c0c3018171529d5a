//! Page numbers that document-sharing sites print at the start of each page of an uploaded file
//! (`…已经解决或基本解\n2、决的有23件…`): the page breaks fall anywhere, inside words and
//! labels, and the marker looks like a list item. They are removed, and their pages joined,
//! before the text is normalized; the origin map keeps every other character's place.
//!
//! A marker counts only in a run `1、`, `2、`, … in order, where each page before a marker is long
//! and stops mid-sentence. A list (`1、总体情况\n2、主要做法`) has short items, or items that end
//! with a full stop, so it is left alone.

use super::text::{Origins, ends_sentence};

/// A page shorter than this (in characters) is a list item or a heading, not a page.
const MIN_PAGE_CHARS: usize = 150;

/// The text without page markers and with its pages joined, with the original place of each
/// remaining character; `None` when it has no run of such markers, the usual case.
pub fn strip_page_markers(src: &str, origins: Origins<'_>) -> Option<(String, Vec<u32>)> {
    if !src.contains("\n2、") {
        return None;
    }
    let cuts = marker_cuts(src);
    if cuts.is_empty() {
        return None;
    }
    let limit = match origins {
        Origins::Identity => usize::MAX,
        Origins::Map(map) => map.len(),
    };
    let mut out = String::with_capacity(src.len());
    let mut map = Vec::with_capacity(src.len() / 3);
    let mut cut = cuts.iter().peekable();
    for (k, (at, c)) in src.char_indices().enumerate().take(limit) {
        while cut.peek().is_some_and(|(_, end)| *end <= at) {
            cut.next();
        }
        if cut.peek().is_some_and(|(start, _)| *start <= at) {
            continue;
        }
        out.push(c);
        map.push(match origins {
            Origins::Identity => k as u32,
            Origins::Map(m) => m[k],
        });
    }
    Some((out, map))
}

/// Byte ranges to remove: the `1、` opening the first page, and the line break and marker
/// opening each later page of the run.
fn marker_cuts(src: &str) -> Vec<(usize, usize)> {
    let lines = line_spans(src);
    let mut best: Vec<(usize, usize)> = Vec::new();
    for (i, &(start, _)) in lines.iter().enumerate() {
        let Some((1, first_len)) = marker_number(&src[start..]) else {
            continue;
        };
        let mut run = vec![(start, start + first_len)];
        let mut prev = i;
        let mut next = 2;
        for (j, &(s, _)) in lines.iter().enumerate().skip(i + 1) {
            let Some((n, len)) = marker_number(&src[s..]) else {
                continue;
            };
            if n != next {
                continue;
            }
            let page = pages_text(src, &lines, prev, j);
            if page.chars().count() < MIN_PAGE_CHARS || ends_sentence(page.trim_end()) {
                break;
            }
            // The break before the marker and the marker go; blank lines in between too.
            let last_filled = (prev..j)
                .rev()
                .find(|&k| !src[lines[k].0..lines[k].1].trim().is_empty())
                .unwrap_or(prev);
            let break_at = lines[last_filled].1;
            run.push((break_at, s + len));
            prev = j;
            next += 1;
        }
        if run.len() >= 2 && run.len() > best.len() {
            best = run;
        }
    }
    best
}

/// The text of lines `from..to` (the pages before a marker).
fn pages_text<'a>(src: &'a str, lines: &[(usize, usize)], from: usize, to: usize) -> &'a str {
    &src[lines[from].0..lines[to - 1].1]
}

/// Each line's byte range without its line break.
fn line_spans(src: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (at, _) in src.match_indices('\n') {
        out.push((start, at));
        start = at + 1;
    }
    out.push((start, src.len()));
    out
}

/// The page number a line opens with (`12、`) and the marker's length in bytes.
fn marker_number(line: &str) -> Option<(usize, usize)> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=3).contains(&digits) || !line[digits..].starts_with('、') {
        return None;
    }
    let n: usize = line[..digits].parse().ok()?;
    Some((n, digits + '、'.len_utf8()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> Option<String> {
        strip_page_markers(s, Origins::Identity).map(|(t, _)| t)
    }

    fn page(words: &str) -> String {
        format!("{}{words}", "代表建议办理工作情况汇报".repeat(14))
    }

    #[test]
    fn page_numbers_inside_words_go_and_their_pages_join() {
        let src = format!(
            "1、{}已经解决或基本解\n2、决的有23件,{}正在解\n\n3、决的有12件。",
            page(""),
            page("")
        );
        let text = strip(&src).expect("markers");
        assert!(text.contains("已经解决或基本解决的有23件"), "{text}");
        assert!(text.contains("正在解决的有12件。"), "{text}");
        assert!(!text.starts_with("1、"));
    }

    #[test]
    fn origins_point_at_the_kept_characters() {
        let src = format!("1、{}解\n2、决", page(""));
        let (text, map) = strip_page_markers(&src, Origins::Identity).expect("markers");
        let chars: Vec<char> = src.chars().collect();
        for (k, c) in text.chars().enumerate() {
            assert_eq!(chars[map[k] as usize], c);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]
        #[test]
        fn never_panics_and_origins_stay_in_order(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec!["1、", "2、", "02、", "3、", "\n", "解", "。", "a", "、", "\n\n"]),
                0..400,
            )
        ) {
            let src: String = pieces.concat();
            if let Some((text, map)) = strip_page_markers(&src, Origins::Identity) {
                let chars: Vec<char> = src.chars().collect();
                proptest::prop_assert_eq!(text.chars().count(), map.len());
                proptest::prop_assert!(map.windows(2).all(|w| w[0] < w[1]));
                for (k, c) in text.chars().enumerate() {
                    proptest::prop_assert_eq!(chars[map[k] as usize], c);
                }
            }
        }
    }

    #[test]
    fn lists_stay() {
        for src in [
            "1、总体情况\n2、主要做法\n3、存在问题".to_string(),
            format!("1、{}。\n2、{}。", page(""), page("")),
            format!("一、情况\n2、{}解\n3、决", page("")),
            String::new(),
        ] {
            assert_eq!(strip(&src), None, "{src}");
        }
    }
}
