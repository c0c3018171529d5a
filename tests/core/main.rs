//! Tests of the core library (stages 1-5) that need no binary and no polars/plotters:
//! `cargo test -p banli-core` builds and runs them without the analytics stack.
#[allow(dead_code)]
mod tables;
mod util;

mod corpus;
mod ingest;
mod props;
mod seeds;
mod write;
