"""datapackage.json and manifest.json describe exactly the files written; the partitioned layout
is complete (every per-report table has a file in every year partition, rows follow their
report's year); keys hold in the data; every file carries the banli key/value metadata."""

from __future__ import annotations

import re
from collections import Counter

import pyarrow.parquet as pq
import pytest

from conftest import expected_partition_year, part_files, partition_year, partitions
from contract import (ANALYTICS, DOC_REFERENCES, PART_FILE, PARTITION_COLUMN, PARTITIONED, SINGLE_FILES, TABLES,
                      UNKNOWN_YEAR)

SEMVER = re.compile(r"^\d+\.\d+\.\d+([-+].*)?$")


def test_datapackage_lists_exactly_the_files_present(out, datapackage):
    # a resource path is a file or folder name, or (Frictionless: partitioned data) a list of files
    # under one folder; compare top-level names
    def top(path) -> set[str]:
        return {p.split("/")[0] for p in ([path] if isinstance(path, str) else path)}

    listed = [sorted(top(r["path"])) for r in datapackage["resources"]]
    flat = sorted(n for names in listed for n in names)
    assert len(flat) == len(set(flat)), f"resources share paths: {flat}"
    present = sorted(p.name for p in out.iterdir() if p.suffix == ".parquet" or (p.is_dir() and any(p.rglob("*.parquet"))))
    assert flat == present, f"datapackage lists {flat}, folder has {present}"
    names = [r["name"] for r in datapackage["resources"]]
    assert len(names) == len(set(names))
    assert set(TABLES) <= set(names), f"tables missing from datapackage.json: {set(TABLES) - set(names)}"
    for r in datapackage["resources"]:
        assert r["format"] == "parquet"
        assert r["path"] in (f"{r['name']}.parquet", r["name"]), r
    for name in PARTITIONED:
        assert resources_path(datapackage, name) == name, f"{name}: a per-report table is a partitioned folder"
        assert (out / name).is_dir() and not (out / f"{name}.parquet").exists(), name
    for name in SINGLE_FILES:
        assert resources_path(datapackage, name) == f"{name}.parquet", f"{name}: a single file"
        assert (out / f"{name}.parquet").is_file() and not (out / name).exists(), name


def resources_path(datapackage, name):
    return next(r["path"] for r in datapackage["resources"] if r["name"] == name)


# a four-digit year, or `year=0` for the reports whose year handled is unknown
YEAR_FOLDER = re.compile(rf"^{PARTITION_COLUMN}=(\d{{4}}|{UNKNOWN_YEAR})$")


def test_partition_layout_is_complete(out, manifest):
    """Every per-report table has the same year partitions, each exactly one `part-0.parquet`
    (zero-row files carry the schema), and they are the partitions the manifest says were written."""
    layouts = {name: partitions(out, name) for name in PARTITIONED}
    first = layouts[PARTITIONED[0]]
    assert first, "no partitions at all"
    for name, parts in layouts.items():
        assert parts == first, f"{name} has partitions {parts}, {PARTITIONED[0]} has {first}"
        for p in parts:
            assert YEAR_FOLDER.match(p), f"{name}/{p}: not a year=YYYY or year={UNKNOWN_YEAR} folder"
            files = sorted(f.name for f in (out / name / p).iterdir() if not f.name.startswith("."))
            assert files == [PART_FILE], f"{name}/{p}: {files}"
        years = [partition_year(p) for p in parts]
        assert len(years) == len(set(years)), f"{name}: two folders for one year: {parts}"
        stray = [f.name for f in (out / name).iterdir() if not f.is_dir() and not f.name.startswith(".")]
        assert not stray, f"{name}/: files outside the partitions: {stray}"
    written = sorted(manifest["partitions_written"])
    if manifest.get("year_filter") is None:
        assert written == first, (written, first)
    else:  # `banli run --year Y` rewrites year=Y only; the other years stay from earlier runs
        assert written in ([], [f"{PARTITION_COLUMN}={manifest['year_filter']}"]) and set(written) <= set(first), written
    # every partition holds at least one report (an empty year folder would be stale)
    docs_per_year = {p: pq.ParquetFile(out / "documents" / p / PART_FILE).metadata.num_rows for p in first}
    assert all(docs_per_year.values()), f"year partitions without a report: {docs_per_year}"


