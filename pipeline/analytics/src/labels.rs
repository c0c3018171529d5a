//! Display names: `漯河 Luohe` (the short Chinese name and its pinyin).

/// Administrative suffixes dropped from a display name, longest first.
const SUFFIXES: &[&str] = &[
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "省",
    "市",
    "县",
    "区",
    "縣",
    "區",
];

/// The name without its administrative suffixes (宁波市海曙区 → 宁波海曙), keeping at least two
/// characters of each part so short names (市中区) stay whole.
pub fn short_zh(name: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut rest = name;
    // Split after each suffix that ends a part (宁波市|海曙区).
    'outer: while !rest.is_empty() {
        for (i, _) in rest.char_indices().skip(2) {
            for suf in ["市", "县", "縣"] {
                if rest[i..].starts_with(suf) && i + suf.len() < rest.len() {
                    parts.push(rest[..i].to_string());
                    rest = &rest[i + suf.len()..];
                    continue 'outer;
                }
            }
        }
        parts.push(strip_suffix(rest).to_string());
        break;
    }
    parts.concat()
}

fn strip_suffix(name: &str) -> &str {
    for suf in SUFFIXES {
        if let Some(s) = name.strip_suffix(suf)
            && s.chars().count() >= 2
        {
            return s;
        }
    }
    name
}

/// `漯河 Luohe`; the pinyin alone when only it is known.
pub fn display(zh: Option<&str>, en: Option<&str>) -> Option<String> {
    match (zh, en) {
        (Some(z), Some(e)) => Some(format!("{} {}", short_zh(z), e)),
        (Some(z), None) => Some(short_zh(z)),
        (None, Some(e)) => Some(e.to_string()),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names() {
        assert_eq!(short_zh("漯河市"), "漯河");
        assert_eq!(short_zh("西平县"), "西平");
        assert_eq!(short_zh("宁波市海曙区"), "宁波海曙");
        assert_eq!(short_zh("广西壮族自治区"), "广西");
        assert_eq!(short_zh("市中区"), "市中");
        assert_eq!(short_zh("全国"), "全国");
        assert_eq!(short_zh("鞏留縣"), "鞏留");
        assert_eq!(
            display(Some("漯河市"), Some("Luohe")).as_deref(),
            Some("漯河 Luohe")
        );
    }
}
