//! The batch: discover → ingest → extract → normalize → validate → write, over many reports.
//!
//! One bad report never takes the batch down: it is quarantined with a finding. Outputs are
//! written atomically under an exclusive lock on the output folder, and the manifest (the only
//! file with wall-clock times) is written last.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::cache::{Cache, EntryRef};
use crate::error::{Error, Result};
use crate::ingest::records::{self, Located};
use crate::ingest::{self, InputDir, Registry};
use crate::model::{Check, CheckStatus, Document, Finding, Processed, Severity};
use crate::rules::{Rules, hex};
use crate::write::sink::{self, Sinks};
use crate::write::{self, FileMeta, Table};

#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub inputs: Vec<InputDir>,
    pub registry: Option<PathBuf>,
    pub records_dir: Option<PathBuf>,
    pub out: PathBuf,
    pub datasets: PathBuf,
    pub year: Option<i32>,
    pub progress: bool,
    /// Keep a content-hash cache in `out/.cache` so reruns only process new or changed reports.
    pub cache: bool,
}

/// What a run did, for the CLI and tests.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    pub documents: usize,
    pub quarantined: usize,
    pub findings: BTreeMap<String, usize>,
    pub rows: BTreeMap<String, usize>,
    pub errors: usize,
    pub out: PathBuf,
}

/// The bundled collections: `datasets/reports/<collection>/`.
pub fn bundled_inputs(datasets: &Path) -> Vec<InputDir> {
    let reports = datasets.join("reports");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&reports)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs.into_iter()
        .map(|root| InputDir {
            collection: root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            root,
        })
        .collect()
}

/// Hold this while writing to an output folder; a second run waits for nothing and refuses.
pub struct OutputLock {
    _file: File,
}

pub fn lock_output(out: &Path) -> Result<OutputLock> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let lock = out.join(".banli.lock");
    let file = File::create(&lock).map_err(|e| Error::io(&lock, e))?;
    match file.try_lock() {
        Ok(()) => Ok(OutputLock { _file: file }),
        Err(_) => Err(Error::Locked {
            dir: out.to_path_buf(),
            lock,
        }),
    }
}

/// Reports processed together: bounds memory (each report's text is released on its worker, so
/// a chunk holds only processed rows) while giving rayon enough work, and sets how many rows the
/// writer thread turns into Arrow batches at once: each chunk becomes one small batch per table
/// and year partition, so 1,024 (was 256) cut the writer's instructions by ~30 % for ~11 MB more
/// resident memory. A constant, so outputs never depend on machine size.
pub const CHUNK: usize = 1024;

