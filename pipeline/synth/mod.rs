//! `banli synth`: a deterministic generator of realistic reports with gold files.
//!
//! Each report is `OUT/<region>/<id>.txt` (or `.html`; UTF-8, GB18030 or UTF-16 with BOM) with
//! `OUT/<region>/<id>.gold.json` beside it in the corpus gold format. The same seed gives
//! byte-identical files: report `i` is drawn from its own PRNG stream `(seed, i)`, so the files
//! do not depend on the thread count.
//!
//! Wording, schemes and printing quirks follow the domain primer and the real cases (three-tier
//! uncoded, A/B/C, A/B/C/D with C = planned, 甲/乙/丙, time horizons, two buckets, nested 其中,
//! aggregate-only shares, no scheme; label/count/code in every order; 占X%, 占总数的X%, 占比X%,
//! X %, X%%, 7.70; full-width and Chinese numerals; traditional characters; web boilerplate; PDF
//! line breaks), not from how the extractor works.

mod blocks;
mod gold;
mod numerals;
mod phrases;
mod places;
mod render;
mod report;
mod rng;
mod schemes;
mod style;
mod trad;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};
pub use rng::Rng;

/// Options for the generator.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    pub reports: usize,
    pub seed: u64,
    pub out: PathBuf,
}

/// One generated report in memory.
pub struct Generated {
    /// `<region>/<id>` without extension.
    pub stem: String,
    pub ext: &'static str,
    pub bytes: Vec<u8>,
    pub gold_json: Vec<u8>,
}

/// Generate report `index` of the corpus for `seed` (pure: no I/O).
pub fn generate_one(seed: u64, index: u64) -> Result<Generated> {
    let mut rng = Rng::for_report(seed, index);
    let mut composed = report::compose(&mut rng, seed, index);
    let file = render::render(&mut rng, &mut composed);
    let g = &composed.gold;
    let channel = match g.channel.as_str() {
        "npc_suggestion" => "renda",
        "cppcc_proposal" => "zhengxie",
        _ => "jianyi-tian",
    };
    let year = g
        .year_handled
        .map(|y| y.to_string())
        .unwrap_or_else(|| "nd".into());
    let stem = format!(
        "{}/{index:06}-{}-{channel}-{year}",
        composed.place.region, composed.place.slug
    );
    let mut gold_json = serde_json::to_vec_pretty(&composed.gold)
        .map_err(|e| Error::Invalid(format!("gold for report {index}: {e}")))?;
    gold_json.push(b'\n');
    Ok(Generated {
        stem,
        ext: file.ext,
        bytes: file.bytes,
        gold_json,
    })
}

/// Generate `reports` reports (`.txt`/`.html`) and a `.gold.json` for each under `out`.
/// Returns the number of reports written.
pub fn generate(opts: &SynthOptions) -> Result<usize> {
    std::fs::create_dir_all(&opts.out).map_err(|e| Error::io(&opts.out, e))?;
    (0..opts.reports as u64)
        .into_par_iter()
        .try_for_each(|i| write_one(&opts.out, generate_one(opts.seed, i)?))?;
    Ok(opts.reports)
}

fn write_one(out: &Path, g: Generated) -> Result<()> {
    let report = out.join(format!("{}.{}", g.stem, g.ext));
    if let Some(dir) = report.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    std::fs::write(&report, &g.bytes).map_err(|e| Error::io(&report, e))?;
    let gold = out.join(format!("{}.gold.json", g.stem));
    std::fs::write(&gold, &g.gold_json).map_err(|e| Error::io(&gold, e))?;
    Ok(())
}
