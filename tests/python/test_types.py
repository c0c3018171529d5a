"""Column types: against the contract, against datapackage.json, and against what R's arrow
package needs (checked from Python, since no native R Parquet reader installs here)."""

from __future__ import annotations

import json
import math
import re

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from conftest import out_dir, parquet_file, table_path
from contract import COLUMNS, ENUMS, FRICTIONLESS_TYPES, PARQUET_TYPES, TABLES, r_incompatibilities, same_type


@pytest.mark.parametrize("name", TABLES)
def test_contract_columns_and_types(name):
    schema = pq.read_schema(table_path(out_dir(), name))
    missing = [c for c in COLUMNS[name] if c not in schema.names]
    assert not missing, f"{name}: contract columns missing: {missing}"
    wrong = {c: str(schema.field(c).type) for c, t in COLUMNS[name].items() if not same_type(schema.field(c).type, t)}
    assert not wrong, f"{name}: types differ from the contract {{col: found}}: {wrong}"


@pytest.mark.parametrize("name", TABLES)
def test_contract_type_rules_by_column_name(name):
    """Counts int64, shares/rates/percents float64, years int32, dates date32, by naming convention."""
    schema = pq.read_schema(table_path(out_dir(), name))
    for f in schema:
        n, t = f.name, f.type
        if n == "count" or n.startswith("count_") or (n.endswith("_count") and n != "shared_count"):
            assert t == pa.int64(), f"{name}.{n}: counts are int64, found {t}"
        if n.startswith("share_") or n.startswith("rate_") or (n.startswith("pct_") and not n.endswith("_text")):
            assert t == pa.float64(), f"{name}.{n}: shares are float64, found {t}"
        if n.startswith("year"):
            assert t == pa.int32(), f"{name}.{n}: years are int32, found {t}"
        if n.endswith("_date"):
            assert t == pa.date32(), f"{name}.{n}: dates are date32, found {t}"


@pytest.mark.parametrize("name", TABLES)
def test_r_compatible_types(name):
    """What R's arrow (and reticulate) needs: no unsigned ints, no view/large/dictionary types,
    dates as date32, no timestamps; only utf8, int32, int64, float64, bool, date32, list<utf8>."""
    pf = parquet_file(out_dir(), name)
    problems = [p for f in pf.schema_arrow for p in r_incompatibilities(f.type, f"{name}.{f.name}")]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", TABLES)
def test_embedded_arrow_schema_matches_parquet_types(name):
    """Readers that ignore ARROW:schema (R via Parquet logical types, duckdb, polars) see the same
    types as pyarrow does with it: the embedded schema must not carry view/large types that the
    Parquet logical types do not."""
    pf = parquet_file(out_dir(), name)
    assert b"ARROW:schema" in (pf.metadata.metadata or {}), f"{name}: no ARROW:schema"
    from_parquet = pf.schema.to_arrow_schema()
    with_blob = pf.schema_arrow
    for a, b in zip(from_parquet, with_blob, strict=True):
        assert a.name == b.name
        assert same_type(a.type, b.type), f"{name}.{a.name}: parquet logical {a.type} vs ARROW:schema {b.type}"
    for i in range(pf.metadata.num_columns):
        col = pf.schema.column(i)
        if col.physical_type == "BYTE_ARRAY":
            assert col.logical_type.type == "STRING", f"{name}.{col.path}: BYTE_ARRAY without the STRING annotation"
        logical = json.loads(col.logical_type.to_json())
        if logical.get("Type") == "Int":
            assert logical.get("isSigned") is True, f"{name}.{col.path}: unsigned {logical}"
        assert col.converted_type not in ("UINT_8", "UINT_16", "UINT_32", "UINT_64"), f"{name}.{col.path}"