def test_year_partition_is_year_handled(read):
    """The `year` pyarrow reads from the folder names is documents.year_handled, and 0 (`year=0`)
    exactly when that is null (a report of unknown year): never null itself. Every row of every
    per-report table sits in its report's year."""
    docs = read("documents")
    assert docs.schema.field(PARTITION_COLUMN).type == docs.schema.field("year_handled").type
    assert docs.column(PARTITION_COLUMN).null_count == 0, f"null `{PARTITION_COLUMN}`: unknown years belong in 0"
    pairs = list(zip(docs.column(PARTITION_COLUMN).to_pylist(), docs.column("year_handled").to_pylist(), strict=True))
    assert all((y == UNKNOWN_YEAR) == (yh is None) for y, yh in pairs), \
        f"{PARTITION_COLUMN} == {UNKNOWN_YEAR} must mean year_handled is null: {[p for p in pairs if (p[0] == UNKNOWN_YEAR) != (p[1] is None)][:5]}"
    assert all(y == yh for y, yh in pairs if yh is not None), [p for p in pairs if p[1] is not None and p[0] != p[1]][:5]
    assert any(yh is not None for _, yh in pairs), "no report has a year"
    year_of = {d: expected_partition_year(yh) for d, yh in
               zip(docs.column("doc_id").to_pylist(), docs.column("year_handled").to_pylist(), strict=True)}
    for name in PARTITIONED:
        t = read(name).select(["doc_id", PARTITION_COLUMN]).to_pylist()
        assert all(r[PARTITION_COLUMN] is not None for r in t), f"{name}: null `{PARTITION_COLUMN}`"
        wrong = [r for r in t if year_of.get(r["doc_id"], "missing") != r[PARTITION_COLUMN]]
        assert not wrong, f"{name}: rows outside their report's year partition: {wrong[:5]}"


