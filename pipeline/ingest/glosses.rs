//! Pinyin glosses that some sites print after characters (`會(huì)議`, `類(lèi)`): their pages come
//! from a converter that flattens ruby annotations into parentheses, which splits every word
//! and label they fall in. They are removed before the text is normalized; the origin map keeps
//! every other character's place in the original, and the original keeps the glosses.

use super::text::{Origins, is_han};

/// The longest gloss looked for, in letters (`zhuàng`, `shuāng` have six).
const MAX_GLOSS_LETTERS: usize = 7;

/// The text without pinyin glosses, with the original place of each remaining character;
/// `None` when the text holds none, the usual case, which one byte scan decides.
pub fn strip_pinyin_glosses(src: &str, origins: Origins<'_>) -> Option<(String, Vec<u32>)> {
    if !may_hold_tone_mark(src.as_bytes()) {
        return None;
    }
    let limit = match origins {
        Origins::Identity => usize::MAX,
        Origins::Map(map) => map.len(),
    };
    let chars: Vec<char> = src.chars().take(limit).collect();
    let origin = |k: usize| match origins {
        Origins::Identity => k as u32,
        Origins::Map(map) => map[k],
    };
    let mut out = String::with_capacity(src.len());
    let mut map = Vec::with_capacity(chars.len());
    let mut removed = false;
    let mut k = 0;
    while k < chars.len() {
        if let Some(len) = gloss_at(&chars, k) {
            k += len;
            removed = true;
            continue;
        }
        out.push(chars[k]);
        map.push(origin(k));
        k += 1;
    }
    removed.then_some((out, map))
}

/// Every tone-marked vowel (and ü) is encoded with one of these lead bytes (U+00C0–U+017F,
/// U+01C0–U+01FF); Chinese reports almost never hold any of them.
fn may_hold_tone_mark(bytes: &[u8]) -> bool {
    memchr::memchr3(0xC3, 0xC4, 0xC5, bytes).is_some() || memchr::memchr(0xC7, bytes).is_some()
}

/// The length in characters of the gloss `(huì)` starting at `k`, right after a Han character.
fn gloss_at(chars: &[char], k: usize) -> Option<usize> {
    if !matches!(chars[k], '(' | '（') || !chars.get(k.checked_sub(1)?).copied().is_some_and(is_han)
    {
        return None;
    }
    let body = &chars[k + 1..];
    let letters = body
        .iter()
        .take(MAX_GLOSS_LETTERS + 1)
        .take_while(|c| c.is_ascii_lowercase() || is_tone_vowel(**c))
        .count();
    let closed = matches!(body.get(letters), Some(')' | '）'));
    let toned = body[..letters].iter().any(|c| is_tone_vowel(*c));
    (closed && toned && letters <= MAX_GLOSS_LETTERS).then_some(letters + 2)
}

fn is_tone_vowel(c: char) -> bool {
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> Option<(String, Vec<u32>)> {
        strip_pinyin_glosses(s, Origins::Identity)
    }

    #[test]
    fn glosses_after_characters_are_removed_and_origins_kept() {
        let (text, map) = strip("市六屆人大二次會(huì)議,A類(lèi)54件").expect("glosses");
        assert_eq!(text, "市六屆人大二次會議,A類54件");
        let chars: Vec<char> = "市六屆人大二次會(huì)議,A類(lèi)54件".chars().collect();
        for (k, c) in text.chars().enumerate() {
            assert_eq!(chars[map[k] as usize], c);
        }
    }

    #[test]
    fn full_width_parentheses_and_six_letter_glosses() {
        let (text, _) = strip("情況（kuàng）與雙(shuāng)方").expect("glosses");
        assert_eq!(text, "情況與雙方");
    }

    #[test]
    fn other_parentheses_stay() {
        for s in [
            "已解决的(A类)54件",
            "(huì)开头没有汉字",
            "会(hui)没有声调",
            "café(é)不在汉字后",
            "会(huìyìshìjiànzhù)太长",
            "会(huì",
            "",
        ] {
            assert_eq!(strip(s), None, "{s}");
        }
    }

    #[test]
    fn a_map_from_html_is_followed_and_cut_at_its_length() {
        let map = [10, 11, 12, 13, 14, 15, 16];
        let (text, out) = strip_pinyin_glosses("會(huì)議多余", Origins::Map(&map)).expect("gloss");
        assert_eq!(text, "會議");
        assert_eq!(out, vec![10, 16]);
    }
}
