//! One report: who wrote it, about what, and its paragraphs in order, with its gold file.

use super::blocks::{Blk, Channel};
use super::gold::Gold;
use super::numerals::{cn_digits, cn_integer};
use super::phrases::{Ctx, dept, person};
use super::places::{self, Level, Place};
use super::rng::Rng;
use super::schemes;
use super::style::Style;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The government's formal report to the standing committee (long, with sections).
    GovReport,
    /// A department's work summary (often both channels, roles, a disclosure header).
    DeptSummary,
    /// A news article restating the figures (short).
    News,
    /// The congress or CPPCC committee's own report.
    Committee,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::GovReport => "gov_report",
            Kind::DeptSummary => "dept_summary",
            Kind::News => "news",
            Kind::Committee => "committee",
        }
    }
}

/// A composed report before decoration: title, paragraphs (a paragraph may hold line breaks for
/// tables), and its gold file.
pub struct Composed {
    pub title: String,
    pub paragraphs: Vec<String>,
    pub gold: Gold,
    pub place: Place,
    pub chinese_numerals: bool,
}

/// What is fixed for the whole report.
struct Setting {
    kind: Kind,
    place: Place,
    channel: Channel,
    year: i32,
    session: String,
    term: u64,
    date: Option<(i32, u32, u32)>,
    year_stated: bool,
    cn: bool,
}

pub fn compose(rng: &mut Rng, seed: u64, index: u64) -> Composed {
    let kind = *rng.pick_weighted(&[
        (35, Kind::GovReport),
        (18, Kind::DeptSummary),
        (30, Kind::News),
        (17, Kind::Committee),
    ]);
    let level = draw_level(rng, kind);
    let place = places::draw(rng, level);
    let channel = draw_channel(rng, kind);
    let year = rng.range(2012, 2025) as i32;
    let (session, term) = session_name(rng, &place, channel, year);
    let cn = rng.chance(0.10);
    let date = rng.chance(0.85).then(|| report_date(rng, year, kind));
    let set = Setting {
        kind,
        place,
        channel,
        year,
        session,
        term,
        date,
        year_stated: rng.chance(0.94),
        cn,
    };
    let style = Style::draw(rng, cn);
    let mut gold = base_gold(&set, seed, index);
    gold.synth.pct_style = style.sign_name().to_string();
    gold.synth.numerals = if cn {
        "chinese".into()
    } else {
        "arabic".into()
    };
    let total = draw_total(rng, set.place.level, kind, channel);
    let mut scheme = if set.place.level == Level::National {
        *rng.pick(&["aggregate", "aggregate", "none"])
    } else {
        schemes::draw_id(rng)
    };
    if scheme == "partial_universe" && kind != Kind::DeptSummary {
        scheme = "abc";
    }
    let ctx = narrative_ctx(&set);
    let (title, paragraphs) = {
        let mut blk = Blk {
            rng,
            style: &style,
            gold: &mut gold,
            channel,
            unit: set.place.unit.clone(),
            session: set.session.clone(),
            total,
        };
        match kind {
            Kind::GovReport => gov_report(&set, &mut blk, &ctx, scheme),
            Kind::DeptSummary => dept_summary(&set, &mut blk, &ctx, scheme),
            Kind::News => news(&set, &mut blk, &ctx, scheme),
            Kind::Committee => committee(&set, &mut blk, &ctx, scheme),
        }
    };
    if gold.synth.scheme.is_empty() {
        gold.synth.scheme = "none".into();
    }
    Composed {
        title,
        paragraphs,
        gold,
        place: set.place,
        chinese_numerals: cn,
    }
}

