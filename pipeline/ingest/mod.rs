//! Stage 1, ingest: report files → [`Document`]s (decoded, normalized, with metadata).
//!
//! One bad file never stops the batch: it becomes an error [`Finding`] and is listed as
//! quarantined, and the other files go on.

pub mod decode;
pub mod glosses;
pub mod html;
pub mod metadata;
pub mod page_markers;
pub mod records;
pub mod registry;
pub mod text;

use std::fs::FileType;
use std::path::{Component, Path, PathBuf};

use encoding_rs::Encoding;
use sha2::{Digest, Sha256};

use crate::model::{Document, Finding, Format, NormText, Severity};
use crate::rules::{Rules, hex};
pub use registry::Registry;

/// A folder of reports to process.
#[derive(Debug, Clone)]
pub struct InputDir {
    pub root: PathBuf,
    /// Name shown in outputs (`seeds`, `cases`, or the folder name).
    pub collection: String,
}

/// A report file found under an input folder.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceFile {
    pub collection: String,
    /// Path relative to the input folder, with `/` separators.
    pub rel_path: String,
    pub path: PathBuf,
    pub format: Format,
}

/// Files bigger than this are refused with a finding (a real report is well under 1 MB; the
/// normalizer keeps a few bytes per character in memory).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Find report files under each input folder, recursively, in a stable order.
pub fn discover(inputs: &[InputDir]) -> (Vec<SourceFile>, Vec<Finding>) {
    let mut files = Vec::new();
    let mut findings = Vec::new();
    for input in inputs {
        if !input.root.is_dir() {
            findings.push(Finding::new(
                &input.root.display().to_string(),
                Severity::Error,
                "input_missing",
                "input folder does not exist or is not a folder",
            ));
            continue;
        }
        let canonical = std::fs::canonicalize(&input.root).unwrap_or_else(|_| input.root.clone());
        let mut walk = Walk {
            root: &input.root,
            collection: &input.collection,
            open: vec![canonical],
            out: &mut files,
            findings: &mut findings,
        };
        walk.folder(&input.root);
    }
    files.sort();
    (files, findings)
}

/// One input folder's recursive walk.
struct Walk<'a> {
    root: &'a Path,
    collection: &'a str,
    /// The canonical paths of the folders being walked, root first: a symlink back to one of
    /// them is a loop.
    open: Vec<PathBuf>,
    out: &'a mut Vec<SourceFile>,
    findings: &'a mut Vec<Finding>,
}

impl Walk<'_> {
    /// Walk `path`, a folder entry of the last open folder, unless it links back to an open one.
    fn subfolder(&mut self, path: &Path, symlink: bool) {
        let canonical = if symlink {
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        } else {
            match (self.open.last(), path.file_name()) {
                (Some(parent), Some(name)) => parent.join(name),
                _ => path.to_path_buf(),
            }
        };
        if self.open.contains(&canonical) {
            self.findings.push(Finding::new(
                &path.display().to_string(),
                Severity::Warn,
                "symlink_loop",
                "link to a folder that contains it; not followed",
            ));
            return;
        }
        self.open.push(canonical);
        self.folder(path);
        self.open.pop();
    }

    /// List `dir`, read its report files and walk its subfolders, in name order.
    fn folder(&mut self, dir: &Path) {
        let mut entries: Vec<(PathBuf, Option<FileType>)> = match std::fs::read_dir(dir) {
            Ok(rd) => rd
                .filter_map(|e| e.ok().map(|e| (e.path(), e.file_type().ok())))
                .collect(),
            Err(e) => {
                self.findings.push(Finding::new(
                    &dir.display().to_string(),
                    Severity::Error,
                    "io",
                    format!("cannot list folder: {e}"),
                ));
                return;
            }
        };
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, file_type) in entries {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.starts_with('.') {
                continue;
            }
            if is_folder(&path, file_type) {
                let symlink = file_type.is_none_or(|t| t.is_symlink());
                self.subfolder(&path, symlink);
            } else if let Some(format) = format_of(&path) {
                let rel = path.strip_prefix(self.root).unwrap_or(&path);
                let rel_path = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                self.out.push(SourceFile {
                    collection: self.collection.to_string(),
                    rel_path,
                    path,
                    format,
                });
            }
        }
    }
}

