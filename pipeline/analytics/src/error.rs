//! Typed errors of the analytics stage; the CLI adds context.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: no such table folder; run the core stages first (banli run writes it)")]
    MissingTable { path: PathBuf },
    #[error("comparison query failed: {0}")]
    Polars(#[from] polars::error::PolarsError),
    #[error("column {column} of {table}: {message}")]
    Column {
        table: &'static str,
        column: &'static str,
        message: String,
    },
    #[error("chart {chart}: {message}")]
    Chart { chart: String, message: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Core(#[from] banli::Error),
}

impl Error {
    pub fn io(path: &std::path::Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn chart(chart: &str, e: impl std::fmt::Display) -> Error {
        Error::Chart {
            chart: chart.to_string(),
            message: e.to_string(),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
