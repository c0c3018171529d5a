//! End-to-end tests through the `banli` binary and the analytics stage (these link polars).
//! The core's own tests live in `tests/core/` (`cargo test -p banli-core`).
#[path = "../core/tables.rs"]
#[allow(dead_code)]
mod tables;
#[path = "../core/util.rs"]
#[allow(dead_code)]
mod util;

mod bin;

mod cli;
mod compare;
mod consumers;
mod dictionary;
mod reliability;
