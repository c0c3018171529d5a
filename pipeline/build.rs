//! Fingerprints the library's own source, so the run cache (`cache.rs`) never serves rows that an
//! older build of the extractor made: a rerun after a code change that alters results, without
//! a version bump, must re-extract. The hash covers file contents, not times, so every checkout
//! of one commit gets the same fingerprint.

use std::path::{Path, PathBuf};

include!("code_fingerprint.rs");

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let files = source_files(&root);
    for dir in watched_dirs(&root) {
        println!("cargo:rerun-if-changed={}", dir.display());
    }
    for (_, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    println!(
        "cargo:rustc-env=BANLI_CODE_FINGERPRINT={}",
        fingerprint(&files)
    );
}

/// Subfolders to watch as a whole, so an added file reruns the script (the analytics crate lives
/// under this folder but is a package of its own).
fn watched_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    dirs.retain(|p| p.is_dir() && !is_excluded(root, p));
    dirs.sort();
    dirs
}