fn draw_level(rng: &mut Rng, kind: Kind) -> Level {
    match kind {
        Kind::DeptSummary => *rng.pick_weighted(&[
            (40, Level::Prefecture),
            (35, Level::County),
            (25, Level::District),
        ]),
        Kind::News => *rng.pick_weighted(&[
            (4, Level::National),
            (20, Level::Provincial),
            (40, Level::Prefecture),
            (21, Level::County),
            (15, Level::District),
        ]),
        Kind::Committee => *rng.pick_weighted(&[
            (20, Level::Provincial),
            (40, Level::Prefecture),
            (25, Level::County),
            (15, Level::District),
        ]),
        Kind::GovReport => *rng.pick_weighted(&[
            (12, Level::Provincial),
            (45, Level::Prefecture),
            (25, Level::County),
            (18, Level::District),
        ]),
    }
}

fn draw_channel(rng: &mut Rng, kind: Kind) -> Channel {
    match kind {
        Kind::DeptSummary => *rng.pick_weighted(&[
            (45, Channel::Npc),
            (25, Channel::Cppcc),
            (30, Channel::Both),
        ]),
        Kind::GovReport => *rng.pick_weighted(&[(60, Channel::Npc), (40, Channel::Cppcc)]),
        _ => *rng.pick_weighted(&[(55, Channel::Npc), (45, Channel::Cppcc)]),
    }
}

fn draw_total(rng: &mut Rng, level: Level, kind: Kind, channel: Channel) -> u64 {
    let (lo, hi) = match (kind, level) {
        (Kind::DeptSummary, _) => (8, 120),
        (_, Level::National) if channel == Channel::Cppcc => (4000, 6200),
        (_, Level::National) => (6500, 9800),
        (_, Level::Provincial) => (450, 1500),
        (_, Level::Prefecture) => (120, 950),
        (_, Level::County) | (_, Level::District) => (40, 320),
    };
    rng.range(lo, hi)
}

/// Session names as printed: 市七届人大五次会议, 县人大十六届一次会议, 省政协十三届三次会议,
/// 十三届全国人大三次会议. Returns the name and the term number.
fn session_name(rng: &mut Rng, place: &Place, channel: Channel, year: i32) -> (String, u64) {
    let (base, first_term) = match place.level {
        Level::National | Level::Provincial => {
            (2013, if channel == Channel::Cppcc { 11 } else { 12 })
        }
        _ => (2011 + rng.range(0, 4) as i32, rng.range(5, 17)),
    };
    let since = (year - base).max(0) as u64;
    let term = first_term + since / 5;
    let sess = since % 5 + 1;
    let (t, s) = (cn_integer(term), cn_integer(sess));
    let u = &place.unit;
    let name = match (place.level, channel) {
        (Level::National, Channel::Cppcc) => format!("全国政协{t}届{s}次会议"),
        (Level::National, _) => format!("{t}届全国人大{s}次会议"),
        (_, Channel::Cppcc) => match rng.below(3) {
            0 => format!("{u}政协{t}届{s}次会议"),
            1 => format!("{u}政协第{t}届{s}次会议"),
            _ => format!("政协{}第{t}届委员会第{s}次会议", place.name),
        },
        _ => match rng.below(4) {
            0 | 1 => format!("{u}{t}届人大{s}次会议"),
            2 => format!("{u}人大{t}届{s}次会议"),
            _ => format!("{u}第{t}届人大{s}次会议"),
        },
    };
    (name, term)
}

fn report_date(rng: &mut Rng, year: i32, kind: Kind) -> (i32, u32, u32) {
    let late = kind == Kind::News || rng.chance(0.3);
    let (y, m) = if late {
        (year + 1, rng.range(1, 3) as u32)
    } else {
        (year, rng.range(9, 12) as u32)
    };
    (y, m, rng.range(1, 28) as u32)
}

fn base_gold(set: &Setting, seed: u64, index: u64) -> Gold {
    let mut g = Gold {
        jurisdiction_zh: Some(set.place.name.clone()),
        province_zh: set.place.province.clone(),
        admin_level: Some(set.place.level.as_str().to_string()),
        channel: set.channel.as_str().to_string(),
        year_handled: set.year_stated.then_some(set.year),
        report_date: set.date.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        session_zh: Some(set.session.clone()),
        ..Default::default()
    };
    g.synth.seed = seed;
    g.synth.index = index;
    g.synth.kind = set.kind.as_str().to_string();
    g
}

