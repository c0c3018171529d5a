//! Incremental Parquet writing, partitioned by year. Per-report tables are hive-style folders,
//! `<table>/year=2021/part-0.parquet`, so a run over one year never rewrites another year's files.
//!
//! Reports arrive in input order, not by year, so every partition of every table is open for the
//! whole run. To keep memory flat whatever the number of partitions, rows are not buffered: each
//! chunk's rows go straight to an Arrow IPC spill file per partition, and `finish` turns each
//! spill into Parquet in fixed `WRITE_ROWS` batches, so the bytes depend only on the partition's
//! rows (not on chunking, nor on other partitions). Files are written beside their destination
//! and renamed into place only when all are complete.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use arrow_ipc::reader::StreamReader;
use arrow_ipc::writer::StreamWriter;
use arrow_select::concat::concat_batches;
use parquet::arrow::ArrowWriter;
use parquet::file::metadata::KeyValue;
use rayon::prelude::*;

use super::{Data, FileMeta, Table, props};
use crate::error::{Error, Result};

/// Rows per write call: a constant, so page boundaries are a function of the rows alone.
pub const WRITE_ROWS: usize = 8192;

/// The file name inside a partition folder.
pub const PART_FILE: &str = "part-0.parquet";

/// The partition of reports whose year handled is unknown: `year=0`. Hive's null partition
/// (`__HIVE_DEFAULT_PARTITION__`) would be the textbook choice, but `pandas.read_parquet` on the
/// folder then fails ("Cannot yet unify dictionaries with nulls", pandas-dev/pandas#55400); the
/// rows themselves keep `documents.year_handled` null.
pub const UNKNOWN_YEAR: i32 = 0;

/// The partition folder name for a report's year handled (`year=2021`, `year=0` when unknown).
pub fn year_partition(year: Option<i32>) -> String {
    format!("year={}", year.unwrap_or(UNKNOWN_YEAR))
}

/// Where one partition of a table lives.
pub fn partition_file(dir: &Path, table: &str, partition: &str) -> PathBuf {
    dir.join(table).join(partition).join(PART_FILE)
}

/// One table's partition during the run: rows spilled to Arrow IPC.
struct Sink {
    table: usize,
    spill: PathBuf,
    dest: PathBuf,
    writer: StreamWriter<BufWriter<File>>,
    rows: usize,
    doc_ids: DocIds,
}

/// What `Sinks::finish` moved into place.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// Rows per table, summed over partitions (every table listed, zero rows included).
    pub rows: Vec<(&'static str, usize)>,
    /// Partition folder names written (`year=2021`).
    pub partitions: BTreeSet<String>,
}

/// One spill per table and partition; a partition gets a file for every table (a zero-row
/// file carries the schema), opened when its first report arrives.
pub struct Sinks {
    dir: PathBuf,
    schemas: Vec<Table>,
    meta: FileMeta,
    open: BTreeMap<(String, usize), Sink>,
}

pub(crate) fn write_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

