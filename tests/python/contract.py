"""The public output contract (docs: /shared/design/outputs-contract.md), restated as data the
tests check the Parquet files against, independently of the datapackage.json the writer emits.

Keep this in step with the contract, not with the writer: a mismatch here is the point."""

from __future__ import annotations

import pyarrow as pa

# Per-report tables: hive-partitioned folders `<out>/<table>/year=2021/part-0.parquet`. Reports
# whose year handled is unknown sit in `year=0` (read as year 0, never null; their
# documents.year_handled is null). Not hive's `__HIVE_DEFAULT_PARTITION__`: with that null partition
# a plain `pd.read_parquet(folder)` fails (pandas-dev/pandas#55400). The files hold no `year`
# column; readers that open the folder add it from the folder names.
PARTITIONED = ["documents", "facts", "categories", "outcomes", "topics", "roles", "items", "checks"]
# Cross-year tables of the analytics stage: single files `<out>/<table>.parquet`.
ANALYTICS = ["comparison", "trends", "themes", "topic_mix"]
# Single files: the last run's findings and the analytics tables.
SINGLE_FILES = ["findings", *ANALYTICS]
TABLES = [*PARTITIONED, *SINGLE_FILES]

PARTITION_COLUMN = "year"
UNKNOWN_YEAR = 0  # the partition value of reports whose year handled is unknown (`year=0`)
# Hive's null partition: never written (see above); a folder of that name is a layout error.
HIVE_NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
PART_FILE = "part-0.parquet"

STR = pa.string()
I32 = pa.int32()
I64 = pa.int64()
F64 = pa.float64()
BOOL = pa.bool_()
DATE = pa.date32()
STR_LIST = pa.list_(pa.string())

# The type pyarrow gives the hive partition column (`partitioning="hive"`), like documents.year_handled.
PARTITION_TYPE = I32

# Columns the contract (and the consumers in notebooks/) rely on, with the type promised.
COLUMNS: dict[str, dict[str, pa.DataType]] = {
    "documents": {
        "doc_id": STR, "source_path": STR, "sha256": STR,
        "jurisdiction_zh": STR, "jurisdiction_en": STR, "province_zh": STR, "admin_level": STR,
        "issuer_zh": STR, "issuer_kind": STR, "channel": STR, "session_zh": STR,
        "year_handled": I32, "report_date": DATE, "metadata_source": STR,
    },
    "facts": {
        "doc_id": STR, "fact": STR, "name_zh": STR, "value": F64, "unit": STR, "qualifier": STR,
        "provenance": STR, "span_start": I64, "span_end": I64, "evidence": STR,
    },
    "categories": {
        "doc_id": STR, "position": I32, "code": STR, "label_zh": STR, "count": I64, "pct_stated": F64,
        "tiers": STR_LIST, "horizon_years": I32, "universe": STR, "mapping": STR,
        "span_start": I64, "span_end": I64, "evidence": STR,
    },
    "outcomes": {
        "doc_id": STR, "tier": STR, "count_low": I64, "count_high": I64, "share_low": F64, "share_high": F64,
        "universe": STR, "universe_count": I64, "exact": BOOL,
    },
    "topics": {"doc_id": STR, "label_zh": STR, "count": I64, "pct_stated": F64, "common_topics": STR_LIST},
    "roles": {"doc_id": STR, "role": STR, "count": I64},
    "items": {"doc_id": STR, "proposers": STR_LIST, "key_item": BOOL},
    "checks": {"doc_id": STR, "check": STR, "status": STR, "expected": STR, "observed": STR, "message": STR},
    "findings": {"source_path": STR, "doc_id": STR, "severity": STR, "code": STR, "message": STR},
}

FINE_TIERS = ["resolved", "in_progress", "planned", "deferred"]
COARSE_TIERS = {"progressing": ["in_progress", "planned"], "addressed": ["resolved", "in_progress", "planned"]}
TIERS = FINE_TIERS + list(COARSE_TIERS)

