//! The run cache: processed reports keyed by content, kept inside the output folder, so a yearly
//! rerun after adding reports re-extracts only the new ones (a fresh `--out` is a cold run).
//!
//! A key covers everything a report's rows depend on: its bytes, its place (collection and
//! path), the banli version, the rules, the registry, the pre-extracted records and the library's
//! own source ([`CODE_FINGERPRINT`]: a rebuilt extractor re-extracts, and entries are bincode,
//! so a changed type never decodes old bytes).
//!
//! Layout of `OUT/.cache`:
//!
//! - `<gen>-<n>.seg`: append-only segments of at most [`SEGMENT_BYTES`] (unless one entry is
//!   larger), written by the run of generation `<gen>`, each a run of records `magic | full
//!   32-byte key | payload length | first 16 bytes of the payload's SHA-256 | payload` (the
//!   payload is the entry in bincode, ≈ 3× faster to decode and ⅔ the size of JSON on the 20k
//!   synthetic corpus);
//! - `index`: the committed generation: its number, the segments it uses (of this or earlier
//!   generations) with their lengths and, sorted by key, a 28-byte slot per entry (16-byte key
//!   prefix, segment, offset, record length), ending with the SHA-256 of everything before it.
//!
//! [`Cache::new`] loads the index once and removes every file it does not reference (segments of
//! a run that was killed, the previous format's `<2 hex>/<key>.json` folders). A run's index
//! holds every entry it used: fresh reports, appended by [`Cache::put`] to this generation's new
//! segments, and hits ([`Cache::get`]), which stay where they are, so a yearly rerun writes only
//! its new reports. Entries nobody used are dropped from the index; a segment less than half of
//! which is still used is compacted at commit (its used records copied into the new segments),
//! so the cache stays under twice the size of its live entries. [`Cache::finish`] commits by
//! writing the index atomically, last, then removes the segments it no longer references. A run
//! that dies before `finish` leaves the previous index and all its segments in place.
//!
//! Every read is checked: the index's checksum, each slot's segment and bounds against the
//! segment lengths the index records, and each record's magic, key, length and checksum. Anything
//! unreadable, truncated or corrupt is a miss, never an error.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use bincode::Options;
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

/// A new segment is started once the current one would grow past this.
pub const SEGMENT_BYTES: u64 = 256 << 20;
const INDEX: &str = "index";
const INDEX_MAGIC: &[u8; 8] = b"BANLIIX2";
const RECORD_MAGIC: &[u8; 4] = b"BNR1";
/// Record header: magic, key, payload length (u32 LE), payload checksum.
const HEADER: usize = 4 + 32 + 4 + 16;
const SLOT_BYTES: usize = 16 + 4 + 4 + 4;
/// Index entry of a segment: generation, number within it, length.
const SEGMENT_BYTES_IN_INDEX: usize = 8 + 4 + 8;

type Key = [u8; 32];

/// One index entry: 28 bytes, so a million reports cost 28 MB of index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    /// The first 16 bytes of the key (the record holds all 32, checked on read).
    key: [u8; 16],
    /// Index into the generation's segment list.
    seg: u32,
    off: u32,
    /// Whole record, header included.
    len: u32,
}

fn prefix(key: &Key) -> [u8; 16] {
    let mut p = [0; 16];
    p.copy_from_slice(&key[..16]);
    p
}

fn checksum(payload: &[u8]) -> [u8; 16] {
    let mut c = [0; 16];
    c.copy_from_slice(&Sha256::digest(payload)[..16]);
    c
}

/// A segment file: the `n`th written by the run of `generation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SegmentId {
    generation: u64,
    n: u32,
}

impl SegmentId {
    fn file_name(self) -> String {
        format!("{}-{}.seg", self.generation, self.n)
    }
}

/// A segment an index uses, with the length it had when the index was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    id: SegmentId,
    len: u64,
}

/// The committed generation a run reads from.
#[derive(Default)]
struct Generation {
    number: u64,
    /// Sorted by key, each within its segment's recorded length.
    slots: Vec<Slot>,
    segments: Vec<Segment>,
    /// The segments opened; `None` when missing or shorter than the index says.
    files: Vec<Option<File>>,
}

