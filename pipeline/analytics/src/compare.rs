//! The comparisons, as polars lazy queries over the Parquet hand-off: each report's own figures
//! (volume, outcome bounds, rates, topics, checks) side by side per jurisdiction, issuer,
//! channel and year; year-over-year changes as intervals; themes across jurisdictions.
//!
//! Everything here is computed from the core tables; nothing is re-extracted.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::frame::strings;
use crate::labels;

/// Fine tiers in their order on a bar (most to least responsive).
pub const FINE_TIERS: [&str; 4] = ["resolved", "in_progress", "planned", "deferred"];
/// Fine tiers and coarse groups, as in `outcomes.tier`.
pub const TIER_GROUPS: [&str; 6] = [
    "resolved",
    "in_progress",
    "planned",
    "deferred",
    "progressing",
    "addressed",
];
/// Rates carried into the comparison, each with its own definition.
pub const RATES: [&str; 5] = [
    "rate_completed",
    "rate_answered",
    "rate_face_to_face",
    "rate_satisfied",
    "rate_satisfied_or_basic",
];

/// Labels of the common taxonomy and the theme lexicon (from `datasets/`).
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// (code, label_zh, label_en)
    pub topics: Vec<(String, String, String)>,
    /// (id, label_zh, label_en)
    pub themes: Vec<(String, String, String)>,
}

impl Vocabulary {
    pub fn from_rules(rules: &banli::rules::Rules) -> Vocabulary {
        Vocabulary {
            topics: rules
                .topics
                .topic
                .iter()
                .map(|t| (t.code.clone(), t.label_zh.clone(), t.label_en.clone()))
                .collect(),
            themes: rules
                .themes
                .iter()
                .map(|t| (t.id.clone(), t.label_zh.clone(), t.label_en.clone()))
                .collect(),
        }
    }
}

/// The collected results.
pub struct Frames {
    pub comparison: DataFrame,
    pub themes: DataFrame,
    pub topic_mix: DataFrame,
    /// Every failed check, with the report's label (for the page).
    pub failed_checks: DataFrame,
}

/// Where a query reads the per-report tables: every year, or one year partition, or the
/// reports of one bucket of a partition.
pub struct Src<'a> {
    out: &'a Path,
    partition: Option<&'a str>,
    docs: Option<&'a Series>,
}

impl<'a> Src<'a> {
    pub fn all(out: &'a Path) -> Src<'a> {
        Src {
            out,
            partition: None,
            docs: None,
        }
    }

    fn one(out: &'a Path, partition: &'a str) -> Src<'a> {
        Src {
            out,
            partition: Some(partition),
            docs: None,
        }
    }

    fn bucket(out: &'a Path, partition: &'a str, docs: Option<&'a Series>) -> Src<'a> {
        Src {
            out,
            partition: Some(partition),
            docs,
        }
    }
}

/// Reports compared at once: a year partition with more is split into buckets of whole
/// jurisdictions (a series, a theme's place and a report's rows stay in one bucket), so that
/// memory follows the bucket, not the size of a year. Each bucket reads the partition's files
/// again, filtered, so a year is split only when it must be.
pub const BUCKET_REPORTS: usize = 16_384;

/// Jurisdiction name → comparison key, from [`jurisdiction_keys`].
fn key_map(keys: &DataFrame) -> Result<HashMap<String, String>> {
    Ok(strings(keys, "jurisdiction_zh")?
        .into_iter()
        .zip(strings(keys, "jurisdiction_key")?)
        .filter_map(|(zh, key)| Some((zh?, key?)))
        .collect())
}

/// One unit of work: a partition, and the `doc_id`s of one of its buckets (`None`: all).
struct Unit {
    partition: String,
    docs: Option<Series>,
}

/// The partition's reports grouped by jurisdiction key (as [`documents`] computes it) and
/// packed, in key order, into buckets that close once they hold `max_reports` reports (a
/// jurisdiction is never split); one unfiltered unit when the partition has no more.
fn buckets(
    out: &Path,
    partition: &str,
    key_of: &HashMap<String, String>,
    max_reports: usize,
) -> Result<Vec<Unit>> {
    let docs = scan(&Src::one(out, partition), "documents")?
        .select([col("doc_id"), col("jurisdiction_zh"), col("source_path")])
        .collect()?;
    let whole = || Unit {
        partition: partition.to_string(),
        docs: None,
    };
    if docs.height() <= max_reports {
        return Ok(vec![whole()]);
    }
    let mut by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ((id, zh), path) in strings(&docs, "doc_id")?
        .into_iter()
        .zip(strings(&docs, "jurisdiction_zh")?)
        .zip(strings(&docs, "source_path")?)
    {
        let Some(id) = id else { continue };
        let key = zh
            .and_then(|z| key_of.get(&z).cloned())
            .unwrap_or_else(|| format!("?{}", path.unwrap_or_default()));
        by_key.entry(key).or_default().push(id);
    }
    let mut units = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for ids in by_key.into_values() {
        current.extend(ids);
        if current.len() >= max_reports {
            units.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        units.push(current);
    }
    Ok(units
        .into_iter()
        .map(|ids| Unit {
            partition: partition.to_string(),
            docs: Some(Series::new("doc_id".into(), ids)),
        })
        .collect())
}

/// The year partitions present (`year=2021`, …), from the documents table.
fn partitions(out: &Path) -> Result<Vec<String>> {
    let dir = out.join("documents");
    let mut parts: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|_| Error::MissingTable { path: dir.clone() })?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("year="))
        .collect();
    parts.sort();
    if parts.is_empty() {
        return Err(Error::MissingTable { path: dir });
    }
    Ok(parts)
}

