//! The analytics tables' public definitions (names, types, descriptions): the writer and the
//! data dictionary both read them.

use std::sync::LazyLock;

use banli::write::Ty::{Bool, F64, I32, I64, Str};

use crate::frame::{Spec, TableDef, spec};

macro_rules! tier_cols {
    ($t:literal, $zh:literal) => {
        [
            spec(
                concat!($t, "_share_low"),
                F64,
                true,
                concat!(
                    "Lower bound of the ",
                    $zh,
                    " share of the universe (percent, 1 decimal)"
                ),
            ),
            spec(
                concat!($t, "_share_high"),
                F64,
                true,
                concat!("Upper bound of the ", $zh, " share (percent)"),
            ),
            spec(
                concat!($t, "_exact"),
                Bool,
                true,
                concat!(
                    "The ",
                    $zh,
                    " share is exact (low == high): comparable across schemes"
                ),
            ),
        ]
    };
}

const KEY: [Spec; 10] = [
    spec(
        "series_key",
        Str,
        false,
        "Jurisdiction (simplified) | issuer (kind, or the department) | channel: the unit followed across years",
    ),
    spec(
        "label",
        Str,
        false,
        "Display name: short Chinese name and pinyin (漯河 Luohe)",
    ),
    spec(
        "jurisdiction_key",
        Str,
        false,
        "Jurisdiction in simplified characters (? + file when the report names none)",
    ),
    spec(
        "jurisdiction_zh",
        Str,
        true,
        "Jurisdiction as the report names it",
    ),
    spec("jurisdiction_en", Str, true, "Jurisdiction in pinyin"),
    spec("province_zh", Str, true, "Province-level unit"),
    spec(
        "admin_level",
        Str,
        true,
        "national, provincial, prefecture, county or district",
    ),
    spec("issuer_zh", Str, true, "Issuing body as printed"),
    spec(
        "issuer_kind",
        Str,
        true,
        "government, department, congress, cppcc or other",
    ),
    spec(
        "channel",
        Str,
        true,
        "npc_suggestion, cppcc_proposal or both",
    ),
];

const VOLUME: [Spec; 10] = [
    spec("year", I32, true, "Year the items were handled"),
    spec(
        "doc_id",
        Str,
        false,
        "The report that speaks for this row (documents.doc_id): the fullest of its group",
    ),
    spec(
        "source_path",
        Str,
        false,
        "That report's file, relative to its input folder",
    ),
    spec(
        "n_reports",
        I64,
        false,
        "Reports in the group (same jurisdiction, issuer, channel, year)",
    ),
    spec(
        "total_items",
        I64,
        true,
        "Items the report's scheme speaks about (facts.total_items)",
    ),
    spec(
        "total_items_qualifier",
        Str,
        true,
        "Kind of total: received, filed, merged or handled",
    ),
    spec(
        "government_items",
        I64,
        true,
        "Items handled by the government (when a congress report splits them)",
    ),
    spec("key_items", I64, true, "Key (重点) items"),
    spec(
        "has_outcome_scheme",
        Bool,
        false,
        "The report classifies outcomes (else every outcome column is null: unknown, not zero)",
    ),
    spec(
        "universe",
        Str,
        true,
        "Denominator of the outcome shares: all_items, lead_items, classified_items, …",
    ),
];

const OUTCOME_HEAD: [Spec; 2] = [
    spec("universe_count", I64, true, "Size of the universe"),
    spec(
        "outcomes_exact",
        Bool,
        true,
        "All four fine tiers are exact: the composition compares exactly",
    ),
];

