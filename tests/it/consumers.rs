//! Consumers: a fresh run's outputs read the way Python and R users read them — pytest over
//! pyarrow/pandas/polars and datapackage.json, the notebook executed headless, and the R script
//! (tests/python/run.sh; R only where Rscript is installed).
//!
//! Needs python3 (3.11+, with venv); the first run builds target/pyenv from the pinned
//! tests/python/requirements*.txt (pip, PyPI), later runs reuse it. BANLI_SKIP_CONSUMERS=1 skips.
//! Standalone on purpose: std and tempfile only.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn python_and_r_consumers() {
    if std::env::var("BANLI_SKIP_CONSUMERS").as_deref() == Ok("1") {
        println!(
            "python_and_r_consumers: skipped (BANLI_SKIP_CONSUMERS=1): Python/R consumers not checked"
        );
        return;
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string());
    let found = Command::new(&python)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "python_and_r_consumers needs `{python}` (Python 3.11+ with venv) to run tests/python/run.sh, and it was not found.\n\
         Install it (Debian: apt-get install python3 python3-venv), point PYTHON at one, \
         or set BANLI_SKIP_CONSUMERS=1 to skip the consumer checks."
    );

    let out = tempfile::tempdir().expect("temp dir");
    let run = Command::new(env!("CARGO_BIN_EXE_banli"))
        .args(["run", "--out"])
        .arg(out.path())
        .current_dir(&repo)
        .output()
        .expect("spawn banli");
    assert!(
        run.status.success(),
        "banli run --out {} failed ({}):\n{}\n{}",
        out.path().display(),
        run.status,
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );

    let consumers = Command::new("bash")
        .arg(repo.join("tests/python/run.sh"))
        .arg(out.path())
        .current_dir(&repo)
        .env("PYTHON", &python)
        .output()
        .expect("spawn bash tests/python/run.sh");
    let stdout = String::from_utf8_lossy(&consumers.stdout);
    let stderr = String::from_utf8_lossy(&consumers.stderr);
    assert!(
        consumers.status.success(),
        "tests/python/run.sh {} failed ({}). Reproduce: cargo build && target/debug/banli run --out /tmp/o && \
         tests/python/run.sh /tmp/o\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        out.path().display(),
        consumers.status
    );
    // The summary (and whether R ran) shows with --nocapture.
    let summary: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("==> consumers of"))
        .collect();
    println!("{}", summary.join("\n"));
    for line in stdout.lines().filter(|l| l.starts_with("R: ")) {
        println!("{line}");
    }
}
