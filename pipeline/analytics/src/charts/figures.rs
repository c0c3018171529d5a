//! The six figures. Each reads `ChartData` and draws on a `Canvas` in pixels.

use std::collections::{BTreeMap, BTreeSet};

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::{ChartData, Row};
use super::{Canvas, DrawResult, Figure, rgb, scale};

const W: u32 = 1200;
const LABEL_X: i32 = 20;
pub(super) const PLOT_X0: i32 = 330;
const PLOT_X1: i32 = 1130;
const TOP: i32 = 96;

const TIERS: [(&str, &str, u32); 4] = [
    ("resolved", "已解决 resolved", 0x1b7837),
    ("in_progress", "正在解决 in progress", 0x7fbf7b),
    ("planned", "列入计划 planned", 0xe08214),
    ("deferred", "留作参考 deferred", 0x8073ac),
];
const UNKNOWN: u32 = 0xd0d0d0;
const PALETTE: [u32; 12] = [
    0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f,
    0xbab0ac, 0x1f77b4, 0x8c564b,
];

fn tier_rank(t: &str) -> usize {
    TIERS.iter().position(|x| x.0 == t).unwrap_or(TIERS.len())
}

fn tier_color(t: &str) -> RGBColor {
    TIERS
        .iter()
        .find(|x| x.0 == t)
        .map(|x| rgb(x.2))
        .unwrap_or(rgb(UNKNOWN))
}

fn fmt_pct(v: f64) -> String {
    format!("{v:.1}%")
}

/// "no data" in place of an empty figure, so every chart file always exists.
fn empty_note<DB: DrawingBackend>(c: &Canvas<DB>, msg: &str) -> DrawResult<DB> {
    c.text(
        msg,
        LABEL_X,
        TOP + 10,
        16.0,
        rgb(0x777777),
        HPos::Left,
        VPos::Top,
    )
}

/// Legend entries in one row, wrapping at the right edge.
fn legend<DB: DrawingBackend>(
    c: &Canvas<DB>,
    y: i32,
    entries: &[(String, Swatch)],
) -> DrawResult<DB> {
    let (mut x, mut y) = (LABEL_X, y);
    for (text, sw) in entries {
        let w = 30
            + (text
                .chars()
                .map(|ch| if ch.is_ascii() { 8 } else { 15 })
                .sum::<i32>());
        if x + w > W as i32 - 20 {
            x = LABEL_X;
            y += 24;
        }
        sw.draw(c, x, y)?;
        c.text(text, x + 24, y + 8, 14.0, BLACK, HPos::Left, VPos::Center)?;
        x += w + 18;
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Swatch {
    Fill(u32),
    Hatched(u32, u32),
    Circle(u32),
    Triangle(u32),
    Square(u32),
    Diamond(u32),
    Cross(u32),
    Interval(u32),
}

impl Swatch {
    fn draw<DB: DrawingBackend>(&self, c: &Canvas<DB>, x: i32, y: i32) -> DrawResult<DB> {
        match *self {
            Swatch::Fill(col) => c.rect(x, y, x + 18, y + 16, rgb(col), true),
            Swatch::Hatched(a, b) => {
                c.rect(x, y, x + 18, y + 16, rgb(a), true)?;
                c.hatch(x, y, x + 18, y + 16, rgb(b))?;
                c.rect(x, y, x + 18, y + 16, BLACK, false)
            }
            Swatch::Circle(col) => c.circle(x + 9, y + 8, 6, rgb(col), true),
            Swatch::Triangle(col) => c.triangle(x + 9, y + 8, 7, rgb(col)),
            Swatch::Square(col) => c.square(x + 9, y + 8, 6, rgb(col)),
            Swatch::Diamond(col) => c.diamond(x + 9, y + 8, 7, rgb(col)),
            Swatch::Cross(col) => c.cross(x + 9, y + 8, 6, rgb(col)),
            Swatch::Interval(col) => c.rect(x, y + 4, x + 18, y + 12, rgb(col), true),
        }
    }
}

fn addressed_order(rows: &mut [&Row]) {
    rows.sort_by(|a, b| {
        let (al, ah, _) = a.tier("addressed");
        let (bl, bh, _) = b.tier("addressed");
        bl.unwrap_or(-1.0)
            .total_cmp(&al.unwrap_or(-1.0))
            .then(bh.unwrap_or(-1.0).total_cmp(&ah.unwrap_or(-1.0)))
            .then(a.label.cmp(&b.label))
    });
}

// 1 ─────────────────────────────────────────────────────────────────────────────────────────

/// Outcome composition: 100 % bars on the fine tiers; merged categories hatched, not split.
pub struct Composition<'a>(pub &'a ChartData);

const COMP_ROW: i32 = 50;

impl Composition<'_> {
    fn rows(&self) -> Vec<&Row> {
        let docs: BTreeSet<&str> = self.0.segments.iter().map(|s| s.doc_id.as_str()).collect();
        let mut rows: Vec<&Row> = self
            .0
            .rows
            .iter()
            .filter(|r| r.universe.is_some() && docs.contains(r.doc_id.as_str()))
            .collect();
        addressed_order(&mut rows);
        rows
    }
}