def test_manifest_lists_charts_and_report(out, manifest):
    charts = manifest.get("charts")
    assert isinstance(charts, list) and len(charts) == 6, charts
    for c in charts:
        assert c.get("name") and c.get("title"), c
        for kind in ("svg", "png"):
            f = out / c[kind]
            assert f.is_file() and f.stat().st_size > 0, f"{c['name']}: {c[kind]} missing or empty"
        assert (out / c["svg"]).read_bytes().lstrip().startswith((b"<svg", b"<?xml")), c["svg"]
        assert (out / c["png"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", c["png"]
    assert manifest.get("report") == "report.html"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<html" in html.lower()
    for c in charts:
        assert c["name"] in html, f"report.html does not show chart {c['name']}"
    for name in ANALYTICS:
        assert name in manifest["rows"], f"manifest.rows has no {name}"


def test_datapackage_header(datapackage, manifest):
    assert datapackage["name"]
    assert SEMVER.match(datapackage["version"]), datapackage["version"]
    assert datapackage["version"] == manifest["schema_version"]


@pytest.mark.parametrize("name", TABLES)
def test_key_value_metadata(out, name, manifest, datapackage):
    for f in part_files(out, name):  # every partition file
        md = {k.decode(): v.decode() for k, v in (pq.ParquetFile(f).metadata.metadata or {}).items()}
        where = f.relative_to(out)
        assert md.get("banli.table") == name, where
        assert SEMVER.match(md.get("banli.version", "")), (where, md.get("banli.version"))
        assert md["banli.version"] == manifest["banli_version"], where
        assert md.get("banli.schema_version") == datapackage["version"] == manifest["schema_version"], where
        # banli.inputs_sha256 is per file (a hash of the documents that contributed rows), so it is
        # not compared with manifest.inputs_sha256; the rules fingerprint is run-wide.
        assert re.fullmatch(r"[0-9a-f]{64}", md.get("banli.inputs_sha256", "")), (where, md.get("banli.inputs_sha256"))
        assert md.get("banli.rules_sha256") == manifest["rules_sha256"], where


@pytest.mark.parametrize("name", TABLES)
def test_manifest_row_counts(out, name, manifest, read):
    """The rows the last run wrote: every partition, or with `--year Y` the year=Y partition of the
    per-report tables (the analytics tables always cover every year present)."""
    files = part_files(out, name)
    assert read(name).num_rows == sum(pq.ParquetFile(f).metadata.num_rows for f in files)
    if name in PARTITIONED and manifest.get("year_filter") is not None:
        files = [f for f in files if f.parent.name in manifest["partitions_written"]]
    assert manifest["rows"][name] == sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def test_manifest_inputs_are_the_documents(manifest, read):
    docs = read("documents").to_pylist()
    ok = {i["doc_id"]: i for i in manifest["inputs"] if i.get("status") == "ok"}
    assert set(ok) == {d["doc_id"] for d in docs}
    for d in docs:
        assert d["sha256"] == ok[d["doc_id"]]["sha256"]
        assert d["sha256"].startswith(d["doc_id"]), "doc_id is the first 16 hex digits of the SHA-256"
        assert re.fullmatch(r"[0-9a-f]{16}", d["doc_id"])


@pytest.mark.parametrize("name", TABLES)
def test_primary_keys_unique(name, resources, read):
    pk = resources[name]["schema"].get("primaryKey")
    if not pk:
        pytest.skip(f"{name} declares no primary key")
    pk = [pk] if isinstance(pk, str) else pk
    rows = read(name).select(pk).to_pylist()
    keys = [tuple(r[c] for c in pk) for r in rows]
    # Frictionless: primary key values are unique and never null
    nullable = [f["name"] for f in resources[name]["schema"]["fields"]
                if f["name"] in pk and not f.get("constraints", {}).get("required")]
    with_null = [k for k in keys if None in k]
    assert not with_null, (f"{name}: null in primary key {pk} in {len(with_null)} row(s), e.g. {with_null[:3]}"
                           f" (datapackage.json declares {nullable} not required)")
    dup = [k for k, n in Counter(keys).items() if n > 1]
    assert not dup, f"{name}: duplicate primary keys {pk}: {dup[:5]}"
    # and the schema says so: a key column is required (comparison.year is nullable, so comparison's
    # key is the report that speaks for the row, not series_key + year)
    assert not nullable, f"{name}: primary key {pk} has columns not declared required: {nullable}"


def test_comparison_key_is_the_report(resources):
    assert resources["comparison"]["schema"].get("primaryKey") == ["doc_id"], resources["comparison"]["schema"].get("primaryKey")


@pytest.mark.parametrize("name", TABLES)
def test_foreign_keys_hold(name, resources, read):
    fks = resources[name]["schema"].get("foreignKeys", [])
    if name in PARTITIONED and name != "documents":
        assert any(fk["fields"] == ["doc_id"] and fk["reference"]["resource"] == "documents" for fk in fks), \
            f"{name}: no foreign key doc_id -> documents.doc_id declared"
    for fk in fks:
        ref = fk["reference"]
        target = {tuple(r[c] for c in ref["fields"]) for r in read(ref["resource"]).select(ref["fields"]).to_pylist()}
        source = {tuple(r[c] for c in fk["fields"]) for r in read(name).select(fk["fields"]).to_pylist()}
        source = {k for k in source if None not in k}
        orphans = source - target
        assert not orphans, f"{name}.{fk['fields']} -> {ref['resource']}.{ref['fields']}: orphans {sorted(orphans)[:5]}"


def test_findings_doc_ids_exist(read):
    docs = set(read("documents").column("doc_id").to_pylist())
    f = {d for d in read("findings").column("doc_id").to_pylist() if d is not None}
    assert f <= docs, f - docs


@pytest.mark.parametrize("name", ANALYTICS)
def test_analytics_reports_exist(name, read):
    """Every report an analytics row names is in documents (declared as a foreign key or not)."""
    docs = set(read("documents").column("doc_id").to_pylist())
    t = read(name)
    for col in DOC_REFERENCES[name]:
        ids = {v for v in t.column(col).to_pylist() if v is not None}
        assert ids <= docs, f"{name}.{col}: not in documents: {sorted(ids - docs)[:5]}"
