//! The output tables (see `docs/DATA.md`), built from processed reports. Column names, types and
//! descriptions are defined here once; the data dictionary is generated from the same code.

use super::table::{Data, Table};
use crate::model::{Check, Evidence, Finding, Outcome, Processed};
use crate::rules::Rules;

const LEVELS: &[(&str, &str)] = &[
    ("national", "National"),
    (
        "provincial",
        "Province-level (province, autonomous region, municipality)",
    ),
    (
        "prefecture",
        "Prefecture-level (city, autonomous prefecture)",
    ),
    ("county", "County-level (county, county-level city)"),
    ("district", "District of a city"),
];
const KINDS: &[(&str, &str)] = &[
    ("government", "A people's government"),
    (
        "department",
        "A government department reporting its own share",
    ),
    ("congress", "A people's congress or its standing committee"),
    ("cppcc", "A CPPCC committee"),
    ("other", "Other"),
];
const CHANNELS: &[(&str, &str)] = &[
    ("npc_suggestion", "Deputies' suggestions (人大代表建议)"),
    ("cppcc_proposal", "CPPCC members' proposals (政协提案)"),
    ("both", "Both"),
];
const META_SOURCES: &[(&str, &str)] = &[
    ("registry", "Stated in the source registry"),
    ("inferred", "Inferred from the text"),
    ("mixed", "Registry plus inference"),
];
const UNITS: &[(&str, &str)] = &[
    ("count", "A count of items, forms or units"),
    ("percent", "A percentage, 0-100"),
];
const PROVENANCE: &[(&str, &str)] = &[
    ("extracted", "Extracted from the text"),
    (
        "derived",
        "Derived from a statement (e.g. 'all forms satisfied' → 100%)",
    ),
    ("manual", "Supplied as a pre-extracted record"),
];
const TIERS: &[(&str, &str)] = &[
    ("resolved", "Solved or basically solved, adopted"),
    ("in_progress", "Being solved, work started, partly solved"),
    (
        "planned",
        "Listed in a plan, to be solved step by step or within N years",
    ),
    (
        "deferred",
        "Kept for reference, explained, cannot be solved for now",
    ),
    ("progressing", "Coarse group: in_progress ∪ planned"),
    (
        "addressed",
        "Coarse group: resolved ∪ in_progress ∪ planned",
    ),
];
const MAPPINGS: &[(&str, &str)] = &[
    (
        "crosswalk",
        "A curated crosswalk entry for this jurisdiction",
    ),
    ("phrase_rule", "Phrase rules on the wording"),
    ("code_only", "Only the code was printed (e.g. bare 'A类')"),
    ("manual", "Supplied as a pre-extracted record"),
    ("unmapped", "No rule applied; tiers unknown"),
];
const STATUSES: &[(&str, &str)] = &[
    ("pass", "Consistent"),
    ("warn", "Within a wider tolerance or explained"),
    ("fail", "Inconsistent"),
];
const SEVERITIES: &[(&str, &str)] = &[
    ("info", "Information"),
    ("warn", "Warning"),
    ("error", "Error: the report was quarantined"),
];
const ROLES: &[(&str, &str)] = &[
    ("lead", "主办: lead unit"),
    ("assisting", "协办: assisting unit"),
    ("joint", "会办/合办: joint handling"),
    ("split", "分办: split between units"),
];

fn s(v: &str) -> Option<&str> {
    Some(v)
}

/// The `doc_id` column every per-report table starts with.
fn doc_id_col<'a>(t: &mut Table, ids: impl Iterator<Item = &'a str>) {
    t.col(
        "doc_id",
        "Report id (documents.doc_id)",
        false,
        Data::strs(ids.map(s)),
    );
}

