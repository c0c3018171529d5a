//! `banli bench`: generate a synthetic corpus (or reuse one), run the whole pipeline on it with a
//! fresh output folder, and report speed per stage and end to end, peak memory, and accuracy
//! against the synthetic gold files.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::ingest::{self, InputDir};
use crate::rules::{Rules, bundled_datasets_dir};
use crate::run::{self, RunOptions};
use crate::score::ScoreReport;
use crate::synth::{self, SynthOptions};

#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub reports: usize,
    pub seed: u64,
    /// Keep the corpus here (and reuse it when it already holds reports).
    pub keep: Option<PathBuf>,
    /// Output folder for the run and `bench.json` (must be new or empty). Default: a temp folder.
    pub out: Option<PathBuf>,
    /// Skip grading (speed only).
    pub no_score: bool,
}

/// Speed of one stage.
#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    pub stage: String,
    pub wall_s: f64,
    pub reports_per_s: f64,
    pub mb_per_s: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldScore {
    pub field: String,
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    pub precision: f64,
    pub recall: f64,
}

/// Share of reports whose statistics (total, categories, shares, tiers, topics, rates) are all
/// right, for one value of one generator attribute (scheme, order, script …).
#[derive(Debug, Clone, Serialize)]
pub struct Slice {
    pub attribute: String,
    pub value: String,
    pub reports: usize,
    pub clean: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub reports: usize,
    pub seed: u64,
    pub corpus: String,
    pub corpus_kept: bool,
    pub generated: bool,
    pub synth_s: Option<f64>,
    pub input_files: usize,
    pub input_mb: f64,
    pub documents: usize,
    pub quarantined: usize,
    pub out: String,
    pub stages: Vec<Stage>,
    pub end_to_end: Stage,
    /// VmHWM during the run (reset before it where the kernel allows), in MB.
    pub peak_rss_mb: Option<f64>,
    pub peak_rss_reset: bool,
    pub threads: usize,
    pub cpus: usize,
    pub score_s: Option<f64>,
    pub accuracy: Vec<FieldScore>,
    pub slices: Vec<Slice>,
}

pub fn run(opts: &BenchOptions) -> Result<BenchReport> {
    let stamp = unique_stamp();
    let corpus = opts
        .keep
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("banli-bench-corpus-{stamp}")));
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("banli-bench-out-{stamp}")));
    ensure_fresh(&out)?;
    let (generated, synth_s) = prepare_corpus(&corpus, opts)?;
    let result = measure(opts, &corpus, &out, generated, synth_s);
    if opts.keep.is_none() {
        let _ = std::fs::remove_dir_all(&corpus);
    }
    let report = result?;
    let json = serde_json::to_vec_pretty(&report).map_err(|e| Error::Invalid(e.to_string()))?;
    crate::write::write_atomic(&out.join("bench.json"), &json)?;
    Ok(report)
}

fn measure(
    opts: &BenchOptions,
    corpus: &Path,
    out: &Path,
    generated: bool,
    synth_s: Option<f64>,
) -> Result<BenchReport> {
    let inputs = vec![InputDir {
        root: corpus.to_path_buf(),
        collection: "synth".into(),
    }];
    let (files, _) = ingest::discover(&inputs);
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(&f.path).ok())
        .map(|m| m.len())
        .sum();
    let mb = bytes as f64 / 1e6;
    let reset = reset_peak_rss();
    let run_opts = RunOptions {
        inputs,
        datasets: bundled_datasets_dir(),
        out: out.to_path_buf(),
        ..Default::default()
    };
    let t = Instant::now();
    let summary = run::run(&run_opts)?;
    let wall = t.elapsed().as_secs_f64();
    let peak = peak_rss_mb();
    let docs = summary.documents.max(1);
    let stages = stages_from_manifest(&out.join("manifest.json"), docs, mb);
    let (accuracy, slices, score_s) = if opts.no_score {
        (vec![], vec![], None)
    } else {
        grade(corpus)?
    };
    Ok(BenchReport {
        reports: files.len(),
        seed: opts.seed,
        corpus: corpus.display().to_string(),
        corpus_kept: opts.keep.is_some(),
        generated,
        synth_s,
        input_files: files.len(),
        input_mb: mb,
        documents: summary.documents,
        quarantined: summary.quarantined,
        out: out.display().to_string(),
        stages,
        end_to_end: stage("end to end", wall, docs, mb),
        peak_rss_mb: peak,
        peak_rss_reset: reset,
        threads: rayon::current_num_threads(),
        cpus: std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        score_s,
        accuracy,
        slices,
    })
}

