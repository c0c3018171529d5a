//! banli-analytics, stage 6: comparisons across jurisdictions and years.
//!
//! Reads the per-report tables the core wrote (the Parquet files are the hand-off: polars and
//! arrow-rs share no types), builds the comparison tables with polars lazy queries, writes them
//! with the core's contract writer (plain Utf8/int64/float64, never view types), draws six
//! charts with plotters and writes a static report page.
//!
//! - [`compare`]: the polars queries → [`compare::Frames`];
//! - [`tables`]: the public definitions of `comparison`, `trends`, `themes`, `topic_mix`;
//! - [`frame`]: DataFrame → contract [`banli::write::Table`];
//! - [`charts`]: the figures (SVG + PNG, bundled CJK font);
//! - [`report`]: `report.html`.

pub mod charts;
pub mod compare;
pub mod error;
pub mod frame;
pub mod labels;
pub mod report;
pub mod tables;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use banli::write::{FileMeta, Table};

pub use compare::Vocabulary;

/// Versions of the analytics libraries, for the run manifest.
pub const POLARS_VERSION: &str = polars::VERSION;
pub use error::{Error, Result};

/// What the analytics stage wrote.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub rows: BTreeMap<String, usize>,
    pub charts: Vec<charts::ChartFiles>,
    pub report: PathBuf,
    pub timings_ms: BTreeMap<String, u64>,
}

/// Empty analytics tables: their schemas, for the data dictionary and `datapackage.json`.
pub fn schemas() -> Vec<Table> {
    tables::all().iter().map(|d| d.empty()).collect()
}

/// Run stage 6 over an output folder the core stages have written.
pub fn analyze(out: &Path, vocab: &Vocabulary, meta: &FileMeta) -> Result<Summary> {
    let mut timings = BTreeMap::new();
    let t = Instant::now();
    checkpoint("start");
    let mut frames = compare::compare(out, vocab)?;
    timings.insert("compare".to_string(), t.elapsed().as_millis() as u64);
    // The tables are written before the charts are drawn, not beside them: drawing them on a
    // second thread saved ~0.3 s at 20k reports but raised peak memory at 100k by ~75 MB.
    let t = Instant::now();
    // Not drawn: `write_tables` takes it and frees it once written.
    let trends = std::mem::replace(&mut frames.trends, polars::prelude::DataFrame::empty());
    let rows = write_tables(out, &frames, trends, meta)?;
    timings.insert("tables".to_string(), t.elapsed().as_millis() as u64);
    let (charts, report, t_charts, t_report) = draw(out, &frames, vocab)?;
    timings.insert("charts".to_string(), t_charts.as_millis() as u64);
    timings.insert("report".to_string(), t_report.as_millis() as u64);
    Ok(Summary {
        rows,
        charts,
        report,
        timings_ms: timings,
    })
}

/// Write `trends` (then free it), `comparison`, `themes` and `topic_mix`, one at a time
/// (memory holds one slice's copy), and rename all four into place together at the end; their
/// row counts.
fn write_tables(
    out: &Path,
    frames: &compare::Frames,
    trends: polars::prelude::DataFrame,
    meta: &FileMeta,
) -> Result<BTreeMap<String, usize>> {
    let mut rows = BTreeMap::new();
    let mut staged = Vec::new();
    let defs = tables::all();
    let (first, rest): (Vec<&frame::TableDef>, Vec<_>) =
        defs.iter().partition(|d| d.name == "trends");
    let mut trends = Some(trends);
    for def in first.into_iter().chain(rest) {
        let df = match def.name {
            "trends" => trends.as_ref().unwrap_or(&frames.trends),
            "comparison" => &frames.comparison,
            "themes" => &frames.themes,
            _ => &frames.topic_mix,
        };
        staged.push(write_in_slices(out, def, df, meta)?);
        rows.insert(def.name.to_string(), df.height());
        if def.name == "trends" {
            trends = None;
        }
        checkpoint(def.name);
    }
    let temps: Vec<PathBuf> = staged.iter().map(|(tmp, _)| tmp.clone()).collect();
    banli::write::sync_all_files(&temps)?;
    for (tmp, dest) in staged {
        std::fs::rename(&tmp, &dest).map_err(|e| Error::io(&dest, e))?;
    }
    Ok(rows)
}

/// The charts and the report page, with the time each took.
fn draw(
    out: &Path,
    frames: &compare::Frames,
    vocab: &Vocabulary,
) -> Result<(
    Vec<charts::ChartFiles>,
    PathBuf,
    std::time::Duration,
    std::time::Duration,
)> {
    let t = Instant::now();
    let mut data = charts::ChartData::from_frames(frames, vocab)?;
    // The page also lists the first rows of the comparison table with their sentences.
    let mut shown = data.shown_docs();
    shown.extend(
        frame::strings(&frames.comparison, "doc_id")?
            .into_iter()
            .flatten()
            .take(report::MAX_TABLE_ROWS),
    );
    shown.sort();
    shown.dedup();
    let details = compare::details(out, &frames.comparison, &shown)?;
    data.set_segments(&details.composition)?;
    checkpoint("details");
    let charts = charts::render_all(&data, &out.join("charts"))?;
    checkpoint("charts");
    let t_charts = t.elapsed();
    let t = Instant::now();
    let report = report::write(out, frames, &details, &data, &charts)?;
    Ok((charts, report, t_charts, t.elapsed()))
}

/// Write one analytics table through the core's contract writer, `WRITE_ROWS` rows at a time.
fn write_in_slices(
    out: &Path,
    def: &frame::TableDef,
    df: &polars::prelude::DataFrame,
    meta: &FileMeta,
) -> Result<(std::path::PathBuf, std::path::PathBuf)> {
    let step = banli::write::sink::WRITE_ROWS;
    let mut file = banli::write::TableFile::create(out, &def.from_frame(&df.slice(0, 0))?, meta)?;
    let mut offset = 0;
    while offset < df.height() {
        file.append(&def.from_frame(&df.slice(offset as i64, step))?)?;
        offset += step;
    }
    Ok(file.finish()?)
}

/// Give freed memory back to the system after a big step and, with `BANLI_TRACE_RSS` set,
/// print the resident memory at that point (stage 6's memory profile, for the notes).
pub(crate) fn checkpoint(label: &str) {
    banli::memory::release_free_memory();
    if std::env::var_os("BANLI_TRACE_RSS").is_some() {
        eprintln!(
            "banli: [rss] {label}: {} MB",
            banli::memory::resident_mb().unwrap_or(0.0).round()
        );
    }
}