/// Provenance columns shared by every extracted table.
fn provenance_cols<'a>(t: &mut Table, evs: impl Iterator<Item = &'a Evidence> + Clone) {
    t.col(
        "span_start",
        "Start of the value's span in the normalized text (characters)",
        false,
        Data::I64(evs.clone().map(|e| Some(e.span.start as i64)).collect()),
    );
    t.col(
        "span_end",
        "End (exclusive) of the span in the normalized text (characters)",
        false,
        Data::I64(evs.clone().map(|e| Some(e.span.end as i64)).collect()),
    );
    t.col(
        "orig_start",
        "Start of the span in the decoded original file text (characters)",
        false,
        Data::I64(evs.clone().map(|e| Some(e.orig.start as i64)).collect()),
    );
    t.col(
        "orig_end",
        "End (exclusive) of the span in the decoded original file text (characters)",
        false,
        Data::I64(evs.clone().map(|e| Some(e.orig.end as i64)).collect()),
    );
    t.col(
        "line",
        "1-based line of the span in the original file",
        false,
        Data::I64(evs.clone().map(|e| Some(e.line as i64)).collect()),
    );
    t.col(
        "evidence",
        "The sentence the value came from, as printed in the source",
        false,
        Data::strs(evs.clone().map(|e| s(&e.sentence))),
    );
    t.col(
        "rule",
        "The extraction rule that produced the row",
        false,
        Data::strs(evs.map(|e| s(&e.rule))),
    );
}

pub fn documents(ps: &[Processed]) -> Table {
    let mut t = Table::new(
        "documents",
        "One row per input report: file facts and report metadata",
    )
    .keys(&["doc_id"], &[]);
    let m = |f: fn(&Processed) -> Option<&str>| Data::strs(ps.iter().map(f));
    t.col(
        "doc_id",
        "Stable id: first 16 hex digits of the file's SHA-256",
        false,
        m(|p| s(&p.doc.doc_id)),
    );
    t.col(
        "source_path",
        "Path relative to the input folder",
        false,
        m(|p| s(&p.doc.source_path)),
    );
    t.col(
        "collection",
        "Input collection (bundled: seeds, cases; else the folder name)",
        false,
        m(|p| s(&p.doc.collection)),
    );
    t.col(
        "sha256",
        "SHA-256 of the file bytes",
        false,
        m(|p| s(&p.doc.sha256)),
    );
    t.col(
        "format",
        "File format: txt, html or md",
        false,
        m(|p| s(p.doc.format.as_str())),
    );
    t.col(
        "encoding",
        "Detected text encoding",
        false,
        m(|p| s(&p.doc.encoding)),
    );
    t.col(
        "bytes",
        "File size in bytes",
        false,
        Data::I64(ps.iter().map(|p| Some(p.doc.bytes as i64)).collect()),
    );
    t.col(
        "jurisdiction_zh",
        "Jurisdiction as named in the report; null when the report does not name it",
        true,
        m(|p| p.doc.meta.jurisdiction_zh.as_deref()),
    );
    t.col(
        "jurisdiction_en",
        "Jurisdiction in pinyin",
        true,
        m(|p| p.doc.meta.jurisdiction_en.as_deref()),
    );
    t.col(
        "province_zh",
        "Province-level unit the jurisdiction belongs to",
        true,
        m(|p| p.doc.meta.province_zh.as_deref()),
    );
    t.enum_col(
        "admin_level",
        "Administrative level of the jurisdiction",
        true,
        LEVELS,
        m(|p| p.doc.meta.admin_level.as_deref()),
    );
    t.col(
        "issuer_zh",
        "Body that issued the report",
        true,
        m(|p| p.doc.meta.issuer_zh.as_deref()),
    );
    t.enum_col(
        "issuer_kind",
        "Kind of issuing body",
        true,
        KINDS,
        m(|p| p.doc.meta.issuer_kind.as_deref()),
    );
    t.enum_col(
        "channel",
        "Which items the report covers",
        true,
        CHANNELS,
        m(|p| p.doc.meta.channel.as_deref()),
    );
    t.col(
        "session_zh",
        "Session the items were submitted at, as printed",
        true,
        m(|p| p.doc.meta.session_zh.as_deref()),
    );
    t.col(
        "year_handled",
        "Year the items were handled",
        true,
        Data::I32(ps.iter().map(|p| p.doc.meta.year_handled).collect()),
    );
    t.col(
        "report_date",
        "Date of the report",
        true,
        Data::Date(
            ps.iter()
                .map(|p| p.doc.meta.report_date.map(|d| d.days_since_epoch()))
                .collect(),
        ),
    );
    t.enum_col(
        "metadata_source",
        "Where the metadata came from",
        false,
        META_SOURCES,
        m(|p| s(p.doc.meta.metadata_source.as_str())),
    );
    t.col(
        "source_url",
        "Where the report was published (from the registry)",
        true,
        m(|p| p.doc.source_url.as_deref()),
    );
    t.col(
        "text_chars",
        "Length of the normalized text (characters)",
        false,
        Data::I64(ps.iter().map(|p| Some(p.doc.text_chars as i64)).collect()),
    );
    t
}