/// Partitions by their year, `year=0` (unknown year, a null `year`) last, as the comparison's
/// order has it.
fn in_year_order(mut parts: Vec<String>) -> Vec<String> {
    let year = |p: &String| {
        p.strip_prefix("year=")
            .and_then(|y| y.parse::<i64>().ok())
            .unwrap_or(0)
    };
    parts.sort_by_key(|p| (year(p) == 0, year(p), p.clone()));
    parts
}

/// Scan one per-report table lazily: the hive-partitioned folder, or one partition's file.
pub fn scan(src: &Src, table: &str) -> Result<LazyFrame> {
    let dir = src.out.join(table);
    let (path, hive) = match src.partition {
        Some(p) => (
            dir.join(p).join(banli::write::sink::PART_FILE),
            HiveOptions::new_disabled(),
        ),
        None => (dir.clone(), HiveOptions::new_enabled()),
    };
    if !path.exists() {
        return Err(Error::MissingTable { path });
    }
    let args = ScanArgsParquet {
        hive_options: hive,
        ..Default::default()
    };
    let path = path.to_string_lossy().into_owned();
    let lf = LazyFrame::scan_parquet(PlRefPath::new(path), args)?;
    Ok(match src.docs {
        Some(ids) => lf.filter(col("doc_id").is_in(lit(ids.clone()).implode(false), false)),
        None => lf,
    })
}

fn left_join(a: LazyFrame, b: LazyFrame, on: &str) -> LazyFrame {
    let mut args = JoinArgs::new(JoinType::Left);
    args.maintain_order = MaintainOrderJoin::Left;
    a.join(b, [col(on)], [col(on)], args)
}

fn inner_join(a: LazyFrame, b: LazyFrame, on: &str) -> LazyFrame {
    let mut args = JoinArgs::new(JoinType::Inner);
    args.maintain_order = MaintainOrderJoin::Left;
    a.join(b, [col(on)], [col(on)], args)
}

/// `column` is one of `values`.
fn one_of<S: AsRef<str>>(column: &str, values: &[S]) -> Expr {
    let values: Vec<String> = values.iter().map(|v| v.as_ref().to_string()).collect();
    col(column).is_in(
        lit(Series::new("values".into(), values)).implode(false),
        false,
    )
}

fn pct(e: Expr) -> Expr {
    e.round(1, RoundMode::HalfAwayFromZero)
}

/// Jurisdiction names → comparison key (simplified script, so 重慶市 = 重庆市) and display label.
fn jurisdiction_keys(src: &Src) -> Result<LazyFrame> {
    let names = scan(src, "documents")?
        .select([col("jurisdiction_zh"), col("jurisdiction_en")])
        .filter(col("jurisdiction_zh").is_not_null())
        .collect()?;
    let mut map: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (zh, en) in strings(&names, "jurisdiction_zh")?
        .into_iter()
        .zip(strings(&names, "jurisdiction_en")?)
    {
        let Some(zh) = zh else { continue };
        map.entry(zh.clone()).or_insert_with(|| {
            let key = banli::ingest::text::simplified(&zh);
            let label = labels::display(Some(&key), en.as_deref()).unwrap_or(key.clone());
            (key, label)
        });
    }
    let zh: Vec<String> = map.keys().cloned().collect();
    let key: Vec<String> = map.values().map(|v| v.0.clone()).collect();
    let label: Vec<String> = map.values().map(|v| v.1.clone()).collect();
    Ok(df!("jurisdiction_zh" => zh, "jurisdiction_key" => key, "label" => label)?.lazy())
}

/// One row per report with its comparison keys.
fn documents(src: &Src, keys: &LazyFrame) -> Result<LazyFrame> {
    let raw = scan(src, "documents")?.select([
        col("doc_id"),
        col("source_path"),
        col("jurisdiction_zh"),
        col("jurisdiction_en"),
        col("province_zh"),
        col("admin_level"),
        col("issuer_zh"),
        col("issuer_kind"),
        col("channel"),
        col("year_handled").cast(DataType::Int32).alias("year"),
    ]);
    Ok(left_join(raw, keys.clone(), "jurisdiction_zh")
        .with_columns([
            // A report that names no jurisdiction is compared with nothing: its own key.
            col("jurisdiction_key")
                .fill_null(concat_str([lit("?"), col("source_path")], "", true))
                .alias("jurisdiction_key"),
            col("label").fill_null(col("source_path")).alias("label"),
            // Departments are compared as themselves; governments, congresses, CPPCCs by kind.
            when(col("issuer_kind").eq(lit("department")))
                .then(col("issuer_zh").fill_null(lit("department")))
                .otherwise(col("issuer_kind").fill_null(lit("unknown")))
                .alias("issuer_key"),
        ])
        .with_column(
            concat_str(
                [
                    col("jurisdiction_key"),
                    col("issuer_key"),
                    col("channel").fill_null(lit("unknown")),
                ],
                "|",
                true,
            )
            .alias("series_key"),
        ))
}

