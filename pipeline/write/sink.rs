//! Incremental Parquet writing, partitioned by year: tables arrive chunk by chunk and leave in
//! fixed-size batches, so memory stays flat whatever the corpus size and the bytes depend only on
//! the rows (not on how the batch was chunked). Each table is a hive-style folder,
//! `<table>/year=2021/part-0.parquet`, so a run over one year never rewrites another year's
//! files. Files are written beside their destination and renamed only when all are complete.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use arrow_select::concat::concat_batches;
use parquet::arrow::ArrowWriter;
use parquet::file::metadata::KeyValue;

use super::{Data, FileMeta, Table, props};
use crate::error::{Error, Result};

/// Rows per write call: a constant, so page boundaries are a function of the rows alone.
const WRITE_ROWS: usize = 8192;

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

struct Sink {
    tmp: PathBuf,
    dest: PathBuf,
    writer: ArrowWriter<File>,
    pending: Vec<RecordBatch>,
    pending_rows: usize,
    rows: usize,
    doc_ids: BTreeSet<String>,
}

/// What `Sinks::finish` moved into place.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// Rows per table, summed over partitions (every table listed, zero rows included).
    pub rows: Vec<(&'static str, usize)>,
    /// Partition folder names written (`year=2021`).
    pub partitions: BTreeSet<String>,
}

/// One open Parquet file per table and partition; a partition gets a file for every table (a
/// zero-row file carries the schema), opened when its first report arrives.
pub struct Sinks {
    dir: PathBuf,
    schemas: Vec<Table>,
    meta: FileMeta,
    open: BTreeMap<(String, usize), Sink>,
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
            let tmp = folder.join(format!(".{PART_FILE}.tmp-{}", std::process::id()));
            let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
            let writer = ArrowWriter::try_new(
                file,
                std::sync::Arc::new(t.schema()),
                Some(props(t, &self.meta)),
            )
            .map_err(|e| Error::Write {
                path: dest.clone(),
                message: e.to_string(),
            })?;
            self.open.insert(
                key,
                Sink {
                    tmp,
                    dest,
                    writer,
                    pending: vec![],
                    pending_rows: 0,
                    rows: 0,
                    doc_ids: BTreeSet::new(),
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
                sink.doc_ids.extend(ids.iter().flatten().cloned());
            }
            let batch = t.record_batch().map_err(|e| Error::Write {
                path: sink.dest.clone(),
                message: e.to_string(),
            })?;
            sink.rows += batch.num_rows();
            sink.pending_rows += batch.num_rows();
            sink.pending.push(batch);
            if sink.pending_rows >= WRITE_ROWS {
                sink.flush(false)?;
            }
        }
        Ok(())
    }

    /// Close every file and move it into place.
    pub fn finish(self) -> Result<Written> {
        let mut rows: Vec<(&'static str, usize)> =
            self.schemas.iter().map(|t| (t.name, 0)).collect();
        let mut partitions = BTreeSet::new();
        let mut closed = Vec::new();
        for ((partition, i), mut s) in self.open {
            s.flush(true)?;
            s.writer.append_key_value_metadata(KeyValue::new(
                "banli.inputs_sha256".into(),
                hash_ids(&s.doc_ids),
            ));
            let dest = s.dest.clone();
            s.writer.close().map_err(|e| Error::Write {
                path: dest.clone(),
                message: e.to_string(),
            })?;
            closed.push((s.tmp, s.dest));
            rows[i].1 += s.rows;
            partitions.insert(partition);
        }
        // Rename only once every file is complete: a crash before this leaves the old set.
        for (tmp, dest) in closed {
            File::open(&tmp)
                .and_then(|f| f.sync_all())
                .map_err(|e| Error::io(&tmp, e))?;
            std::fs::rename(&tmp, &dest).map_err(|e| Error::io(&dest, e))?;
        }
        Ok(Written { rows, partitions })
    }
}

impl Sink {
    /// Write whole `WRITE_ROWS` batches (all remaining rows when `all`).
    fn flush(&mut self, all: bool) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let err = |e: String| Error::Write {
            path: self.dest.clone(),
            message: e,
        };
        let schema = self.pending[0].schema();
        let merged = concat_batches(&schema, &self.pending).map_err(|e| err(e.to_string()))?;
        self.pending.clear();
        let mut offset = 0;
        while merged.num_rows() - offset >= WRITE_ROWS || (all && offset < merged.num_rows()) {
            let len = WRITE_ROWS.min(merged.num_rows() - offset);
            self.writer
                .write(&merged.slice(offset, len))
                .map_err(|e| err(e.to_string()))?;
            offset += len;
        }
        self.pending_rows = merged.num_rows() - offset;
        if self.pending_rows > 0 {
            self.pending.push(merged.slice(offset, self.pending_rows));
        }
        Ok(())
    }
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

fn hash_ids(ids: &BTreeSet<String>) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for id in ids {
        h.update(id.as_bytes());
        h.update(b"\n");
    }
    crate::rules::hex(&h.finalize())
}