pub fn facts(ps: &[Processed], rules: &Rules) -> Table {
    let rows: Vec<_> = ps
        .iter()
        .flat_map(|p| p.extraction.facts.iter().map(move |f| (p, f)))
        .collect();
    let mut t = Table::new("facts", "One row per extracted quantity (tidy, long)")
        .keys(&[], &[("doc_id", "documents", "doc_id")]);
    doc_id_col(&mut t, rows.iter().map(|(p, _)| p.doc.doc_id.as_str()));
    t.col(
        "fact",
        "Canonical name: total_items, government_items, key_items, rate_satisfied, …",
        false,
        Data::strs(rows.iter().map(|(_, f)| s(&f.fact))),
    );
    t.col(
        "name_zh",
        "The name as printed (e.g. 按时办结率), where the source names it",
        true,
        Data::strs(rows.iter().map(|(_, f)| f.name_zh.clone())),
    );
    t.col(
        "value",
        "The value",
        false,
        Data::F64(rows.iter().map(|(_, f)| Some(f.value)).collect()),
    );
    t.col(
        "value_text",
        "The number as printed (trailing zeros kept: 7.70)",
        false,
        Data::strs(rows.iter().map(|(_, f)| s(&f.value_text))),
    );
    t.enum_col(
        "unit",
        "count or percent (0-100)",
        false,
        UNITS,
        Data::strs(rows.iter().map(|(_, f)| s(f.unit.as_str()))),
    );
    t.col(
        "qualifier",
        "Prefix, role, level, channel or definition note",
        true,
        Data::strs(rows.iter().map(|(_, f)| f.qualifier.clone())),
    );
    t.col(
        "definition",
        "What a rate measures (datasets/rules/extract.toml rate_definitions); null for counts",
        true,
        Data::strs(
            rows.iter()
                .map(|(_, f)| rules.extract.rate_definitions.get(&f.fact)),
        ),
    );
    t.col(
        "bound",
        "exact, or lower_bound for 超过90% / 90%以上",
        false,
        Data::strs(rows.iter().map(|(_, f)| s(&f.bound))),
    );
    t.enum_col(
        "provenance",
        "How the value entered the data",
        false,
        PROVENANCE,
        Data::strs(rows.iter().map(|(_, f)| s(f.provenance.as_str()))),
    );
    provenance_cols(&mut t, rows.iter().map(|(_, f)| &f.evidence));
    t
}