impl Figure for Composition<'_> {
    fn name(&self) -> &'static str {
        "outcome_composition"
    }
    fn title(&self) -> String {
        "办理结果构成 Outcome composition by fine tier".into()
    }
    fn size(&self) -> (u32, u32) {
        let n = self.rows().len().max(1) as i32;
        (W, (TOP + n * COMP_ROW + 110) as u32)
    }
    fn draw<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> DrawResult<DB> {
        c.heading(
            &self.title(),
            &format!("Each bar is 100% of the report's own universe; a merged category is one hatched segment; ordered by addressed share{}", self.0.shown_note()),
        )?;
        let rows = self.rows();
        if rows.is_empty() {
            return empty_note(c, "没有分类结果 No report classifies its outcomes");
        }
        let y_end = TOP + rows.len() as i32 * COMP_ROW;
        c.percent_axis(PLOT_X0, PLOT_X1, TOP - 6, y_end, 0.0, 100.0, 10.0)?;
        for (i, r) in rows.iter().enumerate() {
            let y = TOP + i as i32 * COMP_ROW;
            c.row_label(&r.label, y + 11)?;
            let mut segs: Vec<_> = self
                .0
                .segments
                .iter()
                .filter(|s| s.doc_id == r.doc_id)
                .collect();
            segs.sort_by_key(|s| {
                s.tiers
                    .iter()
                    .map(|t| tier_rank(t))
                    .min()
                    .unwrap_or(TIERS.len())
            });
            let mut at = 0.0f64;
            for s in segs {
                let Some(share) = s.share else { continue };
                let share = share.clamp(0.0, 100.0 - at);
                if share <= 0.0 {
                    continue;
                }
                let x0 = scale(at, 0.0, 100.0, PLOT_X0, PLOT_X1);
                let x1 = scale(at + share, 0.0, 100.0, PLOT_X0, PLOT_X1);
                let first = s
                    .tiers
                    .iter()
                    .min_by_key(|t| tier_rank(t))
                    .map(String::as_str)
                    .unwrap_or("");
                let last = s
                    .tiers
                    .iter()
                    .max_by_key(|t| tier_rank(t))
                    .map(String::as_str)
                    .unwrap_or("");
                c.rect(x0, y, x1, y + 22, tier_color(first), true)?;
                if s.tiers.len() > 1 {
                    c.hatch(x0, y, x1, y + 22, tier_color(last))?;
                    c.rect(x0, y, x1, y + 22, BLACK, false)?;
                }
                if x1 - x0 > 46 {
                    let merged = s.tiers.len() > 1;
                    let light = merged || matches!(first, "in_progress") || s.tiers.is_empty();
                    let ink = if light { BLACK } else { WHITE };
                    let mid = (x0 + x1) / 2;
                    if merged {
                        // A white label box keeps the figure readable over the hatching.
                        c.rect(mid - 22, y + 4, mid + 22, y + 18, WHITE, true)?;
                    }
                    c.text(
                        &fmt_pct(share),
                        mid,
                        y + 11,
                        12.0,
                        ink,
                        HPos::Center,
                        VPos::Center,
                    )?;
                }
                at += share;
            }
            if at < 99.95 {
                let x0 = scale(at, 0.0, 100.0, PLOT_X0, PLOT_X1);
                c.rect(x0, y, PLOT_X1, y + 22, rgb(UNKNOWN), true)?;
            }
            let universe = match (r.universe_count, r.universe.as_deref()) {
                (Some(n), Some(u)) => format!("基数 universe: {n}件 ({u})"),
                (None, Some(u)) => format!("基数 universe: {u}"),
                _ => String::new(),
            };
            c.text(
                &universe,
                PLOT_X0,
                y + 26,
                12.0,
                rgb(0x555555),
                HPos::Left,
                VPos::Top,
            )?;
        }
        let mut entries: Vec<(String, Swatch)> = TIERS
            .iter()
            .map(|t| (t.1.to_string(), Swatch::Fill(t.2)))
            .collect();
        entries.push((
            "合并类别 merged category (spans tiers)".into(),
            Swatch::Hatched(TIERS[0].2, TIERS[1].2),
        ));
        entries.push((
            "未分类/未知 unclassified or unknown".into(),
            Swatch::Fill(UNKNOWN),
        ));
        legend(c, y_end + 34, &entries)
    }
}

