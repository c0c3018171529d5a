//! The single integration-test binary (heavy dependencies link once).
mod util;

mod cli;
mod consumers;
mod corpus;
mod ingest;
mod props;
mod reliability;
mod seeds;
mod write;