impl Generation {
    /// Load `dir/index`; anything wrong with it is an empty generation (every get a miss).
    fn load(dir: &Path) -> Generation {
        let Some((number, segments, mut slots)) = std::fs::read(dir.join(INDEX))
            .ok()
            .and_then(|b| parse_index(&b))
        else {
            return Generation::default();
        };
        let files: Vec<Option<File>> = segments
            .iter()
            .map(|seg| {
                let f = File::open(dir.join(seg.id.file_name())).ok()?;
                (f.metadata().ok()?.len() >= seg.len).then_some(f)
            })
            .collect();
        slots.retain(|s| {
            let end = u64::from(s.off) + u64::from(s.len);
            let seg = s.seg as usize;
            (s.len as usize) >= HEADER
                && segments.get(seg).is_some_and(|g| end <= g.len)
                && files.get(seg).is_some_and(Option::is_some)
        });
        if !slots.is_sorted_by(|a, b| a.key < b.key) {
            slots.sort_unstable_by_key(|s| s.key);
            slots.dedup_by_key(|s| s.key);
        }
        Generation {
            number,
            slots,
            segments,
            files,
        }
    }

    /// The slot and raw record for `key`, checked; `None` on any mismatch or read error.
    fn read(&self, key: &Key) -> Option<(Slot, Vec<u8>)> {
        let p = prefix(key);
        let i = self.slots.binary_search_by(|s| s.key.cmp(&p)).ok()?;
        let s = self.slots[i];
        let rec = self.read_slot(&s)?;
        (rec[4..36] == key[..]).then_some((s, rec))
    }

    /// The record a slot points at, if its magic, length and checksum are sound.
    fn read_slot(&self, s: &Slot) -> Option<Vec<u8>> {
        let file = self.files.get(s.seg as usize)?.as_ref()?;
        let mut rec = vec![0; s.len as usize];
        read_at(file, &mut rec, u64::from(s.off)).ok()?;
        let payload_len = u32::from_le_bytes(rec.get(36..40)?.try_into().ok()?) as usize;
        let ok = rec.len() >= HEADER
            && &rec[..4] == RECORD_MAGIC
            && payload_len == rec.len() - HEADER
            && rec[40..HEADER] == checksum(&rec[HEADER..]);
        ok.then_some(rec)
    }
}

/// `magic | generation u64 | n segments u32 | (their generation u64, number u32, length u64)… |
/// n slots u64 | slots… | sha256`, little-endian. `None` unless the checksum and every length
/// agree.
fn parse_index(b: &[u8]) -> Option<(u64, Vec<Segment>, Vec<Slot>)> {
    let body = b.len().checked_sub(32)?;
    if b.len() < 8 + 8 + 4 + 8 + 32
        || &b[..8] != INDEX_MAGIC
        || Sha256::digest(&b[..body])[..] != b[body..]
    {
        return None;
    }
    let u32_at = |at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
    };
    let u64_at = |at: usize| -> Option<u64> {
        Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
    };
    let number = u64_at(8)?;
    let nseg = u32_at(16)? as usize;
    let lens_end = 20usize.checked_add(nseg.checked_mul(SEGMENT_BYTES_IN_INDEX)?)?;
    if lens_end + 8 > body {
        return None;
    }
    let segments: Vec<Segment> = (0..nseg)
        .map(|i| {
            let at = 20 + SEGMENT_BYTES_IN_INDEX * i;
            Some(Segment {
                id: SegmentId {
                    generation: u64_at(at)?,
                    n: u32_at(at + 8)?,
                },
                len: u64_at(at + 12)?,
            })
        })
        .collect::<Option<_>>()?;
    let nslots = usize::try_from(u64_at(lens_end)?).ok()?;
    let slots_at = lens_end + 8;
    if nslots.checked_mul(SLOT_BYTES)?.checked_add(slots_at)? != body {
        return None;
    }
    let slots = b[slots_at..body]
        .chunks_exact(SLOT_BYTES)
        .map(|c| {
            let u = |at: usize| u32::from_le_bytes(c[at..at + 4].try_into().unwrap_or_default());
            let mut key = [0; 16];
            key.copy_from_slice(&c[..16]);
            Slot {
                key,
                seg: u(16),
                off: u(20),
                len: u(24),
            }
        })
        .collect();
    Some((number, segments, slots))
}

