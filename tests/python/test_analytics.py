"""The cross-year tables of the analytics stage (comparison, trends, themes, topic_mix): their key
numbers on the bundled data, and that they say what the per-report tables say."""

from __future__ import annotations

import os
import tomllib
from collections import Counter, defaultdict

import pytest

from conftest import REPO
from contract import FINE_TIERS, TIERS

# bundled reports (collection, source_path), as in test_outcomes.py
ZIBO = ("seeds", "004_df3f381640407c6d.txt")
LUOHE_2021 = ("seeds", "000_6eb6392cfb31baf9.txt")
JINAN = ("seeds", "002_d093becb07e2e9c2.txt")
LUOHE_2020 = ("cases", "033_luohe-shi-zhengfu-2020.txt")

# rounding to one decimal: each share is off by at most 0.05
ROUNDING = 0.05 + 1e-9


@pytest.fixture(scope="session")
def comparison(read) -> list[dict]:
    return read("comparison").to_pylist()


@pytest.fixture(scope="session")
def trends(read) -> list[dict]:
    return read("trends").to_pylist()


@pytest.fixture(scope="session")
def themes(read) -> list[dict]:
    return read("themes").to_pylist()


@pytest.fixture(scope="session")
def topic_mix(read) -> list[dict]:
    return read("topic_mix").to_pylist()


@pytest.fixture(scope="session")
def docs_by_id(docs) -> dict[str, dict]:
    return {d["doc_id"]: d for d in docs}


@pytest.fixture(scope="session")
def metadata(docs):
    """The key numbers below are keyed by jurisdiction and year: they need inferred metadata."""
    if os.environ.get("BANLI_ALLOW_PENDING_METADATA") == "1" and all(d["jurisdiction_zh"] is None for d in docs):
        pytest.skip("BANLI_ALLOW_PENDING_METADATA=1 and no jurisdiction inferred yet")


def _row(comparison, jurisdiction_key: str, year: int) -> dict:
    rows = [r for r in comparison if r["jurisdiction_key"] == jurisdiction_key and r["year"] == year]
    assert len(rows) == 1, f"comparison rows for {jurisdiction_key} {year}: {[(r['series_key'], r['doc_id']) for r in rows]}"
    return rows[0]


def _bounds(row: dict, tier: str) -> tuple:
    return row[f"{tier}_share_low"], row[f"{tier}_share_high"], row[f"{tier}_exact"]


def test_analytics_tables_not_empty(comparison, trends, themes, topic_mix):
    for name, rows in (("comparison", comparison), ("trends", trends), ("themes", themes), ("topic_mix", topic_mix)):
        assert rows, f"{name} has no rows"


# ---- key numbers (bundled data) ----


@pytest.mark.metadata
def test_comparison_zibo_2020(metadata, comparison, doc_by_source):
    z = _row(comparison, "淄博市", 2020)
    assert z["doc_id"] == doc_by_source(*ZIBO)["doc_id"]
    assert _bounds(z, "addressed") == (98.2, 98.2, True)
    assert z["addressed_share_low"] == z["addressed_share_high"] == 98.2 and z["addressed_exact"] is True
    assert _bounds(z, "resolved") == (0.0, 52.8, False)
    assert z["outcomes_exact"] is False
    assert z["has_outcome_scheme"] is True


@pytest.mark.metadata
def test_comparison_luohe_2021(metadata, comparison, doc_by_source):
    luohe = _row(comparison, "漯河市", 2021)
    assert luohe["doc_id"] == doc_by_source(*LUOHE_2021)["doc_id"]
    assert _bounds(luohe, "resolved") == (58.7, 58.7, True)
    assert luohe["total_items"] == 230
    assert luohe["label"] == "漯河 Luohe"


@pytest.mark.metadata
def test_comparison_jinan_has_no_outcome_scheme(metadata, comparison, doc_by_source):
    """Jinan's DRC prints no outcome scheme: its row says so, and every outcome column is null
    (unknown, not zero)."""
    jinan = doc_by_source(*JINAN)["doc_id"]
    rows = [r for r in comparison if r["doc_id"] == jinan]
    assert len(rows) == 1, "the Jinan DRC report has a comparison row of its own"
    r = rows[0]
    assert r["has_outcome_scheme"] is False
    assert r["universe"] is None and r["universe_count"] is None and r["outcomes_exact"] is None
    for t in TIERS:
        assert _bounds(r, t) == (None, None, None), t


