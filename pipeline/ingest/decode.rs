//! Bytes → text: UTF-8 (with or without BOM), UTF-16 (with BOM, or detected), GB18030/GBK.

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

/// Why a file could not be turned into text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecodeError {
    #[error("the file is empty")]
    Empty,
    #[error("binary file ({0}), expected a text report (.txt, .html, .md)")]
    Binary(&'static str),
    #[error("not valid UTF-8, UTF-16 or GB18030 text (first bad byte at offset {offset})")]
    Undecodable { offset: usize },
}

/// Decoded text plus what was learnt on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    /// Non-fatal remarks, e.g. a truncated final character that was replaced.
    pub warnings: Vec<String>,
}

const MAGIC: &[(&[u8], &str)] = &[
    (b"\x89PNG", "PNG image"),
    (b"%PDF", "PDF document; extract its text first"),
    (b"PK\x03\x04", "ZIP/Office archive"),
    (b"\xFF\xD8\xFF", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\xD0\xCF\x11\xE0", "legacy Office document"),
    (b"\x1F\x8B", "gzip archive"),
];

pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if let Some((_, what)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Err(DecodeError::Binary(what));
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        let mut warnings = Vec::new();
        if had_errors {
            warnings.push(format!(
                "{} text with invalid sequences; they were replaced by U+FFFD",
                enc.name()
            ));
        }
        return finish(text.into_owned(), enc.name(), warnings);
    }
    if let Some(enc) = sniff_utf16(bytes) {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        return finish(
            text.into_owned(),
            enc.name(),
            vec![format!(
                "{} without a byte-order mark (detected)",
                enc.name()
            )],
        );
    }
    if let Some(text) = valid_utf8(bytes) {
        return finish(text.to_string(), "UTF-8", vec![]);
    }
    // Not UTF-8: the standard library's error tells where and how it fails.
    match std::str::from_utf8(bytes) {
        Ok(s) => finish(s.to_string(), "UTF-8", vec![]),
        Err(e) => {
            // A character cut off at the very end (truncated download) is recoverable.
            if e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4 && e.valid_up_to() > 0 {
                let text = String::from_utf8_lossy(bytes).into_owned();
                return finish(
                    text,
                    "UTF-8",
                    vec!["truncated UTF-8: the last character was cut off and replaced".into()],
                );
            }
            if let Some(text) = GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
                return finish(text.into_owned(), "GB18030", vec![]);
            }
            let valid = e.valid_up_to();
            // Mostly UTF-8 with a few bad bytes: keep it, but say so.
            let bad = String::from_utf8_lossy(bytes).matches('\u{FFFD}').count();
            if bad * 200 < bytes.len() {
                let text = String::from_utf8_lossy(bytes).into_owned();
                return finish(
                    text,
                    "UTF-8",
                    vec![format!(
                        "{bad} invalid UTF-8 sequence(s) replaced by U+FFFD (first at byte {valid})"
                    )],
                );
            }
            Err(DecodeError::Undecodable { offset: valid })
        }
    }
}

/// `bytes` as text if they are valid UTF-8 (`std::str::from_utf8(bytes).ok()`). encoding_rs
/// validates with a fraction of the standard library's instructions on CJK text, and every
/// report is validated here.
fn valid_utf8(bytes: &[u8]) -> Option<&str> {
    match UTF_8.decode_without_bom_handling_and_without_replacement(bytes)? {
        std::borrow::Cow::Borrowed(text) => Some(text),
        // Valid UTF-8 is returned as it is; anything else is left to the standard library.
        std::borrow::Cow::Owned(_) => None,
    }
}

/// UTF-16 without BOM shows as NUL bytes in every other position for CJK/ASCII text.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(4096)];
    // Nearly every report has no NUL at all: one vectorized search settles it before counting.
    if !sample.contains(&0) {
        return None;
    }
    let even_nul = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let odd_nul = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|b| **b == 0)
        .count();
    // UTF-16 puts a zero byte beside every ASCII character (digits, punctuation), always on the
    // same side; CJK-heavy text has few of them, so any consistent run of them counts, and a
    // clean decode confirms it.
    let candidate = if odd_nul >= 2 && even_nul == 0 {
        Some(UTF_16LE)
    } else if even_nul >= 2 && odd_nul == 0 {
        Some(UTF_16BE)
    } else {
        None
    }?;
    let (_, had_errors) = candidate.decode_without_bom_handling(bytes);
    (!had_errors).then_some(candidate)
}

fn finish(
    text: String,
    encoding: &'static str,
    warnings: Vec<String>,
) -> Result<Decoded, DecodeError> {
    if looks_binary(&text) {
        return Err(DecodeError::Binary("control characters"));
    }
    Ok(Decoded {
        text,
        encoding,
        warnings,
    })
}

/// Whether more than one in twenty of the first 8192 characters are control characters (other
/// than line breaks, tabs and form feeds).
///
/// Over bytes rather than decoded characters (this runs on every file): a character starts at
/// every byte that is not a UTF-8 continuation byte, C0 controls and DEL are single bytes, and C1
/// controls (U+0080..=U+009F) are `C2 80`..`C2 9F`.
fn looks_binary(text: &str) -> bool {
    // Nearly every report has no byte that could start a control character: one branch-free
    // pass (vectorized) settles those without counting characters.
    let may_hold_control = |b: u8| {
        (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C)) | (b == 0x7F) | (b == 0xC2)
    };
    if !text
        .as_bytes()
        .iter()
        .fold(false, |seen, &b| seen | may_hold_control(b))
    {
        return false;
    }
    count_controls(text)
}