pub fn categories(ps: &[Processed]) -> Table {
    let rows: Vec<_> = ps
        .iter()
        .flat_map(|p| p.extraction.categories.iter().map(move |c| (p, c)))
        .collect();
    let mut t = Table::new(
        "categories",
        "Each outcome category as the source states it, with its common tiers",
    )
    .keys(
        &["doc_id", "position"],
        &[("doc_id", "documents", "doc_id")],
    );
    doc_id_col(&mut t, rows.iter().map(|(p, _)| p.doc.doc_id.as_str()));
    t.col(
        "position",
        "Order in the source (0-based)",
        false,
        Data::I32(rows.iter().map(|(_, c)| Some(c.position as i32)).collect()),
    );
    t.col(
        "code",
        "Code as printed (A, 甲, C/D for a combined bucket); null when uncoded",
        true,
        Data::strs(rows.iter().map(|(_, c)| c.code.clone())),
    );
    t.col(
        "label_zh",
        "The source's wording, in its own script",
        false,
        Data::strs(rows.iter().map(|(_, c)| s(&c.label_zh))),
    );
    t.col(
        "label_norm",
        "The wording normalized (simplified, half-width), as rules see it",
        false,
        Data::strs(rows.iter().map(|(_, c)| s(&c.label_norm))),
    );
    t.col(
        "count",
        "Items in the category; null when only a share is printed",
        true,
        Data::I64(rows.iter().map(|(_, c)| c.count).collect()),
    );
    t.col(
        "pct_stated",
        "Percentage as printed; null when none",
        true,
        Data::F64(rows.iter().map(|(_, c)| c.pct_stated).collect()),
    );
    t.col(
        "pct_text",
        "Percentage exactly as printed (7.70)",
        true,
        Data::strs(rows.iter().map(|(_, c)| c.pct_text.clone())),
    );
    t.col(
        "tiers",
        "Common fine tiers the wording means (a set: a merged category has several)",
        false,
        Data::StrList(rows.iter().map(|(_, c)| c.tiers.clone()).collect()),
    );
    t.col(
        "horizon_years",
        "Time horizon of a planned tier (3 for 'within 3 years')",
        true,
        Data::I32(rows.iter().map(|(_, c)| c.horizon_years).collect()),
    );
    t.col(
        "universe",
        "What the denominator is: all_items, lead_items, classified_items, item_answers, …",
        false,
        Data::strs(rows.iter().map(|(_, c)| s(&c.universe))),
    );
    t.col(
        "universe_zh",
        "The denominator as the source names it (建议总数, 办结总数)",
        true,
        Data::strs(rows.iter().map(|(_, c)| c.universe_zh.clone())),
    );
    t.col(
        "universe_count",
        "Size of the universe",
        true,
        Data::I64(rows.iter().map(|(_, c)| c.universe_count).collect()),
    );
    t.col(
        "parent",
        "Position of the category this one is nested in (其中…)",
        true,
        Data::I32(
            rows.iter()
                .map(|(_, c)| c.parent.map(|x| x as i32))
                .collect(),
        ),
    );
    t.enum_col(
        "channel",
        "Channel whose own scheme this category belongs to, when the report classifies suggestions and proposals separately (null: the scheme covers the whole report)",
        true,
        CHANNELS,
        Data::strs(rows.iter().map(|(_, c)| c.channel.clone())),
    );
    t.enum_col(
        "mapping",
        "How tiers were decided",
        false,
        MAPPINGS,
        Data::strs(
            rows.iter()
                .map(|(_, c)| c.mapping.as_deref().or(s("unmapped"))),
        ),
    );
    t.col(
        "mapping_rule",
        "Which rule(s) or crosswalk entry decided the tiers",
        true,
        Data::strs(rows.iter().map(|(_, c)| c.mapping_rule.clone())),
    );
    t.enum_col(
        "provenance",
        "How the row entered the data",
        false,
        PROVENANCE,
        Data::strs(rows.iter().map(|(_, c)| s(c.provenance.as_str()))),
    );
    provenance_cols(&mut t, rows.iter().map(|(_, c)| &c.evidence));
    t
}

pub fn outcomes(ps: &[Processed]) -> Table {
    let rows: Vec<_> = ps
        .iter()
        .flat_map(|p| p.outcomes.iter().map(move |o| (p, o)))
        .collect();
    let t = Table::new("outcomes", "The common schema: per report and tier, counts and shares as bounds. No rows = no outcome scheme (unknown, not zero)")
        .keys(&["doc_id", "tier"], &[("doc_id", "documents", "doc_id")]);
    outcome_columns(t, &rows, false)
}

/// Reports that classify suggestions and proposals each on its own: the common schema per
/// channel, each over that channel's items (`outcomes` pools them).
pub fn outcomes_by_channel(ps: &[Processed]) -> Table {
    let rows: Vec<_> = ps
        .iter()
        .flat_map(|p| p.channel_outcomes.iter().map(move |o| (p, o)))
        .collect();
    let t = Table::new("outcomes_by_channel", "The common schema per channel, for reports that classify suggestions and proposals separately (outcomes pools the channels)")
        .keys(&["doc_id", "channel", "tier"], &[("doc_id", "documents", "doc_id")]);
    outcome_columns(t, &rows, true)
}