fn index_bytes(number: u64, segments: &[Segment], slots: &[Slot]) -> Vec<u8> {
    let mut b = Vec::with_capacity(
        8 + 8 + 4 + SEGMENT_BYTES_IN_INDEX * segments.len() + 8 + SLOT_BYTES * slots.len() + 32,
    );
    b.extend_from_slice(INDEX_MAGIC);
    b.extend_from_slice(&number.to_le_bytes());
    b.extend_from_slice(&(segments.len() as u32).to_le_bytes());
    for seg in segments {
        b.extend_from_slice(&seg.id.generation.to_le_bytes());
        b.extend_from_slice(&seg.id.n.to_le_bytes());
        b.extend_from_slice(&seg.len.to_le_bytes());
    }
    b.extend_from_slice(&(slots.len() as u64).to_le_bytes());
    for s in slots {
        b.extend_from_slice(&s.key);
        for v in [s.seg, s.off, s.len] {
            b.extend_from_slice(&v.to_le_bytes());
        }
    }
    let sum = Sha256::digest(&b);
    b.extend_from_slice(&sum);
    b
}

#[cfg(unix)]
fn read_at(f: &File, buf: &mut [u8], off: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, off)
}

#[cfg(windows)]
fn read_at(f: &File, buf: &mut [u8], off: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    let mut done = 0;
    while done < buf.len() {
        match f.seek_read(&mut buf[done..], off + done as u64)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => done += n,
        }
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// The generation this run writes. Appends happen under the cache's lock.
struct Appender {
    dir: PathBuf,
    number: u64,
    file: Option<BufWriter<File>>,
    /// Lengths of the segments written so far, the last one open.
    lens: Vec<u64>,
    /// Entries appended, `seg` indexing `lens`.
    slots: Vec<Slot>,
    /// Entries of the previous generation this run used, `seg` indexing its segments.
    reused: Vec<Slot>,
    /// A write failed: the generation is not committed.
    failed: bool,
}

impl Appender {
    fn segment_id(&self, n: usize) -> SegmentId {
        SegmentId {
            generation: self.number,
            n: n as u32,
        }
    }

    fn append(&mut self, key: [u8; 16], rec: &[u8]) {
        if self.failed {
            return;
        }
        let Ok(len) = u32::try_from(rec.len()) else {
            return;
        };
        if let Err(_e) = self.append_inner(key, rec, len) {
            self.failed = true;
        }
    }

    fn append_inner(&mut self, key: [u8; 16], rec: &[u8], len: u32) -> std::io::Result<()> {
        let full = self
            .lens
            .last()
            .is_some_and(|&l| l > 0 && l + u64::from(len) > SEGMENT_BYTES);
        if self.file.is_none() || full {
            if let Some(f) = self.file.take() {
                f.into_inner().map_err(|e| e.into_error())?;
            }
            let path = self.dir.join(self.segment_id(self.lens.len()).file_name());
            self.file = Some(BufWriter::with_capacity(1 << 20, File::create(path)?));
            self.lens.push(0);
        }
        let (Some(f), Some(at)) = (self.file.as_mut(), self.lens.last_mut()) else {
            return Err(std::io::ErrorKind::Other.into());
        };
        let off = u32::try_from(*at).map_err(|_| std::io::Error::other("segment offset"))?;
        f.write_all(rec)?;
        *at += u64::from(len);
        self.slots.push(Slot {
            key,
            seg: (self.lens.len() - 1) as u32,
            off,
            len,
        });
        Ok(())
    }

    /// Remove this generation's segments (a run that ends without committing).
    fn discard(&mut self) {
        self.file = None;
        for n in 0..self.lens.len() {
            let _ = std::fs::remove_file(self.dir.join(self.segment_id(n).file_name()));
        }
        self.lens.clear();
        self.slots.clear();
        self.reused.clear();
    }

    /// Close the open segment; the segments this run wrote.
    fn close(&mut self) -> std::io::Result<Vec<Segment>> {
        if let Some(f) = self.file.take() {
            f.into_inner().map_err(|e| e.into_error())?;
        }
        Ok((0..self.lens.len())
            .map(|n| Segment {
                id: self.segment_id(n),
                len: self.lens[n],
            })
            .collect())
    }
}

/// The committed index of a run: the previous generation's segments that stay (in their order),
/// then this run's; slots sorted by key, one per key.
///
/// A previous segment stays when more than half of its bytes are entries this run used; the used
/// entries of the others are copied into this run's segments first (a record that no longer
/// reads back soundly is dropped, a future miss).
fn plan_index(old: &Generation, new: &mut Appender) -> std::io::Result<(Vec<Segment>, Vec<Slot>)> {
    let mut reused = std::mem::take(&mut new.reused);
    reused.sort_by_key(|s| s.key);
    reused.dedup_by_key(|s| s.key);
    let mut live = vec![0u64; old.segments.len()];
    for s in &reused {
        if let Some(l) = live.get_mut(s.seg as usize) {
            *l += u64::from(s.len);
        }
    }
    let stays: Vec<bool> = old
        .segments
        .iter()
        .zip(&live)
        .map(|(seg, &l)| l > 0 && 2 * l > seg.len)
        .collect();
    let mut kept = Vec::with_capacity(reused.len());
    for s in reused {
        if stays.get(s.seg as usize).copied().unwrap_or(false) {
            kept.push(s);
        } else if let Some(rec) = old.read_slot(&s) {
            new.append(s.key, &rec);
        }
    }
    if new.failed {
        return Err(std::io::Error::other("a cache write failed"));
    }
    let written = new.close()?;
    // Renumber: kept segments first, in their order, then this run's.
    let mut renumber = vec![u32::MAX; old.segments.len()];
    let mut segments = Vec::new();
    for (i, seg) in old.segments.iter().enumerate() {
        if stays[i] {
            renumber[i] = segments.len() as u32;
            segments.push(*seg);
        }
    }
    let first_new = segments.len() as u32;
    segments.extend(written);
    let mut slots: Vec<Slot> = kept
        .into_iter()
        .map(|s| Slot {
            seg: renumber[s.seg as usize],
            ..s
        })
        .chain(new.slots.drain(..).map(|s| Slot {
            seg: first_new + s.seg,
            ..s
        }))
        .collect();
    // The same report twice in a run (one path given twice) kept once; both are identical.
    slots.sort_by_key(|s| s.key);
    slots.dedup_by_key(|s| s.key);
    Ok((segments, slots))
}

/// Remove every file in `dir` but the index and the segments `keep`, and the previous format's
/// `<2 hex>` entry folders.
fn sweep(dir: &Path, keep: &[Segment]) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let kept: Vec<String> = keep.iter().map(|s| s.id.file_name()).collect();
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Ok(t) = e.file_type() else { continue };
        if t.is_dir() {
            if name.len() == 2 && name.bytes().all(|c| c.is_ascii_hexdigit()) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        } else if name != INDEX && !kept.contains(&name) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// A hash of every source file of this library, computed by `build.rs` at build time.
pub const CODE_FINGERPRINT: &str = env!("BANLI_CODE_FINGERPRINT");

/// What every key of a run shares: the banli version, the library's source (`code`: a build
/// whose extractor gives other rows must not reuse an older build's entries, and entries are
/// bincode, which does not name fields, so a change to the cached types in `model.rs` must not
/// decode old bytes either) and the run-wide `parts`.
fn salt_of(code: &str, parts: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(code.as_bytes());
    for p in parts {
        h.update(p.as_bytes());
        h.update(b"\0");
    }
    hex(&h.finalize())
}

pub struct Cache {
    dir: PathBuf,
    salt: String,
    enabled: bool,
    old: Generation,
    new: Mutex<Appender>,
    committed: bool,
}

impl Cache {
    /// Open the cache in `out/.cache` (nothing is read or written unless `enabled`).
    /// `salt_parts`: everything run-wide the rows depend on (rules, registry, records; the
    /// banli version is added).
    pub fn new(out: &Path, salt_parts: &[&str], enabled: bool) -> Cache {
        let dir = out.join(".cache");
        let old = if enabled {
            let g = Generation::load(&dir);
            sweep(&dir, &g.segments);
            g
        } else {
            Generation::default()
        };
        let failed = !enabled || std::fs::create_dir_all(&dir).is_err();
        let new = Appender {
            dir: dir.clone(),
            number: old.number.wrapping_add(1),
            file: None,
            lens: Vec::new(),
            slots: Vec::new(),
            reused: Vec::new(),
            failed,
        };
        Cache {
            dir,
            salt: salt_of(CODE_FINGERPRINT, salt_parts),
            enabled,
            old,
            new: Mutex::new(new),
            committed: false,
        }
    }

    fn key(&self, sha256: &str, collection: &str, rel_path: &str) -> Key {
        let mut h = Sha256::new();
        for p in [sha256, &self.salt, collection, rel_path] {
            h.update(p.as_bytes());
            h.update(b"\0");
        }
        h.finalize().into()
    }

    /// The appender, unless a panic poisoned it (then nothing more is written or committed).
    fn appender(&self) -> Option<MutexGuard<'_, Appender>> {
        self.new.lock().ok()
    }

    /// The entry of a report from the previous generation, if there is a sound one; a hit is
    /// also part of this run's generation (where it is: nothing is copied).
    pub fn get(&self, sha256: &str, collection: &str, rel_path: &str) -> Option<Entry> {
        if !self.enabled {
            return None;
        }
        let key = self.key(sha256, collection, rel_path);
        let (slot, rec) = self.old.read(&key)?;
        let entry: Entry = bincode::DefaultOptions::new()
            .with_limit(rec.len() as u64)
            .deserialize(&rec[HEADER..])
            .ok()?;
        if let Some(mut a) = self.appender() {
            a.reused.push(slot);
        }
        Some(entry)
    }

    /// Add an entry to this run's generation; failures only cost a future miss. Serializes
    /// outside the lock, so rayon workers only queue for the append.
    pub fn put(&self, entry: &EntryRef) {
        if !self.enabled {
            return;
        }
        let d = &entry.processed.doc;
        let key = self.key(&d.sha256, &d.collection, &d.source_path);
        let mut rec = Vec::with_capacity(32 << 10);
        rec.extend_from_slice(&[0; HEADER]);
        if bincode::DefaultOptions::new()
            .serialize_into(&mut rec, entry)
            .is_err()
        {
            return;
        }
        let Ok(n) = u32::try_from(rec.len() - HEADER) else {
            return;
        };
        let sum = checksum(&rec[HEADER..]);
        rec[..4].copy_from_slice(RECORD_MAGIC);
        rec[4..36].copy_from_slice(&key);
        rec[36..40].copy_from_slice(&n.to_le_bytes());
        rec[40..HEADER].copy_from_slice(&sum);
        if let Some(mut a) = self.appender() {
            a.append(prefix(&key), &rec);
        }
    }

    /// Commit this run's generation (index written atomically, last) and remove the segments
    /// it no longer uses. Without it (a run that fails or dies) the previous index stays the
    /// cache.
    pub fn finish(mut self) {
        if !self.enabled {
            return;
        }
        if let Ok(segments) = self.commit() {
            self.committed = true;
            sweep(&self.dir, &segments);
        }
    }

    fn commit(&mut self) -> std::io::Result<Vec<Segment>> {
        let a = self
            .new
            .get_mut()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        if a.failed {
            return Err(std::io::Error::other("a cache write failed"));
        }
        let (segments, slots) = plan_index(&self.old, a)?;
        self.old = Generation::default(); // its slots are not needed any more: free them first
        let bytes = index_bytes(a.number, &segments, &slots);
        drop(slots);
        crate::write::write_atomic(&self.dir.join(INDEX), &bytes)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(segments)
    }
}

