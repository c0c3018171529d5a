//! Parquet output: round trip, contract types, key/value metadata, byte-identical reruns.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use arrow_array::{Array, RecordBatch, StringArray};
use arrow_schema::DataType;
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

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn reruns_are_byte_identical_and_tables_round_trip() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let s1 = run::run(&bundled_opts(a.path())).unwrap();
    run::run(&bundled_opts(b.path())).unwrap();
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(
            bytes == &fb[name],
            "{name} differs between two runs on the same inputs"
        );
    }
    // A rerun into the same folder also gives the same bytes.
    run::run(&bundled_opts(a.path())).unwrap();
    assert_eq!(files(a.path()), fb);

    for name in [
        "documents",
        "facts",
        "categories",
        "outcomes",
        "topics",
        "roles",
        "items",
        "checks",
        "findings",
    ] {
        let batch = read_table(&a.path().join(format!("{name}.parquet")));
        assert_eq!(batch.num_rows(), s1.rows[name], "{name} rows");
        for f in batch.schema().fields() {
            let ok = matches!(
                f.data_type(),
                DataType::Utf8
                    | DataType::Int64
                    | DataType::Int32
                    | DataType::Float64
                    | DataType::Boolean
                    | DataType::Date32
            ) || matches!(f.data_type(), DataType::List(inner) if inner.data_type() == &DataType::Utf8);
            assert!(
                ok,
                "{name}.{} has type {:?}, outside the contract",
                f.name(),
                f.data_type()
            );
        }
    }
    let docs = read_table(&a.path().join("documents.parquet"));
    assert_eq!(docs.num_rows(), 28);
    assert_eq!(
        docs.schema()
            .field_with_name("report_date")
            .unwrap()
            .data_type(),
        &DataType::Date32
    );
    assert_eq!(
        docs.schema()
            .field_with_name("year_handled")
            .unwrap()
            .data_type(),
        &DataType::Int32
    );
    let f = File::open(a.path().join("facts.parquet")).unwrap();
    let meta = ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .metadata()
        .clone();
    let kv = meta.file_metadata().key_value_metadata().unwrap();
    let get = |k: &str| kv.iter().find(|x| x.key == k).and_then(|x| x.value.clone());
    assert_eq!(
        get("banli.schema_version").as_deref(),
        Some(banli::write::SCHEMA_VERSION)
    );
    assert_eq!(get("banli.table").as_deref(), Some("facts"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["rows"]["documents"], 28);
    assert!(manifest["started_at"].is_string());
    let dp: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.path().join("datapackage.json")).unwrap()).unwrap();
    assert_eq!(dp["resources"].as_array().unwrap().len(), 9);
}

#[test]
fn evidence_spans_point_at_the_printed_number() {
    let p = process_file(&seed("004_"));
    let text: Vec<char> = p.doc.original.chars().collect();
    for c in &p.extraction.categories {
        let s: String = text[c.evidence.orig.start as usize..c.evidence.orig.end as usize]
            .iter()
            .collect();
        assert!(s.contains(&c.count.unwrap().to_string()), "{s}");
        let n: String = p
            .doc
            .text
            .text
            .chars()
            .skip(c.evidence.span.start as usize)
            .take((c.evidence.span.end - c.evidence.span.start) as usize)
            .collect();
        assert!(n.contains(&c.label_norm), "{n}");
    }
}

#[test]
fn data_dictionary_is_generated_from_the_writer_schema() {
    let tables = banli::write::tables::all(&[], &[], &RULES);
    let md = banli::write::data_dictionary_md(&tables);
    for t in &tables {
        assert!(md.contains(&format!("## `{}`", t.name)));
        for c in &t.columns {
            assert!(
                md.contains(&format!("| `{}` |", c.name)),
                "{}.{}",
                t.name,
                c.name
            );
        }
    }
    let committed =
        std::fs::read_to_string(repo().join("docs/DATA.md")).expect("docs/DATA.md is committed");
    assert_eq!(
        committed, md,
        "docs/DATA.md is stale: run `cargo run -- dictionary`"
    );
}