/// The first value of one fact per report: unqualified before qualified (按时办结率 is a
/// different measure from 办结率), then in reading order.
fn first_fact(facts: &LazyFrame, fact: &str, name: &str) -> LazyFrame {
    facts
        .clone()
        .filter(col("fact").eq(lit(fact)))
        .sort_by_exprs(
            [
                col("doc_id"),
                col("qualifier").is_not_null(),
                col("span_start"),
            ],
            SortMultipleOptions::default(),
        )
        .group_by_stable([col("doc_id")])
        .agg([
            col("value").first().alias(name),
            col("qualifier").first().alias(format!("{name}_qualifier")),
            col("definition")
                .first()
                .alias(format!("{name}_definition")),
        ])
}

/// `outcomes` in wide form: `<tier>_share_low/_high/_exact` per report.
fn outcome_columns(src: &Src) -> Result<LazyFrame> {
    let outcomes = scan(src, "outcomes")?.select([
        col("doc_id"),
        col("tier"),
        col("share_low"),
        col("share_high"),
        col("count_low"),
        col("count_high"),
        col("exact"),
        col("universe"),
        col("universe_count"),
    ]);
    // Read once: the wide form below uses the table seven times, and seven parallel scans of
    // every report's rows would each hold their own copy.
    let outcomes = outcomes.collect()?.lazy();
    let fine = one_of("tier", &FINE_TIERS);
    let mut wide = outcomes.clone().group_by_stable([col("doc_id")]).agg([
        col("universe").first().alias("universe"),
        col("universe_count").first().alias("universe_count"),
        col("exact")
            .filter(fine)
            .cast(DataType::Int32)
            .min()
            .eq(lit(1))
            .alias("outcomes_exact"),
    ]);
    for t in TIER_GROUPS {
        let one = outcomes.clone().filter(col("tier").eq(lit(t))).select([
            col("doc_id"),
            col("share_low").alias(format!("{t}_share_low")),
            col("share_high").alias(format!("{t}_share_high")),
            col("count_low").alias(format!("{t}_count_low")),
            col("count_high").alias(format!("{t}_count_high")),
            col("exact").alias(format!("{t}_exact")),
        ]);
        wide = left_join(wide, one, "doc_id");
    }
    Ok(wide)
}

/// The failed checks of one year partition, read once: the comparison's `failed_checks` list
/// and the page's table of failures both come from these rows.
fn failed_check_rows(src: &Src) -> Result<DataFrame> {
    Ok(scan(src, "checks")?
        .filter(col("status").eq(lit("fail")))
        .select([
            col("doc_id"),
            col("check"),
            col("expected"),
            col("observed"),
            col("message"),
        ])
        .collect()?)
}

/// Per report: how many checks passed, warned and failed, and the failed checks (distinct,
/// sorted, comma-separated; empty when none failed, null when the report has no checks).
fn check_columns(src: &Src, failed: &DataFrame) -> Result<LazyFrame> {
    let status = |s: &str| {
        col("status")
            .eq(lit(s.to_string()))
            .cast(DataType::Int64)
            .sum()
            .alias(format!("checks_{s}"))
    };
    let counts = scan(src, "checks")?
        .select([col("doc_id"), col("status")])
        .group_by_stable([col("doc_id")])
        .agg([status("pass"), status("warn"), status("fail")]);
    // Only the failing rows are sorted and joined (a few percent of all checks).
    let names = failed
        .clone()
        .lazy()
        .select([col("doc_id"), col("check")])
        .sort_by_exprs(
            [col("doc_id"), col("check")],
            SortMultipleOptions::default(),
        )
        .group_by_stable([col("doc_id")])
        .agg([col("check")
            .unique_stable()
            .str()
            .join(",", true)
            .alias("failed_checks")]);
    Ok(left_join(counts, names, "doc_id").with_column(col("failed_checks").fill_null(lit(""))))
}

/// Source categories that are not nested in another (the scheme's own partition).
fn categories(src: &Src) -> Result<LazyFrame> {
    Ok(scan(src, "categories")?
        .filter(col("parent").is_null())
        .select([
            col("doc_id"),
            col("position"),
            col("code"),
            col("label_zh"),
            col("count"),
            col("pct_stated"),
            col("tiers"),
            col("universe_count"),
            col("mapping"),
            col("evidence"),
            col("line"),
        ]))
}

/// Topic mix on the common taxonomy. A source topic mapped to k common topics is split k ways
/// for the mix (`items_split`, shares add to 100); `items` counts it in full for each.
fn topic_mix(src: &Src, vocab: &Vocabulary) -> Result<LazyFrame> {
    let labels = df!(
        "topic" => vocab.topics.iter().map(|t| t.0.clone()).collect::<Vec<_>>(),
        "topic_zh" => vocab.topics.iter().map(|t| t.1.clone()).collect::<Vec<_>>(),
        "topic_en" => vocab.topics.iter().map(|t| t.2.clone()).collect::<Vec<_>>(),
    )?
    .lazy();
    let mix = scan(src, "topics")?
        .select([col("doc_id"), col("count"), col("common_topics")])
        .filter(col("count").is_not_null())
        .with_column(col("common_topics").list().len().alias("k"))
        .filter(col("k").gt(lit(0)))
        .with_column(
            (col("count").cast(DataType::Float64) / col("k").cast(DataType::Float64))
                .alias("items_split"),
        )
        .explode(
            cols(["common_topics"]),
            ExplodeOptions {
                empty_as_null: false,
                keep_nulls: false,
            },
        )
        .group_by_stable([col("doc_id"), col("common_topics").alias("topic")])
        .agg([
            col("count").sum().cast(DataType::Int64).alias("items"),
            col("items_split").sum().alias("items_split"),
        ])
        .with_column(
            pct(col("items_split") * lit(100.0) / col("items_split").sum().over([col("doc_id")])?)
                .alias("share"),
        );
    Ok(left_join(mix, labels, "topic"))
}

