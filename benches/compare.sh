#!/usr/bin/env bash
# Compare banli with ripgrep and a Python baseline on a synthetic corpus.
#
#   benches/compare.sh N [SEED]          (BANLI_BENCH_REPEAT=R runs each timing R times; default 3)
#
# Generates N reports (and 5×N for the scaling check) with `banli synth`, then times, warm cache,
# each command R times (the median wall time and the largest peak RSS are reported: this VM's
# speed drifts by up to 2× within an hour, so one run per tool can flip a ratio):
#   rg -o '\d+件|\d+%'            (a lower bound: reading and matching only)
#   benches/baseline.py           (re + pyarrow, what a user writes in an afternoon)
#   banli run                     (release build, every stage, Parquet out)
# with /usr/bin/time -v for wall time and peak RSS, and prints the ratios the targets need:
#   banli ≤ 2× rg · banli ≥ 10× faster than Python · peak RSS < 500 MB (at N and 5×N;
#   run with N=20000 for the 20k and 100k targets) · 5× reports ≤ 5.5× time.
# Work files go to $BANLI_BENCH_DIR (default /tmp/banli-compare); corpora are reused.
set -euo pipefail

N=${1:?usage: benches/compare.sh N [SEED]}
SEED=${2:-1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BANLI_BENCH_DIR:-/tmp/banli-compare}
BIN="$ROOT/target/release/banli"
mkdir -p "$WORK"

need_tools() {
    if ! command -v rg >/dev/null; then
        echo "installing ripgrep" >&2
        apt-get install -y -qq ripgrep >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq ripgrep; }
    fi
    [ -x /usr/bin/time ] || apt-get install -y -qq time
    if [ ! -x "$WORK/venv/bin/python" ]; then
        python3 -m venv "$WORK/venv"
        "$WORK/venv/bin/pip" install -q pyarrow
    fi
    (cd "$ROOT" && cargo build --release --quiet)
}

corpus() { # corpus N → path (generated once)
    local dir="$WORK/corpus-$1-s$SEED"
    if [ ! -f "$dir/.complete" ]; then
        rm -rf "$dir"
        "$BIN" synth --reports "$1" --seed "$SEED" --out "$dir" >&2
        touch "$dir/.complete"
    fi
    echo "$dir"
}

warm() { find "$1" -type f -exec cat {} + >/dev/null; }

REPEAT=${BANLI_BENCH_REPEAT:-3}

# measure NAME FRESH CMD... → runs CMD $REPEAT times (removing the folder FRESH before each run,
# unless it is "-"), prints "NAME median_wall_s max_rss_mb (every wall)" and keeps the numbers in
# WALL/RSS
measure() {
    local name=$1 fresh=$2; shift 2
    local log="$WORK/time-$name.log" walls=() rss=0 w r
    for _ in $(seq "$REPEAT"); do
        [ "$fresh" = - ] || rm -rf "$fresh"
        /usr/bin/time -v -o "$log" "$@" >/dev/null 2>"$WORK/stderr-$name.log" || { echo "$name failed; see $WORK/stderr-$name.log" >&2; cat "$WORK/stderr-$name.log" >&2; exit 1; }
        w=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$log")
        r=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log")
        walls+=("$w")
        [ "$r" -gt "$rss" ] && rss=$r
    done
    WALL=$(printf "%s\n" "${walls[@]}" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }')
    RSS=$rss
    printf "%-22s %10.2f s %8s MB   (runs: %s)\n" "$name" "$WALL" "$RSS" "${walls[*]}"
}

need_tools
C1=$(corpus "$N")
C5=$(corpus $((N * 5)))
MB1=$(du -sm --apparent-size "$C1" | cut -f1)
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "corpus: $N reports ($MB1 MB incl. gold files) at $C1; $((N * 5)) at $C5"
warm "$C1"

printf "\n%-22s %12s %11s\n" "tool" "wall" "peak RSS"
measure "rg" - rg -o '\d+件|\d+%' "$C1"; RG=$WALL
measure "python-baseline" "$WORK/out-py" "$WORK/venv/bin/python" "$ROOT/benches/baseline.py" "$C1" "$WORK/out-py"; PY=$WALL
# A fresh --out each run: nothing cached is reused.
measure "banli-run-$N" "$WORK/out-banli" "$BIN" run --input "$C1" --out "$WORK/out-banli"; B1=$WALL; R1=$RSS
warm "$C5"
measure "banli-run-$((N * 5))" "$WORK/out-banli5" "$BIN" run --input "$C5" --out "$WORK/out-banli5"; B5=$WALL; R5=$RSS

check() { # check LABEL VALUE OP LIMIT
    local ok; ok=$(awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN { print (op == "<=" ? v <= l : op == ">=" ? v >= l : v < l) ? "PASS" : "FAIL" }')
    printf "%-44s %10.2f %-2s %-6s %s\n" "$1" "$2" "$3" "$4" "$ok"
}
echo
printf "%-44s %10s %-9s %s\n" "target" "value" "limit" "result"
check "banli time / rg time" "$(awk -v a="$B1" -v b="$RG" 'BEGIN { print a / (b > 0 ? b : 0.001) }')" "<=" 2
check "python time / banli time" "$(awk -v a="$PY" -v b="$B1" 'BEGIN { print a / (b > 0 ? b : 0.001) }')" ">=" 10
check "peak RSS MB at $N reports" "$R1" "<" 500
check "peak RSS MB at $((N * 5)) reports" "$R5" "<" 500
check "time(5×N) / time(N)" "$(awk -v a="$B5" -v b="$B1" 'BEGIN { print a / (b > 0 ? b : 0.001) }')" "<=" 5.5
