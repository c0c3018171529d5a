//! `\p{Han}` and `\d` exactly as the regex crate defines them, as table lookups: the scanners that
//! replace Han-run and number regexes test them on every character they look at.

use std::sync::LazyLock;

use regex_syntax::hir::{Class, HirKind};

/// One bit per Basic Multilingual Plane character, and the ranges beyond it.
struct CharTable {
    bmp: Vec<u64>,
    astral: Vec<(u32, u32)>,
}

static HAN: LazyLock<CharTable> = LazyLock::new(|| CharTable::of_class(r"\p{Han}"));

/// `\d` (Unicode decimal digits, general category Nd), the same way.
static DIGIT: LazyLock<CharTable> = LazyLock::new(|| CharTable::of_class(r"\d"));

impl CharTable {
    fn of_class(pattern: &str) -> CharTable {
        let hir = regex_syntax::Parser::new()
            .parse(pattern)
            .expect("static class");
        let HirKind::Class(Class::Unicode(class)) = hir.kind() else {
            unreachable!("{pattern} is a Unicode class")
        };
        let mut bmp = vec![0u64; 0x10000 / 64];
        let mut astral = Vec::new();
        for r in class.ranges() {
            let (start, end) = (u32::from(r.start()), u32::from(r.end()));
            for c in start..=end.min(0xFFFF) {
                bmp[c as usize / 64] |= 1 << (c % 64);
            }
            if end > 0xFFFF {
                astral.push((start.max(0x10000), end));
            }
        }
        CharTable { bmp, astral }
    }

    fn contains(&self, c: char) -> bool {
        let c = u32::from(c);
        if c <= 0xFFFF {
            return self.bmp[c as usize / 64] >> (c % 64) & 1 == 1;
        }
        let i = self.astral.partition_point(|(_, end)| *end < c);
        self.astral.get(i).is_some_and(|(start, _)| *start <= c)
    }
}

/// Whether `c` is in `\d` as the regex crate defines it (any Unicode decimal digit).
pub(super) fn is_unicode_digit(c: char) -> bool {
    DIGIT.contains(c)
}

/// Whether `c` is in `\p{Han}`.
pub(super) fn is_han(c: char) -> bool {
    HAN.contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    #[test]
    fn table_is_the_regex_class_for_every_character() {
        let re = Regex::new(r"\A\p{Han}\z").unwrap();
        let digit = Regex::new(r"\A\d\z").unwrap();
        let mut buf = [0; 4];
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_han(c), re.is_match(c.encode_utf8(&mut buf)), "{c:?}");
            assert_eq!(
                is_unicode_digit(c),
                digit.is_match(c.encode_utf8(&mut buf)),
                "{c:?}"
            );
        }
    }
}