fn count_controls(text: &str) -> bool {
    const SAMPLE: usize = 8192;
    let bytes = text.as_bytes();
    let mut total = 0usize;
    let mut control = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        if b & 0xC0 != 0x80 {
            if total == SAMPLE {
                break;
            }
            total += 1;
        }
        let is_control = match b {
            b'\n' | b'\r' | b'\t' | 0x0C => false,
            0x00..=0x1F | 0x7F => true,
            0xC2 => bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)),
            _ => false,
        };
        control += is_control as usize;
    }
    total > 0 && control * 20 > total
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Byte strings near UTF-8: valid characters of every width, cut ones, surrogates, overlong
    /// forms, bytes above U+10FFFF, stray continuation bytes.
    fn near_utf8() -> impl Strategy<Value = Vec<u8>> {
        let pieces: Vec<&'static [u8]> = vec![
            b"a",
            b"\n",
            "é".as_bytes(),
            "办".as_bytes(),
            "𠀀".as_bytes(),
            b"\xE5\x8A",
            b"\xED\xA0\x80",
            b"\xC0\xAF",
            b"\xE0\x80\xAF",
            b"\xF4\x90\x80\x80",
            b"\xF0\x9F",
            b"\x80",
            b"\xFF",
            b"\xBF",
        ];
        prop::collection::vec(prop::sample::select(pieces), 0..24).prop_map(|ps| ps.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]
        #[test]
        fn valid_utf8_equals_std_from_utf8(bytes in near_utf8()) {
            prop_assert_eq!(valid_utf8(&bytes), std::str::from_utf8(&bytes).ok());
        }

        #[test]
        fn valid_utf8_equals_std_from_utf8_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(valid_utf8(&bytes), std::str::from_utf8(&bytes).ok());
        }
    }

    #[test]
    fn the_fast_path_agrees_with_counting() {
        let samples = [
            "办理情况报告\n共交办建议230件。\r\n\t表格\x0c",
            "a\u{0}b\u{1}c\u{2}d\u{3}e",
            "名字·阿卜杜拉 ° \u{85}\u{9f}",
            "\u{7f}\u{7f}\u{7f}x",
            "",
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut random = Vec::new();
        for _ in 0..400 {
            let s: String = (0..(seed % 97) as usize)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let pick = [
                        'a', '\n', '\u{1}', '\u{7f}', '\u{80}', '\u{a0}', '办', '\u{c2}', '\t',
                    ];
                    pick[(seed % pick.len() as u64) as usize]
                })
                .collect();
            random.push(s);
        }
        for s in samples.iter().map(|s| s.to_string()).chain(random) {
            assert_eq!(looks_binary(&s), count_controls(&s), "{s:?}");
        }
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("办理".as_bytes()).unwrap().text, "办理");
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("办理".as_bytes());
        let d = decode(&b).unwrap();
        assert_eq!(d.text, "办理");
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn gb18030_is_detected() {
        let (bytes, _, _) = GB18030.encode("共交办人大代表建议230件，占58.7％");
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, "GB18030");
        assert_eq!(d.text, "共交办人大代表建议230件，占58.7％");
    }

    #[test]
    fn utf16_with_bom_and_without() {
        let s = "满意率97.97%";
        let mut le = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&le).unwrap().text, s);
        let plain: Vec<u8> = "abc 2022 report 办理"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let d = decode(&plain).unwrap();
        assert_eq!(d.text, "abc 2022 report 办理");
        assert!(!d.warnings.is_empty());
    }

    #[test]
    fn binary_and_empty_are_errors() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert!(matches!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0"),
            Err(DecodeError::Binary(_))
        ));
        assert!(matches!(
            decode(&[0u8, 1, 2, 3, 0, 0, 7, 8, 0, 0, 3, 3, 0, 0, 0, 1]),
            Err(_)
        ));
    }

    /// The character-by-character definition [`looks_binary`] implements over bytes.
    fn looks_binary_by_chars(text: &str) -> bool {
        let mut total = 0usize;
        let mut control = 0usize;
        for c in text.chars().take(8192) {
            total += 1;
            if c == '\0' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')) {
                control += 1;
            }
        }
        total > 0 && control * 20 > total
    }

    #[test]
    fn looks_binary_over_bytes_equals_the_char_definition() {
        let pool: Vec<char> =
            "a办理\n\r\t\u{c}\0\u{1}\u{1f}\u{7f}\u{80}\u{85}\u{9f}\u{a0}\u{c2}é𠀀 "
                .chars()
                .collect();
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for round in 0..3000 {
            // Lengths around the 8192-character sample, with controls placed before and after it.
            let len = match round % 3 {
                0 => (next() % 64) as usize,
                1 => 8150 + (next() % 90) as usize,
                _ => (next() % 20_000) as usize,
            };
            let rate = 1 + next() % 40;
            let s: String = (0..len)
                .map(|_| {
                    if next() % rate == 0 {
                        pool[(next() % pool.len() as u64) as usize]
                    } else {
                        '办'
                    }
                })
                .collect();
            assert_eq!(looks_binary(&s), looks_binary_by_chars(&s), "round {round}");
        }
        for s in ["", "\0", "a\u{85}", "\u{c2}\u{80}", "\t\n"] {
            assert_eq!(looks_binary(s), looks_binary_by_chars(s), "{s:?}");
        }
    }

    #[test]
    fn truncated_utf8_is_recovered_with_warning() {
        let mut b = "建议230件".as_bytes().to_vec();
        b.extend_from_slice(&"件".as_bytes()[..2]);
        let d = decode(&b).unwrap();
        assert!(d.text.starts_with("建议230件"));
        assert_eq!(d.warnings.len(), 1);
    }
}
