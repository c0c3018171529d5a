"""Column types: against the contract, against datapackage.json, and against what R's arrow
package needs (checked from Python, since no native R Parquet reader installs here). File-level
checks run on every file of a table (each partition of a partitioned one)."""

from __future__ import annotations

import json
import math
import re

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from conftest import out_dir, parquet_files, part_files, table_path
from contract import (ANALYTICS, COLUMNS, ENUMS, FRICTIONLESS_TYPES, PARQUET_TYPES, TABLES, r_incompatibilities,
                      same_type)


def _file_schemas(name) -> list[tuple[str, pa.Schema]]:
    """(where, schema) of every file of the table: each partition file of a partitioned table."""
    out = out_dir()
    return [(str(f.relative_to(out)), pq.read_schema(f)) for f in part_files(out, name)]


@pytest.mark.parametrize("name", TABLES)
def test_contract_columns_and_types(name):
    for where, schema in _file_schemas(name):
        missing = [c for c in COLUMNS[name] if c not in schema.names]
        assert not missing, f"{where}: contract columns missing: {missing}"
        wrong = {c: str(schema.field(c).type) for c, t in COLUMNS[name].items() if not same_type(schema.field(c).type, t)}
        assert not wrong, f"{where}: types differ from the contract {{col: found}}: {wrong}"
        if name in ANALYTICS:
            # the analytics tables are defined column by column: nothing more, nothing less, in order
            assert schema.names == list(COLUMNS[name]), f"{where}: columns differ from the contract: {schema.names}"


# text columns that travel with a rate or share (its wording, definition, sentence)
_TEXT_SUFFIXES = ("_text", "_definition", "_evidence", "_qualifier")
_BOOLEANS = {"exact", "key_item", "recurring", "comparable", "has_outcome_scheme"}


def _type_rule_violations(where: str, schema: pa.Schema) -> list[str]:
    bad = []
    for f in schema:
        n, t = f.name, f.type
        text = n.endswith(_TEXT_SUFFIXES)
        if n == "count" or n.startswith("count_") or (n.endswith("_count") and n != "shared_count") \
                or n.startswith("n_") or n.startswith("checks_") or n.endswith("_items"):
            if t != pa.int64():
                bad.append(f"{where}.{n}: counts are int64, found {t}")
        if not text and (n.startswith(("share_", "rate_", "pct_")) or n == "share" or "_share" in n):
            if t != pa.float64():
                bad.append(f"{where}.{n}: shares, rates and percents are float64, found {t}")
        if n.startswith("year") and t != pa.int32():
            bad.append(f"{where}.{n}: years are int32, found {t}")
        if n.endswith("_date") and t != pa.date32():
            bad.append(f"{where}.{n}: dates are date32, found {t}")
        if (n in _BOOLEANS or n.endswith("_exact")) and t != pa.bool_():
            bad.append(f"{where}.{n}: flags are boolean, found {t}")
        if (n == "doc_id" or n.startswith("doc_id_") or n.endswith("_doc_id")) and t != pa.string():
            bad.append(f"{where}.{n}: report ids are utf8, found {t}")
    return bad


@pytest.mark.parametrize("name", TABLES)
def test_contract_type_rules_by_column_name(name):
    """Counts int64, shares/rates/percents float64, years int32, dates date32, flags boolean, by naming
    convention; in every file and in the folder-level read (the `year` partition column included)."""
    bad = [b for where, schema in _file_schemas(name) for b in _type_rule_violations(where, schema)]
    t = ds.dataset(table_path(out_dir(), name), format="parquet", partitioning="hive").schema
    bad += _type_rule_violations(f"{name} (dataset)", t)
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", TABLES)
def test_r_compatible_types(name):
    """What R's arrow (and reticulate) needs: no unsigned ints, no view/large/dictionary types,
    dates as date32, no timestamps; only utf8, int32, int64, float64, bool, date32, list<utf8>.
    Every file, and the schema `open_dataset()` sees for a partitioned folder (with `year`)."""
    problems = []
    for pf in parquet_files(out_dir(), name):
        problems += [p for f in pf.schema_arrow for p in r_incompatibilities(f.type, f"{name}.{f.name}")]
    t = ds.dataset(table_path(out_dir(), name), format="parquet", partitioning="hive").schema
    problems += [p for f in t for p in r_incompatibilities(f.type, f"{name} (dataset).{f.name}")]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", TABLES)
def test_embedded_arrow_schema_matches_parquet_types(name):
    """Readers that ignore ARROW:schema (R via Parquet logical types, duckdb, polars) see the same
    types as pyarrow does with it: the embedded schema must not carry view/large types that the
    Parquet logical types do not. Every partition file."""
    for pf, path in zip(parquet_files(out_dir(), name), part_files(out_dir(), name), strict=True):
        where = str(path.relative_to(out_dir()))
        assert b"ARROW:schema" in (pf.metadata.metadata or {}), f"{where}: no ARROW:schema"
        from_parquet = pf.schema.to_arrow_schema()
        with_blob = pf.schema_arrow
        for a, b in zip(from_parquet, with_blob, strict=True):
            assert a.name == b.name
            assert same_type(a.type, b.type), f"{where}: {a.name}: parquet logical {a.type} vs ARROW:schema {b.type}"
        for i in range(pf.metadata.num_columns):
            col = pf.schema.column(i)
            if col.physical_type == "BYTE_ARRAY":
                assert col.logical_type.type == "STRING", f"{where}: {col.path}: BYTE_ARRAY without the STRING annotation"
            logical = json.loads(col.logical_type.to_json())
            if logical.get("Type") == "Int":
                assert logical.get("isSigned") is True, f"{where}: {col.path}: unsigned {logical}"
            assert col.converted_type not in ("UINT_8", "UINT_16", "UINT_32", "UINT_64"), f"{where}: {col.path}"


@pytest.mark.parametrize("name", TABLES)
def test_datapackage_fields_match_file(name, resources):
    """datapackage.json describes the columns inside the files (for a partitioned table: inside each
    partition file; the `year` partition column is in the folder names, not in the fields)."""
    assert name in resources, f"datapackage.json has no resource {name}"
    fields = resources[name]["schema"]["fields"]
    for where, schema in _file_schemas(name):
        assert [f["name"] for f in fields] == schema.names, f"{where}: datapackage field order/names differ from the file"
        for fd in fields:
            af = schema.field(fd["name"])
            assert fd["parquetType"] in PARQUET_TYPES, f"{name}.{fd['name']}: unknown parquetType {fd['parquetType']}"
            assert same_type(af.type, PARQUET_TYPES[fd["parquetType"]]), \
                f"{where}.{fd['name']}: datapackage says {fd['parquetType']}, file has {af.type}"
            assert any(same_type(af.type, t) for t in FRICTIONLESS_TYPES[fd["type"]]), \
                f"{where}.{fd['name']}: frictionless type {fd['type']} does not fit {af.type}"
            required = fd.get("constraints", {}).get("required", False)
            assert required == (not af.nullable), f"{where}.{fd['name']}: required={required} but nullable={af.nullable}"
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