fn outcome_columns(mut t: Table, rows: &[(&Processed, &Outcome)], by_channel: bool) -> Table {
    doc_id_col(&mut t, rows.iter().map(|(p, _)| p.doc.doc_id.as_str()));
    if by_channel {
        t.enum_col(
            "channel",
            "Channel whose items the row classifies",
            false,
            CHANNELS,
            Data::strs(rows.iter().map(|(_, o)| o.channel.clone())),
        );
    }
    t.enum_col(
        "tier",
        "Fine tier or coarse group",
        false,
        TIERS,
        Data::strs(rows.iter().map(|(_, o)| s(&o.tier))),
    );
    t.col(
        "count_low",
        "Items in categories lying wholly inside the tier",
        true,
        Data::I64(rows.iter().map(|(_, o)| o.count_low).collect()),
    );
    t.col(
        "count_high",
        "Items in categories touching the tier, plus unclassified and unmapped items",
        true,
        Data::I64(rows.iter().map(|(_, o)| o.count_high).collect()),
    );
    t.col(
        "share_low",
        "count_low as a percent of the universe (1 decimal)",
        true,
        Data::F64(rows.iter().map(|(_, o)| o.share_low).collect()),
    );
    t.col(
        "share_high",
        "count_high as a percent of the universe (1 decimal)",
        true,
        Data::F64(rows.iter().map(|(_, o)| o.share_high).collect()),
    );
    t.col(
        "universe",
        "Denominator the source used",
        false,
        Data::strs(rows.iter().map(|(_, o)| s(&o.universe))),
    );
    t.col(
        "universe_count",
        "Size of the universe",
        true,
        Data::I64(rows.iter().map(|(_, o)| o.universe_count).collect()),
    );
    t.col(
        "exact",
        "low == high: comparable exactly",
        false,
        Data::Bool(rows.iter().map(|(_, o)| Some(o.exact)).collect()),
    );
    t.col(
        "from_stated_pct",
        "Shares from printed percentages (no counts printed)",
        false,
        Data::Bool(rows.iter().map(|(_, o)| Some(o.from_stated_pct)).collect()),
    );
    t
}

pub fn topics(ps: &[Processed]) -> Table {
    let rows: Vec<_> = ps
        .iter()
        .flat_map(|p| p.extraction.topics.iter().map(move |x| (p, x)))
        .collect();
    let mut t = Table::new(
        "topics",
        "Topic breakdowns as printed, mapped to the common taxonomy (many-to-many)",
    )
    .keys(
        &["doc_id", "position"],
        &[("doc_id", "documents", "doc_id")],
    );
    doc_id_col(&mut t, rows.iter().map(|(p, _)| p.doc.doc_id.as_str()));
    t.col(
        "position",
        "Order in the source",
        false,
        Data::I32(rows.iter().map(|(_, x)| Some(x.position as i32)).collect()),
    );
    t.col(
        "label_zh",
        "Topic as printed",
        false,
        Data::strs(rows.iter().map(|(_, x)| s(&x.label_zh))),
    );
    t.col(
        "label_norm",
        "Topic normalized",
        false,
        Data::strs(rows.iter().map(|(_, x)| s(&x.label_norm))),
    );
    t.col(
        "count",
        "Items",
        true,
        Data::I64(rows.iter().map(|(_, x)| x.count).collect()),
    );
    t.col(
        "pct_stated",
        "Percentage as printed",
        true,
        Data::F64(rows.iter().map(|(_, x)| x.pct_stated).collect()),
    );
    t.col(
        "pct_text",
        "Percentage exactly as printed",
        true,
        Data::strs(rows.iter().map(|(_, x)| x.pct_text.clone())),
    );
    t.col(
        "shared_count",
        "One count printed for several topics (各有2件): count applies to each",
        false,
        Data::Bool(rows.iter().map(|(_, x)| Some(x.shared_count)).collect()),
    );
    t.col(
        "common_topics",
        "Codes in the common taxonomy (datasets/crosswalks/topics.toml)",
        false,
        Data::StrList(
            rows.iter()
                .map(|(_, x)| x.mapped.iter().map(|(c, _)| c.clone()).collect())
                .collect(),
        ),
    );
    t.col(
        "relations",
        "Relation of the source topic to each common topic: exact, broader, narrower, related",
        false,
        Data::StrList(
            rows.iter()
                .map(|(_, x)| x.mapped.iter().map(|(_, r)| r.clone()).collect())
                .collect(),
        ),
    );
    provenance_cols(&mut t, rows.iter().map(|(_, x)| &x.evidence));
    t
}