const RATES: [Spec; 13] = [
    spec(
        "rate_completed",
        F64,
        true,
        "办结率 (percent): handling finished",
    ),
    spec(
        "rate_completed_definition",
        Str,
        true,
        "What the completion rate measures",
    ),
    spec(
        "rate_answered",
        F64,
        true,
        "办复率/答复率 (percent): answered in writing",
    ),
    spec(
        "rate_answered_definition",
        Str,
        true,
        "What the answered rate measures",
    ),
    spec("rate_face_to_face", F64, true, "面复率/面商率 (percent)"),
    spec(
        "rate_face_to_face_definition",
        Str,
        true,
        "What the face-to-face rate measures",
    ),
    spec(
        "rate_satisfied",
        F64,
        true,
        "满意率 (percent): satisfied only",
    ),
    spec(
        "rate_satisfied_or_basic",
        F64,
        true,
        "满意和基本满意率 (percent): satisfied or basically satisfied",
    ),
    spec(
        "satisfaction",
        F64,
        true,
        "The report's satisfaction figure: satisfied-or-basically when printed, else satisfied only",
    ),
    spec(
        "satisfaction_definition",
        Str,
        true,
        "satisfied_or_basic or satisfied: never compare the two as equal",
    ),
    spec(
        "top_topic",
        Str,
        true,
        "Largest topic on the common taxonomy (topics.toml code)",
    ),
    spec("top_topic_zh", Str, true, "Its Chinese label"),
    spec(
        "top_topic_share",
        F64,
        true,
        "Its share of the topic mix (percent)",
    ),
];

const CHECKS: [Spec; 5] = [
    spec(
        "n_topics",
        I64,
        true,
        "Common topics the report's breakdown touches",
    ),
    spec("checks_pass", I64, true, "Checks passed by the report"),
    spec("checks_warn", I64, true, "Checks with a warning"),
    spec("checks_fail", I64, true, "Checks failed"),
    spec(
        "failed_checks",
        Str,
        true,
        "Names of the failed checks, comma-separated",
    ),
];

static COMPARISON_COLUMNS: LazyLock<Vec<Spec>> = LazyLock::new(|| {
    let mut v: Vec<Spec> = Vec::new();
    v.extend(KEY);
    v.extend(VOLUME);
    v.extend(OUTCOME_HEAD);
    v.extend(tier_cols!("resolved", "resolved"));
    v.extend(tier_cols!("in_progress", "in-progress"));
    v.extend(tier_cols!("planned", "planned"));
    v.extend(tier_cols!("deferred", "deferred"));
    v.extend(tier_cols!(
        "progressing",
        "progressing (in progress or planned)"
    ));
    v.extend(tier_cols!(
        "addressed",
        "addressed (resolved, in progress or planned)"
    ));
    v.extend(RATES);
    v.extend(CHECKS);
    v
});

/// `comparison`: what users open first.
pub fn comparison() -> TableDef {
    TableDef {
        name: "comparison",
        description: "One row per jurisdiction, issuer, channel and year (series_key, year): volume, outcome shares as bounds, rates with their definitions, top topic, checks. Evidence: join facts/categories on doc_id (report.html shows it)",
        // `year` may be null (a report of unknown year), so the key is the report that speaks.
        primary_key: &["doc_id"],
        columns: COMPARISON_COLUMNS.as_slice(),
    }
}