@pytest.mark.metadata
def test_trends_luohe_total_2020_to_2021(metadata, trends, doc_by_source):
    rows = [r for r in trends if r["jurisdiction_key"] == "漯河市" and r["metric"] == "total_items"]
    assert len(rows) == 1, rows
    r = rows[0]
    assert (r["year_from"], r["year_to"]) == (2020, 2021)
    assert (r["doc_id_from"], r["doc_id_to"]) == (doc_by_source(*LUOHE_2020)["doc_id"], doc_by_source(*LUOHE_2021)["doc_id"])
    assert r["to_low"] == r["to_high"] == 230.0
    assert r["unit"] == "count"
    resolved = [t for t in trends if t["series_key"] == r["series_key"] and t["metric"] == "resolved_share"]
    assert len(resolved) == 1 and (resolved[0]["from_low"], resolved[0]["to_low"]) == (58.9, 58.7), resolved
    assert resolved[0]["exact"] is True and abs(resolved[0]["change_low"] - (-0.2)) < 1e-9


@pytest.mark.metadata
def test_themes_ev_charging_recurs(metadata, themes):
    ev = {r["jurisdiction_key"]: r for r in themes if r["theme"] == "ev_charging"}
    assert {"漯河市", "济南市", "楚雄市"} <= set(ev), sorted(ev)
    for place in ("漯河市", "济南市", "楚雄市"):
        assert ev[place]["recurring"] is True, ev[place]
        assert ev[place]["n_items"] >= 1
    assert all(r["n_jurisdictions"] == len(ev) for r in ev.values())


def test_topic_mix_shares_add_to_100(topic_mix):
    by_doc = defaultdict(list)
    for r in topic_mix:
        by_doc[r["doc_id"]].append(r)
    assert by_doc
    for doc, rows in by_doc.items():
        total = sum(r["share"] for r in rows)
        assert abs(total - 100) <= ROUNDING * len(rows), f"{doc}: topic shares add up to {total}"
        split = sum(r["items_split"] for r in rows)
        for r in rows:
            assert 0 <= r["share"] <= 100
            assert abs(r["share"] - 100 * r["items_split"] / split) <= ROUNDING, r
            assert r["items"] >= r["items_split"] - 1e-9, r  # counted in full vs split k ways


# ---- agreement with the per-report tables ----


def test_comparison_follows_outcomes(comparison, read):
    """Each row's tier columns are the outcomes rows of the report that speaks for it."""
    outcomes = defaultdict(dict)
    for o in read("outcomes").to_pylist():
        outcomes[o["doc_id"]][o["tier"]] = o
    for r in comparison:
        tiers = outcomes.get(r["doc_id"], {})
        assert r["has_outcome_scheme"] == bool(tiers), r["doc_id"]
        for t in TIERS:
            o = tiers.get(t)
            want = (o["share_low"], o["share_high"], o["exact"]) if o else (None, None, None)
            assert _bounds(r, t) == want, f"{r['series_key']} {r['year']} {t}: {_bounds(r, t)} vs outcomes {want}"
        if tiers:
            any_tier = next(iter(tiers.values()))
            assert (r["universe"], r["universe_count"]) == (any_tier["universe"], any_tier["universe_count"])
            assert r["outcomes_exact"] == all(tiers[t]["exact"] for t in FINE_TIERS), r["doc_id"]


def test_comparison_rows_are_series_years_of_documents(comparison, docs_by_id):
    keys = Counter((r["series_key"], r["year"]) for r in comparison)
    dup = [k for k, n in keys.items() if n > 1]
    assert not dup, f"several rows per series and year: {dup[:5]}"
    # every report belongs to exactly one series-year group
    assert sum(r["n_reports"] for r in comparison) == len(docs_by_id)
    for r in comparison:
        d = docs_by_id[r["doc_id"]]
        assert r["year"] == d["year_handled"], r["doc_id"]
        assert r["source_path"] == d["source_path"]
        for c in ("jurisdiction_zh", "jurisdiction_en", "province_zh", "admin_level", "issuer_zh", "issuer_kind", "channel"):
            assert r[c] == d[c], f"{r['doc_id']}.{c}: {r[c]!r} vs documents {d[c]!r}"
        assert r["n_reports"] >= 1
        assert r["series_key"].startswith(r["jurisdiction_key"] + "|"), r["series_key"]


def test_comparison_figures_in_range(comparison):
    for r in comparison:
        where = f"{r['series_key']} {r['year']}"
        for t in TIERS:
            lo, hi, exact = _bounds(r, t)
            assert (lo is None) == (hi is None) == (exact is None), (where, t)
            if lo is not None:
                assert 0 <= lo <= hi <= 100, (where, t)
                assert exact == (lo == hi), (where, t)
        for c in ("rate_completed", "rate_answered", "rate_face_to_face", "rate_satisfied", "rate_satisfied_or_basic",
                  "satisfaction", "top_topic_share"):
            assert r[c] is None or 0 <= r[c] <= 100, (where, c, r[c])
        # satisfaction keeps its definition
        d = r["satisfaction_definition"]
        want = {"satisfied_or_basic": r["rate_satisfied_or_basic"], "satisfied": r["rate_satisfied"], None: None}[d]
        assert r["satisfaction"] == want, (where, d)
        if d == "satisfied":
            assert r["rate_satisfied_or_basic"] is None, where