/// One input's fate, for the manifest (a plain struct: a batch can have millions of inputs).
#[derive(Debug, Clone, serde::Serialize)]
pub struct InputRow {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_id: Option<String>,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl InputRow {
    fn of(path: String, doc: &Document, status: &'static str, reason: Option<String>) -> InputRow {
        InputRow {
            path,
            sha256: Some(doc.sha256.clone()),
            bytes: Some(doc.bytes),
            doc_id: Some(doc.doc_id.clone()),
            status,
            reason,
        }
    }
}

/// Duplicate detection and per-input status rows, across chunks. Kept small per input (a
/// national batch has a million): a 128-bit content key and the kept copy's index in the file
/// list; `run` drains the status rows to a spill file after each chunk.
#[derive(Default)]
struct InputLog {
    /// content key → (index of the kept copy in the file list, its year handled).
    seen: HashMap<u128, (u32, Option<i32>)>,
    rows: Vec<InputRow>,
    /// (doc_id kept, path of the later copy, path kept, year of the kept copy): become
    /// `duplicate_report` checks.
    duplicates: Vec<(String, String, String, Option<i32>)>,
}

fn label_of(f: &ingest::SourceFile) -> String {
    format!("{}/{}", f.collection, f.rel_path)
}

/// The first 128 bits of a hex SHA-256: enough to tell reports apart, a quarter of the text.
fn content_key(sha256_hex: &str) -> u128 {
    sha256_hex
        .get(..32)
        .and_then(|h| u128::from_str_radix(h, 16).ok())
        .unwrap_or_else(|| {
            let digest = Sha256::digest(sha256_hex.as_bytes());
            digest[..16]
                .iter()
                .fold(0u128, |k, b| (k << 8) | u128::from(*b))
        })
}

impl InputLog {
    /// Keep the first of identical files; record every input's fate.
    fn admit(
        &mut self,
        files: &[ingest::SourceFile],
        index: usize,
        r: std::result::Result<(Document, Vec<Finding>), Finding>,
        findings: &mut Vec<Finding>,
    ) -> Option<Document> {
        let f = &files[index];
        let label = label_of(f);
        match r {
            Ok((doc, fs)) => {
                findings.extend(fs);
                let key = content_key(&doc.sha256);
                if let Some(&(first, year)) = self.seen.get(&key) {
                    let first = files.get(first as usize).map(label_of).unwrap_or_default();
                    self.duplicates
                        .push((doc.doc_id.clone(), label.clone(), first.clone(), year));
                    findings.push(
                        Finding::new(
                            &f.rel_path,
                            Severity::Warn,
                            "duplicate_report",
                            format!("same content as {first}; processed once"),
                        )
                        .doc(&doc.doc_id),
                    );
                    self.rows.push(InputRow::of(
                        label,
                        &doc,
                        "duplicate",
                        Some(format!("same content as {first}")),
                    ));
                    return None;
                }
                self.seen.insert(key, (index as u32, doc.meta.year_handled));
                self.rows.push(InputRow::of(label, &doc, "ok", None));
                Some(doc)
            }
            Err(finding) => {
                self.rows.push(InputRow {
                    path: label,
                    sha256: None,
                    bytes: None,
                    doc_id: None,
                    status: "quarantined",
                    reason: Some(finding.message.clone()),
                });
                findings.push(finding);
                None
            }
        }
    }
}

/// Per-input status rows on disk during the run (one per input file: a million in a national
/// batch), streamed into the manifest's `inputs` list at the end.
struct InputRowSpill {
    path: PathBuf,
    file: BufWriter<File>,
    quarantined: usize,
}

impl InputRowSpill {
    fn create(out: &Path) -> Result<InputRowSpill> {
        let path = out.join(format!(".inputs.jsonl.tmp-{}", std::process::id()));
        let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
        Ok(InputRowSpill {
            path,
            file: BufWriter::new(file),
            quarantined: 0,
        })
    }

    fn extend(&mut self, rows: impl Iterator<Item = InputRow>) -> Result<()> {
        for row in rows {
            self.quarantined += usize::from(row.status == "quarantined");
            serde_json::to_writer(&mut self.file, &row)
                .map_err(|e| Error::Invalid(e.to_string()))?;
            self.file
                .write_all(b"\n")
                .map_err(|e| Error::io(&self.path, e))?;
        }
        Ok(())
    }

    /// Write `fields` (a JSON object) as the manifest at `dest`, with `inputs` streamed from the
    /// spill, atomically; the spill is removed.
    fn write_manifest(mut self, dest: &Path, fields: &serde_json::Value) -> Result<()> {
        self.file.flush().map_err(|e| Error::io(&self.path, e))?;
        let spill = File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let rest =
            serde_json::to_string_pretty(fields).map_err(|e| Error::Invalid(e.to_string()))?;
        // `rest` is a non-empty pretty object, "{\n  \"key\": …\n}": `inputs` goes first.
        let rest = rest.strip_prefix("{\n").unwrap_or(&rest);
        write::write_atomic_with(dest, |w| {
            w.write_all(b"{\n  \"inputs\": [")?;
            for (i, line) in BufReader::new(spill).lines().enumerate() {
                let sep: &[u8] = if i == 0 { b"\n    " } else { b",\n    " };
                w.write_all(sep)?;
                w.write_all(line?.as_bytes())?;
            }
            w.write_all(b"\n  ],\n")?;
            w.write_all(rest.as_bytes())
        })?;
        let _ = std::fs::remove_file(&self.path);
        Ok(())
    }
}

/// What became of one input file in this run, before the run admits it.
enum Loaded {
    /// Processed now or taken from the cache (its text released either way).
    Processed(Box<Processed>),
    /// Ingested but not processed: outside the run's `--year`.
    OtherYear(Document),
}

impl Loaded {
    fn document(&self) -> &Document {
        match self {
            Loaded::Processed(p) => &p.doc,
            Loaded::OtherYear(d) => d,
        }
    }
}

/// Everything one input file goes through before the run admits it, on one worker while its
/// text is still in the CPU caches: read, hash, a cache entry for its bytes and place, or
/// ingest, extract, normalize, validate, release the text and cache the result.
///
/// Identical copies are all processed here and the later ones dropped at admission: copies
/// are rare, and admission is sequential (the first copy in path order is kept).
fn load_and_process(
    f: &ingest::SourceFile,
    ctx: &RunContext,
) -> std::result::Result<(Loaded, Vec<Finding>, bool), Finding> {
    let readable = std::fs::metadata(&f.path).is_ok_and(|m| m.len() <= ingest::MAX_FILE_BYTES);
    let (doc, ingest_findings) = match readable.then(|| std::fs::read(&f.path).ok()).flatten() {
        Some(bytes) => {
            let sha = hex(&Sha256::digest(&bytes));
            if let Some(e) = ctx.cache.get(&sha, &f.collection, &f.rel_path) {
                return Ok((
                    Loaded::Processed(Box::new(e.processed)),
                    e.ingest_findings,
                    true,
                ));
            }
            let t = Instant::now();
            let ingested = ingest::ingest_hashed(f, &bytes, sha, ctx.rules, ctx.registry);
            ctx.worker_time.add_ingest(t.elapsed());
            ingested?
        }
        None => ingest::ingest_file(f, ctx.rules, ctx.registry)?,
    };
    if ctx.year.is_some_and(|y| doc.meta.year_handled != Some(y)) {
        let mut doc = doc;
        doc.release_text(); // admission needs only its hash, size and id
        return Ok((Loaded::OtherYear(doc), ingest_findings, false));
    }
    let t = Instant::now();
    let mut p = process_one(doc, ctx.rules, ctx.records);
    ctx.worker_time.add_process(t.elapsed());
    p.doc.release_text();
    ctx.cache.put(&EntryRef {
        processed: &p,
        ingest_findings: &ingest_findings,
    });
    Ok((Loaded::Processed(Box::new(p)), ingest_findings, false))
}

/// What every worker of a run shares.
struct RunContext<'a> {
    rules: &'a Rules,
    registry: Option<&'a Registry>,
    records: &'a [Located],
    cache: &'a Cache,
    year: Option<i32>,
    worker_time: &'a WorkerTime,
}

