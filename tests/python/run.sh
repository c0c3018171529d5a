#!/usr/bin/env bash
# Consumer checks for a banli output folder: what Python and R users will do with it.
#
#   tests/python/run.sh OUT_DIR        (OUT_DIR from `banli run --out OUT_DIR`; default $BANLI_OUT)
#
# 1. creates (or reuses) a venv in target/pyenv with the pinned tests/python/requirements*.txt;
# 2. runs the pytest suite in tests/python against OUT_DIR (env BANLI_OUT);
# 3. executes notebooks/compare_cities.ipynb headless (nbclient, kernel from that venv);
# 4. runs notebooks/compare_cities.R with Rscript, if R is installed (through reticulate + the venv's
#    pyarrow when the arrow R package is missing).
# Every step runs even if an earlier one failed; the exit status is non-zero if any failed.
#
# Env: PYTHON (interpreter for the venv, default python3), BANLI_PYENV (venv folder, default
# target/pyenv), BANLI_ARTIFACTS (executed notebook and PNGs, default target/consumers),
# BANLI_SKIP_R=1 (do not run the R script), BANLI_ALLOW_PENDING_METADATA=1 (skip the checks that
# need inferred jurisdiction/year while that inference is unfinished).
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$REPO/tests/python"
OUT="${1:-${BANLI_OUT:-}}"
if [[ -z "$OUT" ]]; then
  echo "usage: tests/python/run.sh OUT_DIR   (a folder written by \`banli run --out OUT_DIR\`)" >&2
  exit 2
fi
if [[ ! -f "$OUT/datapackage.json" ]]; then
  echo "run.sh: $OUT has no datapackage.json: run \`banli run --out $OUT\` first" >&2
  exit 2
fi
OUT="$(cd "$OUT" && pwd)"
VENV="${BANLI_PYENV:-$REPO/target/pyenv}"
ARTIFACTS="${BANLI_ARTIFACTS:-$REPO/target/consumers}"
PYTHON="${PYTHON:-python3}"
T0=$SECONDS

step() { printf '\n==> %s\n' "$*"; }

# ---- 1. venv --------------------------------------------------------------------------------
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "run.sh: $PYTHON not found: install Python 3.11+ (Debian: apt-get install python3 python3-venv)" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "run.sh: $("$PYTHON" --version 2>&1) is too old: Python 3.11+ is needed (tomllib, pinned wheels)" >&2
  exit 1
fi

stamp_of() {
  { "$PYTHON" -c 'import sys; print(sys.version)'; cat "$HERE/requirements.txt" "$HERE/requirements-fonts.txt"; } |
    sha256sum | cut -d' ' -f1
}

ensure_venv() {
  local want have=""
  want="$(stamp_of)"
  [[ -f "$VENV/.banli-stamp" ]] && have="$(cat "$VENV/.banli-stamp")"
  if [[ "$want" == "$have" && -x "$VENV/bin/python" ]]; then
    echo "venv: reusing $VENV"
    return 0
  fi
  step "venv: creating $VENV from tests/python/requirements*.txt"
  mkdir -p "$(dirname "$VENV")"
  "$PYTHON" -m venv --clear "$VENV" || {
    echo "run.sh: '$PYTHON -m venv' failed (Debian: apt-get install python3-venv)" >&2
    return 1
  }
  local pip=("$VENV/bin/python" -m pip --disable-pip-version-check --no-input -q)
  "${pip[@]}" install -r "$HERE/requirements.txt" || { echo "run.sh: pip install -r requirements.txt failed" >&2; return 1; }
  "${pip[@]}" install --no-deps --require-hashes --only-binary :all: -r "$HERE/requirements-fonts.txt" ||
    { echo "run.sh: pip install -r requirements-fonts.txt failed" >&2; return 1; }
  echo "$want" >"$VENV/.banli-stamp"
}

if command -v flock >/dev/null 2>&1; then
  mkdir -p "$(dirname "$VENV")"
  exec 9>"$VENV.lock"
  flock 9 # one venv build at a time (cargo test and a manual run may overlap)