/// Whether a folder entry is a folder to walk, symlinks followed as [`Path::is_dir`] does. The
/// type `read_dir` already read answers for files and folders without a stat of every file; only
/// symlinks (a link to a folder is walked, a link to a file read) and entries of unknown type
/// are stat'ed.
fn is_folder(path: &Path, file_type: Option<FileType>) -> bool {
    match file_type {
        Some(t) if !t.is_symlink() => t.is_dir(),
        _ => path.is_dir(),
    }
}

/// Report formats by extension; anything else (gold files, records, images) is not a report,
/// and neither is a folder's `README` (its notes on the reports, in any of these formats).
pub fn format_of(path: &Path) -> Option<Format> {
    let stem = path.file_stem()?.to_string_lossy().to_ascii_lowercase();
    if stem == "readme" {
        return None;
    }
    let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
    match ext.as_str() {
        "txt" => Some(Format::Txt),
        "html" | "htm" | "xhtml" => Some(Format::Html),
        "md" | "markdown" => Some(Format::Md),
        _ => None,
    }
}

/// Read, decode and normalize one file. Errors are findings naming the file.
pub fn ingest_file(
    src: &SourceFile,
    rules: &Rules,
    registry: Option<&Registry>,
) -> Result<(Document, Vec<Finding>), Finding> {
    let display = src.rel_path.as_str();
    let meta = std::fs::metadata(&src.path)
        .map_err(|e| Finding::new(display, Severity::Error, "io", format!("cannot read: {e}")))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Finding::new(
            display,
            Severity::Error,
            "too_large",
            format!(
                "file is {} bytes; reports over {} bytes are refused",
                meta.len(),
                MAX_FILE_BYTES
            ),
        ));
    }
    let bytes = std::fs::read(&src.path)
        .map_err(|e| Finding::new(display, Severity::Error, "io", format!("cannot read: {e}")))?;
    ingest_bytes(src, &bytes, rules, registry)
}

/// Ingest already-read bytes (also the entry point for tests and fuzzing).
pub fn ingest_bytes(
    src: &SourceFile,
    bytes: &[u8],
    rules: &Rules,
    registry: Option<&Registry>,
) -> Result<(Document, Vec<Finding>), Finding> {
    ingest_hashed(src, bytes, hex(&Sha256::digest(bytes)), rules, registry)
}

/// [`ingest_bytes`] for a caller that already hashed the bytes (the run hashes every file
/// once, for its cache key, before deciding to ingest it).
pub fn ingest_hashed(
    src: &SourceFile,
    bytes: &[u8],
    sha256: String,
    rules: &Rules,
    registry: Option<&Registry>,
) -> Result<(Document, Vec<Finding>), Finding> {
    let display = src.rel_path.as_str();
    let decoded = decode::decode(bytes)
        .map_err(|e| Finding::new(display, Severity::Error, "undecodable", e.to_string()))?;
    let doc_id = sha256.get(..16).unwrap_or(&sha256).to_string();
    let mut findings: Vec<Finding> = decoded
        .warnings
        .iter()
        .map(|w| Finding::new(display, Severity::Warn, "encoding", w.clone()).doc(&doc_id))
        .collect();

    if src.format == Format::Html
        && let Some(declared) = declared_charset(bytes)
        && Encoding::for_label(declared.as_bytes()).is_some_and(|e| {
            e.name() != decoded.encoding && !(e.name() == "GBK" && decoded.encoding == "GB18030")
        })
    {
        findings.push(
            Finding::new(
                display,
                Severity::Warn,
                "encoding",
                format!(
                    "the page declares charset {declared} but its bytes are {}; decoded as {}",
                    decoded.encoding, decoded.encoding
                ),
            )
            .doc(&doc_id),
        );
    }
    let original = decoded.text;
    let orig_len = original.chars().count() as u32;
    let text = match src.format {
        Format::Html => {
            let (stripped, origins) = html::strip_text(&original);
            normalize_unglossed(&stripped, text::Origins::Map(&origins), orig_len, rules)
        }
        Format::Txt | Format::Md => {
            normalize_unglossed(&original, text::Origins::Identity, orig_len, rules)
        }
    };
    if text.text.chars().all(char::is_whitespace) {
        return Err(Finding::new(
            display,
            Severity::Error,
            "no_text",
            "no report text left after removing markup and boilerplate",
        )
        .doc(&doc_id));
    }
    let mut doc = Document {
        doc_id,
        source_path: src.rel_path.clone(),
        collection: src.collection.clone(),
        sha256,
        format: src.format,
        encoding: decoded.encoding.to_string(),
        bytes: bytes.len() as u64,
        original,
        text,
        meta: Default::default(),
        source_url: None,
        text_chars: 0,
    };
    doc.text_chars = doc.text.char_len() as u64;
    doc.meta = metadata::infer(&doc, rules);
    if let Some(reg) = registry {
        registry::apply(reg, &mut doc, &mut findings);
    }
    Ok((doc, findings))
}