/// Time the workers spent per stage, summed over threads (stages run back to back on each
/// report, so only their CPU time can be told apart, not their wall time).
#[derive(Default)]
struct WorkerTime {
    ingest_us: AtomicU64,
    process_us: AtomicU64,
}

impl WorkerTime {
    fn add_ingest(&self, d: Duration) {
        self.ingest_us
            .fetch_add(d.as_micros() as u64, Ordering::Relaxed);
    }
    fn add_process(&self, d: Duration) {
        self.process_us
            .fetch_add(d.as_micros() as u64, Ordering::Relaxed);
    }
    fn ms(v: &AtomicU64) -> u64 {
        v.load(Ordering::Relaxed) / 1000
    }
}

fn registry_fingerprint(path: Option<&Path>) -> String {
    path.and_then(|p| std::fs::read(p).ok())
        .map(|b| hex(&Sha256::digest(&b)))
        .unwrap_or_default()
}

fn records_fingerprint(records: &[Located]) -> String {
    let mut h = Sha256::new();
    for r in records {
        h.update(format!("{:?}", r.record).as_bytes());
    }
    hex(&h.finalize())
}

/// Temp files a killed run left behind (only ever ours: `.<name>.tmp-<pid>`), in the output
/// folder and its table partitions (`<table>/year=…/`); we hold the lock.
fn remove_stale_temp_files(out: &Path) {
    fn sweep(dir: &Path, depth: usize) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path();
            if name.starts_with('.') && name.contains(".tmp-") {
                let _ = std::fs::remove_file(&path);
            } else if depth > 0 && !name.starts_with('.') && path.is_dir() {
                sweep(&path, depth - 1);
            }
        }
    }
    sweep(out, 2);
}

/// Ingest every input at once (for `score`, `unmapped` and small batches); returns documents
/// (deduplicated, in path order) and per-input status rows.
pub fn ingest_all(
    opts: &RunOptions,
    rules: &Rules,
    registry: Option<&Registry>,
    findings: &mut Vec<Finding>,
) -> (Vec<Document>, Vec<InputRow>) {
    let (files, found) = ingest::discover(&opts.inputs);
    findings.extend(found);
    let results: Vec<_> = files
        .par_iter()
        .map(|f| ingest::ingest_file(f, rules, registry))
        .collect();
    let mut log = InputLog::default();
    let docs = results
        .into_iter()
        .enumerate()
        .filter_map(|(i, r)| log.admit(&files, i, r, findings))
        .collect();
    (docs, log.rows)
}

