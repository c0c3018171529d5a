//! Incremental Parquet writing: tables arrive chunk by chunk and leave in fixed-size batches, so
//! memory stays flat whatever the corpus size and the bytes depend only on the rows (not on how
//! the batch was chunked). Files are written beside their destination and renamed at the end.

use std::collections::BTreeSet;
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

struct Sink {
    name: &'static str,
    tmp: PathBuf,
    dest: PathBuf,
    writer: ArrowWriter<File>,
    pending: Vec<RecordBatch>,
    pending_rows: usize,
    rows: usize,
    doc_ids: BTreeSet<String>,
}

/// One open Parquet file per output table.
pub struct Sinks {
    sinks: Vec<Sink>,
}

impl Sinks {
    /// Open a temp file for each table of `schema_tables` (tables with zero rows: their schemas).
    pub fn create(dir: &Path, schema_tables: &[Table], meta: &FileMeta) -> Result<Sinks> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut sinks = Vec::new();
        for t in schema_tables {
            let dest = dir.join(format!("{}.parquet", t.name));
            let tmp = dir.join(format!(".{}.parquet.tmp-{}", t.name, std::process::id()));
            let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
            let writer =
                ArrowWriter::try_new(file, std::sync::Arc::new(t.schema()), Some(props(t, meta)))
                    .map_err(|e| Error::Write {
                    path: dest.clone(),
                    message: e.to_string(),
                })?;
            sinks.push(Sink {
                name: t.name,
                tmp,
                dest,
                writer,
                pending: vec![],
                pending_rows: 0,
                rows: 0,
                doc_ids: BTreeSet::new(),
            });
        }
        Ok(Sinks { sinks })
    }

    /// Append the rows of `tables` (same names and schemas as at creation).
    pub fn append(&mut self, tables: &[Table]) -> Result<()> {
        for t in tables {
            let Some(sink) = self.sinks.iter_mut().find(|s| s.name == t.name) else {
                continue;
            };
            if t.rows() == 0 {
                continue;
            }
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

    /// Close every file and move it into place; returns rows per table.
    pub fn finish(self) -> Result<Vec<(&'static str, usize)>> {
        let mut done = Vec::new();
        let mut closed = Vec::new();
        for mut s in self.sinks {
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
            done.push((s.name, s.rows));
        }
        // Rename only once every table is complete: a crash before this leaves the old set.
        for (tmp, dest) in closed {
            File::open(&tmp)
                .and_then(|f| f.sync_all())
                .map_err(|e| Error::io(&tmp, e))?;
            std::fs::rename(&tmp, &dest).map_err(|e| Error::io(&dest, e))?;
        }
        Ok(done)
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

fn hash_ids(ids: &BTreeSet<String>) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for id in ids {
        h.update(id.as_bytes());
        h.update(b"\n");
    }
    crate::rules::hex(&h.finalize())
}