pub fn roles(ps: &[Processed]) -> Table {
    let rows: Vec<_> = ps
        .iter()
        .flat_map(|p| p.extraction.roles.iter().map(move |x| (p, x)))
        .collect();
    let mut t = Table::new(
        "roles",
        "Handling roles (主办/协办/会办/分办) with level and channel breakdowns",
    )
    .keys(
        &["doc_id", "position"],
        &[("doc_id", "documents", "doc_id")],
    );
    doc_id_col(&mut t, rows.iter().map(|(p, _)| p.doc.doc_id.as_str()));
    t.col(
        "position",
        "Order in the source",
        false,
        Data::I32(rows.iter().map(|(_, x)| Some(x.position as i32)).collect()),
    );
    t.col(
        "role_zh",
        "Role as printed (主办单位 = a count of units, not items)",
        false,
        Data::strs(rows.iter().map(|(_, x)| s(&x.role_zh))),
    );
    t.enum_col(
        "role",
        "Common role",
        false,
        ROLES,
        Data::strs(rows.iter().map(|(_, x)| s(&x.role))),
    );
    t.col(
        "level_zh",
        "Level of the items in a breakdown (州, 市)",
        true,
        Data::strs(rows.iter().map(|(_, x)| x.level_zh.clone())),
    );
    t.enum_col(
        "channel",
        "Channel of the items in a breakdown",
        true,
        CHANNELS,
        Data::strs(rows.iter().map(|(_, x)| x.channel.clone())),
    );
    t.col(
        "count",
        "Items (or units, see role_zh)",
        false,
        Data::I64(rows.iter().map(|(_, x)| Some(x.count)).collect()),
    );
    t.col(
        "parent",
        "Position of the role row this one breaks down",
        true,
        Data::I32(
            rows.iter()
                .map(|(_, x)| x.parent.map(|v| v as i32))
                .collect(),
        ),
    );
    provenance_cols(&mut t, rows.iter().map(|(_, x)| &x.evidence));
    t
}

pub fn items(ps: &[Processed]) -> Table {
    let rows: Vec<_> = ps
        .iter()
        .flat_map(|p| p.extraction.items.iter().map(move |x| (p, x)))
        .collect();
    let mut t = Table::new(
        "items",
        "Named and numbered items with proposers, key-item flag and themes",
    )
    .keys(
        &["doc_id", "position"],
        &[("doc_id", "documents", "doc_id")],
    );
    doc_id_col(&mut t, rows.iter().map(|(p, _)| p.doc.doc_id.as_str()));
    t.col(
        "position",
        "Order in the source",
        false,
        Data::I32(rows.iter().map(|(_, x)| Some(x.position as i32)).collect()),
    );
    t.col(
        "number",
        "Item number (73号建议, 第199号提案)",
        true,
        Data::I64(rows.iter().map(|(_, x)| x.number).collect()),
    );
    t.col(
        "title",
        "Title as printed",
        true,
        Data::strs(rows.iter().map(|(_, x)| x.title.clone())),
    );
    t.col(
        "kind",
        "npc_suggestion, cppcc_proposal or bill",
        true,
        Data::strs(rows.iter().map(|(_, x)| x.kind.clone())),
    );
    t.col(
        "proposers",
        "Named proposers (lead first)",
        false,
        Data::StrList(rows.iter().map(|(_, x)| x.proposers.clone()).collect()),
    );
    t.col(
        "lead_proposer",
        "First named proposer",
        true,
        Data::strs(rows.iter().map(|(_, x)| x.proposers.first())),
    );
    t.col(
        "proposer_count",
        "Number of proposers (等3位代表 → 3)",
        true,
        Data::I64(rows.iter().map(|(_, x)| x.proposer_count).collect()),
    );
    t.col(
        "key_item",
        "Mentioned as a key item (重点建议/重点提案)",
        false,
        Data::Bool(rows.iter().map(|(_, x)| Some(x.key_item)).collect()),
    );
    t.col(
        "themes",
        "Theme ids from datasets/lexicons/themes.toml",
        false,
        Data::StrList(rows.iter().map(|(_, x)| x.themes.clone()).collect()),
    );
    provenance_cols(&mut t, rows.iter().map(|(_, x)| &x.evidence));
    t
}