/// Normalize text (see [`text::normalize_str`]) after removing pinyin glosses and the page
/// markers of document-sharing sites, if it has any.
fn normalize_unglossed(
    src: &str,
    origins: text::Origins<'_>,
    orig_len: u32,
    rules: &Rules,
) -> NormText {
    let unglossed = glosses::strip_pinyin_glosses(src, origins);
    let (src, origins) = match &unglossed {
        Some((plain, map)) => (plain.as_str(), text::Origins::Map(map)),
        None => (src, origins),
    };
    match page_markers::strip_page_markers(src, origins) {
        Some((joined, map)) => {
            text::normalize_str(&joined, text::Origins::Map(&map), orig_len, &rules.text)
        }
        None => text::normalize_str(src, origins, orig_len, &rules.text),
    }
}

/// The `charset=` an HTML page declares in its first 2 KB.
fn declared_charset(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let value: String = head[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!value.is_empty()).then_some(value)
}

/// Reject registry paths that leave the input folder (`../../etc/passwd`) or are absolute.
pub fn is_contained_relative(path: &str) -> bool {
    let p = Path::new(path);
    !path.is_empty()
        && p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// What discovery finds in [`folder_with_links`]: the linked folder walked, both links read.
    const FILES_WITH_LINKS: [&str; 5] = [
        "a.txt",
        "broken.txt",
        "linked.txt",
        "linked_sub/b.txt",
        "sub/b.txt",
    ];

    /// A folder holding a file, a folder, symlinks to each, and a broken symlink.
    fn folder_with_links() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path();
        std::fs::write(root.join("a.txt"), "报告").expect("file");
        std::fs::create_dir(root.join("sub")).expect("folder");
        std::fs::write(root.join("sub/b.txt"), "报告").expect("file");
        symlink(root.join("sub"), root.join("linked_sub")).expect("link to folder");
        symlink(root.join("a.txt"), root.join("linked.txt")).expect("link to file");
        symlink(root.join("missing"), root.join("broken.txt")).expect("broken link");
        tmp
    }

    /// The entry's type from `read_dir` answers as the former stat of every path did.
    #[test]
    fn folder_entries_classified_as_path_is_dir() {
        let tmp = folder_with_links();
        let entries = std::fs::read_dir(tmp.path()).expect("read_dir");
        for entry in entries {
            let entry = entry.expect("entry");
            let path = entry.path();
            assert_eq!(
                is_folder(&path, entry.file_type().ok()),
                path.is_dir(),
                "{path:?}"
            );
            assert_eq!(is_folder(&path, None), path.is_dir(), "{path:?}");
        }
    }

    #[test]
    fn discover_walks_linked_folders_and_reads_linked_files() {
        let tmp = folder_with_links();
        let input = InputDir {
            root: tmp.path().to_path_buf(),
            collection: "links".into(),
        };
        let (files, _) = discover(&[input]);
        let found: Vec<&str> = files.iter().map(|f| f.rel_path.as_str()).collect();
        assert_eq!(found, FILES_WITH_LINKS);
    }

    #[test]
    fn a_link_back_to_an_enclosing_folder_is_a_finding_not_a_loop() {
        let tmp = folder_with_links();
        let root = tmp.path();
        symlink(root, root.join("sub/up")).expect("link to the root");
        symlink(root.join("sub"), root.join("sub/self")).expect("link to itself");
        let input = InputDir {
            root: root.to_path_buf(),
            collection: "loops".into(),
        };
        let (files, findings) = discover(&[input]);
        let found: Vec<&str> = files.iter().map(|f| f.rel_path.as_str()).collect();
        assert_eq!(found, FILES_WITH_LINKS);
        let loops: Vec<&str> = findings
            .iter()
            .filter(|f| f.code == "symlink_loop")
            .map(|f| f.source_path.as_str())
            .collect();
        // Each link is met once under `sub` and once under `linked_sub`.
        assert_eq!(loops.len(), 4, "{findings:?}");
        assert!(
            loops
                .iter()
                .all(|p| p.ends_with("/up") || p.ends_with("/self"))
        );
    }
}