// 2 ─────────────────────────────────────────────────────────────────────────────────────────

/// Resolved share per report: a dot where exact, a bar where the source only bounds it.
pub struct ResolvedBounds<'a>(pub &'a ChartData);

const ROW: i32 = 32;

impl ResolvedBounds<'_> {
    fn rows(&self) -> Vec<&Row> {
        let mut rows: Vec<&Row> = self
            .0
            .rows
            .iter()
            .filter(|r| r.tier("resolved").0.is_some())
            .collect();
        rows.sort_by(|a, b| {
            let (al, ah, _) = a.tier("resolved");
            let (bl, bh, _) = b.tier("resolved");
            let mid = |l: Option<f64>, h: Option<f64>| (l.unwrap_or(0.0) + h.unwrap_or(0.0)) / 2.0;
            mid(bl, bh)
                .total_cmp(&mid(al, ah))
                .then(a.label.cmp(&b.label))
        });
        rows
    }
}

impl Figure for ResolvedBounds<'_> {
    fn name(&self) -> &'static str {
        "resolved_bounds"
    }
    fn title(&self) -> String {
        "已解决比例 Resolved share, with bounds".into()
    }
    fn size(&self) -> (u32, u32) {
        (W, (TOP + self.rows().len().max(1) as i32 * ROW + 90) as u32)
    }
    fn draw<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> DrawResult<DB> {
        c.heading(
            &self.title(),
            &format!("Dot: exact. Bar: the source merges resolved with another tier or leaves items unclassified, so only bounds are known{}", self.0.shown_note()),
        )?;
        let rows = self.rows();
        if rows.is_empty() {
            return empty_note(c, "没有分类结果 No report classifies its outcomes");
        }
        let y_end = TOP + rows.len() as i32 * ROW;
        c.percent_axis(PLOT_X0, PLOT_X1, TOP - 6, y_end, 0.0, 100.0, 10.0)?;
        let color = rgb(TIERS[0].2);
        for (i, r) in rows.iter().enumerate() {
            let y = TOP + i as i32 * ROW + ROW / 2 - 4;
            c.row_label(&r.label, y)?;
            let (lo, hi, exact) = r.tier("resolved");
            let (Some(lo), Some(hi)) = (lo, hi) else {
                continue;
            };
            let x0 = scale(lo, 0.0, 100.0, PLOT_X0, PLOT_X1);
            let x1 = scale(hi, 0.0, 100.0, PLOT_X0, PLOT_X1);
            if exact == Some(true) || (hi - lo).abs() < 1e-9 {
                c.circle(x0, y, 6, color, true)?;
                c.text(
                    &fmt_pct(lo),
                    x0 + 10,
                    y,
                    12.0,
                    BLACK,
                    HPos::Left,
                    VPos::Center,
                )?;
            } else {
                c.rect(x0, y - 5, x1.max(x0 + 2), y + 5, rgb(0xa6dba0), true)?;
                c.line(vec![(x0, y - 8), (x0, y + 8)], color, 2)?;
                c.line(vec![(x1, y - 8), (x1, y + 8)], color, 2)?;
                let note = format!("[{}, {}]", fmt_pct(lo), fmt_pct(hi));
                c.text(&note, x1 + 8, y, 12.0, BLACK, HPos::Left, VPos::Center)?;
            }
        }
        legend(
            c,
            y_end + 34,
            &[
                ("exact 确切值".into(), Swatch::Circle(TIERS[0].2)),
                (
                    "bounds 区间 (merged or unclassified categories)".into(),
                    Swatch::Interval(0xa6dba0),
                ),
            ],
        )
    }
}

