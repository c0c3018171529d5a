#!/usr/bin/env python3
"""A straightforward baseline: what a user would write in an afternoon.

Reads every .txt/.html report under a folder, extracts the total, outcome categories
(label, count, share) and rates (办结率 100% …) with `re`, and writes three Parquet tables
with pyarrow. Used by benches/compare.sh to put banli's speed in context.

    python3 benches/baseline.py CORPUS_DIR OUT_DIR
"""
import os
import re
import sys

import pyarrow as pa
import pyarrow.parquet as pq

TAG = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)
TOTAL = re.compile(r"共(?:交办|承办|收到|提出)?[^0-9，。]{0,20}?(\d+)件")
CATEGORY = re.compile(r"([^，。；、\d]{2,40}?(?:解决|参考|采纳|落实)[^，。；\d]{0,6}?)(?:的)?(?:建议|提案)?(?:有)?(\d+)件[，、]?(?:占[^0-9]{0,8})?(\d+(?:\.\d+)?)?%?")
RATE = re.compile(r"([\u4e00-\u9fff]{1,8}率)(?:为|达到|达|均为)?(\d+(?:\.\d+)?)\s*%")


def read_text(path):
    data = open(path, "rb").read()
    for enc in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            if enc == "utf-16" and not data[:2] in (b"\xff\xfe", b"\xfe\xff"):
                continue
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def main(corpus, out):
    docs, cats, rates = [], [], []
    for root, _, files in os.walk(corpus):
        for name in sorted(files):
            if not name.endswith((".txt", ".html")):
                continue
            path = os.path.join(root, name)
            text = read_text(path)
            if name.endswith(".html"):
                text = TAG.sub("\n", text)
            text = text.replace("％", "%")
            rel = os.path.relpath(path, corpus)
            m = TOTAL.search(text)
            docs.append({"path": rel, "bytes": os.path.getsize(path), "total": int(m.group(1)) if m else None})
            for m in CATEGORY.finditer(text):
                pct = float(m.group(3)) if m.group(3) else None
                cats.append({"path": rel, "label": m.group(1), "count": int(m.group(2)), "pct": pct})
            for m in RATE.finditer(text):
                rates.append({"path": rel, "name": m.group(1), "value": float(m.group(2))})
    os.makedirs(out, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(docs), os.path.join(out, "documents.parquet"))
    pq.write_table(pa.Table.from_pylist(cats), os.path.join(out, "categories.parquet"))
    pq.write_table(pa.Table.from_pylist(rates), os.path.join(out, "rates.parquet"))
    print(f"baseline: {len(docs)} reports, {len(cats)} categories, {len(rates)} rates -> {out}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
