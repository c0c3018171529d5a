//! The `banli` command line: a thin layer over the library (see `cli.rs`).
mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
