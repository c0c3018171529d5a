//! `banli synth`: a deterministic generator of realistic reports with gold files (stub; see issue 7).

use std::path::PathBuf;

use crate::error::Result;

/// Options for the generator.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    pub reports: usize,
    pub seed: u64,
    pub out: PathBuf,
}

/// Generate `reports` reports (`.txt`/`.html`) and a `.gold.json` for each under `out`.
pub fn generate(_opts: &SynthOptions) -> Result<usize> {
    Err(crate::error::Error::Invalid("banli synth is not implemented yet".into()))
}
