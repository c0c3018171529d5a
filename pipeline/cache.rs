//! The run cache: processed reports keyed by content, kept inside the output folder, so a yearly
//! rerun after adding reports re-extracts only the new ones (a fresh `--out` is a cold run).
//!
//! A key covers everything a report's rows depend on: its bytes, its place (collection and
//! path), the banli version, the rules, the registry and the pre-extracted records. Entries are
//! JSON written atomically; an unreadable entry is a miss, never an error.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::{Finding, Processed};
use crate::rules::hex;

/// What the cache keeps per report: the processed rows and the ingest findings.
#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    pub processed: Processed,
    pub ingest_findings: Vec<Finding>,
}

/// The same, borrowed, for writing without copying.
#[derive(Serialize)]
pub struct EntryRef<'a> {
    pub processed: &'a Processed,
    pub ingest_findings: &'a [Finding],
}

pub struct Cache {
    dir: PathBuf,
    salt: String,
    enabled: bool,
}

impl Cache {
    /// `salt`: everything run-wide the rows depend on (version, rules, registry, records).
    pub fn new(out: &Path, salt_parts: &[&str], enabled: bool) -> Cache {
        let mut h = Sha256::new();
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        for p in salt_parts {
            h.update(p.as_bytes());
            h.update(b"\0");
        }
        Cache {
            dir: out.join(".cache"),
            salt: hex(&h.finalize()),
            enabled,
        }
    }

    fn path(&self, sha256: &str, collection: &str, rel_path: &str) -> PathBuf {
        let mut h = Sha256::new();
        for p in [sha256, &self.salt, collection, rel_path] {
            h.update(p.as_bytes());
            h.update(b"\0");
        }
        let key = hex(&h.finalize());
        self.dir.join(&key[..2]).join(format!("{key}.json"))
    }

    pub fn get(&self, sha256: &str, collection: &str, rel_path: &str) -> Option<Entry> {
        if !self.enabled {
            return None;
        }
        let bytes = std::fs::read(self.path(sha256, collection, rel_path)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Store an entry; failures only cost a future cache miss.
    pub fn put(&self, entry: &EntryRef) {
        if !self.enabled {
            return;
        }
        let d = &entry.processed.doc;
        if let Ok(bytes) = serde_json::to_vec(entry) {
            // Rename without fsync: a lost entry is only a future miss, and a batch writes many.
            let _ = crate::write::write_renamed(
                &self.path(&d.sha256, &d.collection, &d.source_path),
                &bytes,
            );
        }
    }
}
