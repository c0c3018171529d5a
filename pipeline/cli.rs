//! Command-line interface: argument parsing, progress, messages and exit codes.
//! Exit codes: 0 ok; 1 finished with error-level findings under `--strict`; 2 could not run.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use banli::ingest::{self, InputDir};
use banli::rules::{Rules, bundled_datasets_dir};
use banli::run::{self, RunOptions};

#[derive(Parser, Debug)]
#[command(
    name = "banli",
    version,
    about = "Turn reports on handling deputies' suggestions (人大代表建议) and CPPCC proposals (政协提案) into comparable data",
    after_help = "Examples:\n  banli run                              # the bundled reports → outputs/\n  banli run --input ~/reports --out /tmp/out\n  banli run --year 2022                  # only reports handled in 2022\n  banli explain datasets/reports/seeds/000_6eb6392cfb31baf9.txt\n  banli score --gold datasets/reports/cases\n  banli unmapped --input ~/new-city"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run every stage on the inputs and write Parquet tables, the data dictionary and a manifest.
    Run(RunArgs),
    /// Ingest only: print what each file decodes to and the metadata inferred.
    Ingest(InputArgs),
    /// Print each extracted row of one report beside its evidence sentence.
    Explain(ExplainArgs),
    /// Grade extraction against *.gold.json files (precision and recall per field, misses listed).
    Score(ScoreArgs),
    /// List category labels, topics and rates that no rule or crosswalk covered.
    Unmapped(InputArgs),
    /// Write the data dictionary (docs/DATA.md) and datapackage.json from the schema definitions.
    Dictionary(DictionaryArgs),
    /// Generate a deterministic synthetic corpus of reports with gold files.
    Synth(SynthArgs),
    /// Benchmark: generate a synthetic corpus, run every stage on it, report speed, memory and accuracy.
    Bench(BenchArgs),
}

#[derive(Args, Debug)]
struct BenchArgs {
    /// Number of reports to generate.
    #[arg(long, default_value_t = 2000)]
    reports: usize,
    /// Random seed for the corpus.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Keep the corpus in DIR (reused as is when it already holds reports).
    #[arg(long, value_name = "DIR")]
    keep: Option<PathBuf>,
    /// Output folder for the run and bench.json (new or empty). Default: a temporary folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Speed only: do not grade against the gold files.
    #[arg(long)]
    no_score: bool,
}

