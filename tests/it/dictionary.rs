//! The data dictionary covers every table, core and analytics, and is committed up to date.

use crate::util::*;

#[test]
fn data_dictionary_is_generated_from_the_writer_schema() {
    let mut tables = banli::write::tables::all(&[], &[], &RULES);
    tables.extend(banli_analytics::schemas());
    let md = banli::write::data_dictionary_md(&tables);
    for t in &tables {
        assert!(md.contains(&format!("## `{}`", t.name)));
        for c in &t.columns {
            assert!(
                md.contains(&format!("| `{}` |", c.name)),
                "{}.{}",
                t.name,
                c.name
            );
        }
    }
    let committed =
        std::fs::read_to_string(repo().join("docs/DATA.md")).expect("docs/DATA.md is committed");
    assert_eq!(
        committed, md,
        "docs/DATA.md is stale: run `cargo run -- dictionary`"
    );
}
