//! banli (办理): turns Chinese governments' reports on handling deputies' suggestions (人大代表建议)
//! and CPPCC proposals (政协提案) into comparable, provenance-tracked tables.
//!
//! Stages, each a module, with the types that cross them in [`model`]:
//!
//! 1. [`ingest`]: files → [`model::Document`] (decode, strip HTML, normalize text with a map back
//!    to the original, infer metadata, apply the registry);
//! 2. [`extract`]: document → [`model::Extraction`] (every statistic with its span and sentence);
//! 3. [`normalize`]: source categories → common tiers, topics → common taxonomy, outcome bounds;
//! 4. [`validate`]: each report against itself → [`model::Check`]s;
//! 5. [`write`]: Parquet tables and the data dictionary.
//!
//! [`run`] chains them over a batch; [`score`] grades extraction against gold files. Rules,
//! lexicons and crosswalks are data in `datasets/`, loaded by [`rules`].

pub mod bench;
pub mod cache;
pub mod error;
pub mod extract;
pub mod gazetteer;
pub mod ingest;
pub mod memory;
pub mod model;
pub mod normalize;
pub mod numbers;
pub mod rules;
pub mod run;
pub mod score;
pub mod synth;
pub mod threads;
pub mod validate;
pub mod write;

pub use error::{Error, Result};