/// One year partition's share of the results.
struct Part {
    comparison: Packed,
    topic_mix: Packed,
    themes: Packed,
    failed_checks: Packed,
}

/// A partition's result held as Parquet bytes until the union. Frames made by joins and filters
/// share the buffers of the tables they were read from (a string view keeps its whole buffer
/// alive), so keeping the frames themselves kept every partition's inputs in memory; the bytes
/// are a compact copy (a few hundred KB per year at 100k reports).
#[derive(Clone)]
struct Packed(Vec<u8>);

impl Packed {
    fn new(mut df: DataFrame) -> Result<Packed> {
        let mut buf = Vec::new();
        ParquetWriter::new(&mut buf)
            .with_compression(ParquetCompression::Uncompressed)
            .finish(&mut df)?;
        Ok(Packed(buf))
    }

    fn frame(self) -> Result<DataFrame> {
        Ok(ParquetReader::new(std::io::Cursor::new(self.0)).finish()?)
    }
}

fn union_packed(parts: Vec<Packed>) -> Result<LazyFrame> {
    union(
        parts
            .into_iter()
            .map(Packed::frame)
            .collect::<Result<_>>()?,
    )
}

fn union(frames: Vec<DataFrame>) -> Result<LazyFrame> {
    let lazy: Vec<LazyFrame> = frames.into_iter().map(DataFrame::lazy).collect();
    Ok(concat(
        lazy,
        UnionArgs {
            to_supertypes: true,
            ..Default::default()
        },
    )?)
}

/// Compute every comparison but `trends` (see [`trends_in_chunks`]) and collect. Each unit (a
/// year partition, or a bucket of a large one) is compared on its own (a comparison row is one
/// series in one year), so the queries' memory follows the largest unit, not the corpus;
/// theme recurrence is then folded across the units.
pub fn compare(out: &Path, vocab: &Vocabulary) -> Result<Frames> {
    compare_in_buckets(out, vocab, BUCKET_REPORTS)
}