pub const TRENDS: TableDef = TableDef {
    name: "trends",
    description: "Year-over-year changes per series (jurisdiction × issuer × channel) between consecutive years present; changes are intervals",
    primary_key: &["series_key", "metric", "year_to"],
    columns: &[
        spec("series_key", Str, false, "comparison.series_key"),
        spec("label", Str, false, "Display name (漯河 Luohe)"),
        spec(
            "jurisdiction_key",
            Str,
            false,
            "Jurisdiction in simplified characters",
        ),
        spec("jurisdiction_en", Str, true, "Jurisdiction in pinyin"),
        spec("issuer_kind", Str, true, "Kind of issuing body"),
        spec("issuer_zh", Str, true, "Issuing body of the later report"),
        spec(
            "channel",
            Str,
            true,
            "npc_suggestion, cppcc_proposal or both",
        ),
        spec(
            "metric",
            Str,
            false,
            "total_items, <tier>_share (resolved, in_progress, planned, deferred, progressing, addressed) or satisfaction",
        ),
        spec(
            "unit",
            Str,
            false,
            "count, or percent (changes in percentage points)",
        ),
        spec("year_from", I32, false, "Earlier year"),
        spec("year_to", I32, false, "Later year"),
        spec("doc_id_from", Str, false, "Report of the earlier year"),
        spec("doc_id_to", Str, false, "Report of the later year"),
        spec("from_low", F64, false, "Earlier value, lower bound"),
        spec("from_high", F64, false, "Earlier value, upper bound"),
        spec("to_low", F64, false, "Later value, lower bound"),
        spec("to_high", F64, false, "Later value, upper bound"),
        spec(
            "change_low",
            F64,
            false,
            "Smallest change consistent with both reports (to_low − from_high)",
        ),
        spec(
            "change_high",
            F64,
            false,
            "Largest change (to_high − from_low)",
        ),
        spec(
            "exact",
            Bool,
            false,
            "Both values exact, so the change is exact",
        ),
        spec(
            "comparable",
            Bool,
            false,
            "Same definition on both ends (universe, satisfaction definition, kind of total)",
        ),
        spec(
            "definition_from",
            Str,
            true,
            "Universe / definition of the earlier value",
        ),
        spec(
            "definition_to",
            Str,
            true,
            "Universe / definition of the later value",
        ),
    ],
};

pub const THEMES: TableDef = TableDef {
    name: "themes",
    description: "Themes (datasets/lexicons/themes.toml) of named items, per jurisdiction: which recur where",
    primary_key: &["theme", "jurisdiction_key"],
    columns: &[
        spec("theme", Str, false, "Theme id"),
        spec("theme_zh", Str, true, "Theme in Chinese"),
        spec("theme_en", Str, true, "Theme in English"),
        spec(
            "jurisdiction_key",
            Str,
            false,
            "Jurisdiction in simplified characters",
        ),
        spec("label", Str, false, "Display name (漯河 Luohe)"),
        spec("jurisdiction_en", Str, true, "Jurisdiction in pinyin"),
        spec(
            "n_items",
            I64,
            false,
            "Items with the theme in this jurisdiction",
        ),
        spec("n_key_items", I64, false, "Of which key items"),
        spec("n_reports", I64, false, "Reports mentioning them"),
        spec("year_first", I32, true, "First year seen"),
        spec("year_last", I32, true, "Last year seen"),
        spec(
            "n_jurisdictions",
            I64,
            false,
            "Jurisdictions where the theme appears",
        ),
        spec(
            "recurring",
            Bool,
            false,
            "The theme appears in two or more jurisdictions",
        ),
        spec("example_title", Str, true, "Title of one item"),
        spec("example_evidence", Str, false, "Sentence of one item"),
        spec("example_doc_id", Str, false, "Report of that item"),
    ],
};

pub const TOPIC_MIX: TableDef = TableDef {
    name: "topic_mix",
    description: "Topic mix of each compared report on the common taxonomy (datasets/crosswalks/topics.toml)",
    primary_key: &["doc_id", "topic"],
    columns: &[
        spec("doc_id", Str, false, "Report (comparison.doc_id)"),
        spec("label", Str, false, "Display name (漯河 Luohe)"),
        spec("year", I32, true, "Year handled"),
        spec(
            "jurisdiction_key",
            Str,
            false,
            "Jurisdiction in simplified characters",
        ),
        spec("topic", Str, false, "Common topic code"),
        spec("topic_zh", Str, true, "Topic in Chinese"),
        spec("topic_en", Str, true, "Topic in English"),
        spec(
            "items",
            I64,
            false,
            "Items of source topics touching this topic (counted in full for each topic they map to)",
        ),
        spec(
            "items_split",
            F64,
            false,
            "Items with a source topic mapped to k common topics split k ways (adds up to the breakdown's total)",
        ),
        spec(
            "share",
            F64,
            false,
            "items_split as a percent of the report's breakdown (adds up to 100)",
        ),
    ],
};

/// Every analytics table, in output order.
pub fn all() -> [TableDef; 4] {
    [comparison(), TRENDS, THEMES, TOPIC_MIX]
}
