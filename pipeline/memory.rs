//! Memory the process holds: what a national batch needs to stay flat.

/// Hand freed heap pages back to the operating system.
///
/// glibc keeps freed memory in per-thread arenas and returns it only from the top of the heap,
/// so a batch that alternates large transient allocations (a chunk's texts, a year's joins in
/// stage 6) ratchets its resident size up to the sum of every arena's high-water mark; at 100k
/// reports that was ~200 MB of free pages. Called between big steps; a no-op off glibc.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: `malloc_trim` only releases free pages of glibc's own heap and has no
        // preconditions; it is thread-safe (it locks each arena).
        unsafe {
            malloc_trim(0);
        }
    }
}

/// Current resident set size in MB (Linux `/proc/self/status`), for diagnostics.
pub fn resident_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}
