//! Jurisdictions drawn from the gazetteer (`datasets/gazetteer/divisions.csv`), with the short
//! forms a report uses for itself (市政府, 县人大, 全区 …).

use std::sync::OnceLock;

use pinyin::ToPinyin;

use super::rng::Rng;

const DIVISIONS_CSV: &str = include_str!("../../datasets/gazetteer/divisions.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    National,
    Provincial,
    Prefecture,
    County,
    District,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::National => "national",
            Level::Provincial => "provincial",
            Level::Prefecture => "prefecture",
            Level::County => "county",
            Level::District => "district",
        }
    }
}

/// One gazetteer row we can write about.
#[derive(Debug, Clone)]
struct Row {
    name: String,
    short_name: String,
    level: &'static str,
    province: String,
    prefecture: String,
}

/// A jurisdiction as a report names it.
#[derive(Debug, Clone)]
pub struct Place {
    /// As printed in the title and as expected in `jurisdiction_zh` (e.g. 宁波市海曙区, 来凤县).
    pub name: String,
    /// Short name (海曙, 漯河, 四川).
    pub short: String,
    /// How the report refers to its own level: 市, 县, 区, 州, 省, 自治区, 旗.
    pub unit: String,
    pub province: Option<String>,
    pub level: Level,
    /// ASCII folder name for the province (`henan`), `quanguo` for national reports.
    pub region: String,
    /// ASCII slug of the jurisdiction (`luohe`).
    pub slug: String,
}

struct Gazetteer {
    provincial: Vec<Row>,
    prefecture: Vec<Row>,
    county: Vec<Row>,
    district: Vec<Row>,
}

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| parse(DIVISIONS_CSV))
}

fn parse(src: &str) -> Gazetteer {
    let mut all: Vec<Row> = Vec::new();
    for line in src.lines().skip(1) {
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        if f.len() != 6 {
            continue;
        }
        let level = match f[3] {
            "provincial" => "provincial",
            "prefecture" => "prefecture",
            "county" => "county",
            _ => continue,
        };
        all.push(Row {
            name: f[1].into(),
            short_name: f[2].into(),
            level,
            province: f[4].into(),
            prefecture: f[5].into(),
        });
    }
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for r in &all {
        *counts.entry(r.name.as_str()).or_default() += 1;
    }
    let count_of = |name: &str| counts.get(name).copied().unwrap_or(0);
    let mut g = Gazetteer {
        provincial: vec![],
        prefecture: vec![],
        county: vec![],
        district: vec![],
    };
    for r in &all {
        if matches!(
            r.province.as_str(),
            "台湾省" | "香港特别行政区" | "澳门特别行政区"
        ) {
            continue;
        }
        match r.level {
            "provincial" => g.provincial.push(r.clone()),
            // 地区 and 盟 have no people's congress of their own.
            "prefecture" if r.name.ends_with('市') || r.name.ends_with('州') => {
                g.prefecture.push(r.clone())
            }
            "county"
                if r.name.ends_with('区')
                    && !r.name.ends_with("林区")
                    && !r.prefecture.is_empty() =>
            {
                g.district.push(r.clone())
            }
            // A county printed without its prefecture must be unambiguous.
            "county"
                if (r.name.ends_with('县') || r.name.ends_with('市') || r.name.ends_with('旗'))
                    && count_of(&r.name) == 1 =>
            {
                g.county.push(r.clone())
            }
            _ => {}
        }
    }
    g
}

/// Draw a jurisdiction at `level`.
pub fn draw(rng: &mut Rng, level: Level) -> Place {
    let g = gazetteer();
    let pool = match level {
        Level::National => return national(),
        Level::Provincial => &g.provincial,
        Level::Prefecture => &g.prefecture,
        Level::County => &g.county,
        Level::District => &g.district,
    };
    if pool.is_empty() {
        return national();
    }
    place_of(rng.pick(pool), level)
}

fn national() -> Place {
    Place {
        name: "全国".into(),
        short: "全国".into(),
        unit: "全国".into(),
        province: None,
        level: Level::National,
        region: "quanguo".into(),
        slug: "quanguo".into(),
    }
}

fn place_of(r: &Row, level: Level) -> Place {
    let unit = unit_of(&r.name, level);
    let name = if level == Level::District {
        format!("{}{}", r.prefecture, r.name)
    } else {
        r.name.clone()
    };
    Place {
        name,
        short: r.short_name.clone(),
        unit,
        province: Some(r.province.clone()),
        level,
        region: region_slug(&r.province),
        slug: slug(&r.short_name),
    }
}

fn unit_of(name: &str, level: Level) -> String {
    match level {
        Level::Provincial if name.ends_with("自治区") => "自治区".into(),
        Level::Provincial if name.ends_with('省') => "省".into(),
        Level::Prefecture if name.ends_with('州') => "州".into(),
        _ => name
            .chars()
            .last()
            .map(String::from)
            .unwrap_or_else(|| "市".into()),
    }
}

/// ASCII pinyin of a Chinese name, without tones.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for (p, c) in s.to_pinyin().zip(s.chars()) {
        match p {
            Some(p) => out.push_str(p.plain()),
            None if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            None => {}
        }
    }
    if out.is_empty() { "x".into() } else { out }
}

fn region_slug(province: &str) -> String {
    let short = province.trim_end_matches('省').trim_end_matches('市');
    let short = ["壮族自治区", "回族自治区", "维吾尔自治区", "自治区"]
        .iter()
        .fold(short.to_string(), |s, suf| {
            s.trim_end_matches(suf).to_string()
        });
    if short == "陕西" {
        "shaanxi".into()
    } else {
        slug(&short)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_draws_a_named_place() {
        let mut rng = Rng::new(3);
        for level in [
            Level::Provincial,
            Level::Prefecture,
            Level::County,
            Level::District,
        ] {
            for _ in 0..50 {
                let p = draw(&mut rng, level);
                assert_eq!(p.level, level);
                assert!(p.name.ends_with(p.unit.as_str()));
                assert!(p.province.is_some());
                assert!(
                    p.region.chars().all(|c| c.is_ascii_lowercase()),
                    "{}",
                    p.region
                );
            }
        }
        assert_eq!(region_slug("新疆维吾尔自治区"), "xinjiang");
        assert_eq!(region_slug("陕西省"), "shaanxi");
    }
}
