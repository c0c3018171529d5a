//! Parquet output: round trip, contract types, key/value metadata, byte-identical reruns.

use std::fs::File;

use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use banli::run;

use crate::tables::*;
use crate::util::*;

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
        let batch = read_out(a.path(), name);
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
    let docs = read_out(a.path(), "documents");
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
    let f = File::open(&table_files(a.path(), "facts")[0]).unwrap();
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
    assert_eq!(dp["resources"].as_array().unwrap().len(), 10);
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