# ---- the analytics tables (cross-year, single files) ----

_SERIES = {
    "series_key": STR, "label": STR, "jurisdiction_key": STR, "jurisdiction_zh": STR, "jurisdiction_en": STR,
    "province_zh": STR, "admin_level": STR, "issuer_zh": STR, "issuer_kind": STR, "channel": STR,
}
COLUMNS["comparison"] = {
    **_SERIES,
    "year": I32, "doc_id": STR, "source_path": STR, "n_reports": I64,
    "total_items": I64, "total_items_qualifier": STR,
    "government_items": I64, "key_items": I64, "has_outcome_scheme": BOOL, "universe": STR,
    "universe_count": I64, "outcomes_exact": BOOL,
    # <tier>_share_low / _share_high (float64 percent) and <tier>_exact, fine tiers and coarse groups
    **{f"{t}_{c}": ty for t in TIERS for c, ty in (("share_low", F64), ("share_high", F64), ("exact", BOOL))},
    "rate_completed": F64, "rate_completed_definition": STR, "rate_answered": F64, "rate_answered_definition": STR,
    "rate_face_to_face": F64, "rate_face_to_face_definition": STR, "rate_satisfied": F64,
    "rate_satisfied_or_basic": F64, "satisfaction": F64, "satisfaction_definition": STR,
    "top_topic": STR, "top_topic_zh": STR, "top_topic_share": F64,
    "n_topics": I64, "checks_pass": I64, "checks_warn": I64, "checks_fail": I64, "failed_checks": STR,
}
COLUMNS["trends"] = {
    "series_key": STR, "label": STR, "jurisdiction_key": STR, "jurisdiction_en": STR, "issuer_kind": STR,
    "issuer_zh": STR, "channel": STR, "metric": STR, "unit": STR, "year_from": I32, "year_to": I32,
    "doc_id_from": STR, "doc_id_to": STR, "from_low": F64, "from_high": F64, "to_low": F64, "to_high": F64,
    "change_low": F64, "change_high": F64, "exact": BOOL, "comparable": BOOL,
    "definition_from": STR, "definition_to": STR,
}
COLUMNS["themes"] = {
    "theme": STR, "theme_zh": STR, "theme_en": STR, "jurisdiction_key": STR, "label": STR,
    "jurisdiction_en": STR, "n_items": I64, "n_key_items": I64, "n_reports": I64, "year_first": I32,
    "year_last": I32, "n_jurisdictions": I64, "recurring": BOOL, "example_title": STR,
    "example_evidence": STR, "example_doc_id": STR,
}
COLUMNS["topic_mix"] = {
    "doc_id": STR, "label": STR, "year": I32, "jurisdiction_key": STR, "topic": STR, "topic_zh": STR,
    "topic_en": STR, "items": I64, "items_split": F64, "share": F64,
}
# Columns of the analytics tables that name a report (all must be documents.doc_id values).
DOC_REFERENCES: dict[str, list[str]] = {
    "comparison": ["doc_id"], "trends": ["doc_id_from", "doc_id_to"], "themes": ["example_doc_id"],
    "topic_mix": ["doc_id"],
}