fn compare_in_buckets(out: &Path, vocab: &Vocabulary, bucket_reports: usize) -> Result<Frames> {
    let keys = jurisdiction_keys(&Src::all(out))?.collect()?;
    let key_of = key_map(&keys)?;
    let keys = keys.lazy();
    let mut units = Vec::new();
    for p in in_year_order(partitions(out)?) {
        units.extend(buckets(out, &p, &key_of, bucket_reports)?);
    }
    let parts = each_unit(&units, |u| {
        let src = Src::bucket(out, &u.partition, u.docs.as_ref());
        let part = compare_partition(&src, &keys, vocab);
        match &u.docs {
            None => crate::checkpoint(&format!("partition {}", u.partition)),
            Some(ids) => crate::checkpoint(&format!(
                "partition {} bucket of {}",
                u.partition,
                ids.len()
            )),
        }
        part
    })?;
    let mut cmp = Vec::new();
    let mut mix = Vec::new();
    let mut th = Vec::new();
    let mut failed = Vec::new();
    for p in parts {
        cmp.push(p.comparison);
        mix.push(p.topic_mix);
        th.push(p.themes);
        failed.push(p.failed_checks);
    }
    // The units come in year order (unknown year last), buckets in key order, each sorted
    // by its keys: the union is in the table's order (year, jurisdiction, issuer, channel)
    // without a sort, which held a third copy of the table at its peak.
    let comparison = union_packed(cmp)?.collect()?;
    crate::checkpoint("comparison, all years");
    // In the table's order without a sort, as the comparison (each unit sorted by its keys).
    let topic_mix = union_packed(mix)?.collect()?;
    crate::checkpoint("topic mix, all years");
    let themes = merge_themes(th, vocab)?.collect()?;
    let failed_checks = union_packed(failed)?
        .sort_by_exprs(
            [col("year"), col("label"), col("doc_id"), col("check")],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .collect()?;
    crate::checkpoint("themes and failed checks, all years");
    Ok(Frames {
        comparison,
        themes,
        topic_mix,
        failed_checks,
    })
}

/// Units compared at the same time. Each is small work for polars (a few thousand reports),
/// so one at a time leaves a core idle; two keep memory bounded by two buckets.
const PARTITION_WORKERS: usize = 2;

/// `f` over every unit, `PARTITION_WORKERS` at a time; the results in unit order (the first
/// error, in unit order, if any failed).
fn each_unit<T: Send>(units: &[Unit], f: impl Fn(&Unit) -> Result<T> + Sync) -> Result<Vec<T>> {
    banli::threads::each_on_threads(units, PARTITION_WORKERS, f)
        .into_iter()
        .collect()
}

fn compare_partition(src: &Src, keys: &LazyFrame, vocab: &Vocabulary) -> Result<Part> {
    let docs = documents(src, keys)?.collect()?.lazy();
    // Only the facts compared, read once (each `first_fact` below would otherwise scan the
    // whole table again, in parallel, each with its own copy).
    let mut compared = vec!["total_items", "government_items", "key_items"];
    compared.extend(RATES);
    let wanted = one_of("fact", &compared);
    let facts = scan(src, "facts")?
        .filter(wanted)
        .select([
            col("doc_id"),
            col("fact"),
            col("value"),
            col("qualifier"),
            col("definition"),
            col("span_start"),
        ])
        .collect()?
        .lazy();
    let mut per_doc = docs.clone();
    for (fact, name) in [
        ("total_items", "total_items"),
        ("government_items", "government_items"),
        ("key_items", "key_items"),
    ] {
        per_doc = left_join(per_doc, first_fact(&facts, fact, name), "doc_id");
    }
    for rate in RATES {
        per_doc = left_join(per_doc, first_fact(&facts, rate, rate), "doc_id");
    }
    per_doc = left_join(per_doc, outcome_columns(src)?, "doc_id");
    let failed = failed_check_rows(src)?;
    per_doc = left_join(per_doc, check_columns(src, &failed)?, "doc_id");
    // Collected once: the top topic below and the topic-mix table both use it.
    let mix = topic_mix(src, vocab)?.collect()?;
    let top_topic = mix
        .clone()
        .lazy()
        .sort_by_exprs(
            [col("doc_id"), col("items_split"), col("topic")],
            SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
        )
        .group_by_stable([col("doc_id")])
        .agg([
            col("topic").first().alias("top_topic"),
            col("topic_zh").first().alias("top_topic_zh"),
            col("share").first().alias("top_topic_share"),
            col("topic").len().cast(DataType::Int64).alias("n_topics"),
        ]);
    per_doc = left_join(per_doc, top_topic, "doc_id");

    // Satisfaction as the report defines it: satisfied-or-basically when printed, else
    // satisfied only; the definition travels with the value.
    let per_doc = per_doc.with_columns([
        col("total_items").cast(DataType::Int64),
        col("government_items").cast(DataType::Int64),
        col("key_items").cast(DataType::Int64),
        when(col("rate_satisfied_or_basic").is_not_null())
            .then(col("rate_satisfied_or_basic"))
            .otherwise(col("rate_satisfied"))
            .alias("satisfaction"),
        when(col("rate_satisfied_or_basic").is_not_null())
            .then(lit("satisfied_or_basic"))
            .when(col("rate_satisfied").is_not_null())
            .then(lit("satisfied"))
            .otherwise(lit(NULL).cast(DataType::String))
            .alias("satisfaction_definition"),
        col("universe").is_not_null().alias("has_outcome_scheme"),
    ]);

    // Only what the comparison table needs after the union (and `issuer_key`, its sort key):
    // projected here, the joins above drop the other columns early.
    let kept: Vec<Expr> = crate::tables::comparison()
        .columns
        .iter()
        .filter(|c| c.name != "n_reports")
        .map(|c| col(c.name))
        .chain([col("issuer_key")])
        .collect();
    let per_doc = per_doc.select(kept).collect()?;

    // One row per jurisdiction, issuer, channel and year: the fullest report of the group
    // (largest total, then the first id) speaks for it; `n_reports` says how many there were.
    // The choice is made on the sort keys alone; the chosen rows are then fetched in that order.
    let group = [col("series_key"), col("year")];
    let primary = per_doc
        .clone()
        .lazy()
        .select([
            col("series_key"),
            col("year"),
            col("has_outcome_scheme"),
            col("total_items"),
            col("doc_id"),
        ])
        .sort_by_exprs(
            [
                col("series_key"),
                col("year"),
                col("has_outcome_scheme"),
                col("total_items"),
                col("doc_id"),
            ],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, false, true, true, false])
                .with_nulls_last(true),
        )
        .with_columns([
            col("doc_id")
                .len()
                .over(group.clone())?
                .cast(DataType::Int64)
                .alias("n_reports"),
            col("doc_id").first().over(group)?.alias("primary_doc"),
        ])
        .filter(col("doc_id").eq(col("primary_doc")))
        .select([col("doc_id"), col("n_reports")]);
    let comparison = inner_join(primary, per_doc.lazy(), "doc_id")
        .sort_by_exprs(
            [col("jurisdiction_key"), col("issuer_key"), col("channel")],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .collect()?;
    let compared = comparison.clone().lazy().select([
        col("doc_id"),
        col("label"),
        col("year"),
        col("jurisdiction_key"),
    ]);
    let topic_mix = inner_join(mix.lazy(), compared, "doc_id")
        .sort_by_exprs(
            [
                col("jurisdiction_key"),
                col("doc_id"),
                col("items_split"),
                col("topic"),
            ],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, false, true, false])
                .with_nulls_last(true),
        )
        .collect()?;
    let themes = theme_counts(src, &docs)?.collect()?;
    let failed_checks = inner_join(
        failed.lazy(),
        docs.select([col("doc_id"), col("label"), col("year"), col("source_path")]),
        "doc_id",
    )
    .collect()?;
    Ok(Part {
        comparison: Packed::new(comparison)?,
        topic_mix: Packed::new(topic_mix)?,
        themes: Packed::new(themes)?,
        failed_checks: Packed::new(failed_checks)?,
    })
}

/// What the page and the charts show of a few reports (at most a few hundred): their outcome
/// categories and the sentences behind their figures. Kept out of `compare` so that memory
/// does not grow with every report's evidence.
pub struct Details {
    /// Top-level outcome categories with their share of the universe and evidence.
    pub composition: DataFrame,
    /// The first sentence of each compared fact (doc_id, fact, evidence, line).
    pub fact_evidence: DataFrame,
    /// One sentence per report and common topic (doc_id, topic, evidence).
    pub topic_evidence: DataFrame,
}