impl Drop for Cache {
    /// A cache dropped without [`Cache::finish`] removes what it wrote; the previous generation
    /// stays the cache.
    fn drop(&mut self) {
        if self.enabled
            && !self.committed
            && let Ok(a) = self.new.get_mut()
        {
            a.discard();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocMeta, Document, Extraction, Format, NormText, Severity};

    const SALT: &[&str] = &["rules", "registry", "records"];

    mod source {
        include!("code_fingerprint.rs");

        /// The fingerprint of the source tree as it is now on disk.
        pub fn current() -> String {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
            fingerprint(&source_files(root))
        }

        pub fn files() -> Vec<String> {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
            source_files(root).into_iter().map(|(rel, _)| rel).collect()
        }

        pub fn of(files: &[(String, std::path::PathBuf)]) -> String {
            fingerprint(files)
        }
    }

    #[test]
    fn code_fingerprint_is_the_built_source_tree() {
        // Fails if build.rs stopped rerunning on a source change (a stale fingerprint would
        // let a changed extractor reuse old cache entries).
        assert_eq!(CODE_FINGERPRINT, source::current());
        let files = source::files();
        for needed in [
            "extract/mod.rs",
            "ingest/text.rs",
            "model.rs",
            "normalize.rs",
            "run.rs",
        ] {
            assert!(
                files.iter().any(|f| f == needed),
                "{needed} not fingerprinted"
            );
        }
        assert!(!files.iter().any(|f| f.starts_with("analytics/")));
    }

    #[test]
    fn code_fingerprint_changes_with_any_byte() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let file = tmp.path().join("a.rs");
        std::fs::write(&file, "fn a() {}").expect("write");
        let files = vec![("a.rs".to_string(), file.clone())];
        let before = source::of(&files);
        std::fs::write(&file, "fn b() {}").expect("write");
        assert_ne!(before, source::of(&files));
        let renamed = vec![("b.rs".to_string(), file)];
        assert_ne!(source::of(&files), source::of(&renamed));
    }