@pytest.mark.parametrize("name", TABLES)
def test_datapackage_fields_match_file(name, resources):
    assert name in resources, f"datapackage.json has no resource {name}"
    fields = resources[name]["schema"]["fields"]
    schema = pq.read_schema(table_path(out_dir(), name))
    assert [f["name"] for f in fields] == schema.names, f"{name}: datapackage field order/names differ from the file"
    for fd in fields:
        af = schema.field(fd["name"])
        assert fd["parquetType"] in PARQUET_TYPES, f"{name}.{fd['name']}: unknown parquetType {fd['parquetType']}"
        assert same_type(af.type, PARQUET_TYPES[fd["parquetType"]]), \
            f"{name}.{fd['name']}: datapackage says {fd['parquetType']}, file has {af.type}"
        assert any(same_type(af.type, t) for t in FRICTIONLESS_TYPES[fd["type"]]), \
            f"{name}.{fd['name']}: frictionless type {fd['type']} does not fit {af.type}"
        required = fd.get("constraints", {}).get("required", False)
        assert required == (not af.nullable), f"{name}.{fd['name']}: required={required} but nullable={af.nullable}"
        assert fd.get("description"), f"{name}.{fd['name']}: no description"


@pytest.mark.parametrize("name", TABLES)
def test_required_columns_have_no_nulls(name, resources, read):
    t = read(name)
    for fd in resources[name]["schema"]["fields"]:
        if fd.get("constraints", {}).get("required"):
            assert t.column(fd["name"]).null_count == 0, f"{name}.{fd['name']} is required but has nulls"


@pytest.mark.parametrize("name", TABLES)
def test_enums_hold(name, resources, read):
    t = read(name)
    for fd in resources[name]["schema"]["fields"]:
        enum = fd.get("constraints", {}).get("enum")
        if enum is None:
            continue
        if "categories" in fd:
            assert [c["value"] for c in fd["categories"]] == enum, f"{name}.{fd['name']}: categories != enum"
        allowed = set(enum)
        if (name, fd["name"]) in ENUMS:
            extra = allowed - ENUMS[(name, fd["name"])]
            assert not extra, f"{name}.{fd['name']}: datapackage enum has values the contract lacks: {extra}"
        found = set(v for v in t.column(fd["name"]).to_pylist() if v is not None)
        assert found <= allowed, f"{name}.{fd['name']}: values outside the enum: {found - allowed}"
    for (tname, col), allowed in ENUMS.items():
        if tname == name:
            found = set(v for v in t.column(col).to_pylist() if v is not None)
            assert found <= allowed, f"{name}.{col}: values outside the contract: {found - allowed}"


def _floats(t):
    for f in t.schema:
        if pa.types.is_floating(f.type):
            yield f.name, [v for v in t.column(f.name).to_pylist() if v is not None]


@pytest.mark.parametrize("name", TABLES)
def test_floats_are_finite(name, read):
    """NaN would read as NaN (not NA) in R and pandas, and break share comparisons."""
    for col, vals in _floats(read(name)):
        bad = [v for v in vals if not math.isfinite(v)]
        assert not bad, f"{name}.{col}: non-finite values {bad[:5]}"


def test_no_negative_zero(read):
    """-0.0 prints as '-0.0' in pandas and polars and sorts oddly in spreadsheets."""
    found = []
    for name in TABLES:
        for col, vals in _floats(read(name)):
            n = sum(1 for v in vals if v == 0 and math.copysign(1, v) < 0)
            if n:
                found.append(f"{name}.{col}: {n} value(s) are -0.0")
    assert not found, "; ".join(found)


def test_list_columns_hold_no_null_items(read):
    for name in ("categories", "topics", "items"):
        t = read(name)
        for f in t.schema:
            if pa.types.is_list(f.type):
                flat = pc.list_flatten(t.column(f.name))
                assert flat.null_count == 0, f"{name}.{f.name}: null list items"


def test_fact_names_are_canonical(read):
    t = read("facts")
    names = set(t.column("fact").to_pylist())
    bad = [n for n in names if not re.fullmatch(r"[a-z][a-z0-9_]*", n)]
    assert not bad, f"fact names not snake_case: {bad}"
    units = {r["fact"]: r["unit"] for r in t.select(["fact", "unit"]).to_pylist()}
    for n, u in units.items():
        if n.startswith("rate_"):
            assert u == "percent", f"{n} is a rate but its unit is {u}"
    assert names & {"total_items", "rate_satisfied", "rate_completed"}, "no canonical facts at all"
    for r in t.to_pylist():
        if r["unit"] == "percent":
            assert 0 <= r["value"] <= 100, f"percent out of range: {r['fact']}={r['value']} ({r['doc_id']})"
        else:
            assert r["value"] >= 0 and float(r["value"]).is_integer(), f"count not a whole number: {r}"
