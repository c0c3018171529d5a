//! How numbers are printed: Chinese numerals (四千二百八十七, 百分之七十二点二, 二〇二二年) and
//! full-width digits (８８件).

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// 0..=99_999_999 as a Chinese numeral: 10 → 十, 105 → 一百零五, 12034 → 一万二千零三十四.
pub fn cn_integer(n: u64) -> String {
    if n == 0 {
        return "零".into();
    }
    if n >= 10_000 {
        let (hi, lo) = (n / 10_000, n % 10_000);
        let mut s = below_10k(hi, true);
        s.push('万');
        if lo > 0 {
            if lo < 1000 {
                s.push('零');
            }
            s.push_str(&below_10k(lo, false));
        }
        return s;
    }
    below_10k(n, true)
}

/// `leading`: the numeral starts the number, so 10..19 is written 十… rather than 一十….
fn below_10k(n: u64, leading: bool) -> String {
    let units = [(1000, '千'), (100, '百'), (10, '十')];
    let mut s = String::new();
    let mut rest = n;
    let mut pending_zero = false;
    for (value, unit) in units {
        let d = rest / value;
        rest %= value;
        if d == 0 {
            if !s.is_empty() {
                pending_zero = true;
            }
            continue;
        }
        if pending_zero {
            s.push('零');
            pending_zero = false;
        }
        if !(value == 10 && d == 1 && s.is_empty() && leading) {
            s.push(DIGITS[d as usize]);
        }
        s.push(unit);
    }
    if rest > 0 {
        if pending_zero {
            s.push('零');
        }
        s.push(DIGITS[rest as usize]);
    }
    s
}

/// A decimal as printed in digits ("72.2", "100", "7.70") → 七十二点二, 一百, 七点七零.
pub fn cn_decimal(text: &str) -> String {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let mut s = cn_integer(int.parse().unwrap_or(0));
    if !frac.is_empty() {
        s.push('点');
        s.extend(
            frac.chars()
                .filter_map(|c| c.to_digit(10).map(|d| DIGITS[d as usize])),
        );
    }
    s
}

/// Digit by digit, as in years: 2022 → 二〇二二.
pub fn cn_digits(n: u64) -> String {
    n.to_string()
        .chars()
        .filter_map(|c| c.to_digit(10))
        .map(|d| if d == 0 { '〇' } else { DIGITS[d as usize] })
        .collect()
}

/// ASCII digits, `.` between digits and `%` to their full-width forms.
pub fn full_width_digits(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    for (i, &c) in chars.iter().enumerate() {
        let digit_before = i > 0 && chars[i - 1].is_ascii_digit();
        let digit_after = chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        let mapped = match c {
            '0'..='9' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            '.' if digit_before && digit_after => '．',
            '%' => '％',
            _ => c,
        };
        out.push(mapped);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        for (n, s) in [
            (1, "一"),
            (10, "十"),
            (15, "十五"),
            (20, "二十"),
            (105, "一百零五"),
            (110, "一百一十"),
            (4287, "四千二百八十七"),
            (3005, "三千零五"),
            (10000, "一万"),
            (12034, "一万二千零三十四"),
            (100_000, "十万"),
        ] {
            assert_eq!(cn_integer(n), s, "{n}");
        }
    }

    #[test]
    fn decimals_years_and_width() {
        assert_eq!(cn_decimal("72.2"), "七十二点二");
        assert_eq!(cn_decimal("100"), "一百");
        assert_eq!(cn_digits(2022), "二〇二二");
        assert_eq!(
            full_width_digits("占7.5%，共88件。"),
            "占７．５％，共８８件。"
        );
    }
}