    #[test]
    fn code_fingerprint_is_in_the_key() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let cache = Cache::new(tmp.path(), SALT, false);
        assert_eq!(cache.salt, salt_of(CODE_FINGERPRINT, SALT));
        assert_ne!(
            salt_of("0123456789abcdef", SALT),
            salt_of("fedcba9876543210", SALT)
        );
    }

    fn report(path: &str, n: u64) -> Processed {
        let sha = format!("{n:064x}");
        Processed {
            doc: Document {
                doc_id: sha[48..].to_string(),
                source_path: path.to_string(),
                collection: "c".to_string(),
                sha256: sha,
                format: Format::Txt,
                encoding: "UTF-8".to_string(),
                bytes: n,
                original: String::new(),
                text: NormText::default(),
                meta: DocMeta::default(),
                source_url: None,
                text_chars: n * 7,
            },
            extraction: Extraction::default(),
            outcomes: Vec::new(),
            channel_outcomes: Vec::new(),
            checks: Vec::new(),
        }
    }

    fn put(cache: &Cache, p: &Processed) {
        let fs = [Finding::new(
            &p.doc.source_path,
            Severity::Info,
            "x",
            "ingest note",
        )];
        cache.put(&EntryRef {
            processed: p,
            ingest_findings: &fs,
        });
    }

    fn get(cache: &Cache, p: &Processed) -> Option<Entry> {
        let d = &p.doc;
        cache.get(&d.sha256, &d.collection, &d.source_path)
    }

    fn reports(n: u64) -> Vec<Processed> {
        (1..=n).map(|i| report(&format!("r/{i}.txt"), i)).collect()
    }

    /// A run: every report is looked up, the misses are put, the generation committed.
    fn run(out: &Path, rs: &[Processed]) -> usize {
        let cache = Cache::new(out, SALT, true);
        let mut hits = 0;
        for p in rs {
            match get(&cache, p) {
                Some(_) => hits += 1,
                None => put(&cache, p),
            }
        }
        cache.finish();
        hits
    }

    /// How many of `rs` a cache opened on `out` now has (the cache is dropped after).
    fn hits(out: &Path, rs: &[Processed]) -> usize {
        let cache = Cache::new(out, SALT, true);
        rs.iter().filter(|p| get(&cache, p).is_some()).count()
    }

    fn files(out: &Path) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = std::fs::read_dir(out.join(".cache"))
            .unwrap()
            .flatten()
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                (name, e.metadata().unwrap().len())
            })
            .collect();
        v.sort();
        v
    }

    fn segments(out: &Path) -> Vec<PathBuf> {
        files(out)
            .into_iter()
            .filter(|(n, _)| n.ends_with(".seg"))
            .map(|(n, _)| out.join(".cache").join(n))
            .collect()
    }

    #[test]
    fn a_committed_entry_reads_back_equal_and_a_fresh_folder_reuses_nothing() {
        let out = tempfile::tempdir().unwrap();
        let rs = reports(5);
        assert_eq!(run(out.path(), &rs), 0);
        let cache = Cache::new(out.path(), SALT, true);
        for p in &rs {
            let e = get(&cache, p).expect("a hit");
            assert_eq!(
                serde_json::to_string(&e.processed).unwrap(),
                serde_json::to_string(p).unwrap()
            );
            assert_eq!(e.ingest_findings.len(), 1);
        }
        // Another place, salt or file content is another key.
        let moved = report("elsewhere.txt", 1);
        assert!(get(&cache, &moved).is_none());
        assert!(get(&Cache::new(out.path(), &["other rules"], true), &rs[0]).is_none());
        assert!(get(&cache, &report("r/1.txt", 99)).is_none());
        let fresh = tempfile::tempdir().unwrap();
        assert!(get(&Cache::new(fresh.path(), SALT, true), &rs[0]).is_none());
    }

    #[test]
    fn a_disabled_cache_writes_nothing() {
        let out = tempfile::tempdir().unwrap();
        let cache = Cache::new(out.path(), SALT, false);
        put(&cache, &report("a.txt", 1));
        assert!(get(&cache, &report("a.txt", 1)).is_none());
        cache.finish();
        assert!(!out.path().join(".cache").exists());
    }

    #[test]
    fn a_corrupt_or_truncated_segment_is_a_miss() {
        let out = tempfile::tempdir().unwrap();
        let rs = reports(4);
        run(out.path(), &rs);
        let seg = &segments(out.path())[0];
        let mut bytes = std::fs::read(seg).unwrap();
        let len = bytes.len();
        // Flip one byte inside the first record's payload (it may still decode: the checksum
        // catches it either way).
        let at = HEADER + 30;
        bytes[at] ^= 0x01;
        std::fs::write(seg, &bytes).unwrap();
        assert_eq!(hits(out.path(), &rs), rs.len() - 1);
        // Truncated: the last record is cut; the segment is shorter than the index says, so
        // none of it is trusted.
        bytes[at] ^= 0x01;
        std::fs::write(seg, &bytes[..len - 10]).unwrap();
        assert_eq!(hits(out.path(), &rs), 0);
        // Garbage of the right length: misses, no panic.
        std::fs::write(seg, vec![0xAB; len]).unwrap();
        assert_eq!(hits(out.path(), &rs), 0);
        // A missing segment.
        std::fs::remove_file(seg).unwrap();
        assert_eq!(hits(out.path(), &rs), 0);
    }

    #[test]
    fn a_missing_or_corrupt_index_is_a_miss() {
        let out = tempfile::tempdir().unwrap();
        let rs = reports(3);
        run(out.path(), &rs);
        let index = out.path().join(".cache").join(INDEX);
        assert_eq!(hits(out.path(), &rs), 3);
        let damage: [fn(Vec<u8>) -> Vec<u8>; 5] = [
            |mut b| {
                b[40] ^= 0x80;
                b
            },
            |b| b[..b.len() - 1].to_vec(),
            |b| b[..20].to_vec(),
            |_| Vec::new(),
            |b| vec![0x5A; b.len()],
        ];
        for d in damage {
            std::fs::write(&index, d(std::fs::read(&index).unwrap())).unwrap();
            assert_eq!(hits(out.path(), &rs), 0);
            // The next run starts again from nothing (the unreferenced segments are removed).
            assert_eq!(run(out.path(), &rs), 0);
            assert_eq!(files(out.path()).len(), 2);
            assert_eq!(hits(out.path(), &rs), 3);
        }
        std::fs::remove_file(&index).unwrap();
        assert_eq!(hits(out.path(), &rs), 0);
        assert_eq!(run(out.path(), &rs), 0);
        assert_eq!(run(out.path(), &rs), 3);
    }

    #[test]
    fn an_index_slot_out_of_its_segment_is_a_miss() {
        let out = tempfile::tempdir().unwrap();
        let rs = reports(2);
        run(out.path(), &rs);
        let index = out.path().join(".cache").join(INDEX);
        let (number, segments, mut slots) = parse_index(&std::fs::read(&index).unwrap()).unwrap();
        slots[0].off = u32::MAX - 10;
        slots[1].seg = 7;
        std::fs::write(&index, index_bytes(number, &segments, &slots)).unwrap();
        assert_eq!(hits(out.path(), &rs), 0);
    }

    /// Every file in the cache with its bytes.
    fn snapshot(out: &Path) -> Vec<(String, Vec<u8>)> {
        files(out)
            .into_iter()
            .filter(|(n, _)| n.ends_with(".seg"))
            .map(|(n, _)| {
                let bytes = std::fs::read(out.join(".cache").join(&n)).unwrap();
                (n, bytes)
            })
            .collect()
    }

    #[test]
    fn a_rerun_does_not_grow_the_cache_nor_copy_its_hits() {
        let out = tempfile::tempdir().unwrap();
        let rs = reports(20);
        assert_eq!(run(out.path(), &rs), 0);
        let first = snapshot(out.path());
        assert_eq!(first.len(), 1, "one segment");
        for _ in 0..3 {
            assert_eq!(run(out.path(), &rs), 20);
            // The hits stay where they were: same segment, same bytes, nothing new written.
            assert_eq!(snapshot(out.path()), first);
            assert_eq!(files(out.path()).len(), 2, "the segment and the index");
        }
    }

    #[test]
    fn a_rerun_appends_only_its_new_reports() {
        let out = tempfile::tempdir().unwrap();
        let rs = reports(30);
        assert_eq!(run(out.path(), &rs[..20]), 0);
        let first = snapshot(out.path());
        assert_eq!(run(out.path(), &rs), 20);
        let now = snapshot(out.path());
        assert_eq!(
            now.len(),
            2,
            "the old segment and one for the 10 new reports"
        );
        assert_eq!(now[0], first[0]);
        let per_record = first[0].1.len() / 20;
        assert!(
            now[1].1.len() < 11 * per_record,
            "only the new records were written"
        );
        assert_eq!(hits(out.path(), &rs), 30);
    }

    #[test]
    fn a_mostly_unused_segment_is_compacted_and_a_mostly_used_one_stays() {
        let out = tempfile::tempdir().unwrap();
        let rs = reports(20);
        run(out.path(), &rs);
        let first = snapshot(out.path());
        // 15 of 20 still used: more than half, the segment stays as it is.
        assert_eq!(run(out.path(), &rs[..15]), 15);
        assert_eq!(snapshot(out.path()), first);
        assert_eq!(hits(out.path(), &rs), 15);
        // 5 of 20: the 5 are copied into a new segment and the old one removed.
        assert_eq!(run(out.path(), &rs[..5]), 5);
        let now = snapshot(out.path());
        assert_eq!(now.len(), 1);
        assert_ne!(now[0].0, first[0].0);
        assert!(now[0].1.len() * 3 < first[0].1.len());
        assert_eq!(hits(out.path(), &rs), 5);
        // Reports that come back are processed again.
        assert_eq!(run(out.path(), &rs), 5);
        assert_eq!(run(out.path(), &rs), 20);
    }

    #[test]
    fn a_killed_run_leaves_the_previous_generation_usable() {
        let out = tempfile::tempdir().unwrap();
        let rs = reports(6);
        run(out.path(), &rs[..3]);
        let before = files(out.path());
        // A run that reads the old entries, writes new ones and dies before `finish`.
        let cache = Cache::new(out.path(), SALT, true);
        for p in &rs {
            if get(&cache, p).is_none() {
                put(&cache, p);
            }
        }
        {
            let mut a = cache.new.lock().unwrap();
            a.file.as_mut().unwrap().flush().unwrap();
        }
        std::mem::forget(cache); // no finish, no drop: as if killed
        assert!(
            files(out.path()).len() > before.len(),
            "the dead run wrote a segment"
        );
        // The previous generation is the cache; the dead run's segment is removed.
        let cache = Cache::new(out.path(), SALT, true);
        assert_eq!(files(out.path()), before);
        let hits: Vec<bool> = rs.iter().map(|p| get(&cache, p).is_some()).collect();
        assert_eq!(hits, [true, true, true, false, false, false]);
        drop(cache); // a run that fails without committing: removes what it wrote
        assert_eq!(files(out.path()), before);
        assert_eq!(run(out.path(), &rs), 3);
        assert_eq!(run(out.path(), &rs), 6);
    }

    #[test]
    fn parallel_puts_and_gets_all_land() {
        use rayon::prelude::*;
        let out = tempfile::tempdir().unwrap();
        let rs = reports(300);
        let cache = Cache::new(out.path(), SALT, true);
        rs.par_iter().for_each(|p| put(&cache, p));
        cache.finish();
        let cache = Cache::new(out.path(), SALT, true);
        assert!(rs.par_iter().all(|p| get(&cache, p).is_some()));
        cache.finish();
        let cache = Cache::new(out.path(), SALT, true);
        assert!(rs.par_iter().all(|p| get(&cache, p).is_some()));
    }

    #[test]
    fn the_previous_formats_entry_folders_are_removed() {
        let out = tempfile::tempdir().unwrap();
        let old = out.path().join(".cache").join("ab");
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("ab01.json"), b"{}").unwrap();
        run(out.path(), &reports(1));
        assert!(!old.exists());
    }
}