fn narrative_ctx(set: &Setting) -> Ctx {
    let unit = set.place.unit.clone();
    Ctx {
        gov: if set.place.level == Level::National {
            "国务院".into()
        } else {
            format!("{unit}政府")
        },
        unit,
        item: set.channel.item().into(),
        who: set.channel.who().into(),
        body: set.channel.body().into(),
        year: set.year_stated.then_some(set.year),
        place_short: set.place.short.clone(),
    }
}

/// A date as printed: 2021年12月21日, 2021-12-21 or 二〇二一年十二月二十一日.
fn date_text(set: &Setting, rng: &mut Rng, (y, m, d): (i32, u32, u32)) -> String {
    if set.cn && rng.chance(0.6) {
        return format!(
            "{}年{}月{}日",
            cn_digits(y as u64),
            cn_integer(m as u64),
            cn_integer(d as u64)
        );
    }
    if rng.chance(0.15) {
        format!("{y}-{m:02}-{d:02}")
    } else {
        format!("{y}年{m}月{d}日")
    }
}

/// "2021年" when the handling year is printed, else nothing.
fn year_of(set: &Setting) -> String {
    if set.year_stated {
        format!("{}年", set.year)
    } else {
        String::new()
    }
}

/// "2021年，" when the handling year is printed.
fn year_lead(set: &Setting) -> String {
    if set.year_stated {
        format!("{}年，", set.year)
    } else {
        String::new()
    }
}

/// Standing-committee meeting the report was given at.
fn meeting(set: &Setting, rng: &mut Rng) -> String {
    let k = cn_integer(rng.range(3, 45));
    let t = cn_integer(set.term);
    match set.channel {
        Channel::Cppcc => format!("政协{}第{t}届委员会常务委员会第{k}次会议", set.place.name),
        _ => format!("{}第{t}届人民代表大会常务委员会第{k}次会议", set.place.name),
    }
}

fn official_title(unit: &str) -> String {
    match unit {
        "自治区" => "自治区人民政府副主席".into(),
        "省" => "省人民政府副省长".into(),
        u => format!("{u}人民政府副{u}长"),
    }
}

fn gov_report(set: &Setting, b: &mut Blk, ctx: &Ctx, scheme: &str) -> (String, Vec<String>) {
    let name = &set.place.name;
    let item = set.channel.item();
    b.gold.issuer_zh = Some(format!("{name}人民政府"));
    b.gold.issuer_kind = Some("government".into());
    let title = match set.channel {
        Channel::Cppcc => format!("{name}人民政府关于{}{item}办理情况的报告", set.session),
        _ => format!(
            "{name}人民政府关于{}代表所提建议、批评和意见办理情况的报告",
            set.session
        ),
    };
    let mut ps = Vec::new();
    if let Some(d) = set.date {
        let when = date_text(set, b.rng, d);
        ps.push(format!("——{when}在{}上", meeting(set, b.rng)));
    }
    ps.push(format!(
        "{} {}",
        official_title(&set.place.unit),
        person(b.rng)
    ));
    ps.push(if set.channel == Channel::Cppcc {
        "主席、各位副主席、秘书长，各位常委：".into()
    } else {
        "主任、各位副主任、秘书长，各位委员：".into()
    });
    ps.push(format!(
        "受{}政府委托，现将{}{}所提{item}（以下简称“{item}”）办理情况报告如下，请予审议。",
        set.place.unit,
        set.session,
        set.channel.who()
    ));
    ps.push("一、总体办理情况".into());
    let mut p = b.total_sentence(&year_lead(set));
    p.push_str(&format!(
        "一年来，在{}的监督指导下，{}将{item}办理与各项工作一体谋划、一体部署、一体推进，解决了一批群众关心的实际问题。",
        if set.channel == Channel::Cppcc { "政协" } else { "人大常委会" },
        ctx.gov
    ));
    p.push_str(&format!(
        "目前，{}件{item}已全部按时按要求办理完毕，并书面答复{}。",
        b.style.count(b.rng, b.gold.total.unwrap_or(b.total)),
        set.channel.who()
    ));
    if let Some(o) = b.outcomes(scheme) {
        p.push_str(&o);
    }
    if b.rng.chance(0.5) {
        p.push_str(&format!("{}。", b.rates()));
    }
    if set.channel == Channel::Npc && b.rng.chance(0.4) {
        p.push_str(&b.feedback());
    }
    ps.push(p);
    if b.rng.chance(0.4) {
        ps.push(b.topics());
    }
    narrative_sections(b.rng, ctx, &mut ps, b.gold, 6500..=9600, 8);
    (title, ps)
}