pub fn details(out: &Path, comparison: &DataFrame, docs: &[String]) -> Result<Details> {
    let wanted = || one_of("doc_id", docs);
    let shown = comparison.clone().lazy().filter(wanted()).select([
        col("doc_id"),
        col("label"),
        col("year"),
        col("universe"),
        col("universe_count").alias("outcome_universe_count"),
    ]);
    let all = Src::all(out);
    let composition = inner_join(categories(&all)?.filter(wanted()), shown, "doc_id")
        .with_column(
            pct(when(col("pct_stated").is_not_null())
                .then(col("pct_stated"))
                .otherwise(
                    col("count").cast(DataType::Float64) * lit(100.0)
                        / col("outcome_universe_count").cast(DataType::Float64),
                ))
            .alias("share"),
        )
        .sort_by_exprs(
            [col("doc_id"), col("position")],
            SortMultipleOptions::default(),
        )
        .collect()?;
    let mut shown_facts = vec!["total_items"];
    shown_facts.extend(RATES);
    let kinds = one_of("fact", &shown_facts);
    let fact_evidence = scan(&all, "facts")?
        .filter(wanted().and(kinds))
        .select([
            col("doc_id"),
            col("fact"),
            col("qualifier"),
            col("span_start"),
            col("evidence"),
            col("line"),
        ])
        .sort_by_exprs(
            [
                col("doc_id"),
                col("fact"),
                col("qualifier").is_not_null(),
                col("span_start"),
            ],
            SortMultipleOptions::default(),
        )
        .group_by_stable([col("doc_id"), col("fact")])
        .agg([col("evidence").first(), col("line").first()])
        .collect()?;
    let topic_evidence = scan(&all, "topics")?
        .filter(wanted())
        .select([
            col("doc_id"),
            col("common_topics"),
            col("evidence"),
            col("position"),
        ])
        .explode(
            cols(["common_topics"]),
            ExplodeOptions {
                empty_as_null: false,
                keep_nulls: false,
            },
        )
        .sort_by_exprs(
            [col("doc_id"), col("position")],
            SortMultipleOptions::default(),
        )
        .group_by_stable([col("doc_id"), col("common_topics").alias("topic")])
        .agg([col("evidence").first()])
        .collect()?;
    Ok(Details {
        composition,
        fact_evidence,
        topic_evidence,
    })
}

/// Which themes recur in which jurisdictions (items table × theme lexicon).
fn theme_counts(src: &Src, docs: &LazyFrame) -> Result<LazyFrame> {
    let items = scan(src, "items")?
        .select([
            col("doc_id"),
            col("position"),
            col("themes"),
            col("title"),
            col("evidence"),
            col("key_item"),
        ])
        .filter(col("themes").list().len().gt(lit(0)))
        .explode(
            cols(["themes"]),
            ExplodeOptions {
                empty_as_null: false,
                keep_nulls: false,
            },
        )
        .filter(col("themes").is_not_null())
        .rename(["themes"], ["theme"], true);
    let located = inner_join(
        items,
        docs.clone().select([
            col("doc_id"),
            col("jurisdiction_key"),
            col("jurisdiction_en"),
            col("label"),
            col("year"),
        ]),
        "doc_id",
    )
    .sort_by_exprs(
        [
            col("theme"),
            col("jurisdiction_key"),
            col("year"),
            col("doc_id"),
            col("position"),
        ],
        SortMultipleOptions::default().with_nulls_last(true),
    );
    Ok(located
        .group_by_stable([col("theme"), col("jurisdiction_key")])
        .agg([
            col("label").first(),
            col("jurisdiction_en").first(),
            col("doc_id").len().cast(DataType::Int64).alias("n_items"),
            col("key_item")
                .cast(DataType::Int64)
                .sum()
                .alias("n_key_items"),
            col("doc_id")
                .n_unique()
                .cast(DataType::Int64)
                .alias("n_reports"),
            col("year").min().alias("year_first"),
            col("year").max().alias("year_last"),
            col("title").drop_nulls().first().alias("example_title"),
            col("evidence").first().alias("example_evidence"),
            col("doc_id").first().alias("example_doc_id"),
        ]))
}

/// Which themes recur in which jurisdictions: the per-unit counts (`theme_counts`) summed over
/// the units (a report sits in one unit, so report counts add up), folded in one unit at a
/// time: memory holds the sums so far and one unit's counts, not every unit's rows (their
/// example sentences made the union of all units stage 6's peak).
fn merge_themes(parts: Vec<Packed>, vocab: &Vocabulary) -> Result<LazyFrame> {
    let mut acc: Option<DataFrame> = None;
    for part in parts {
        let part = part.frame()?;
        let both = match acc.take() {
            None => part.lazy(),
            Some(a) => union(vec![a, part])?,
        };
        acc = Some(sum_themes(both).collect()?);
    }
    let per_place = match acc {
        Some(a) => a.lazy(),
        None => Err(PolarsError::NoData("no year partition to compare".into()))?,
    };
    finish_themes(per_place, vocab)
}

/// Per theme and place, over the rows given: counts summed, the first year's label and
/// example (units come in year order and a place's rows of one year sit in one unit, so the
/// sort by first year has no ties, and folding unit by unit gives what one pass over all
/// units gives).
fn sum_themes(rows: LazyFrame) -> LazyFrame {
    rows.sort_by_exprs(
        [col("theme"), col("jurisdiction_key"), col("year_first")],
        SortMultipleOptions::default().with_nulls_last(true),
    )
    .group_by_stable([col("theme"), col("jurisdiction_key")])
    .agg([
        col("label").first(),
        col("jurisdiction_en").first(),
        col("n_items").sum(),
        col("n_key_items").sum(),
        col("n_reports").sum(),
        col("year_first").min(),
        col("year_last").max(),
        col("example_title").drop_nulls().first(),
        col("example_evidence").first(),
        col("example_doc_id").first(),
    ])
}

