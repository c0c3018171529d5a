// Shared by `build.rs` (which compiles it into the library as `BANLI_CODE_FINGERPRINT`) and by
// `cache.rs`'s test that the compiled-in value matches the source tree it was built from.
// Included with `include!`, so it names its imports in full.

/// Whether `path` under the package `root` is left out: the analytics crate (a package of its
/// own, which the cache's rows do not depend on) and anything not under `root`.
fn is_excluded(root: &std::path::Path, path: &std::path::Path) -> bool {
    path.strip_prefix(root)
        .map(|rel| rel.starts_with("analytics"))
        .unwrap_or(true)
}

/// Every `.rs` file of the library, as (path relative to `root` with `/`, path), sorted.
fn source_files(root: &std::path::Path) -> Vec<(String, std::path::PathBuf)> {
    let mut out = Vec::new();
    let mut open = vec![root.to_path_buf()];
    while let Some(dir) = open.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            if is_excluded(root, &path) {
                continue;
            }
            if path.is_dir() {
                open.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(root)
                    .map(|r| {
                        r.components()
                            .map(|c| c.as_os_str().to_string_lossy().into_owned())
                            .collect::<Vec<_>>()
                            .join("/")
                    })
                    .unwrap_or_default();
                out.push((rel, path));
            }
        }
    }
    out.sort();
    out
}

/// FNV-1a (64-bit) over each file's relative path and contents, as 16 hex digits: any single
/// changed byte changes it, and it needs no dependency in the build script.
fn fingerprint(files: &[(String, std::path::PathBuf)]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for (rel, path) in files {
        let body = std::fs::read(path).unwrap_or_default();
        eat(rel.as_bytes());
        eat(&[0]);
        eat(&(body.len() as u64).to_le_bytes());
        eat(&body);
    }
    format!("{h:016x}")
}
