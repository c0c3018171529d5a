//! What the figures draw, read once from the collected comparison frames.

use std::collections::BTreeMap;

use crate::compare::{Frames, TIER_GROUPS, Vocabulary};
use crate::error::Result;
use polars::prelude::{DataFrame, IdxCa, IdxSize};

use crate::frame::{bools, floats, ints, str_values, string_lists, strings};

/// Lower bound, upper bound, exact.
pub type Bounds = (Option<f64>, Option<f64>, Option<bool>);

/// One compared report (a comparison row).
#[derive(Debug, Clone)]
pub struct Row {
    pub doc_id: String,
    pub series_key: String,
    /// `漯河 Luohe`
    pub place: String,
    /// `漯河 Luohe 2021 人大` (with the department for department reports)
    pub label: String,
    pub year: Option<i32>,
    pub universe: Option<String>,
    pub universe_count: Option<i64>,
    pub total_items: Option<i64>,
    pub tiers: BTreeMap<&'static str, Bounds>,
    pub completed: Option<f64>,
    pub answered: Option<f64>,
    pub face_to_face: Option<f64>,
    pub satisfaction: Option<f64>,
    pub satisfaction_definition: Option<String>,
}

impl Row {
    pub fn tier(&self, t: &str) -> Bounds {
        self.tiers.get(t).copied().unwrap_or((None, None, None))
    }
}

/// A source category of a compared report, as a bar segment.
#[derive(Debug, Clone)]
pub struct Segment {
    pub doc_id: String,
    pub code: Option<String>,
    pub label_zh: String,
    pub share: Option<f64>,
    pub tiers: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct TopicShare {
    pub doc_id: String,
    pub topic: String,
    pub share: f64,
}

#[derive(Debug, Clone)]
pub struct ThemeCell {
    pub theme: String,
    pub theme_label: String,
    pub place: String,
    pub n_items: i64,
    pub recurring: bool,
}

/// Most bars a figure draws: beyond this a chart stops being readable (and a national batch
/// would draw a million-pixel PNG). The full data is in the tables.
pub const MAX_ROWS: usize = 40;
/// Most jurisdictions (columns) and themes (rows) in the theme matrix.
pub const MAX_PLACES: usize = 12;
pub const MAX_THEMES: usize = 20;

#[derive(Debug, Clone, Default)]
pub struct ChartData {
    pub rows: Vec<Row>,
    /// Comparison rows before the `MAX_ROWS` cut (the figures say "n of N").
    pub total_rows: usize,
    /// Rows of the (at most ten largest) series with several years, for the year-over-year
    /// figure, taken before the cut.
    pub series_rows: Vec<Row>,
    pub segments: Vec<Segment>,
    pub topics: Vec<TopicShare>,
    /// (code, label_zh, label_en) in taxonomy order.
    pub topic_labels: Vec<(String, String, String)>,
    pub themes: Vec<ThemeCell>,
}

fn channel_zh(c: Option<&str>) -> &'static str {
    match c {
        Some("npc_suggestion") => "人大建议",
        Some("cppcc_proposal") => "政协提案",
        Some("both") => "建议提案",
        _ => "",
    }
}

/// The department's own name without the jurisdiction in front (济南市发展和改革委员会 → 发展和改革委员会).
fn department(issuer: &str, jurisdiction: Option<&str>) -> String {
    let short = jurisdiction
        .and_then(|j| issuer.strip_prefix(j))
        .unwrap_or(issuer);
    short.chars().take(10).collect()
}