/// How many places each theme recurs in, the lexicon's labels, the table's order.
fn finish_themes(per_place: LazyFrame, vocab: &Vocabulary) -> Result<LazyFrame> {
    let labels = df!(
        "theme" => vocab.themes.iter().map(|t| t.0.clone()).collect::<Vec<_>>(),
        "theme_zh" => vocab.themes.iter().map(|t| t.1.clone()).collect::<Vec<_>>(),
        "theme_en" => vocab.themes.iter().map(|t| t.2.clone()).collect::<Vec<_>>(),
    )?
    .lazy();
    let per_place = per_place
        .with_column(
            col("jurisdiction_key")
                .n_unique()
                .over([col("theme")])?
                .cast(DataType::Int64)
                .alias("n_jurisdictions"),
        )
        .with_column(col("n_jurisdictions").gt_eq(lit(2)).alias("recurring"));
    Ok(left_join(per_place, labels, "theme").sort_by_exprs(
        [
            col("n_jurisdictions"),
            col("theme"),
            col("jurisdiction_key"),
        ],
        SortMultipleOptions::default().with_order_descending_multi([true, false, false]),
    ))
}

/// Series per `trends` chunk. The long form has a row per series, year and metric (≈ 3.5 per
/// comparison row); built for the whole corpus at once it was stage 6's peak (≈ +70 MB at 100k
/// reports, growing with the corpus). At 300k reports, 8,192 still left trends the peak
/// (≈ 500 MB); 2,048 keeps it below the others, for ≈ 0.3 s more at 100k (query overhead).
pub const TRENDS_CHUNK_SERIES: usize = 2048;

/// `trends` for `chunk` series at a time, in series order, each chunk's rows handed to `sink`
/// in the table's order (series, metric, year): the chunks concatenated are the whole table.
pub fn trends_in_chunks(
    comparison: &DataFrame,
    chunk: usize,
    mut sink: impl FnMut(DataFrame) -> Result<()>,
) -> Result<()> {
    let mut series: Vec<String> = strings(comparison, "series_key")?
        .into_iter()
        .flatten()
        .collect();
    series.sort_unstable();
    series.dedup();
    for group in series.chunks(chunk.max(1)) {
        let (Some(lo), Some(hi)) = (group.first(), group.last()) else {
            continue;
        };
        let part = comparison
            .clone()
            .lazy()
            .filter(
                col("series_key")
                    .gt_eq(lit(lo.as_str()))
                    .and(col("series_key").lt_eq(lit(hi.as_str()))),
            )
            .collect()?;
        sink(trends(&part)?.collect()?)?;
    }
    Ok(())
}