impl Sinks {
    /// Prepare sinks for the tables of `schema_tables` (tables with zero rows: their schemas).
    pub fn create(dir: &Path, schema_tables: &[Table], meta: &FileMeta) -> Result<Sinks> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        Ok(Sinks {
            dir: dir.to_path_buf(),
            schemas: schema_tables.to_vec(),
            meta: meta.clone(),
            open: BTreeMap::new(),
        })
    }

    fn open_partition(&mut self, partition: &str) -> Result<()> {
        for (i, t) in self.schemas.iter().enumerate() {
            let key = (partition.to_string(), i);
            if self.open.contains_key(&key) {
                continue;
            }
            let dest = partition_file(&self.dir, t.name, partition);
            let folder = dest.parent().unwrap_or(&self.dir).to_path_buf();
            std::fs::create_dir_all(&folder).map_err(|e| Error::io(&folder, e))?;
            let spill = folder.join(format!(".{PART_FILE}.tmp-{}.arrows", std::process::id()));
            let file = File::create(&spill).map_err(|e| Error::io(&spill, e))?;
            let writer = StreamWriter::try_new(BufWriter::new(file), &t.schema())
                .map_err(|e| write_err(&dest, e))?;
            self.open.insert(
                key,
                Sink {
                    table: i,
                    spill,
                    dest,
                    writer,
                    rows: 0,
                    doc_ids: DocIds::default(),
                },
            );
        }
        Ok(())
    }

    /// Append the rows of `tables` (same names and schemas as at creation) to one partition.
    pub fn append(&mut self, partition: &str, tables: &[Table]) -> Result<()> {
        self.open_partition(partition)?;
        for t in tables {
            let Some(i) = self.schemas.iter().position(|s| s.name == t.name) else {
                continue;
            };
            if t.rows() == 0 {
                continue;
            }
            let Some(sink) = self.open.get_mut(&(partition.to_string(), i)) else {
                continue;
            };
            if let Some(Data::Str(ids)) = t
                .columns
                .iter()
                .find(|c| c.name == "doc_id")
                .map(|c| &c.data)
            {
                for id in ids.iter().flatten() {
                    sink.doc_ids.insert(id);
                }
            }
            let batch = t.record_batch().map_err(|e| write_err(&sink.dest, e))?;
            sink.rows += batch.num_rows();
            sink.writer
                .write(&batch)
                .map_err(|e| write_err(&sink.dest, e))?;
        }
        Ok(())
    }

    /// Turn every spill into its Parquet file (two at a time) and move all into place.
    pub fn finish(self) -> Result<Written> {
        let mut rows: Vec<(&'static str, usize)> =
            self.schemas.iter().map(|t| (t.name, 0)).collect();
        let mut partitions = BTreeSet::new();
        let mut sinks = Vec::new();
        for ((partition, i), s) in self.open {
            rows[i].1 += s.rows;
            partitions.insert(partition);
            sinks.push(s);
        }
        let (schemas, meta) = (&self.schemas, &self.meta);
        let converted: Vec<Result<(PathBuf, PathBuf)>> = sinks
            .into_par_iter()
            .map(|s| {
                let schema = &schemas[s.table];
                s.into_parquet(schema, meta)
            })
            .collect();
        let mut closed = Vec::with_capacity(converted.len());
        for c in converted {
            closed.push(c?);
        }
        let temps: Vec<PathBuf> = closed.iter().map(|(tmp, _)| tmp.clone()).collect();
        super::sync_all_files(&temps)?;
        // Rename only once every file is complete and durable: a crash before this leaves the
        // old set.
        for (tmp, dest) in closed {
            std::fs::rename(&tmp, &dest).map_err(|e| Error::io(&dest, e))?;
        }
        Ok(Written { rows, partitions })
    }
}

impl Sink {
    /// Read the spill back and write the Parquet temp file (not yet synced); returns (temp,
    /// destination).
    fn into_parquet(mut self, schema: &Table, meta: &FileMeta) -> Result<(PathBuf, PathBuf)> {
        self.writer.finish().map_err(|e| write_err(&self.dest, e))?;
        drop(self.writer);
        let folder = self
            .dest
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let tmp = folder.join(format!(".{PART_FILE}.tmp-{}", std::process::id()));
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let mut out = ArrowWriter::try_new(
            file,
            std::sync::Arc::new(schema.schema()),
            Some(props(schema, meta)),
        )
        .map_err(|e| write_err(&self.dest, e))?;
        let spill = File::open(&self.spill).map_err(|e| Error::io(&self.spill, e))?;
        let reader = StreamReader::try_new(BufReader::new(spill), None)
            .map_err(|e| write_err(&self.spill, e))?;
        let mut pending: Vec<RecordBatch> = Vec::new();
        let mut pending_rows = 0;
        for batch in reader {
            let batch = batch.map_err(|e| write_err(&self.spill, e))?;
            pending_rows += batch.num_rows();
            pending.push(batch);
            if pending_rows >= WRITE_ROWS {
                pending_rows = write_whole_batches(&mut out, &mut pending, false, &self.dest)?;
            }
        }
        write_whole_batches(&mut out, &mut pending, true, &self.dest)?;
        out.append_key_value_metadata(KeyValue::new(
            "banli.inputs_sha256".into(),
            self.doc_ids.hash(),
        ));
        out.close().map_err(|e| write_err(&self.dest, e))?;
        let _ = std::fs::remove_file(&self.spill);
        Ok((tmp, self.dest))
    }
}

/// Write whole `WRITE_ROWS` batches of `pending` (all remaining rows when `all`); keeps the
/// rest in `pending` and returns its row count.
fn write_whole_batches(
    out: &mut ArrowWriter<File>,
    pending: &mut Vec<RecordBatch>,
    all: bool,
    dest: &Path,
) -> Result<usize> {
    if pending.is_empty() {
        return Ok(0);
    }
    let schema = pending[0].schema();
    let merged = concat_batches(&schema, pending.iter()).map_err(|e| write_err(dest, e))?;
    pending.clear();
    let mut offset = 0;
    while merged.num_rows() - offset >= WRITE_ROWS || (all && offset < merged.num_rows()) {
        let len = WRITE_ROWS.min(merged.num_rows() - offset);
        out.write(&merged.slice(offset, len))
            .map_err(|e| write_err(dest, e))?;
        offset += len;
    }
    let left = merged.num_rows() - offset;
    if left > 0 {
        pending.push(merged.slice(offset, left));
    }
    Ok(left)
}