fn dept_summary(set: &Setting, b: &mut Blk, ctx: &Ctx, scheme: &str) -> (String, Vec<String>) {
    let d = dept(b.rng, &set.place.unit);
    let issuer = format!(
        "{}{}",
        set.place.name,
        d.trim_start_matches(set.place.unit.as_str())
    );
    b.gold.issuer_zh = Some(issuer.clone());
    b.gold.issuer_kind = Some("department".into());
    let long = set.channel.items_long(b.rng);
    let title = format!(
        "{}{}{long}办理情况工作总结",
        if b.rng.chance(0.5) {
            issuer.as_str()
        } else {
            ""
        },
        year_of(set)
    );
    let mut ps = Vec::new();
    if let Some(dt) = set.date {
        if b.rng.chance(0.5) {
            let iso = format!("{:04}-{:02}-{:02}", dt.0, dt.1, dt.2);
            ps.push(format!(
                "- 索引号: {}/{}-{:05} 组配分类: 建议和提案总体情况",
                11_000_000 + b.rng.below(9_000_000),
                dt.0,
                b.rng.range(1, 400)
            ));
            ps.push(format!("- 成文日期: {iso} 发布日期: {iso}"));
            ps.push(format!("- 发布机构: {issuer}"));
        } else {
            let when = date_text(set, b.rng, dt);
            ps.push(format!("（{issuer}，{when}）"));
        }
    }
    ps.push(format!(
        "按照{long}办理工作有关要求，我{}按期高质量完成了{}{long}办理工作，现将有关情况报告如下。",
        if d.ends_with('委') { "委" } else { "局" },
        year_of(set)
    ));
    ps.push("一、总体办结情况".into());
    let mut p = b.total_sentence(&year_lead(set));
    p.push_str(&b.roles());
    p.push_str(&format!(
        "截至目前，{}件{}已全部办理完毕",
        b.style.count(b.rng, b.gold.total.unwrap_or(b.total)),
        set.channel.item()
    ));
    p.push_str(&format!("，{}。", b.rates()));
    if let Some(o) = b.outcomes(scheme) {
        p.push_str(&o);
    }
    ps.push(p);
    narrative_sections(b.rng, ctx, &mut ps, b.gold, 4000..=6200, 6);
    (title, ps)
}

fn news(set: &Setting, b: &mut Blk, ctx: &Ctx, scheme: &str) -> (String, Vec<String>) {
    let name = &set.place.name;
    let item = set.channel.item();
    let (issuer, kind) = match set.channel {
        Channel::Cppcc => (format!("{name}政协"), "cppcc"),
        _ if set.place.level == Level::National || b.rng.chance(0.5) => {
            (format!("{name}人大常委会"), "congress")
        }
        _ => (format!("{name}人民政府"), "government"),
    };
    b.gold.issuer_zh = Some(issuer.clone());
    b.gold.issuer_kind = Some(kind.into());
    let title = format!(
        "{name}{}{}办理工作情况通报",
        if set.channel == Channel::Cppcc {
            "政协"
        } else {
            "人大代表"
        },
        item
    );
    let mut ps = Vec::new();
    let when = set
        .date
        .map(|d| date_text(set, b.rng, d))
        .map(|w| format!("{w}，"))
        .unwrap_or_default();
    ps.push(format!(
        "{when}{issuer}通报了{}以来{}{item}的办理情况。",
        set.session,
        set.channel.who()
    ));
    ps.push(b.total_sentence(&year_lead(set)));
    if b.rng.chance(0.6) {
        ps.push(b.topics());
    }
    let mut p = String::new();
    if let Some(o) = b.outcomes(scheme) {
        p.push_str(&o);
    }
    if b.rng.chance(0.7) {
        p.push_str(&format!("{}。", b.rates()));
    }
    if !p.is_empty() {
        ps.push(p);
    }
    narrative_sections(b.rng, ctx, &mut ps, b.gold, 1000..=2400, 2);
    (title, ps)
}