// 3 ─────────────────────────────────────────────────────────────────────────────────────────

/// Rates as a dot plot; satisfaction's marker says its definition.
pub struct Rates<'a>(pub &'a ChartData);

const RATE_COLORS: [u32; 4] = [0x2166ac, 0x35978f, 0xe08214, 0xb2182b];

impl Rates<'_> {
    fn rows(&self) -> Vec<&Row> {
        let mut rows: Vec<&Row> = self
            .0
            .rows
            .iter()
            .filter(|r| {
                r.completed
                    .or(r.answered)
                    .or(r.face_to_face)
                    .or(r.satisfaction)
                    .is_some()
            })
            .collect();
        rows.sort_by(|a, b| a.label.cmp(&b.label));
        rows
    }

    fn range(&self) -> f64 {
        let min = self
            .rows()
            .iter()
            .flat_map(|r| [r.completed, r.answered, r.face_to_face, r.satisfaction])
            .flatten()
            .fold(100.0f64, f64::min);
        ((min / 10.0).floor() * 10.0).clamp(0.0, 90.0)
    }
}

impl Figure for Rates<'_> {
    fn name(&self) -> &'static str {
        "rates"
    }
    fn title(&self) -> String {
        "办结率、答复率、面复率与满意率 Rates".into()
    }
    fn size(&self) -> (u32, u32) {
        (
            W,
            (TOP + self.rows().len().max(1) as i32 * ROW + 110) as u32,
        )
    }
    fn draw<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> DrawResult<DB> {
        c.heading(
            &self.title(),
            &format!("As printed. Satisfaction: circle = satisfied only, triangle = satisfied or basically satisfied (not the same measure){}", self.0.shown_note()),
        )?;
        let rows = self.rows();
        if rows.is_empty() {
            return empty_note(c, "没有比率 No report prints these rates");
        }
        let from = self.range();
        let y_end = TOP + rows.len() as i32 * ROW;
        c.percent_axis(
            PLOT_X0,
            PLOT_X1,
            TOP - 6,
            y_end,
            from,
            100.0,
            if from >= 80.0 { 2.0 } else { 10.0 },
        )?;
        for (i, r) in rows.iter().enumerate() {
            let y = TOP + i as i32 * ROW + ROW / 2 - 4;
            c.row_label(&r.label, y)?;
            let x = |v: f64| scale(v, from, 100.0, PLOT_X0, PLOT_X1);
            if let Some(v) = r.completed {
                c.square(x(v), y - 8, 5, rgb(RATE_COLORS[0]))?;
            }
            if let Some(v) = r.answered {
                c.diamond(x(v), y - 3, 6, rgb(RATE_COLORS[1]))?;
            }
            if let Some(v) = r.face_to_face {
                c.cross(x(v), y + 3, 5, rgb(RATE_COLORS[2]))?;
            }
            if let Some(v) = r.satisfaction {
                if r.satisfaction_definition.as_deref() == Some("satisfied_or_basic") {
                    c.triangle(x(v), y + 8, 6, rgb(RATE_COLORS[3]))?;
                } else {
                    c.circle(x(v), y + 8, 5, rgb(RATE_COLORS[3]), true)?;
                }
            }
        }
        legend(
            c,
            y_end + 34,
            &[
                ("办结率 completed".into(), Swatch::Square(RATE_COLORS[0])),
                ("答复率 answered".into(), Swatch::Diamond(RATE_COLORS[1])),
                ("面复率 face to face".into(), Swatch::Cross(RATE_COLORS[2])),
                (
                    "满意率 satisfied only".into(),
                    Swatch::Circle(RATE_COLORS[3]),
                ),
                (
                    "满意和基本满意率 satisfied or basically".into(),
                    Swatch::Triangle(RATE_COLORS[3]),
                ),
            ],
        )
    }
}