fn unique_stamp() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{}-{nanos}", std::process::id())
}

fn ensure_fresh(out: &Path) -> Result<()> {
    let non_empty = std::fs::read_dir(out)
        .map(|mut rd| rd.next().is_some())
        .unwrap_or(false);
    if non_empty {
        return Err(Error::Invalid(format!(
            "output folder {} is not empty; banli bench needs a fresh one",
            out.display()
        )));
    }
    Ok(())
}

/// Generate the corpus unless `--keep` points at one that already holds reports.
fn prepare_corpus(corpus: &Path, opts: &BenchOptions) -> Result<(bool, Option<f64>)> {
    if opts.keep.is_some() {
        let (files, _) = ingest::discover(&[InputDir {
            root: corpus.to_path_buf(),
            collection: "synth".into(),
        }]);
        if !files.is_empty() {
            return Ok((false, None));
        }
    }
    let t = Instant::now();
    synth::generate(&SynthOptions {
        reports: opts.reports,
        seed: opts.seed,
        out: corpus.to_path_buf(),
    })?;
    Ok((true, Some(t.elapsed().as_secs_f64())))
}

fn stage(name: &str, secs: f64, docs: usize, mb: f64) -> Stage {
    let s = secs.max(1e-9);
    Stage {
        stage: name.to_string(),
        wall_s: secs,
        reports_per_s: docs as f64 / s,
        mb_per_s: mb / s,
    }
}

/// Per-stage times as the run recorded them in its manifest.
fn stages_from_manifest(path: &Path, docs: usize, mb: f64) -> Vec<Stage> {
    let Ok(src) = std::fs::read_to_string(path) else {
        return vec![];
    };
    let Ok(v) = serde_json::from_str::<Value>(&src) else {
        return vec![];
    };
    // Each report runs through ingest → extract on one worker, so those two are CPU time summed
    // over the workers (a per-core rate); the write stage is the writer's wall time.
    let names = [
        ("/worker_cpu_ms/ingest", "ingest (per core)"),
        (
            "/worker_cpu_ms/extract_normalize_validate",
            "extract+normalize+validate (per core)",
        ),
        ("/timings_ms/process", "read..validate, all workers"),
        ("/timings_ms/write", "write parquet"),
    ];
    names
        .iter()
        .filter_map(|(key, label)| {
            v.pointer(key)
                .and_then(Value::as_f64)
                .map(|ms| stage(label, ms / 1000.0, docs, mb))
        })
        .collect()
}

/// Linux: writing 5 to clear_refs resets the peak RSS (VmHWM) of this process.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// VmHWM from /proc/self/status, in MB.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn grade(corpus: &Path) -> Result<(Vec<FieldScore>, Vec<Slice>, Option<f64>)> {
    let rules = Rules::load(&bundled_datasets_dir())?;
    let t = Instant::now();
    let report = crate::score::score_dir(corpus, &rules)?;
    let secs = t.elapsed().as_secs_f64();
    let fields = report
        .fields
        .iter()
        .map(|(name, t)| FieldScore {
            field: name.clone(),
            tp: t.tp,
            fp: t.fp,
            fn_: t.fn_,
            precision: t.precision(),
            recall: t.recall(),
        })
        .collect();
    Ok((fields, slices(corpus, &report), Some(secs)))
}

/// Fields that make a report's statistics right or wrong.
const STAT_FIELDS: &[&str] = &[
    "total",
    "categories",
    "category_code",
    "category_pct",
    "tiers",
    "topics",
    "rates",
];

/// Reports with any miss or extra in the statistics fields, by their name in the score misses.
fn dirty_reports(report: &ScoreReport) -> std::collections::BTreeSet<String> {
    let mut dirty = std::collections::BTreeSet::new();
    for f in STAT_FIELDS {
        for m in &report.field(f).misses {
            let rest = m.split_once(": ").map(|(_, r)| r).unwrap_or(m);
            if let Some((name, _)) = rest.split_once(": ") {
                dirty.insert(name.to_string());
            }
        }
    }
    dirty
}

