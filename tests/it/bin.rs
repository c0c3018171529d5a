//! Running the `banli` binary.

use std::process::{Command, Output};

pub fn banli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_banli"))
}

pub fn run_ok(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("spawn banli");
    assert!(
        out.status.success(),
        "banli failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
