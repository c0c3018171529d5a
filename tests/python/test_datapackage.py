"""datapackage.json and manifest.json describe exactly the files written; keys hold in the data;
every file carries the banli key/value metadata."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from conftest import parquet_file
from contract import TABLES

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


def test_datapackage_header(datapackage, manifest):
    assert datapackage["name"]
    assert SEMVER.match(datapackage["version"]), datapackage["version"]
    assert datapackage["version"] == manifest["schema_version"]


@pytest.mark.parametrize("name", TABLES)
def test_key_value_metadata(out, name, manifest, datapackage):
    md = {k.decode(): v.decode() for k, v in (parquet_file(out, name).metadata.metadata or {}).items()}
    assert md.get("banli.table") == name
    assert SEMVER.match(md.get("banli.version", "")), md.get("banli.version")
    assert md["banli.version"] == manifest["banli_version"]
    assert md.get("banli.schema_version") == datapackage["version"] == manifest["schema_version"]
    # banli.inputs_sha256 is per table (a hash of the documents that contributed rows), so it is not
    # compared with manifest.inputs_sha256; the rules fingerprint is run-wide.
    assert re.fullmatch(r"[0-9a-f]{64}", md.get("banli.inputs_sha256", "")), md.get("banli.inputs_sha256")
    assert md.get("banli.rules_sha256") == manifest["rules_sha256"]


@pytest.mark.parametrize("name", TABLES)
def test_manifest_row_counts(name, manifest, read):
    assert manifest["rows"][name] == read(name).num_rows


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
    assert all(None not in k for k in keys), f"{name}: null in primary key {pk}"
    dup = [k for k, n in Counter(keys).items() if n > 1]
    assert not dup, f"{name}: duplicate primary keys {pk}: {dup[:5]}"


@pytest.mark.parametrize("name", TABLES)
def test_foreign_keys_hold(name, resources, read):
    fks = resources[name]["schema"].get("foreignKeys", [])
    if name not in ("documents", "findings"):
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
