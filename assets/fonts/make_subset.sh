#!/usr/bin/env bash
# Regenerates assets/fonts/NotoSansSC-banli-subset.ttf, the CJK font that the charts embed
# (plotters + ab_glyph), from Noto Sans SC Regular 2.004 (SIL OFL 1.1) as packaged on PyPI in
# pylopdf-fonts-zh-cn 0.1.1. See README.md beside this file for what it covers and why.
#
#   assets/fonts/make_subset.sh [--png PATH]
#
# 1. makes a throwaway venv under /tmp (removed on exit) with pinned fonttools and the font wheel
#    (the wheel is hash-pinned, and the OTF inside it is checked against its SHA-256 too);
# 2. writes the code point list: GB2312 hanzi (6,763) + fixed ranges + every character that
#    occurs in datasets/reports/**/*.txt;
# 3. runs pyftsubset (no hinting, only the 'kern' layout feature, no vertical metrics);
# 4. converts the CFF outlines to TrueType quadratic outlines (glyf), the way fontTools'
#    otf2ttf snippet does (cu2qu, max error 1 font unit at 1000 units/em);
# 5. checks that every required code point is in the result's cmap (fails otherwise);
# 6. with --png PATH, also installs Pillow and renders a sample line to PATH for a visual check.
#
# Needs: python3 (3.10+) with the venv module (Debian: python3-venv), and access to PyPI.
# The output is byte-for-byte reproducible for the same inputs (head.modified is copied from
# the source font instead of being set to "now").
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$REPO/assets/fonts/NotoSansSC-banli-subset.ttf"
REPORTS="$REPO/datasets/reports"
PYTHON="${PYTHON:-python3}"

FONTTOOLS_VERSION=4.68.0
PILLOW_VERSION=13.0.0
FONT_WHEEL_REQ='pylopdf-fonts-zh-cn==0.1.1 --hash=sha256:e2661ef3790cbe0f0f6aa5338b6859b7cd288ee75bc88cd4239c62cd025d4fb3'
FONT_OTF_SHA256=faa6c9df652116dde789d351359f3d7e5d2285a2b2a1f04a2d7244df706d5ea9

PNG=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --png) PNG="${2:?--png needs a path}"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "make_subset.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [[ -n "$PNG" && "$PNG" != /* ]]; then PNG="$PWD/$PNG"; fi

WORK="$(mktemp -d /tmp/banli-font-subset.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

# ---- 1. venv ------------------------------------------------------------------------------
"$PYTHON" -m venv "$WORK/venv"
PY="$WORK/venv/bin/python"
"$PY" -m pip install --quiet --disable-pip-version-check "fonttools==$FONTTOOLS_VERSION"
echo "$FONT_WHEEL_REQ" > "$WORK/requirements-font.txt"
"$PY" -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
  -r "$WORK/requirements-font.txt"
if [[ -n "$PNG" ]]; then
  "$PY" -m pip install --quiet --disable-pip-version-check "pillow==$PILLOW_VERSION"
fi

SRC="$("$PY" -c 'import pylopdf_fonts_zh_cn as m; print(m.sans_path())')"
echo "$FONT_OTF_SHA256  $SRC" | sha256sum --check --quiet

# ---- 2. code points -----------------------------------------------------------------------
# unicodes.txt: every code point to keep (pyftsubset --unicodes-file syntax);
# required.txt: the ones that must end up in the cmap (range members the source font lacks,
# e.g. unassigned U+2065 or the invisible operators U+2061..2064, are not required).
"$PY" - "$REPORTS" "$SRC" "$WORK/unicodes.txt" "$WORK/required.txt" <<'PY'
import sys, pathlib, unicodedata
from fontTools.ttLib import TTFont

reports, src, unicodes_path, required_path = sys.argv[1:]