// 4 ─────────────────────────────────────────────────────────────────────────────────────────

/// Topic mix on the common taxonomy.
pub struct TopicMix<'a>(pub &'a ChartData);

impl TopicMix<'_> {
    fn rows(&self) -> Vec<&Row> {
        let docs: BTreeSet<&str> = self.0.topics.iter().map(|t| t.doc_id.as_str()).collect();
        self.0
            .rows
            .iter()
            .filter(|r| docs.contains(r.doc_id.as_str()))
            .collect()
    }

    fn color(&self, topic: &str) -> u32 {
        let i = self
            .0
            .topic_labels
            .iter()
            .position(|t| t.0 == topic)
            .unwrap_or(PALETTE.len() - 1);
        PALETTE[i % PALETTE.len()]
    }
}

impl Figure for TopicMix<'_> {
    fn name(&self) -> &'static str {
        "topic_mix"
    }
    fn title(&self) -> String {
        "建议内容分布 Topic mix on the common taxonomy".into()
    }
    fn size(&self) -> (u32, u32) {
        (
            W,
            (TOP + self.rows().len().max(1) as i32 * ROW + 130) as u32,
        )
    }
    fn draw<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> DrawResult<DB> {
        c.heading(
            &self.title(),
            &format!("Share of each report's topic breakdown (a source topic spanning k common topics counts 1/k in each){}", self.0.shown_note()),
        )?;
        let rows = self.rows();
        if rows.is_empty() {
            return empty_note(c, "没有分类 No report breaks its items down by topic");
        }
        let y_end = TOP + rows.len() as i32 * ROW;
        c.percent_axis(PLOT_X0, PLOT_X1, TOP - 6, y_end, 0.0, 100.0, 10.0)?;
        for (i, r) in rows.iter().enumerate() {
            let y = TOP + i as i32 * ROW + 4;
            c.row_label(&r.label, y + 10)?;
            let mut at = 0.0;
            let mut parts: Vec<_> = self
                .0
                .topics
                .iter()
                .filter(|t| t.doc_id == r.doc_id)
                .collect();
            parts.sort_by_key(|t| {
                self.0
                    .topic_labels
                    .iter()
                    .position(|l| l.0 == t.topic)
                    .unwrap_or(usize::MAX)
            });
            for t in parts {
                let share = t.share.clamp(0.0, 100.0 - at);
                let x0 = scale(at, 0.0, 100.0, PLOT_X0, PLOT_X1);
                let x1 = scale(at + share, 0.0, 100.0, PLOT_X0, PLOT_X1);
                c.rect(x0, y, x1, y + 20, rgb(self.color(&t.topic)), true)?;
                if x1 - x0 > 40 {
                    c.text(
                        &format!("{share:.0}%"),
                        (x0 + x1) / 2,
                        y + 10,
                        12.0,
                        WHITE,
                        HPos::Center,
                        VPos::Center,
                    )?;
                }
                at += share;
            }
        }
        let used: BTreeSet<&str> = self.0.topics.iter().map(|t| t.topic.as_str()).collect();
        let entries: Vec<(String, Swatch)> = self
            .0
            .topic_labels
            .iter()
            .filter(|t| used.contains(t.0.as_str()))
            .map(|t| (format!("{} {}", t.1, t.2), Swatch::Fill(self.color(&t.0))))
            .collect();
        legend(c, y_end + 34, &entries)
    }
}

// 5 ─────────────────────────────────────────────────────────────────────────────────────────

/// Year-over-year lines for series with several years: resolved share (bounds) and volume.
pub struct YearOverYear<'a>(pub &'a ChartData);

impl YearOverYear<'_> {
    fn series(&self) -> Vec<(String, Vec<&Row>)> {
        let mut by: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
        for r in &self.0.series_rows {
            by.entry(r.series_key.as_str()).or_default().push(r);
        }
        by.into_values()
            .map(|mut v| {
                v.sort_by_key(|r| r.year);
                let last = v[v.len() - 1];
                let name = last
                    .label
                    .split(' ')
                    .filter(|w| w.parse::<i32>().is_err())
                    .collect::<Vec<_>>()
                    .join(" ");
                (name, v)
            })
            .collect()
    }
}