/// Clean-report share by generator attribute (read from each gold file's `synth` block).
fn slices(corpus: &Path, report: &ScoreReport) -> Vec<Slice> {
    let dirty = dirty_reports(report);
    let mut tally: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    let mut stack = vec![corpus.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let Some(stem) = p.to_str().and_then(|s| s.strip_suffix(".gold.json")) else {
                continue;
            };
            let Ok(src) = std::fs::read_to_string(&p) else {
                continue;
            };
            let Ok(gold) = serde_json::from_str::<Value>(&src) else {
                continue;
            };
            let name = Path::new(stem)
                .strip_prefix(corpus)
                .map(|r| r.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            let clean = !dirty.contains(&name);
            for attr in [
                "kind",
                "scheme",
                "order",
                "pct_style",
                "numerals",
                "script",
                "format",
                "encoding",
            ] {
                let value = gold
                    .pointer(&format!("/synth/{attr}"))
                    .and_then(Value::as_str)
                    .filter(|v| !v.is_empty())
                    .unwrap_or("-")
                    .to_string();
                let e = tally.entry((attr.to_string(), value)).or_default();
                e.0 += 1;
                e.1 += clean as usize;
            }
            for q in gold["quirks"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let e = tally
                    .entry(("quirk".to_string(), q.to_string()))
                    .or_default();
                e.0 += 1;
                e.1 += clean as usize;
            }
        }
    }
    tally
        .into_iter()
        .map(|((attribute, value), (reports, clean))| Slice {
            attribute,
            value,
            reports,
            clean,
        })
        .collect()
}

impl BenchReport {
    /// The readable table printed by `banli bench`.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "banli bench: {} reports, {:.1} MB, seed {}, {} threads on {} CPUs",
            self.input_files, self.input_mb, self.seed, self.threads, self.cpus
        );
        let _ = writeln!(
            s,
            "corpus {}{}",
            self.corpus,
            if self.generated { "" } else { " (reused)" }
        );
        if let Some(t) = self.synth_s {
            let _ = writeln!(
                s,
                "generated in {t:.2} s ({:.0} reports/s)",
                self.input_files as f64 / t.max(1e-9)
            );
        }
        let _ = writeln!(
            s,
            "\n{:<28} {:>9} {:>11} {:>9}",
            "stage", "wall s", "reports/s", "MB/s"
        );
        for st in self.stages.iter().chain(std::iter::once(&self.end_to_end)) {
            let _ = writeln!(
                s,
                "{:<28} {:>9.3} {:>11.0} {:>9.1}",
                st.stage, st.wall_s, st.reports_per_s, st.mb_per_s
            );
        }
        let rss = self
            .peak_rss_mb
            .map(|m| format!("{m:.0} MB"))
            .unwrap_or_else(|| "unknown".into());
        let _ = writeln!(
            s,
            "peak RSS {rss}{}",
            if self.peak_rss_reset {
                " (during the run)"
            } else {
                " (whole process)"
            }
        );
        let _ = writeln!(
            s,
            "documents {} (quarantined {}), output {}",
            self.documents, self.quarantined, self.out
        );
        if !self.accuracy.is_empty() {
            let _ = writeln!(
                s,
                "\naccuracy on the synthetic gold ({:.1} s)",
                self.score_s.unwrap_or(0.0)
            );
            let _ = writeln!(
                s,
                "{:<22} {:>6} {:>6} {:>6} {:>9} {:>7}",
                "field", "tp", "fp", "fn", "precision", "recall"
            );
            for f in &self.accuracy {
                let _ = writeln!(
                    s,
                    "{:<22} {:>6} {:>6} {:>6} {:>9.3} {:>7.3}",
                    f.field, f.tp, f.fp, f.fn_, f.precision, f.recall
                );
            }
            let _ = writeln!(
                s,
                "\nreports with every statistic right, by generator attribute"
            );
            let _ = writeln!(
                s,
                "{:<10} {:<36} {:>7} {:>7}",
                "attribute", "value", "reports", "clean"
            );
            for sl in &self.slices {
                let _ = writeln!(
                    s,
                    "{:<10} {:<36} {:>7} {:>6.1}%",
                    sl.attribute,
                    sl.value,
                    sl.reports,
                    100.0 * sl.clean as f64 / sl.reports.max(1) as f64
                );
            }
        }
        s
    }
}