fn committee(set: &Setting, b: &mut Blk, ctx: &Ctx, scheme: &str) -> (String, Vec<String>) {
    let name = &set.place.name;
    let (issuer, kind, title) = match set.channel {
        Channel::Cppcc => (
            format!("政协{name}委员会"),
            "cppcc",
            format!(
                "政协{name}委员会常务委员会关于{}以来提案工作情况的报告",
                set.session
            ),
        ),
        _ => (
            format!("{name}人大常委会代表工作委员会"),
            "congress",
            format!(
                "关于{}{name}人大代表建议、批评和意见办理工作情况的报告",
                year_of(set)
            ),
        ),
    };
    b.gold.issuer_zh = Some(issuer.clone());
    b.gold.issuer_kind = Some(kind.into());
    let mut ps = Vec::new();
    if let Some(d) = set.date {
        let when = date_text(set, b.rng, d);
        ps.push(format!("——{when}在{}上", meeting(set, b.rng)));
    }
    let head = if set.channel == Channel::Cppcc {
        "副主席"
    } else {
        "主任"
    };
    ps.push(format!("{issuer}{head} {}", person(b.rng)));
    ps.push("一、基本情况".into());
    ps.push(b.total_sentence(&year_lead(set)));
    ps.push(b.topics());
    let mut p = String::new();
    if let Some(o) = b.outcomes(scheme) {
        p.push_str(&o);
    }
    p.push_str(&format!("{}。", b.rates()));
    ps.push(p);
    narrative_sections(b.rng, ctx, &mut ps, b.gold, 4000..=6200, 5);
    (title, ps)
}

/// Measures sections, named items, problems and next steps, until the report is about
/// `target` characters long (real reports run 10–20 KB).
fn narrative_sections(
    rng: &mut Rng,
    ctx: &Ctx,
    ps: &mut Vec<String>,
    gold: &mut Gold,
    target: std::ops::RangeInclusive<usize>,
    max_items: u64,
) {
    let target = rng.range(*target.start() as u64, *target.end() as u64) as usize;
    let size = |ps: &Vec<String>| ps.iter().map(|p| p.chars().count()).sum::<usize>();
    ps.push("二、主要做法".into());
    ps.push(ctx.elaboration(rng));
    let mut section = 1;
    while size(ps) < target * 55 / 100 && section <= 12 {
        ps.extend(ctx.measures_section(rng, section));
        section += 1;
    }
    let mut n_items = 0;
    while size(ps) < target * 85 / 100 && n_items < max_items as usize {
        if n_items == 0 {
            ps.push(format!("三、重点{}办理情况", ctx.item));
        }
        n_items += 1;
        let (text, lead, number) = ctx.named_item(rng, n_items);
        ps.push(text);
        if !gold.named_proposers.contains(&lead) {
            gold.named_proposers.push(lead);
        }
        if let Some(n) = number
            && !gold.numbered_items.contains(&n)
        {
            gold.numbered_items.push(n);
        }
    }
    gold.numbered_items.sort_unstable();
    if target >= 2500 {
        ps.push("四、存在的问题和下一步打算".into());
        ps.push(ctx.problems(rng));
        ps.push(ctx.elaboration(rng));
        ps.push(ctx.next_steps(rng));
    }
}