impl Figure for YearOverYear<'_> {
    fn name(&self) -> &'static str {
        "year_over_year"
    }
    fn title(&self) -> String {
        "逐年变化 Year over year".into()
    }
    fn size(&self) -> (u32, u32) {
        (W, 620)
    }
    fn draw<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> DrawResult<DB> {
        c.heading(
            &self.title(),
            "Jurisdictions with several years. Left: resolved share (bar = bounds, dot = exact). Right: items handled",
        )?;
        let series = self.series();
        if series.is_empty() {
            return empty_note(c, "尚无多年数据 No jurisdiction has several years yet");
        }
        let years: Vec<i32> = series
            .iter()
            .flat_map(|(_, v)| v.iter().filter_map(|r| r.year))
            .collect();
        let (y_min, y_max) = (
            *years.iter().min().unwrap_or(&0),
            *years.iter().max().unwrap_or(&0),
        );
        let max_items = series
            .iter()
            .flat_map(|(_, v)| v.iter().filter_map(|r| r.total_items))
            .max()
            .unwrap_or(1)
            .max(1) as f64;
        let (top, bottom) = (TOP + 10, 480);
        let panels = [
            (70, 560, "已解决 resolved (%)"),
            (680, 1170, "建议总数 items"),
        ];
        for (pi, (x0, x1, name)) in panels.iter().enumerate() {
            c.text(name, *x0, top - 22, 14.0, BLACK, HPos::Left, VPos::Center)?;
            c.line(vec![(*x0, bottom), (*x1, bottom)], rgb(0x999999), 1)?;
            c.line(vec![(*x0, top), (*x0, bottom)], rgb(0x999999), 1)?;
            for k in 0..=4 {
                let v = f64::from(k) / 4.0;
                let y = bottom - ((bottom - top) as f64 * v) as i32;
                c.line(vec![(*x0, y), (*x1, y)], rgb(0xeeeeee), 1)?;
                let tick = if pi == 0 {
                    format!("{:.0}", v * 100.0)
                } else {
                    format!("{:.0}", v * max_items)
                };
                c.text(
                    &tick,
                    x0 - 6,
                    y,
                    12.0,
                    rgb(0x555555),
                    HPos::Right,
                    VPos::Center,
                )?;
            }
            for yr in y_min..=y_max {
                let x = scale(
                    f64::from(yr),
                    f64::from(y_min),
                    f64::from(y_max.max(y_min + 1)),
                    x0 + 30,
                    x1 - 30,
                );
                c.text(
                    &yr.to_string(),
                    x,
                    bottom + 6,
                    12.0,
                    rgb(0x555555),
                    HPos::Center,
                    VPos::Top,
                )?;
            }
        }
        let px = |yr: i32, x0: i32, x1: i32| {
            scale(
                f64::from(yr),
                f64::from(y_min),
                f64::from(y_max.max(y_min + 1)),
                x0 + 30,
                x1 - 30,
            )
        };
        let py =
            |v: f64, max: f64| bottom - ((bottom - top) as f64 * (v / max).clamp(0.0, 1.0)) as i32;
        let mut entries = Vec::new();
        for (si, (name, rows)) in series.iter().enumerate() {
            let color = rgb(PALETTE[si % PALETTE.len()]);
            let mut mids = Vec::new();
            let mut items = Vec::new();
            for r in rows {
                let Some(yr) = r.year else { continue };
                let (lo, hi, _) = r.tier("resolved");
                if let (Some(lo), Some(hi)) = (lo, hi) {
                    let x = px(yr, 70, 560);
                    if (hi - lo).abs() < 1e-9 {
                        c.circle(x, py(lo, 100.0), 5, color, true)?;
                    } else {
                        c.rect(x - 4, py(hi, 100.0), x + 4, py(lo, 100.0), color, false)?;
                    }
                    mids.push((x, py((lo + hi) / 2.0, 100.0)));
                }
                if let Some(n) = r.total_items {
                    let x = px(yr, 680, 1170);
                    c.circle(x, py(n as f64, max_items), 5, color, true)?;
                    c.text(
                        &n.to_string(),
                        x + 8,
                        py(n as f64, max_items) - 8,
                        12.0,
                        color,
                        HPos::Left,
                        VPos::Center,
                    )?;
                    items.push((x, py(n as f64, max_items)));
                }
            }
            if mids.len() >= 2 {
                c.line(mids, color, 2)?;
            }
            if items.len() >= 2 {
                c.line(items, color, 2)?;
            }
            entries.push((name.clone(), Swatch::Fill(PALETTE[si % PALETTE.len()])));
        }
        legend(c, bottom + 40, &entries)
    }
}

