//! Reading the Parquet outputs back (shared by the core and the end-to-end tests).

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::{Array, RecordBatch, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use banli::run::{self, RunOptions};

use crate::util::*;

pub fn read_table(path: &Path) -> RecordBatch {
    let f = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let builder = ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
    let schema = builder.schema().clone();
    let mut batches: Vec<RecordBatch> = builder
        .with_batch_size(1 << 24)
        .build()
        .unwrap()
        .map(|b| b.unwrap())
        .collect();
    assert!(batches.len() <= 1, "expected one batch");
    batches
        .pop()
        .unwrap_or_else(|| RecordBatch::new_empty(schema))
}

pub fn strings(batch: &RecordBatch, col: &str) -> Vec<Option<String>> {
    let a = batch
        .column_by_name(col)
        .unwrap_or_else(|| panic!("no column {col}"));
    let s = a
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap_or_else(|| panic!("{col} is {:?}", a.data_type()));
    (0..s.len())
        .map(|i| (!s.is_null(i)).then(|| s.value(i).to_string()))
        .collect()
}

pub fn bundled_opts(out: &Path) -> RunOptions {
    let datasets = repo().join("datasets");
    RunOptions {
        inputs: run::bundled_inputs(&datasets),
        out: out.to_path_buf(),
        datasets,
        ..Default::default()
    }
}

/// Every Parquet file under `dir` (tables and their year partitions), by relative path.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if p.is_dir() {
                walk(root, &p, out);
            } else if p.extension().is_some_and(|e| e == "parquet") {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The Parquet files of one table: `<name>.parquet`, or its partitions in path order.
pub fn table_files(out: &Path, name: &str) -> Vec<PathBuf> {
    let flat = out.join(format!("{name}.parquet"));
    if flat.is_file() {
        return vec![flat];
    }
    let mut parts: Vec<PathBuf> = std::fs::read_dir(out.join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .flatten()
        .map(|e| e.path().join("part-0.parquet"))
        .filter(|p| p.is_file())
        .collect();
    parts.sort();
    parts
}

/// A whole table (all partitions) as one batch.
pub fn read_out(out: &Path, name: &str) -> RecordBatch {
    let batches: Vec<RecordBatch> = table_files(out, name)
        .iter()
        .map(|p| read_table(p))
        .collect();
    assert!(!batches.is_empty(), "{name}: no files");
    arrow_select::concat::concat_batches(&batches[0].schema(), &batches).unwrap()
}
