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
    let frames = compare::compare(out, vocab)?;
    timings.insert("compare".to_string(), t.elapsed().as_millis() as u64);
    // The tables are written before the charts are drawn, not beside them: drawing them on a
    // second thread saved ~0.3 s at 20k reports but raised peak memory at 100k by ~75 MB.
    let t = Instant::now();
    let rows = write_tables(out, &frames, meta)?;
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

/// Write `trends` (computed a chunk of series at a time, never whole), `comparison`, `themes`
/// and `topic_mix`, one at a time (memory holds one slice's copy), and rename all four into
/// place together at the end; their row counts.
fn write_tables(
    out: &Path,
    frames: &compare::Frames,
    meta: &FileMeta,
) -> Result<BTreeMap<String, usize>> {
    let mut rows = BTreeMap::new();
    let mut staged = Vec::new();
    let defs = tables::all();
    let (first, rest): (Vec<&frame::TableDef>, Vec<_>) =
        defs.iter().partition(|d| d.name == "trends");
    for def in first.into_iter().chain(rest) {
        let (file, n) = match def.name {
            "trends" => write_trends(
                out,
                def,
                &frames.comparison,
                meta,
                compare::TRENDS_CHUNK_SERIES,
            )?,
            "comparison" => write_in_slices(out, def, &frames.comparison, meta)?,
            "themes" => write_in_slices(out, def, &frames.themes, meta)?,
            _ => write_in_slices(out, def, &frames.topic_mix, meta)?,
        };
        staged.push(file);
        rows.insert(def.name.to_string(), n);
        checkpoint(def.name);
    }
    let temps: Vec<PathBuf> = staged.iter().map(|(tmp, _)| tmp.clone()).collect();
    banli::write::sync_all_files(&temps)?;
    for (tmp, dest) in staged {
        std::fs::rename(&tmp, &dest).map_err(|e| Error::io(&dest, e))?;
    }
    Ok(rows)
}

/// `trends`, computed `chunk` series at a time ([`compare::TRENDS_CHUNK_SERIES`] in a run):
/// memory holds one chunk's long form, not the corpus's. Rows are appended in the same
/// `WRITE_ROWS` slices as a whole frame's, since the writer's page breaks (a dictionary that
/// outgrows its page falls back mid-batch) follow batch bounds: the file does not depend on the
/// chunking (tested).
fn write_trends(
    out: &Path,
    def: &frame::TableDef,
    comparison: &polars::prelude::DataFrame,
    meta: &FileMeta,
    chunk: usize,
) -> Result<((PathBuf, PathBuf), usize)> {
    let step = banli::write::sink::WRITE_ROWS;
    let mut file = banli::write::TableFile::create(out, &def.empty(), meta)?;
    let mut rows = 0;
    // Rows of earlier chunks short of a whole slice.
    let mut pending = polars::prelude::DataFrame::empty();
    compare::trends_in_chunks(comparison, chunk, |df| {
        rows += df.height();
        if pending.width() == 0 {
            pending = df;
        } else {
            pending.vstack_mut(&df)?;
        }
        let whole = pending.height() / step * step;
        append_in_slices(&mut file, def, &pending.slice(0, whole))?;
        pending = pending.slice(whole as i64, usize::MAX);
        // Each chunk's query runs on polars' threads; without a trim their freed pages stay.
        banli::memory::release_free_memory();
        Ok(())
    })?;
    append_in_slices(&mut file, def, &pending)?;
    Ok((file.finish()?, rows))
}

/// Write one analytics table through the core's contract writer; the staged file and its row
/// count.
fn write_in_slices(
    out: &Path,
    def: &frame::TableDef,
    df: &polars::prelude::DataFrame,
    meta: &FileMeta,
) -> Result<((PathBuf, PathBuf), usize)> {
    let mut file = banli::write::TableFile::create(out, &def.from_frame(&df.slice(0, 0))?, meta)?;
    append_in_slices(&mut file, def, df)?;
    Ok((file.finish()?, df.height()))
}