fi
ensure_venv || exit 1
exec 9>&- # release the lock
PY="$VENV/bin/python"
echo "venv ready in $((SECONDS - T0)) s: $("$PY" --version)"

export BANLI_OUT="$OUT"
export BANLI_PYTHON="$PY"
# The CJK font for matplotlib and for R's PNG device (fontconfig), from the pinned font package.
if FONT_INFO="$("$PY" - <<'EOF' 2>/dev/null
import pylopdf_fonts_zh_cn
from matplotlib import font_manager
p = str(pylopdf_fonts_zh_cn.sans_path())
print(p)
print(font_manager.FontProperties(fname=p).get_name())
EOF
)"; then
  export BANLI_CJK_FONT="${BANLI_CJK_FONT:-$(sed -n 1p <<<"$FONT_INFO")}"
  export BANLI_CJK_FAMILY="${BANLI_CJK_FAMILY:-$(sed -n 2p <<<"$FONT_INFO")}"
fi
mkdir -p "$ARTIFACTS"
export BANLI_FIGURES="$ARTIFACTS/figures"
export MPLBACKEND=Agg
export MPLCONFIGDIR="${MPLCONFIGDIR:-$ARTIFACTS/mplconfig}"

declare -A RESULT
FAILED=0

# ---- 2. pytest --------------------------------------------------------------------------------
step "pytest tests/python (BANLI_OUT=$OUT)"
t=$SECONDS
if (cd "$REPO" && "$PY" -m pytest tests/python); then RESULT[pytest]="ok"; else RESULT[pytest]="FAILED"; FAILED=1; fi
RESULT[pytest]+=" ($((SECONDS - t)) s)"

# ---- 3. notebook ------------------------------------------------------------------------------
step "notebook notebooks/compare_cities.ipynb (headless, nbclient)"
t=$SECONDS
if (cd "$REPO" && "$PY" "$HERE/run_notebook.py" notebooks/compare_cities.ipynb "$ARTIFACTS/compare_cities.executed.ipynb"); then
  RESULT[notebook]="ok"
else
  RESULT[notebook]="FAILED (executed copy: $ARTIFACTS/compare_cities.executed.ipynb)"
  FAILED=1
fi
RESULT[notebook]+=" ($((SECONDS - t)) s)"

# ---- 4. R -------------------------------------------------------------------------------------
step "R notebooks/compare_cities.R"
t=$SECONDS
if [[ "${BANLI_SKIP_R:-}" == "1" ]]; then
  echo "R: skipped (BANLI_SKIP_R=1), R document not run"
  RESULT[R]="skipped (BANLI_SKIP_R=1)"
elif ! command -v Rscript >/dev/null 2>&1; then
  echo "R: Rscript not installed, R document not run"
  RESULT[R]="not run (Rscript not installed)"
elif ! Rscript -e 'ok <- sapply(c("dplyr", "ggplot2"), requireNamespace, quietly = TRUE);
                   rd <- requireNamespace("arrow", quietly = TRUE) || requireNamespace("reticulate", quietly = TRUE);
                   quit(status = if (all(ok) && rd) 0 else 1)' >/dev/null 2>&1; then
  echo "R: Rscript is installed but dplyr, ggplot2 and arrow-or-reticulate are not all there" >&2
  echo "   Debian: apt-get install r-cran-dplyr r-cran-ggplot2 r-cran-reticulate r-cran-jsonlite (or BANLI_SKIP_R=1)" >&2
  RESULT[R]="FAILED (R packages missing)"
  FAILED=1
else
  if (cd "$REPO" && Rscript notebooks/compare_cities.R "$OUT"); then RESULT[R]="ok"; else RESULT[R]="FAILED"; FAILED=1; fi
fi
RESULT[R]+=" ($((SECONDS - t)) s)"

printf '\n==> consumers of %s\n' "$OUT"
for k in pytest notebook R; do printf '    %-9s %s\n' "$k" "${RESULT[$k]}"; done
echo "    artifacts  $ARTIFACTS (executed notebook, figures/*.png)"
echo "    total      $((SECONDS - T0)) s"
exit $FAILED