#[derive(Args, Debug)]
struct SynthArgs {
    /// Number of reports.
    #[arg(long, default_value_t = 1000)]
    reports: usize,
    /// Random seed (same seed, same corpus).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

#[derive(Args, Debug, Clone)]
struct InputArgs {
    /// Folder of reports (recursive). Repeatable. Default: the bundled collections.
    #[arg(long = "input", value_name = "DIR")]
    inputs: Vec<PathBuf>,
    /// Source registry (TOML) stating metadata. Default: datasets/sources.toml for bundled data, none for --input.
    #[arg(long, value_name = "FILE")]
    registry: Option<PathBuf>,
    /// Ignore any registry: infer all metadata from the text.
    #[arg(long)]
    no_registry: bool,
    /// Rules and lexicons folder.
    #[arg(long, value_name = "DIR")]
    datasets: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct RunArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output folder.
    #[arg(long, value_name = "DIR", default_value = "outputs")]
    out: PathBuf,
    /// Only reports handled in this year.
    #[arg(long)]
    year: Option<i32>,
    /// Exit with code 1 when any error-level finding exists.
    #[arg(long)]
    strict: bool,
    /// Do not keep the content-hash cache in OUT/.cache (by default a rerun only re-extracts
    /// new or changed reports, with the same outputs as a full run).
    #[arg(long)]
    no_cache: bool,
    /// Skip stage 6 (comparison tables, charts, report page).
    #[arg(long)]
    no_compare: bool,
    /// Folder of pre-extracted records (*.jsonl). Default: datasets/records for bundled data.
    #[arg(long, value_name = "DIR")]
    records: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct ExplainArgs {
    /// The report file.
    report: PathBuf,
    /// Also print the normalized text the rules read (half-width, simplified, joined lines).
    #[arg(long)]
    text: bool,
    #[arg(long, value_name = "DIR")]
    datasets: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct ScoreArgs {
    /// Folder with reports and their *.gold.json files.
    #[arg(long, value_name = "DIR")]
    gold: PathBuf,
    /// Print every miss, not only the summary.
    #[arg(long)]
    verbose: bool,
    #[arg(long, value_name = "DIR")]
    datasets: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct DictionaryArgs {
    /// Where to write the Markdown dictionary.
    #[arg(long, default_value = "docs/DATA.md")]
    md: PathBuf,
    /// Where to write datapackage.json (also written by every run).
    #[arg(long)]
    datapackage: Option<PathBuf>,
}

/// Write to stdout; a closed pipe (`banli explain … | head`) ends the program quietly.
fn emit(s: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("banli: error: writing output: {e}");
        std::process::exit(2);
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("banli: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

struct Resolved {
    inputs: Vec<InputDir>,
    registry: Option<PathBuf>,
    datasets: PathBuf,
    bundled: bool,
}

fn resolve(a: &InputArgs) -> Resolved {
    let datasets = a.datasets.clone().unwrap_or_else(bundled_datasets_dir);
    let bundled = a.inputs.is_empty();
    let inputs = if bundled {
        run::bundled_inputs(&datasets)
    } else {
        a.inputs
            .iter()
            .map(|p| InputDir {
                root: p.clone(),
                collection: p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "input".into()),
            })
            .collect()
    };
    let default_registry = datasets.join("sources.toml");
    let registry = if a.no_registry {
        None
    } else if a.registry.is_some() {
        a.registry.clone()
    } else if bundled && default_registry.exists() {
        Some(default_registry)
    } else {
        None
    };
    Resolved {
        inputs,
        registry,
        datasets,
        bundled,
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Run(a) => cmd_run(a),
        Command::Ingest(a) => cmd_ingest(a),
        Command::Explain(a) => cmd_explain(a),
        Command::Score(a) => cmd_score(a),
        Command::Unmapped(a) => cmd_unmapped(a),
        Command::Dictionary(a) => cmd_dictionary(a),
        Command::Synth(a) => {
            let n = banli::synth::generate(&banli::synth::SynthOptions {
                reports: a.reports,
                seed: a.seed,
                out: a.out.clone(),
            })?;
            eprintln!(
                "banli: wrote {n} reports with gold files to {}",
                a.out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(a) => {
            let opts = banli::bench::BenchOptions {
                reports: a.reports,
                seed: a.seed,
                keep: a.keep,
                out: a.out,
                no_score: a.no_score,
            };
            let report = banli::bench::run(&opts)?;
            emit(&report.render());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn cmd_run(a: RunArgs) -> Result<ExitCode> {
    let r = resolve(&a.input);
    let records_dir = a
        .records
        .clone()
        .or_else(|| r.bundled.then(|| r.datasets.join("records")));
    let opts = RunOptions {
        inputs: r.inputs,
        registry: r.registry,
        records_dir,
        out: a.out.clone(),
        datasets: r.datasets,
        year: a.year,
        progress: std::io::stderr().is_terminal(),
        cache: !a.no_cache,
    };
    let spinner = opts.progress.then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message("processing reports…");
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb
    });
    let (summary, analytics) = if a.no_compare {
        let summary =
            run::run(&opts).with_context(|| format!("running banli into {}", a.out.display()))?;
        (summary, None)
    } else {
        let (summary, analytics) = run::run_then(&opts, |meta| {
            if let Some(pb) = &spinner {
                pb.set_message("comparing, drawing charts…");
            }
            compare_outputs(&opts, meta)
        })
        .with_context(|| format!("running banli into {}", a.out.display()))?;
        let analytics = analytics
            .with_context(|| format!("comparing the reports in {} (stage 6)", a.out.display()))?;
        (summary, Some(analytics))
    };
    if let Some(pb) = spinner {
        pb.finish_and_clear();
    }
    eprintln!(
        "banli: {} reports → {} ({} quarantined); rows: {}",
        summary.documents,
        summary.out.display(),
        summary.quarantined,
        summary
            .rows
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(an) = &analytics {
        eprintln!(
            "banli: compared → {} ({} charts); rows: {}",
            an.report.display(),
            an.charts.len(),
            an.rows
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if summary.errors > 0 {
        eprintln!(
            "banli: {} error-level finding(s); see {}/findings.parquet and manifest.json",
            summary.errors,
            summary.out.display()
        );
        if a.strict {
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_ingest(a: InputArgs) -> Result<ExitCode> {
    let r = resolve(&a);
    let rules = Rules::load(&r.datasets)?;
    let registry = r
        .registry
        .as_deref()
        .map(ingest::Registry::load)
        .transpose()?;
    let (files, mut findings) = ingest::discover(&r.inputs);
    for f in &files {
        match ingest::ingest_file(f, &rules, registry.as_ref()) {
            Ok((doc, fs)) => {
                let m = &doc.meta;
                emit(&format!(
                    "{}/{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                    f.collection,
                    f.rel_path,
                    doc.encoding,
                    m.jurisdiction_zh.as_deref().unwrap_or("-"),
                    m.province_zh.as_deref().unwrap_or("-"),
                    m.admin_level.as_deref().unwrap_or("-"),
                    m.channel.as_deref().unwrap_or("-"),
                    m.year_handled.map(|y| y.to_string()).unwrap_or("-".into()),
                    m.report_date.map(|d| d.iso()).unwrap_or("-".into()),
                ));
                findings.extend(fs);
            }
            Err(e) => findings.push(e),
        }
    }
    for f in findings {
        eprintln!(
            "{}: {}: {} ({})",
            f.source_path,
            f.severity.as_str(),
            f.message,
            f.code
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_explain(a: ExplainArgs) -> Result<ExitCode> {
    let datasets = a.datasets.unwrap_or_else(bundled_datasets_dir);
    let rules = Rules::load(&datasets)?;
    let src = ingest::SourceFile {
        collection: "explain".into(),
        rel_path: a.report.display().to_string(),
        path: a.report.clone(),
        format: ingest::format_of(&a.report).unwrap_or(banli::model::Format::Txt),
    };
    let (doc, _) = ingest::ingest_file(&src, &rules, None)
        .map_err(|f| anyhow::anyhow!("{}: {}", f.source_path, f.message))?;
    let p = run::process_all(vec![doc], &rules, &[])
        .pop()
        .context("no document")?;
    if a.text {
        emit(&format!("{}\n", banli::score::normalized_text(&p)));
    }
    emit(&banli::score::explain(&p));
    Ok(ExitCode::SUCCESS)
}

fn cmd_score(a: ScoreArgs) -> Result<ExitCode> {
    let datasets = a.datasets.unwrap_or_else(bundled_datasets_dir);
    let rules = Rules::load(&datasets)?;
    let report = banli::score::score_dir(&a.gold, &rules)?;
    emit(&report.render(a.verbose));
    Ok(ExitCode::SUCCESS)
}

fn cmd_unmapped(a: InputArgs) -> Result<ExitCode> {
    let r = resolve(&a);
    let rules = Rules::load(&r.datasets)?;
    let opts = RunOptions {
        inputs: r.inputs,
        datasets: r.datasets,
        ..Default::default()
    };
    let mut findings = Vec::new();
    let (docs, _) = run::ingest_all(&opts, &rules, None, &mut findings);
    let processed = run::process_all(docs, &rules, &[]);
    emit(&banli::score::unmapped(&processed));
    Ok(ExitCode::SUCCESS)
}

/// Stage 6 over everything in the output folder (all years present), run by the core while it
/// still holds the folder's lock; rewrites the data package with the analytics tables and
/// returns what the manifest gains.
fn compare_outputs(
    opts: &RunOptions,
    meta: &banli::write::FileMeta,
) -> Result<(run::ManifestExtra, banli_analytics::Summary)> {
    let out = &opts.out;
    let rules = Rules::load(&opts.datasets)?;
    let vocab = banli_analytics::Vocabulary::from_rules(&rules);
    let summary = banli_analytics::analyze(out, &vocab, meta)?;

    let mut tables = banli::write::tables::all(&[], &[], &rules);
    tables.extend(banli_analytics::schemas());
    banli::write::write_atomic(
        &out.join("datapackage.json"),
        &serde_json::to_vec_pretty(&banli::write::datapackage(&tables))?,
    )?;
    let charts: Vec<serde_json::Value> = summary
        .charts
        .iter()
        .map(|c| {
            serde_json::json!({
                "name": c.name,
                "title": c.title,
                "svg": format!("charts/{}.svg", c.name),
                "png": format!("charts/{}.png", c.name),
            })
        })
        .collect();
    let mut extra = run::ManifestExtra::new();
    extra.insert("rows".into(), serde_json::json!(summary.rows));
    extra.insert("timings_ms".into(), serde_json::json!(summary.timings_ms));
    extra.insert("charts".into(), serde_json::Value::Array(charts));
    extra.insert("report".into(), serde_json::json!("report.html"));
    extra.insert(
        "versions".into(),
        serde_json::json!({
            "banli": env!("CARGO_PKG_VERSION"),
            "schema": banli::write::SCHEMA_VERSION,
            "polars": banli_analytics::POLARS_VERSION,
        }),
    );
    Ok((extra, summary))
}

fn cmd_dictionary(a: DictionaryArgs) -> Result<ExitCode> {
    let rules = Rules::bundled()?;
    let mut tables = banli::write::tables::all(&[], &[], &rules);
    tables.extend(banli_analytics::schemas());
    let md = banli::write::data_dictionary_md(&tables);
    banli::write::write_atomic(&a.md, md.as_bytes())?;
    if let Some(dp) = a.datapackage {
        banli::write::write_atomic(
            &dp,
            &serde_json::to_vec_pretty(&banli::write::datapackage(&tables))?,
        )?;
    }
    eprintln!("banli: wrote {}", a.md.display());
    Ok(ExitCode::SUCCESS)
}
