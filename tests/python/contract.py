"""The public output contract (docs: /shared/design/outputs-contract.md), restated as data the
tests check the Parquet files against, independently of the datapackage.json the writer emits.

Keep this in step with the contract, not with the writer: a mismatch here is the point."""

from __future__ import annotations

import pyarrow as pa

TABLES = ["documents", "facts", "categories", "outcomes", "topics", "roles", "items", "checks", "findings"]

STR = pa.string()
I32 = pa.int32()
I64 = pa.int64()
F64 = pa.float64()
BOOL = pa.bool_()
DATE = pa.date32()
STR_LIST = pa.list_(pa.string())

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