def test_trends_are_interval_changes_between_comparison_rows(trends, comparison):
    rows = {(r["series_key"], r["year"]): r for r in comparison}

    def value(row, metric):
        return row["total_items"] if metric == "total_items" else row["satisfaction"] if metric == "satisfaction" \
            else row[f"{metric.removesuffix('_share')}_share_low"]

    for t in trends:
        where = f"{t['series_key']} {t['metric']} {t['year_from']}→{t['year_to']}"
        assert t["year_from"] < t["year_to"], where
        a, b = rows.get((t["series_key"], t["year_from"])), rows.get((t["series_key"], t["year_to"]))
        assert a and b, f"{where}: no comparison row at one end"
        assert (t["doc_id_from"], t["doc_id_to"]) == (a["doc_id"], b["doc_id"]), where
        between = [y for (s, y), r in rows.items() if s == t["series_key"] and y is not None
                   and t["year_from"] < y < t["year_to"] and value(r, t["metric"]) is not None]
        assert not between, f"{where}: skips the years {between} of the series (consecutive years only)"
        assert (t["from_low"], t["to_low"]) == (value(a, t["metric"]), value(b, t["metric"])), where
        assert t["from_low"] <= t["from_high"] and t["to_low"] <= t["to_high"], where
        assert abs(t["change_low"] - (t["to_low"] - t["from_high"])) <= ROUNDING, where
        assert abs(t["change_high"] - (t["to_high"] - t["from_low"])) <= ROUNDING, where
        assert t["change_low"] <= t["change_high"], where
        assert t["exact"] == (t["from_low"] == t["from_high"] and t["to_low"] == t["to_high"]), where
        assert t["comparable"] == (t["definition_from"] == t["definition_to"]), where
        assert t["unit"] == ("count" if t["metric"] == "total_items" else "percent"), where
        if t["metric"].endswith("_share"):
            tier = t["metric"].removesuffix("_share")
            assert (t["from_low"], t["from_high"]) == (a[f"{tier}_share_low"], a[f"{tier}_share_high"]), where
            assert (t["to_low"], t["to_high"]) == (b[f"{tier}_share_low"], b[f"{tier}_share_high"]), where


def test_themes_counts_are_consistent(themes, read):
    lexicon = tomllib.loads((REPO / "datasets/lexicons/themes.toml").read_text(encoding="utf-8"))
    ids = {t["id"] for t in lexicon["theme"]}
    per_theme = Counter(r["theme"] for r in themes)
    for r in themes:
        where = f"{r['theme']} {r['jurisdiction_key']}"
        assert r["theme"] in ids, where
        assert r["n_jurisdictions"] == per_theme[r["theme"]], where
        assert r["recurring"] == (r["n_jurisdictions"] >= 2), where
        assert 0 <= r["n_key_items"] <= r["n_items"] and 1 <= r["n_reports"] <= r["n_items"], where
        if r["year_first"] is not None:
            assert r["year_first"] <= r["year_last"], where


def test_topic_mix_follows_comparison_and_taxonomy(topic_mix, comparison):
    taxonomy = tomllib.loads((REPO / "datasets/crosswalks/topics.toml").read_text(encoding="utf-8"))
    codes = {t["code"]: t for t in taxonomy["topic"]}
    compared = {r["doc_id"]: r for r in comparison}
    per_doc = defaultdict(list)
    for m in topic_mix:
        assert m["topic"] in codes, m["topic"]
        assert (m["topic_zh"], m["topic_en"]) == (codes[m["topic"]]["label_zh"], codes[m["topic"]]["label_en"])
        c = compared.get(m["doc_id"])
        assert c, f"topic_mix.doc_id {m['doc_id']} is not a compared report"
        assert (m["year"], m["label"], m["jurisdiction_key"]) == (c["year"], c["label"], c["jurisdiction_key"])
        per_doc[m["doc_id"]].append(m)
    for doc, c in compared.items():
        rows = per_doc.get(doc, [])
        assert c["n_topics"] == (len(rows) or None), f"{doc}: n_topics {c['n_topics']}, topic_mix rows {len(rows)}"
        if rows:
            top = max(rows, key=lambda m: m["items_split"])
            assert c["top_topic_share"] == top["share"], doc
            assert c["top_topic"] in {m["topic"] for m in rows if m["items_split"] == top["items_split"]}, doc