fn load_records(dir: Option<&Path>, findings: &mut Vec<Finding>) -> Vec<Located> {
    let Some(dir) = dir else { return vec![] };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let parsed = std::fs::read_to_string(&f)
            .map_err(|e| Error::io(&f, e))
            .and_then(|s| records::parse(&f, &s));
        match parsed {
            Ok(v) => out.extend(v),
            Err(e) => {
                let line = match &e {
                    Error::Record { line, .. } => Some(*line as u32),
                    _ => None,
                };
                findings.push(
                    Finding::new(
                        &f.display().to_string(),
                        Severity::Error,
                        "bad_record",
                        format!("{e}; this records file was skipped"),
                    )
                    .at(line, None),
                );
            }
        }
    }
    out
}

/// Process documents (extract, apply records, normalize, validate) in parallel.
pub fn process_all(docs: Vec<Document>, rules: &Rules, records: &[Located]) -> Vec<Processed> {
    let mut out: Vec<Processed> = docs
        .into_par_iter()
        .map(|doc| process_one(doc, rules, records))
        .collect();
    out.sort_by(|a, b| {
        (&a.doc.collection, &a.doc.source_path).cmp(&(&b.doc.collection, &b.doc.source_path))
    });
    out
}

/// Stages 2-4 for one document; pre-extracted records for it override extraction.
pub fn process_one(doc: Document, rules: &Rules, records: &[Located]) -> Processed {
    let mine: Vec<&Located> = records
        .iter()
        .filter(|r| r.record.doc() == doc.doc_id || r.record.doc() == doc.source_path)
        .collect();
    let mut extraction = crate::extract::extract(&doc, rules);
    if !mine.is_empty() {
        records::apply(&mine, &doc.source_path, &doc.doc_id, &mut extraction);
    }
    let outcomes = crate::normalize::normalize(&doc.meta, &mut extraction, rules);
    let checks = crate::validate::validate(&extraction, &outcomes.whole);
    Processed {
        doc,
        extraction,
        outcomes: outcomes.whole,
        channel_outcomes: outcomes.by_channel,
        checks,
    }
}

/// Run the whole batch and write `opts.out`, streaming reports through the stages in chunks.
pub fn run(opts: &RunOptions) -> Result<RunSummary> {
    let (summary, nothing) = run_then(opts, |_| {
        Ok::<_, std::convert::Infallible>((ManifestExtra::new(), ()))
    })?;
    let () = nothing.unwrap_or_else(|never| match never {});
    Ok(summary)
}

/// Fields a step run after the tables (stage 6, in the CLI) adds to the manifest; an object
/// already there (`rows`, `timings_ms`) is extended, anything else is set.
pub type ManifestExtra = serde_json::Map<String, serde_json::Value>;