/// Remove partitions of `tables` that this run owns but did not write: with no year filter the
/// run owns every partition; with `--year Y` only `year=Y`. Also removes the flat
/// `<table>.parquet` files of the layout before partitioning.
pub fn remove_stale_partitions(
    dir: &Path,
    tables: &[&str],
    written: &BTreeSet<String>,
    owned: Option<&str>,
) -> Result<()> {
    for t in tables {
        let flat = dir.join(format!("{t}.parquet"));
        if flat.is_file() {
            std::fs::remove_file(&flat).map_err(|e| Error::io(&flat, e))?;
        }
        let folder = dir.join(t);
        let Ok(rd) = std::fs::read_dir(&folder) else {
            continue;
        };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let ours = name.starts_with("year=") && owned.is_none_or(|o| o == name);
            if ours && !written.contains(&name) {
                let p = e.path();
                std::fs::remove_dir_all(&p).map_err(|e| Error::io(&p, e))?;
            }
        }
    }
    Ok(())
}

/// Whether `<dir>/<table>/` has a partition other than `except` (kept from earlier runs).
pub fn has_other_partitions(dir: &Path, table: &str, except: Option<&str>) -> bool {
    std::fs::read_dir(dir.join(table)).is_ok_and(|rd| {
        rd.flatten().any(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("year=") && except.is_none_or(|x| x != name)
        })
    })
}

/// The `doc_id`s that contributed rows to one file, held compactly: a national batch writes
/// millions of them, in every table. Ids are 16 hex digits (a content-hash prefix), kept as
/// `u64` in a plain vector (a report's rows come together, so an id repeating the last one is
/// not kept again; sorting and deduplicating waits for the hash): 8 bytes an id, where a
/// `BTreeSet` took about 20. Anything else is kept as text.
#[derive(Debug, Default)]
pub(crate) struct DocIds {
    hex: Vec<u64>,
    other: BTreeSet<String>,
}

impl DocIds {
    pub(crate) fn insert(&mut self, id: &str) {
        let lower_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
        if id.len() == 16
            && id.bytes().all(lower_hex)
            && let Ok(v) = u64::from_str_radix(id, 16)
        {
            if self.hex.last() != Some(&v) {
                self.hex.push(v);
            }
        } else if !self.other.contains(id) {
            self.other.insert(id.to_string());
        }
    }

    /// SHA-256 of the distinct ids in text order, one per line (the hex ones sort as their
    /// text does).
    pub(crate) fn hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hex = self.hex.clone();
        hex.sort_unstable();
        hex.dedup();
        let mut h = Sha256::new();
        if self.other.is_empty() {
            // The usual case, streamed: no text copy of a million ids.
            let mut line = String::with_capacity(17);
            for v in &hex {
                line.clear();
                let _ = std::fmt::Write::write_fmt(&mut line, format_args!("{v:016x}\n"));
                h.update(line.as_bytes());
            }
            return crate::rules::hex(&h.finalize());
        }
        let mut all: Vec<String> = hex.iter().map(|v| format!("{v:016x}")).collect();
        all.extend(self.other.iter().cloned());
        all.sort_unstable();
        for id in &all {
            h.update(id.as_bytes());
            h.update(b"\n");
        }
        crate::rules::hex(&h.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SHA-256 of the ids as text, sorted and deduplicated, one per line: the definition.
    fn text_hash(ids: &[&str]) -> String {
        use sha2::{Digest, Sha256};
        let mut text: Vec<&str> = ids.to_vec();
        text.sort_unstable();
        text.dedup();
        let mut h = Sha256::new();
        for id in text {
            h.update(id.as_bytes());
            h.update(b"\n");
        }
        crate::rules::hex(&h.finalize())
    }

    /// The compact set hashes exactly like the sorted, deduplicated ids as text, with text ids
    /// among them and with hex ids only (the streamed path), out of order and repeated apart.
    #[test]
    fn doc_ids_hash_like_their_sorted_text() {
        let mixed = [
            "6eb6392cfb31baf9",
            "00000000000000ff",
            "manual-7",
            "6eb6392cfb31baf9",
            "ABCDEF0123456789",
            "ffffffffffffffff",
            "0",
        ];
        let hex_only = [
            "ffffffffffffffff",
            "00000000000000ff",
            "6eb6392cfb31baf9",
            "00000000000000ff",
        ];
        for ids in [&mixed[..], &hex_only[..]] {
            let mut compact = DocIds::default();
            for id in ids {
                compact.insert(id);
            }
            assert_eq!(compact.hash(), text_hash(ids), "{ids:?}");
        }
    }
}