impl ChartData {
    pub fn from_frames(f: &Frames, vocab: &Vocabulary) -> Result<ChartData> {
        let c = &f.comparison;
        // Which rows the figures keep is decided on four columns; only those rows are then
        // read in full (a national batch has tens of thousands of comparison rows).
        let doc = str_values(c, "doc_id")?;
        let series = str_values(c, "series_key")?;
        let year = ints(c, "year")?;
        let total = ints(c, "total_items")?;
        let keys: Vec<Key> = (0..c.height())
            .map(|i| Key {
                doc_id: doc.get(i).unwrap_or_default(),
                series_key: series.get(i).unwrap_or_default(),
                year: year[i].map(|y| y as i32),
                total_items: total[i],
            })
            .collect();
        let total_rows = keys.len();
        let series_rows = rows_at(c, &multi_year_series_at(&keys))?;
        let rows = rows_at(c, &keep_readable_at(&keys))?;
        drop(keys);
        let kept: std::collections::BTreeSet<String> =
            rows.iter().map(|r| r.doc_id.clone()).collect();

        let t = &f.topic_mix;
        let topics = str_values(t, "doc_id")?
            .iter()
            .zip(str_values(t, "topic")?.iter())
            .zip(floats(t, "share")?)
            .filter_map(|((d, topic), share)| {
                let d = d.filter(|d| kept.contains(*d))?;
                Some(TopicShare {
                    doc_id: d.to_string(),
                    topic: topic?.to_string(),
                    share: share?,
                })
            })
            .collect();

        let th = &f.themes;
        let themes = strings(th, "theme")?
            .into_iter()
            .zip(strings(th, "theme_zh")?)
            .zip(strings(th, "theme_en")?)
            .zip(strings(th, "label")?)
            .zip(ints(th, "n_items")?)
            .zip(bools(th, "recurring")?)
            .filter_map(|(((((theme, zh), en), place), n), rec)| {
                let theme = theme?;
                let theme_label = match (zh, en) {
                    (Some(z), Some(e)) => format!("{z} {e}"),
                    (Some(z), None) => z,
                    (None, Some(e)) => e,
                    (None, None) => theme.clone(),
                };
                Some(ThemeCell {
                    theme,
                    theme_label,
                    place: place?,
                    n_items: n.unwrap_or(0),
                    recurring: rec.unwrap_or(false),
                })
            })
            .collect();
        Ok(ChartData {
            rows,
            total_rows,
            series_rows,
            segments: Vec::new(),
            topics,
            topic_labels: vocab.topics.clone(),
            themes: readable_matrix(themes),
        })
    }

    /// The reports the figures draw (their categories and evidence are fetched for them only).
    pub fn shown_docs(&self) -> Vec<String> {
        let mut d: Vec<String> = self
            .rows
            .iter()
            .chain(&self.series_rows)
            .map(|r| r.doc_id.clone())
            .collect();
        d.sort();
        d.dedup();
        d
    }

    /// The outcome categories of the shown reports, as bar segments.
    pub fn set_segments(&mut self, composition: &polars::prelude::DataFrame) -> Result<()> {
        let s = composition;
        self.segments = strings(s, "doc_id")?
            .into_iter()
            .zip(strings(s, "code")?)
            .zip(strings(s, "label_zh")?)
            .zip(floats(s, "share")?)
            .zip(string_lists(s, "tiers")?)
            .map(|((((d, code), label), share), tiers)| Segment {
                doc_id: d.unwrap_or_default(),
                code,
                label_zh: label.unwrap_or_default(),
                share,
                tiers,
            })
            .collect();
        Ok(())
    }

    /// "n of N" for a subtitle when rows were cut.
    pub fn shown_note(&self) -> String {
        if self.total_rows > self.rows.len() {
            format!(
                " — showing the {} largest reports of the latest years ({} of {}; all rows are in comparison.parquet)",
                self.rows.len(),
                self.rows.len(),
                self.total_rows
            )
        } else {
            String::new()
        }
    }
}

/// The comparison rows at `idx` (in that order), as figure rows.
fn rows_at(comparison: &DataFrame, idx: &[usize]) -> Result<Vec<Row>> {
    let idx = IdxCa::from_vec("idx".into(), idx.iter().map(|&i| i as IdxSize).collect());
    let c = &comparison.take(&idx)?;
    let doc = strings(c, "doc_id")?;
    let series = strings(c, "series_key")?;
    let place = strings(c, "label")?;
    let year = ints(c, "year")?;
    let channel = strings(c, "channel")?;
    let kind = strings(c, "issuer_kind")?;
    let issuer = strings(c, "issuer_zh")?;
    let jur = strings(c, "jurisdiction_zh")?;
    let universe = strings(c, "universe")?;
    let universe_count = ints(c, "universe_count")?;
    let total = ints(c, "total_items")?;
    let completed = floats(c, "rate_completed")?;
    let answered = floats(c, "rate_answered")?;
    let f2f = floats(c, "rate_face_to_face")?;
    let sat = floats(c, "satisfaction")?;
    let sat_def = strings(c, "satisfaction_definition")?;
    let mut tier_cols = Vec::new();
    for t in TIER_GROUPS {
        tier_cols.push((
            t,
            floats(c, &format!("{t}_share_low"))?,
            floats(c, &format!("{t}_share_high"))?,
            bools(c, &format!("{t}_exact"))?,
        ));
    }
    let mut rows = Vec::with_capacity(c.height());
    for i in 0..c.height() {
        let place_i = place[i].clone().unwrap_or_default();
        let mut label = place_i.clone();
        if kind[i].as_deref() == Some("department")
            && let Some(iss) = &issuer[i]
        {
            label.push_str(&format!(" · {}", department(iss, jur[i].as_deref())));
        }
        if let Some(y) = year[i] {
            label.push_str(&format!(" {y}"));
        }
        let ch = channel_zh(channel[i].as_deref());
        if !ch.is_empty() {
            label.push_str(&format!(" {ch}"));
        }
        rows.push(Row {
            doc_id: doc[i].clone().unwrap_or_default(),
            series_key: series[i].clone().unwrap_or_default(),
            place: place_i,
            label,
            year: year[i].map(|y| y as i32),
            universe: universe[i].clone(),
            universe_count: universe_count[i],
            total_items: total[i],
            tiers: tier_cols
                .iter()
                .map(|(t, lo, hi, ex)| (*t, (lo[i], hi[i], ex[i])))
                .collect(),
            completed: completed[i],
            answered: answered[i],
            face_to_face: f2f[i],
            satisfaction: sat[i],
            satisfaction_definition: sat_def[i].clone(),
        });
    }
    Ok(rows)
}