/// Run the batch, then `after` while the output folder is still locked and every table is in
/// place (it gets the run's file metadata); the manifest is written once, last, with its
/// fields. If `after` fails, the manifest is written without them and its error is returned
/// beside the summary.
pub fn run_then<T, E>(
    opts: &RunOptions,
    after: impl FnOnce(&FileMeta) -> std::result::Result<(ManifestExtra, T), E>,
) -> Result<(RunSummary, std::result::Result<T, E>)> {
    let started = SystemTime::now();
    let t0 = Instant::now();
    let rules = Rules::load(&opts.datasets)?;
    let registry = opts.registry.as_deref().map(Registry::load).transpose()?;
    let _lock = lock_output(&opts.out)?;
    remove_stale_temp_files(&opts.out);
    let mut findings = Vec::new();
    if let Some(reg) = &registry {
        let roots: Vec<&Path> = opts.inputs.iter().map(|i| i.root.as_path()).collect();
        findings.extend(reg.missing(&roots));
    }
    let records = load_records(opts.records_dir.as_deref(), &mut findings);
    let (files, found) = ingest::discover(&opts.inputs);
    findings.extend(found);
    let t_setup = t0.elapsed();

    let meta = FileMeta {
        inputs_sha256: String::new(),
        rules_sha256: rules.fingerprint.clone(),
    };
    let schemas = write::tables::all(&[], &[], &rules);
    let data_tables: Vec<&Table> = schemas.iter().filter(|t| t.name != "findings").collect();
    let data_schemas: Vec<Table> = data_tables.into_iter().cloned().collect();
    let sinks = Sinks::create(&opts.out, &data_schemas, &meta)?;
    let mut log = InputLog::default();
    let mut input_rows = InputRowSpill::create(&opts.out)?;
    let mut inputs_hasher = Sha256::new();
    let cache = Cache::new(
        &opts.out,
        &[
            &rules.fingerprint,
            &registry_fingerprint(opts.registry.as_deref()),
            &records_fingerprint(&records),
        ],
        opts.cache,
    );
    let mut cache_hits = 0usize;
    let worker_time = WorkerTime::default();
    let (mut documents, mut t_process, mut t_admit) = (0usize, Duration::ZERO, Duration::ZERO);
    // A writer thread turns each processed chunk into table rows and spills them while the
    // next chunk is read and processed (writing was a serial step of every chunk). One chunk
    // waits at most, so memory stays that of two or three chunks.
    let (to_writer, chunks_in) = std::sync::mpsc::sync_channel::<Vec<Processed>>(1);
    let writer = std::thread::spawn({
        let rules = rules.clone();
        move || write_chunks(sinks, chunks_in, &rules)
    });
    let ctx = RunContext {
        rules: &rules,
        registry: registry.as_ref(),
        records: &records,
        cache: &cache,
        year: opts.year,
        worker_time: &worker_time,
    };
    for (k, chunk) in files.chunks(CHUNK).enumerate() {
        let t = Instant::now();
        let results: Vec<_> = chunk
            .par_iter()
            .map(|f| load_and_process(f, &ctx))
            .collect();
        t_process += t.elapsed();
        let t = Instant::now();
        let mut processed: Vec<Processed> = Vec::with_capacity(results.len());
        for (j, r) in results.into_iter().enumerate() {
            let i = k * CHUNK + j;
            match r {
                Ok((loaded, fs, hit)) => {
                    let doc = loaded.document().clone();
                    let admitted = log.admit(&files, i, Ok((doc, fs)), &mut findings).is_some();
                    // Cached reports of other years are left out here (fresh ones before
                    // processing).
                    if admitted
                        && let Loaded::Processed(p) = loaded
                        && opts.year.is_none_or(|y| p.doc.meta.year_handled == Some(y))
                    {
                        cache_hits += usize::from(hit);
                        processed.push(*p);
                    }
                }
                Err(e) => {
                    log.admit(&files, i, Err(e), &mut findings);
                }
            }
        }
        input_rows.extend(log.rows.drain(..))?;
        processed.sort_by(|a, b| {
            (&a.doc.collection, &a.doc.source_path).cmp(&(&b.doc.collection, &b.doc.source_path))
        });
        for p in &processed {
            findings.extend(p.extraction.findings.iter().cloned());
            inputs_hasher.update(p.doc.sha256.as_bytes());
        }
        documents += processed.len();
        t_admit += t.elapsed();
        if to_writer.send(processed).is_err() {
            break; // the writer failed: its error is returned below
        }
    }
    drop(to_writer);
    let (mut sinks, mut t_write) = writer
        .join()
        .map_err(|_| Error::Invalid("the table writer thread panicked".into()))??;
    cache.finish(); // commits this run's cache generation
    let t = Instant::now();
    // Only copies of a report that was written (the year filter may have left it out).
    log.duplicates
        .retain(|(_, _, _, year)| opts.year.is_none_or(|y| *year == Some(y)));
    let duplicate_checks: Vec<Check> = log
        .duplicates
        .iter()
        .map(|(_, copy, kept, _)| Check {
            check: "duplicate_report".into(),
            status: CheckStatus::Warn,
            expected: Some("one file per report".into()),
            observed: Some(copy.clone()),
            message: format!("{copy} has the same content as {kept}; it was processed once"),
            subject: Some(format!("file:{copy}")),
        })
        .collect();
    for ((id, _, _, year), c) in log.duplicates.iter().zip(&duplicate_checks) {
        let row = write::tables::checks_of(vec![(id.as_str(), c)]);
        sinks.append(&sink::year_partition(*year), &[row])?;
    }
    let owned = opts.year.map(|y| sink::year_partition(Some(y)));
    if documents == 0 && !sink::has_other_partitions(&opts.out, "documents", owned.as_deref()) {
        // Nothing to write and nothing kept from earlier runs: one empty partition still gives
        // readers (and stage 6) every table's schema.
        sinks.append(&sink::year_partition(None), &[])?;
    }
    findings.sort_by(|a, b| {
        (&a.source_path, a.line, &a.code, &a.message).cmp(&(
            &b.source_path,
            b.line,
            &b.code,
            &b.message,
        ))
    });
    let findings_table = write::tables::findings(&findings);
    let meta = FileMeta {
        inputs_sha256: hex(&inputs_hasher.finalize()),
        ..meta
    };
    let done = sinks.finish()?;
    let table_names: Vec<&str> = data_schemas.iter().map(|t| t.name).collect();
    sink::remove_stale_partitions(&opts.out, &table_names, &done.partitions, owned.as_deref())?;
    let mut rows: BTreeMap<String, usize> = done
        .rows
        .into_iter()
        .map(|(n, r)| (n.to_string(), r))
        .collect();
    write::write_table(&opts.out, &findings_table, &meta)?;
    rows.insert("findings".into(), findings_table.rows());
    let dp = serde_json::to_vec_pretty(&write::datapackage(&schemas))
        .map_err(|e| Error::Invalid(e.to_string()))?;
    write::write_atomic(&opts.out.join("datapackage.json"), &dp)?;
    t_write += t.elapsed();

    let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
    for f in &findings {
        *by_code
            .entry(format!("{}:{}", f.severity.as_str(), f.code))
            .or_default() += 1;
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let quarantined = input_rows.quarantined;
    // What grows with the number of inputs is freed before `after` (stage 6) runs: the file
    // list, the duplicate index and the findings.
    drop((files, log, findings, findings_table));
    let t_after = Instant::now();
    let after = after(&meta);
    let t_after = t_after.elapsed();
    let mut manifest = json!({
        "banli_version": env!("CARGO_PKG_VERSION"),
        "schema_version": write::SCHEMA_VERSION,
        "started_at": rfc3339(started),
        "inputs_sha256": meta.inputs_sha256,
        "rules_sha256": meta.rules_sha256,
        "year_filter": opts.year,
        "partitions_written": done.partitions,
        "registry": opts.registry.as_ref().map(|p| p.display().to_string()),
        "quarantined": quarantined,
        "cache": { "hits": cache_hits, "misses": documents - cache_hits.min(documents) },
        "rows": rows,
        "findings": by_code,
        // Per stage, summed over worker threads: each report goes through all stages on one.
        "worker_cpu_ms": {
            "ingest": WorkerTime::ms(&worker_time.ingest_us),
            "extract_normalize_validate": WorkerTime::ms(&worker_time.process_us),
        },
        "timings_ms": {
            "setup": t_setup.as_millis() as u64,
            "process": t_process.as_millis() as u64,
            "admit": t_admit.as_millis() as u64,
            "write": t_write.as_millis() as u64,
            "total": (t0.elapsed() - t_after).as_millis() as u64,
        },
    });
    let after = after.map(|(extra, value)| {
        merge_fields(&mut manifest, extra);
        value
    });
    input_rows.write_manifest(&opts.out.join("manifest.json"), &manifest)?;
    let summary = RunSummary {
        documents,
        quarantined,
        findings: by_code,
        rows,
        errors,
        out: opts.out.clone(),
    };
    Ok((summary, after))
}

/// Add `extra` to the manifest object: objects present in both are extended, others set.
fn merge_fields(manifest: &mut serde_json::Value, extra: ManifestExtra) {
    let Some(fields) = manifest.as_object_mut() else {
        return;
    };
    for (k, v) in extra {
        match (fields.get_mut(&k), v) {
            (Some(serde_json::Value::Object(have)), serde_json::Value::Object(more)) => {
                have.extend(more)
            }
            (_, v) => {
                fields.insert(k, v);
            }
        }
    }
}

/// The writer thread: each processed chunk's rows into its year partitions' spills; returns the
/// sinks and the time spent.
fn write_chunks(
    mut sinks: Sinks,
    chunks: std::sync::mpsc::Receiver<Vec<Processed>>,
    rules: &Rules,
) -> Result<(Sinks, Duration)> {
    let mut busy = Duration::ZERO;
    for processed in chunks {
        let t = Instant::now();
        for (partition, group) in by_partition(processed) {
            sinks.append(&partition, &write::tables::all(&group, &[], rules))?;
        }
        crate::memory::release_free_memory();
        busy += t.elapsed();
    }
    Ok((sinks, busy))
}

/// Split a chunk's reports by year partition, keeping their order within each.
fn by_partition(processed: Vec<Processed>) -> BTreeMap<String, Vec<Processed>> {
    let mut groups: BTreeMap<String, Vec<Processed>> = BTreeMap::new();
    for p in processed {
        groups
            .entry(sink::year_partition(p.doc.meta.year_handled))
            .or_default()
            .push(p);
    }
    groups
}

fn rfc3339(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // civil_from_days (Howard Hinnant)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
