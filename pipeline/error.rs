//! Library errors. Per-report problems are [`crate::model::Finding`]s, not errors: an `Error`
//! means the run (or one file) cannot go on.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A rule, crosswalk, lexicon or registry file that does not parse.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Rules {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A pre-extracted record that does not validate.
    #[error("{}:{line}: {message}", path.display())]
    Record {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("writing {}: {message}", path.display())]
    Write { path: PathBuf, message: String },
    #[error("output folder {} is in use by another banli run (lock file {}); wait for it to finish", dir.display(), lock.display())]
    Locked { dir: PathBuf, lock: PathBuf },
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
