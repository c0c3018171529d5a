//! Numbers as Chinese reports print them: Arabic, Chinese numerals (四千二百八十七, 二〇二二,
//! 百分之七十二点二), with 万/亿 units. Shared by ingest (which rewrites numerals to digits) and
//! extract (which parses the digits).

/// Value of a single Chinese digit character.
pub fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' | '○' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' | '兩' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn cn_multiplier(c: char) -> Option<u64> {
    Some(match c {
        '十' | '拾' => 10,
        '百' | '佰' => 100,
        '千' | '仟' => 1000,
        _ => return None,
    })
}

pub fn is_cn_numeral_char(c: char) -> bool {
    cn_digit(c).is_some()
        || cn_multiplier(c).is_some()
        || matches!(c, '万' | '亿' | '萬' | '億' | '点' | '點')
}

/// Parse a Chinese integer such as 四千二百八十七, 十二, 一万零五百, or a digit string 二〇二二.
/// Returns `None` for anything that is not entirely a well-formed numeral.
pub fn parse_cn_integer(s: &str) -> Option<u64> {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() || chars.len() > 24 {
        return None;
    }
    // Digit-by-digit form (years, codes): 二〇二二.
    if chars.len() >= 2 && chars.iter().all(|c| cn_digit(*c).is_some()) {
        return chars.iter().try_fold(0u64, |acc, c| {
            acc.checked_mul(10)?.checked_add(cn_digit(*c)? as u64)
        });
    }
    let mut total: u64 = 0; // completed 万/亿 sections
    let mut section: u64 = 0; // below 万
    let mut digit: Option<u64> = None;
    for &c in &chars {
        if let Some(d) = cn_digit(c) {
            if digit.is_some_and(|x| x != 0) && d != 0 {
                return None; // two digits in a row without a multiplier
            }
            digit = Some(d as u64);
        } else if let Some(m) = cn_multiplier(c) {
            let d = match digit.take() {
                Some(d) => d,
                None if m == 10 => 1,                    // 十二 = 12
                None if total == 0 && section == 0 => 1, // 百分之百 = 100
                None => return None,
            };
            section = section.checked_add(d.checked_mul(m)?)?;
        } else if matches!(c, '万' | '萬') {
            section = section.checked_add(digit.take().unwrap_or(0))?;
            total = total.checked_add(section.checked_mul(10_000)?)?;
            section = 0;
        } else if matches!(c, '亿' | '億') {
            section = section.checked_add(digit.take().unwrap_or(0))?;
            total = total.checked_add(section)?.checked_mul(100_000_000)?;
            section = 0;
        } else {
            return None;
        }
    }
    section = section.checked_add(digit.unwrap_or(0))?;
    total.checked_add(section)
}

/// Parse a Chinese decimal such as 七十二点二 (→ "72.2"), returned as the decimal string.
pub fn parse_cn_decimal(s: &str) -> Option<String> {
    let (int_part, frac_part) = match s.split_once(['点', '點']) {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let int = if int_part.is_empty() {
        0
    } else {
        parse_cn_integer(int_part)?
    };
    match frac_part {
        None => Some(int.to_string()),
        Some(f) if !f.is_empty() => {
            let digits: Option<String> = f
                .chars()
                .map(|c| cn_digit(c).and_then(|d| char::from_digit(d, 10)))
                .collect();
            Some(format!("{int}.{}", digits?))
        }
        Some(_) => None,
    }
}

/// Parse an Arabic number as printed (`1,284`, `58.70`, `1.2万`) into a value.
/// Returns `None` on overflow, empty input or garbage.
pub fn parse_arabic(s: &str) -> Option<f64> {
    let s = s.trim();
    let (num, mult) = if let Some(n) = s.strip_suffix('万') {
        (n, 1e4)
    } else if let Some(n) = s.strip_suffix('亿') {
        (n, 1e8)
    } else {
        (s, 1.0)
    };
    let cleaned: String = num.chars().filter(|c| *c != ',').collect();
    if cleaned.is_empty()
        || cleaned.len() > 18
        || !cleaned.chars().all(|c| c.is_ascii_digit() || c == '.')
    {
        return None;
    }
    let v: f64 = cleaned.parse().ok()?;
    let v = v * mult;
    v.is_finite().then_some(v)
}

/// An integer count from printed digits; `None` if it is not a whole number that fits in i64
/// with room to spare (counts above 10^15 are not real item counts).
pub fn parse_count(s: &str) -> Option<i64> {
    let v = parse_arabic(s)?;
    (v.fract() == 0.0 && (0.0..1e15).contains(&v)).then_some(v as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_integers() {
        assert_eq!(parse_cn_integer("四千二百八十七"), Some(4287));
        assert_eq!(parse_cn_integer("十二"), Some(12));
        assert_eq!(parse_cn_integer("二十"), Some(20));
        assert_eq!(parse_cn_integer("一百零五"), Some(105));
        assert_eq!(parse_cn_integer("二〇二二"), Some(2022));
        assert_eq!(parse_cn_integer("一万零五百"), Some(10500));
        assert_eq!(parse_cn_integer("三亿"), Some(300_000_000));
        assert_eq!(parse_cn_integer("两"), Some(2));
        assert_eq!(parse_cn_integer("件"), None);
        assert_eq!(parse_cn_integer(""), None);
        assert_eq!(parse_cn_integer("百"), Some(100));
        assert_eq!(parse_cn_integer("三百百"), None);
    }

    #[test]
    fn chinese_decimals() {
        assert_eq!(parse_cn_decimal("七十二点二").as_deref(), Some("72.2"));
        assert_eq!(parse_cn_decimal("一百").as_deref(), Some("100"));
        assert_eq!(parse_cn_decimal("九十九点六").as_deref(), Some("99.6"));
        assert_eq!(parse_cn_decimal("点"), None);
    }

    #[test]
    fn arabic_numbers() {
        assert_eq!(parse_arabic("1,284"), Some(1284.0));
        assert_eq!(parse_arabic("7.70"), Some(7.7));
        assert_eq!(parse_arabic("1.2万"), Some(12000.0));
        assert_eq!(parse_count("99999999999999999999"), None);
        assert_eq!(parse_count("58.7"), None);
        assert_eq!(parse_count("230"), Some(230));
    }
}