ENUMS: dict[tuple[str, str], set[str]] = {
    ("documents", "admin_level"): {"national", "provincial", "prefecture", "county", "district"},
    ("documents", "issuer_kind"): {"government", "department", "congress", "cppcc", "other"},
    ("documents", "channel"): {"npc_suggestion", "cppcc_proposal", "both"},
    ("documents", "metadata_source"): {"registry", "inferred", "mixed"},
    ("facts", "unit"): {"count", "percent"},
    ("facts", "provenance"): {"extracted", "derived", "manual"},
    # The contract lists four; the writer adds `unmapped` for "no rule applied" (an extension).
    ("categories", "mapping"): {"crosswalk", "phrase_rule", "code_only", "manual", "unmapped"},
    ("outcomes", "tier"): set(TIERS),
    ("checks", "status"): {"pass", "warn", "fail"},
    # analytics: the same vocabularies, carried over from documents and outcomes
    ("comparison", "admin_level"): {"national", "provincial", "prefecture", "county", "district"},
    ("comparison", "issuer_kind"): {"government", "department", "congress", "cppcc", "other"},
    ("comparison", "channel"): {"npc_suggestion", "cppcc_proposal", "both"},
    ("comparison", "satisfaction_definition"): {"satisfied_or_basic", "satisfied"},
    ("trends", "issuer_kind"): {"government", "department", "congress", "cppcc", "other"},
    ("trends", "channel"): {"npc_suggestion", "cppcc_proposal", "both"},
    ("trends", "metric"): {"total_items", "satisfaction", *(f"{t}_share" for t in TIERS)},
    ("trends", "unit"): {"count", "percent"},
}

# Canonical fact names the contract names; others may be added (snake_case).
CANONICAL_FACTS = {
    "total_items", "government_items", "key_items", "items_during_session", "items_after_session",
    "feedback_forms", "rate_completed", "rate_answered", "rate_face_to_face", "rate_satisfied",
    "rate_basically_satisfied", "rate_satisfied_or_basic", "rate_implemented",
}

# datapackage.json `parquetType` (arrow-rs Display of the DataType) → pyarrow type.
PARQUET_TYPES: dict[str, pa.DataType] = {
    "Utf8": STR, "Int64": I64, "Int32": I32, "Float64": F64, "Boolean": BOOL, "Date32": DATE,
    "List(Utf8)": STR_LIST,
}
# Frictionless Table Schema type → the arrow types it may stand for.
FRICTIONLESS_TYPES: dict[str, tuple[pa.DataType, ...]] = {
    "string": (STR,), "integer": (I32, I64), "number": (F64,), "boolean": (BOOL,), "date": (DATE,),
    "array": (STR_LIST,),
}


def same_type(a: pa.DataType, b: pa.DataType) -> bool:
    """Type equality that ignores the name of a list's item field ("item" vs "element")."""
    if pa.types.is_list(a) and pa.types.is_list(b):
        return same_type(a.value_type, b.value_type)
    return a == b


def r_incompatibilities(t: pa.DataType, where: str = "") -> list[str]:
    """Why R's arrow package (and reticulate/pandas on the way) would mis-read this type, if it would.

    Whitelist: the contract's types are utf8, int32, int64, float64, bool, date32 and list<utf8>.
    Everything else is reported, with the R-side consequence for the usual offenders."""
    problems: list[str] = []
    if pa.types.is_list(t):
        return r_incompatibilities(t.value_type, where + "<item>")
    if pa.types.is_unsigned_integer(t):
        problems.append(f"{where}: {t} is unsigned (R: uint32 may become double, uint64 always double)")
    elif pa.types.is_string_view(t) or pa.types.is_binary_view(t):
        problems.append(f"{where}: {t} is a view type (R arrow <= 19 and pyarrow kernels reject it)")
    elif pa.types.is_large_string(t) or pa.types.is_large_binary(t):
        problems.append(f"{where}: {t} is a large type (contract: plain utf8)")
    elif pa.types.is_large_list(t) or pa.types.is_list_view(t) or pa.types.is_large_list_view(t):
        problems.append(f"{where}: {t} is not a plain list")
    elif pa.types.is_dictionary(t):
        problems.append(f"{where}: {t} is dictionary-encoded (factor/categorical round-trips differ by reader)")
    elif pa.types.is_timestamp(t):
        problems.append(f"{where}: {t} is a timestamp (contract: date32; tz and unit differ by reader)")
    elif not any(t == ok for ok in (STR, I32, I64, F64, BOOL, DATE)):
        problems.append(f"{where}: {t} is outside the contract's types")
    return problems