// 6 ─────────────────────────────────────────────────────────────────────────────────────────

/// Which themes appear in which jurisdictions.
pub struct ThemeMatrix<'a>(pub &'a ChartData);

const CELL_W: i32 = 118;
const CELL_H: i32 = 34;

impl ThemeMatrix<'_> {
    fn axes(&self) -> (Vec<(&str, &str)>, Vec<&str>) {
        let mut themes: Vec<(&str, &str, usize)> = Vec::new();
        for t in &self.0.themes {
            if !themes.iter().any(|x| x.0 == t.theme) {
                let n = self.0.themes.iter().filter(|x| x.theme == t.theme).count();
                themes.push((t.theme.as_str(), t.theme_label.as_str(), n));
            }
        }
        themes.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
        let places: BTreeSet<&str> = self.0.themes.iter().map(|t| t.place.as_str()).collect();
        (
            themes.into_iter().map(|t| (t.0, t.1)).collect(),
            places.into_iter().collect(),
        )
    }
}

impl Figure for ThemeMatrix<'_> {
    fn name(&self) -> &'static str {
        "theme_matrix"
    }
    fn title(&self) -> String {
        "主题 × 地区 Themes by jurisdiction".into()
    }
    fn size(&self) -> (u32, u32) {
        let (themes, places) = self.axes();
        let w = (PLOT_X0 + places.len() as i32 * CELL_W + 40).max(W as i32);
        (
            w as u32,
            (TOP + 40 + themes.len().max(1) as i32 * CELL_H + 80) as u32,
        )
    }
    fn draw<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> DrawResult<DB> {
        c.heading(
            &self.title(),
            "Named items per theme (datasets/lexicons/themes.toml); dark cells: themes found in two or more jurisdictions",
        )?;
        let (themes, places) = self.axes();
        if themes.is_empty() {
            return empty_note(c, "没有主题 No named item matches a theme");
        }
        let top = TOP + 40;
        for (j, p) in places.iter().enumerate() {
            let x = PLOT_X0 + j as i32 * CELL_W + CELL_W / 2;
            c.text(p, x, top - 10, 13.0, BLACK, HPos::Center, VPos::Bottom)?;
        }
        for (i, (theme, label)) in themes.iter().enumerate() {
            let y = top + i as i32 * CELL_H;
            c.row_label(label, y + CELL_H / 2)?;
            for (j, p) in places.iter().enumerate() {
                let x = PLOT_X0 + j as i32 * CELL_W;
                c.rect(
                    x + 2,
                    y + 2,
                    x + CELL_W - 2,
                    y + CELL_H - 2,
                    rgb(0xf4f4f4),
                    true,
                )?;
                if let Some(cell) = self
                    .0
                    .themes
                    .iter()
                    .find(|t| t.theme == *theme && t.place == *p)
                {
                    let color = if cell.recurring {
                        rgb(0x2166ac)
                    } else {
                        rgb(0x92c5de)
                    };
                    c.rect(x + 2, y + 2, x + CELL_W - 2, y + CELL_H - 2, color, true)?;
                    let ink = if cell.recurring { WHITE } else { BLACK };
                    c.text(
                        &format!("{}", cell.n_items),
                        x + CELL_W / 2,
                        y + CELL_H / 2,
                        13.0,
                        ink,
                        HPos::Center,
                        VPos::Center,
                    )?;
                }
            }
        }
        let y_end = top + themes.len() as i32 * CELL_H;
        legend(
            c,
            y_end + 24,
            &[
                (
                    "recurring 多地出现 (2+ jurisdictions)".into(),
                    Swatch::Fill(0x2166ac),
                ),
                ("one jurisdiction 仅一地".into(), Swatch::Fill(0x92c5de)),
            ],
        )
    }
}