# GB2312 level 1 + level 2 hanzi: rows 0xB0..0xF7, cells 0xA1..0xFE (0xD7FA..0xD7FE unassigned).
gb2312 = set()
for hi in range(0xB0, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            gb2312.add(ord(bytes([hi, lo]).decode("gb2312")))
        except UnicodeDecodeError:
            pass
assert len(gb2312) == 6763, len(gb2312)

ranges = [
    (0x0020, 0x007E),  # ASCII printable
    (0x00A0, 0x00BF),  # Latin-1 punctuation and signs (NBSP ¡ ¢ £ ¥ § © « ° ± · » ¿ ...)
    (0x00D7, 0x00D7),  # ×
    (0x00F7, 0x00F7),  # ÷
    (0x2000, 0x206F),  # General Punctuation (– — ‘ ’ “ ” • … ‰ ...)
    (0x3000, 0x303F),  # CJK Symbols and Punctuation (、 。 《 》 【 】 ...)
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms (， ： ％ （ ） ...)
]
in_ranges = {cp for a, b in ranges for cp in range(a, b + 1)}

files = sorted(pathlib.Path(reports).glob("**/*.txt"))
assert files, f"no .txt files under {reports}"
report_chars = set()
for p in files:
    report_chars |= {ord(c) for c in p.read_text(encoding="utf-8")}
# Drop control characters (newlines, tabs) and a BOM; everything else must render.
report_chars = {cp for cp in report_chars
                if unicodedata.category(chr(cp)) != "Cc" and cp != 0xFEFF}

cmap = TTFont(src, lazy=True).getBestCmap()
explicit = gb2312 | report_chars | {ord(c) for c in "0123456789%·"}
missing = sorted(cp for cp in explicit if cp not in cmap)
if missing:
    sys.exit("source font lacks required characters: "
             + " ".join(f"U+{cp:04X}" for cp in missing))
keep = explicit | in_ranges
required = explicit | (in_ranges & set(cmap))
pathlib.Path(unicodes_path).write_text("".join(f"U+{cp:04X}\n" for cp in sorted(keep)))
pathlib.Path(required_path).write_text("".join(f"U+{cp:04X}\n" for cp in sorted(required)))
extra = sorted(report_chars - gb2312 - in_ranges)
print(f"code points: {len(gb2312)} GB2312 hanzi, {len(in_ranges & set(cmap))} from ranges, "
      f"{len(report_chars)} in {len(files)} report files ({len(extra)} of them outside "
      f"GB2312 hanzi and the ranges); {len(required)} required in all")
PY

# ---- 3. subset ----------------------------------------------------------------------------
"$WORK/venv/bin/pyftsubset" "$SRC" \
  --unicodes-file="$WORK/unicodes.txt" \
  --output-file="$WORK/subset.otf" \
  --layout-features=kern \
  --no-hinting \
  --desubroutinize \
  --notdef-outline \
  --name-IDs='*' \
  --drop-tables+=VORG,vhea,vmtx

# ---- 4. CFF -> TrueType, 5. cmap check ------------------------------------------------------
"$PY" - "$SRC" "$WORK/subset.otf" "$WORK/out.ttf" "$WORK/required.txt" <<'PY'
import sys
from fontTools.ttLib import TTFont, newTable
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen

src_path, otf_path, ttf_path, required_path = sys.argv[1:]
font = TTFont(otf_path, recalcTimestamp=False)
assert font.sfntVersion == "OTTO" and "CFF " in font

order = font.getGlyphOrder()
glyph_set = font.getGlyphSet()
quad = {}
for name in order:
    tt_pen = TTGlyphPen(glyph_set)
    # max_err 1.0 unit at 1000 upem; reverse: CFF contours run counter-clockwise, glyf clockwise.
    glyph_set[name].draw(Cu2QuPen(tt_pen, 1.0, reverse_direction=True))
    quad[name] = tt_pen.glyph()

glyf = font["glyf"] = newTable("glyf")
glyf.glyphOrder = order
glyf.glyphs = quad
font["loca"] = newTable("loca")
del font["CFF "]
glyf.compile(font)  # sets each glyph's bounding box
hmtx = font["hmtx"]
for name, g in quad.items():  # left side bearing = xMin for glyf fonts
    hmtx[name] = (hmtx[name][0], getattr(g, "xMin", 0))

maxp = font["maxp"] = newTable("maxp")
maxp.tableVersion = 0x00010000
maxp.maxZones = 1
for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
              "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
    setattr(maxp, field, 0)
post = font["post"]
post.formatType = 3.0  # no glyph names: nothing reads them, and they cost space
font["head"].glyphDataFormat = 0
font["head"].modified = TTFont(src_path, lazy=True)["head"].modified  # reproducible bytes
font.sfntVersion = "\x00\x01\x00\x00"
font.save(ttf_path, reorderTables=True)  # recalcBBoxes: head bbox and maxp counts

out = TTFont(ttf_path)
cmap = out.getBestCmap()
required = [int(line[2:], 16) for line in open(required_path) if line.strip()]
missing = [cp for cp in required if cp not in cmap]
if missing:
    sys.exit("subset lacks: " + " ".join(f"U+{cp:04X}" for cp in missing))
empty = [cp for cp in required
         if not chr(cp).isspace() and cp not in range(0x2000, 0x2070)
         and out["glyf"][cmap[cp]].numberOfContours == 0]
if empty:
    sys.exit("blank glyphs for: " + " ".join(f"U+{cp:04X}" for cp in empty))
print(f"subset: {len(cmap)} code points in the cmap, all {len(required)} required present; "
      f"{out['maxp'].numGlyphs} glyphs, tables {' '.join(sorted(out.keys()))}")
PY

install -m 0644 "$WORK/out.ttf" "$OUT"
echo "wrote $OUT ($(stat -c %s "$OUT") bytes, sha256 $(sha256sum "$OUT" | cut -d' ' -f1))"

# ---- 6. optional picture ------------------------------------------------------------------
if [[ -n "$PNG" ]]; then
  "$PY" - "$OUT" "$PNG" <<'PY'
import sys
from PIL import Image, ImageDraw, ImageFont
font_path, png = sys.argv[1:]
text = "漯河 Luohe 已解决 58.7% 鞏留縣 辦理"
img = Image.new("RGB", (1000, 110), "white")
draw = ImageDraw.Draw(img)
draw.text((20, 20), text, font=ImageFont.truetype(font_path, 48), fill="black")
img.save(png)
print(f"wrote {png}")
PY
fi
