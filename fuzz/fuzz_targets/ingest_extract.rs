//! Any bytes, as a .txt or an .html report, through ingest, extract, normalize and validate:
//! must never panic.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use banli::ingest::{SourceFile, ingest_bytes};
use banli::model::Format;
use banli::rules::Rules;
use libfuzzer_sys::fuzz_target;

static RULES: LazyLock<Rules> = LazyLock::new(|| Rules::load(&PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../datasets"))).expect("rules"));

fuzz_target!(|data: &[u8]| {
    let format = if data.first().is_some_and(|b| b & 1 == 1) { Format::Html } else { Format::Txt };
    let src = SourceFile { collection: "fuzz".into(), rel_path: "fuzz.txt".into(), path: PathBuf::from("fuzz.txt"), format };
    if let Ok((doc, _)) = ingest_bytes(&src, data, &RULES, None) {
        let _ = banli::run::process_all(vec![doc], &RULES, &[]);
    }
});