/// Append `df` `WRITE_ROWS` rows at a time (memory holds one slice's copy).
fn append_in_slices(
    file: &mut banli::write::TableFile,
    def: &frame::TableDef,
    df: &polars::prelude::DataFrame,
) -> Result<()> {
    let step = banli::write::sink::WRITE_ROWS;
    let mut offset = 0;
    while offset < df.height() {
        file.append(&def.from_frame(&df.slice(offset as i64, step))?)?;
        offset += step;
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    /// A comparison table with what `trends` reads: `n` series over three years, with gaps
    /// and nulls, and bounded shares so that changes are intervals.
    fn comparison(n: usize) -> DataFrame {
        let mut cols: Vec<Column> = Vec::new();
        let mut series = Vec::new();
        let mut year = Vec::new();
        let mut doc = Vec::new();
        let mut total = Vec::new();
        let mut low = Vec::new();
        let mut high = Vec::new();
        let mut sat = Vec::new();
        for s in 0..n {
            for y in [2020, 2021, 2023] {
                if (s + y as usize) % 7 == 0 {
                    continue; // a missing year
                }
                series.push(format!(
                    "市{s:03}{}|government|npc_suggestion",
                    "区".repeat(500)
                ));
                year.push(y);
                doc.push(format!("{s:03}-{y}"));
                total.push((s % 5 != 0).then_some((100 + s * 3 + y as usize % 10) as i64));
                low.push(Some(40.0 + (s % 9) as f64));
                high.push(Some(40.0 + (s % 9) as f64 + (y % 3) as f64));
                sat.push((s % 4 != 0).then_some(90.0 + (y % 5) as f64));
            }
        }
        let rows = series.len();
        let text = |name: &str, v: Vec<Option<String>>| Column::new(name.into(), v);
        cols.push(Column::new("series_key".into(), series.clone()));
        cols.push(Column::new("year".into(), year));
        cols.push(Column::new("doc_id".into(), doc));
        cols.push(Column::new("total_items".into(), total));
        cols.push(text(
            "total_items_qualifier",
            vec![Some("kind: received".into()); rows],
        ));
        for t in compare::TIER_GROUPS {
            cols.push(Column::new(format!("{t}_share_low").into(), low.clone()));
            cols.push(Column::new(format!("{t}_share_high").into(), high.clone()));
        }
        cols.push(text("universe", vec![Some("all_items".into()); rows]));
        cols.push(Column::new("satisfaction".into(), sat));
        cols.push(text(
            "satisfaction_definition",
            vec![Some("satisfied".into()); rows],
        ));
        for c in ["label", "jurisdiction_key", "jurisdiction_en", "issuer_zh"] {
            cols.push(text(c, series.iter().map(|s| Some(s.clone())).collect()));
        }
        cols.push(text("issuer_kind", vec![Some("government".into()); rows]));
        cols.push(text("channel", vec![Some("npc_suggestion".into()); rows]));
        DataFrame::new_infer_height(cols).unwrap()
    }

    fn trends_file(dir: &Path, cmp: &DataFrame, chunk: usize) -> (Vec<u8>, usize) {
        let def = tables::all()
            .into_iter()
            .find(|d| d.name == "trends")
            .unwrap();
        let ((tmp, _), rows) = write_trends(dir, &def, cmp, &FileMeta::default(), chunk).unwrap();
        (std::fs::read(tmp).unwrap(), rows)
    }

    #[test]
    fn trends_written_in_chunks_are_the_whole_table() {
        // More rows than one `WRITE_ROWS` slice, and series keys long enough that their
        // dictionary outgrows its page (where batch bounds move the writer's page breaks).
        let cmp = comparison(800);
        let dir = tempfile::tempdir().unwrap();
        let (whole, rows) = trends_file(dir.path(), &cmp, usize::MAX);
        assert!(rows > banli::write::sink::WRITE_ROWS, "{rows}");
        for chunk in [7, 97] {
            let (chunked, n) = trends_file(dir.path(), &cmp, chunk);
            assert_eq!(n, rows);
            assert!(chunked == whole, "chunk {chunk}: the file differs");
        }
        // Concatenated chunk frames are the whole frame, row for row.
        let mut parts = Vec::new();
        compare::trends_in_chunks(&cmp, 7, |df| {
            parts.push(df);
            Ok(())
        })
        .unwrap();
        let mut whole_df = None;
        compare::trends_in_chunks(&cmp, usize::MAX, |df| {
            whole_df = Some(df);
            Ok(())
        })
        .unwrap();
        let mut joined = parts.remove(0);
        for p in &parts {
            joined.vstack_mut(p).unwrap();
        }
        assert!(joined.equals_missing(&whole_df.unwrap()));
    }

    #[test]
    fn no_series_still_writes_an_empty_trends_table() {
        let cmp = comparison(40).slice(0, 0);
        let dir = tempfile::tempdir().unwrap();
        let (bytes, rows) = trends_file(dir.path(), &cmp, 8);
        assert_eq!(rows, 0);
        assert!(bytes.starts_with(b"PAR1"));
    }
}