/// Year-over-year changes for every series (jurisdiction × issuer × channel) with several
/// years: consecutive years present, the change as an interval [to_low − from_high,
/// to_high − from_low] so bounded figures never yield a falsely exact change.
fn trends(comparison: &DataFrame) -> Result<LazyFrame> {
    // The long form carries only keys and values (it has a row per series, year and metric);
    // the descriptive columns are joined back onto the pairs at the end.
    let base = [col("series_key"), col("year"), col("doc_id")];
    let metric = |name: &str, unit: &str, low: Expr, high: Expr, definition: Expr| {
        let mut e: Vec<Expr> = base.to_vec();
        e.extend([
            lit(name.to_string()).alias("metric"),
            lit(unit.to_string()).alias("unit"),
            low.cast(DataType::Float64).alias("low"),
            high.cast(DataType::Float64).alias("high"),
            definition.cast(DataType::String).alias("definition"),
        ]);
        comparison.clone().lazy().select(e)
    };
    let mut parts = vec![metric(
        "total_items",
        "count",
        col("total_items"),
        col("total_items"),
        col("total_items_qualifier"),
    )];
    for t in TIER_GROUPS {
        parts.push(metric(
            &format!("{t}_share"),
            "percent",
            col(format!("{t}_share_low")),
            col(format!("{t}_share_high")),
            col("universe"),
        ));
    }
    parts.push(metric(
        "satisfaction",
        "percent",
        col("satisfaction"),
        col("satisfaction"),
        col("satisfaction_definition"),
    ));
    let long = concat(parts, UnionArgs::default())?
        .filter(col("low").is_not_null().and(col("year").is_not_null()))
        .sort_by_exprs(
            [col("series_key"), col("metric"), col("year")],
            SortMultipleOptions::default(),
        );
    let long = long.collect()?.lazy();
    // `long` is sorted by series, metric and year (one row per series, metric and year), so
    // a pair is a row and the row above it when both have the same series and metric: a plain
    // shift, no window (a `shift().over()` per column grouped the long form five times).
    let prev = |c: &str| col(c).shift(lit(1));
    let pairs = long
        .with_columns([
            prev("year").alias("year_from"),
            prev("doc_id").alias("doc_id_from"),
            prev("low").alias("from_low"),
            prev("high").alias("from_high"),
            prev("definition").alias("definition_from"),
            col("series_key")
                .eq(prev("series_key"))
                .and(col("metric").eq(prev("metric")))
                .alias("same_series"),
        ])
        .filter(col("same_series"))
        .drop(cols(["same_series"]))
        .with_columns([
            col("year").alias("year_to"),
            col("doc_id").alias("doc_id_to"),
            col("low").alias("to_low"),
            col("high").alias("to_high"),
            col("definition").alias("definition_to"),
            pct(col("low") - col("from_high")).alias("change_low"),
            pct(col("high") - col("from_low")).alias("change_high"),
            col("from_low")
                .eq(col("from_high"))
                .and(col("low").eq(col("high")))
                .alias("exact"),
            // Same universe / same satisfaction definition / same kind of total on both ends.
            col("definition")
                .eq_missing(col("definition_from"))
                .alias("comparable"),
        ]);
    // Describe each pair by the later report's row (its label, issuer and channel).
    let later = comparison.clone().lazy().select([
        col("series_key"),
        col("year").alias("year_to"),
        col("label"),
        col("jurisdiction_key"),
        col("jurisdiction_en"),
        col("issuer_kind"),
        col("issuer_zh"),
        col("channel"),
    ]);
    let mut args = JoinArgs::new(JoinType::Left);
    args.maintain_order = MaintainOrderJoin::Left;
    Ok(pairs.join(
        later,
        [col("series_key"), col("year_to")],
        [col("series_key"), col("year_to")],
        args,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn repo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    /// Stages 1-5 over the bundled reports (seeds and cases: 13 year partitions, a few reports
    /// each) into a temp folder.
    fn bundled_output() -> (tempfile::TempDir, Vocabulary) {
        let dir = tempfile::tempdir().unwrap();
        let datasets = repo().join("datasets");
        let inputs = ["seeds", "cases"]
            .iter()
            .map(|c| banli::ingest::InputDir {
                root: datasets.join("reports").join(c),
                collection: c.to_string(),
            })
            .collect();
        let opts = banli::run::RunOptions {
            inputs,
            out: dir.path().to_path_buf(),
            datasets: datasets.clone(),
            ..Default::default()
        };
        banli::run::run(&opts).unwrap();
        let rules = banli::rules::Rules::load(&datasets).unwrap();
        (dir, Vocabulary::from_rules(&rules))
    }

    #[test]
    fn themes_folded_unit_by_unit_are_themes_summed_at_once() {
        let (dir, vocab) = bundled_output();
        let out = dir.path();
        let keys = jurisdiction_keys(&Src::all(out))
            .unwrap()
            .collect()
            .unwrap();
        let mut parts = Vec::new();
        let key_of = key_map(&keys).unwrap();
        for p in in_year_order(partitions(out).unwrap()) {
            for u in buckets(out, &p, &key_of, 1).unwrap() {
                let src = Src::bucket(out, &u.partition, u.docs.as_ref());
                let part = compare_partition(&src, &keys.clone().lazy(), &vocab).unwrap();
                parts.push(part.themes);
            }
        }
        assert!(parts.len() > 10, "{}", parts.len());
        let folded = merge_themes(parts.clone(), &vocab)
            .unwrap()
            .collect()
            .unwrap();
        let at_once = finish_themes(sum_themes(union_packed(parts).unwrap()), &vocab)
            .unwrap()
            .collect()
            .unwrap();
        assert!(folded.height() > 0);
        assert!(folded.equals_missing(&at_once));
    }

    #[test]
    fn comparing_a_year_in_buckets_gives_the_same_tables() {
        let (dir, vocab) = bundled_output();
        let whole = compare_in_buckets(dir.path(), &vocab, usize::MAX).unwrap();
        assert!(
            whole.comparison.height() >= 20,
            "{}",
            whole.comparison.height()
        );
        // The union of the units, unsorted, is in the table's order.
        let sorted = whole
            .comparison
            .clone()
            .lazy()
            .sort_by_exprs(
                [
                    col("year"),
                    col("jurisdiction_key"),
                    col("issuer_key"),
                    col("channel"),
                ],
                SortMultipleOptions::default().with_nulls_last(true),
            )
            .collect()
            .unwrap();
        assert!(whole.comparison.equals_missing(&sorted));
        let sorted_mix = whole
            .topic_mix
            .clone()
            .lazy()
            .sort_by_exprs(
                [
                    col("year"),
                    col("jurisdiction_key"),
                    col("doc_id"),
                    col("items_split"),
                    col("topic"),
                ],
                SortMultipleOptions::default()
                    .with_order_descending_multi([false, false, false, true, false])
                    .with_nulls_last(true),
            )
            .collect()
            .unwrap();
        assert!(whole.topic_mix.height() > 0);
        assert!(whole.topic_mix.equals_missing(&sorted_mix));
        assert!(whole.comparison.column("year").unwrap().null_count() > 0);
        // One jurisdiction per bucket, and two: every partition with several places is split.
        let units: usize = partitions(dir.path())
            .unwrap()
            .iter()
            .map(|p| buckets(dir.path(), p, &HashMap::new(), 1).unwrap().len())
            .sum();
        assert!(units > partitions(dir.path()).unwrap().len(), "{units}");
        for size in [1, 2] {
            let split = compare_in_buckets(dir.path(), &vocab, size).unwrap();
            for (name, a, b) in [
                ("comparison", &whole.comparison, &split.comparison),
                ("themes", &whole.themes, &split.themes),
                ("topic_mix", &whole.topic_mix, &split.topic_mix),
                ("failed_checks", &whole.failed_checks, &split.failed_checks),
            ] {
                assert!(a.equals_missing(b), "{name} differs with buckets of {size}");
            }
        }
    }
}