pub fn checks(ps: &[Processed]) -> Table {
    checks_of(
        ps.iter()
            .flat_map(|p| p.checks.iter().map(move |x| (p.doc.doc_id.as_str(), x)))
            .collect(),
    )
}

/// The `checks` table from (doc_id, check) rows.
pub fn checks_of(rows: Vec<(&str, &Check)>) -> Table {
    let mut t = Table::new(
        "checks",
        "Validation of each report against itself; failing checks never change the data",
    )
    .keys(&[], &[("doc_id", "documents", "doc_id")]);
    doc_id_col(&mut t, rows.iter().map(|(id, _)| *id));
    t.col(
        "check",
        "Check name",
        false,
        Data::strs(rows.iter().map(|(_, x)| s(&x.check))),
    );
    t.enum_col(
        "status",
        "pass, warn or fail",
        false,
        STATUSES,
        Data::strs(rows.iter().map(|(_, x)| s(x.status.as_str()))),
    );
    t.col(
        "expected",
        "Expected value",
        true,
        Data::strs(rows.iter().map(|(_, x)| x.expected.clone())),
    );
    t.col(
        "observed",
        "Observed value",
        true,
        Data::strs(rows.iter().map(|(_, x)| x.observed.clone())),
    );
    t.col(
        "message",
        "Explanation",
        false,
        Data::strs(rows.iter().map(|(_, x)| s(&x.message))),
    );
    t.col(
        "subject",
        "What the check is about (category:2, fact:rate_satisfied)",
        true,
        Data::strs(rows.iter().map(|(_, x)| x.subject.clone())),
    );
    t
}

pub fn findings(fs: &[Finding]) -> Table {
    let mut t = Table::new(
        "findings",
        "Problems and notes about the last run's inputs: unreadable files, unparsed statistics, record conflicts (one file, `findings.parquet`)",
    )
    .single_file();
    t.col(
        "source_path",
        "File the finding is about",
        false,
        Data::strs(fs.iter().map(|f| s(&f.source_path))),
    );
    t.col(
        "doc_id",
        "Report id, when the file was read",
        true,
        Data::strs(fs.iter().map(|f| f.doc_id.clone())),
    );
    t.enum_col(
        "severity",
        "info, warn or error",
        false,
        SEVERITIES,
        Data::strs(fs.iter().map(|f| s(f.severity.as_str()))),
    );
    t.col(
        "code",
        "Finding code",
        false,
        Data::strs(fs.iter().map(|f| s(&f.code))),
    );
    t.col(
        "message",
        "What happened and what was expected",
        false,
        Data::strs(fs.iter().map(|f| s(&f.message))),
    );
    t.col(
        "line",
        "Line in the file",
        true,
        Data::I64(fs.iter().map(|f| f.line.map(|v| v as i64)).collect()),
    );
    t.col(
        "column",
        "Column in the line",
        true,
        Data::I64(fs.iter().map(|f| f.column.map(|v| v as i64)).collect()),
    );
    t
}

/// All tables, in output order.
pub fn all(ps: &[Processed], fs: &[Finding], rules: &Rules) -> Vec<Table> {
    vec![
        documents(ps),
        facts(ps, rules),
        categories(ps),
        outcomes(ps),
        outcomes_by_channel(ps),
        topics(ps),
        roles(ps),
        items(ps),
        checks(ps),
        findings(fs),
    ]
}