/// What the choice of rows looks at.
struct Key<'a> {
    doc_id: &'a str,
    series_key: &'a str,
    year: Option<i32>,
    total_items: Option<i64>,
}

#[cfg(test)]
impl Row {
    fn key(&self) -> Key<'_> {
        Key {
            doc_id: &self.doc_id,
            series_key: &self.series_key,
            year: self.year,
            total_items: self.total_items,
        }
    }
}

/// Rows of series seen in two or more years: the ten largest series (by their largest total),
/// as row indices.
fn multi_year_series_at(rows: &[Key]) -> Vec<usize> {
    use std::collections::BTreeMap;
    let mut by: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate().filter(|(_, r)| r.year.is_some()) {
        by.entry(r.series_key).or_default().push(i);
    }
    let mut series: Vec<Vec<usize>> = by.into_values().filter(|v| v.len() >= 2).collect();
    series.sort_by_key(|v| std::cmp::Reverse(v.iter().filter_map(|&i| rows[i].total_items).max()));
    series.truncate(10);
    series.into_iter().flatten().collect()
}

/// At most `MAX_ROWS` rows: the latest years first, then the largest reports; series with
/// several years keep their earlier years when room is left.
#[cfg(test)]
pub(super) fn keep_readable(rows: Vec<Row>) -> Vec<Row> {
    let keys: Vec<Key> = rows.iter().map(Row::key).collect();
    let idx = keep_readable_at(&keys);
    drop(keys);
    let mut rows: Vec<Option<Row>> = rows.into_iter().map(Some).collect();
    idx.into_iter().filter_map(|i| rows[i].take()).collect()
}

/// `keep_readable` as row indices (the figures read only the rows kept).
fn keep_readable_at(rows: &[Key]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..rows.len()).collect();
    if rows.len() <= MAX_ROWS {
        return idx;
    }
    idx.sort_by(|&a, &b| {
        let (a, b) = (&rows[a], &rows[b]);
        b.year
            .cmp(&a.year)
            .then(b.total_items.cmp(&a.total_items))
            .then(a.doc_id.cmp(b.doc_id))
    });
    idx.truncate(MAX_ROWS);
    idx
}

/// At most `MAX_THEMES` themes (most widespread first) × `MAX_PLACES` jurisdictions (most
/// themes first).
fn readable_matrix(cells: Vec<ThemeCell>) -> Vec<ThemeCell> {
    use std::collections::BTreeMap;
    let mut per_theme: BTreeMap<&str, usize> = BTreeMap::new();
    let mut per_place: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &cells {
        *per_theme.entry(&c.theme).or_default() += 1;
        *per_place.entry(&c.place).or_default() += 1;
    }
    let top = |m: BTreeMap<&str, usize>, n: usize| -> std::collections::BTreeSet<String> {
        let mut v: Vec<(&str, usize)> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.into_iter().take(n).map(|x| x.0.to_string()).collect()
    };
    let themes = top(per_theme, MAX_THEMES);
    let places = top(per_place, MAX_PLACES);
    cells
        .into_iter()
        .filter(|c| themes.contains(&c.theme) && places.contains(&c.place))
        .collect()
}
