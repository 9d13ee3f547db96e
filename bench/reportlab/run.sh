#!/usr/bin/env bash
# riskreport against ReportLab on the same reports: CPU time (user + sys) and peak RSS per side,
# alternating rounds, both on one core, both writing their PDFs to disk (issue #17). Not part of CI.
#
#   bash bench/reportlab/run.sh
#
# Environment: ROUNDS (3), ROWS (100: the first valid rows of input/audits.csv),
# RISKREPORT_BIN (default: the repo's target/release/riskreport, built if needed),
# RISKREPORT_RL_VENV (default ${TMPDIR:-/tmp}/riskreport-reportlab-venv, reused if present),
# RISKREPORT_RL_WORK (default ${TMPDIR:-/tmp}/riskreport-reportlab-work), CSV (input/audits.csv).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
rounds=${ROUNDS:-3}
rows=${ROWS:-100}
csv=${CSV:-$repo/input/audits.csv}
venv=${RISKREPORT_RL_VENV:-${TMPDIR:-/tmp}/riskreport-reportlab-venv}
work=${RISKREPORT_RL_WORK:-${TMPDIR:-/tmp}/riskreport-reportlab-work}

for tool in pdfinfo pdftotext qpdf python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool (Debian: poppler-utils, qpdf, python3-venv)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian: time)" >&2; exit 2; }
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); else echo "no taskset: not pinned to one core" >&2; fi

# ReportLab in its own venv.
# [accel] is rl_accel, ReportLab's C extension for string widths, number formatting and
# ASCII85 (without it those run in Python, more slowly).
if ! "$venv/bin/python" -c 'import reportlab, sys, _rl_accel; sys.exit(reportlab.Version != "5.1.0")' 2>/dev/null; then
    echo "creating $venv with reportlab 5.1.0 and rl_accel" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "reportlab[accel]==5.1.0"
fi
py="$venv/bin/python"

# The repo's own binary, unless RISKREPORT_BIN names one.
if [ -n "${RISKREPORT_BIN:-}" ]; then
    bin=$RISKREPORT_BIN
else
    (cd "$repo" && cargo build --release --quiet)
    bin=${CARGO_TARGET_DIR:-$repo/target}/release/riskreport
fi
[ -x "$bin" ] || { echo "no riskreport binary at $bin" >&2; exit 2; }

mkdir -p "$work"
# The first $rows rows that riskreport accepts.
"$bin" -q validate "$csv" --rejects "$work/rejects.csv" >/dev/null || true
"$py" - "$csv" "$work/rejects.csv" "$rows" "$work/audits-$rows.csv" <<'EOF'
import csv, sys
src, rejects, n, dst = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
with open(rejects, newline="", encoding="utf-8") as f:
    bad = {r.get("audit_id") for r in csv.DictReader(f)}
with open(src, newline="", encoding="utf-8-sig") as f, open(dst, "w", newline="", encoding="utf-8") as o:
    r = csv.reader(f)
    w = csv.writer(o, lineterminator="\n")
    head = next(r)
    w.writerow(head)
    i = head.index("audit_id")
    kept = 0
    for row in r:
        if kept < n and row[i] not in bad:
            w.writerow(row)
            kept += 1
EOF
input=$work/audits-$rows.csv
"$bin" validate "$input" --rejects "$work/rejects-input.csv"

# Not timed: our reports, then their copy, tables and chart data for ReportLab.
rm -rf "$work/ref"
"$bin" run "$input" --out "$work/ref" --jobs 2 --force -q
# The extraction, cached by our reports' text in content order (`-raw`: their bytes change with
# every encoding tweak, and pdftotext's reading order with a glyph moved by a hundredth of a point).
key=$(for f in "$work"/ref/reports/*.pdf; do pdftotext -q -raw "$f" -; done | cat - "$here/reports.py" | sha256sum | cut -c1-16)
if [ ! -s "$work/data-$key.json" ]; then
    echo "extracting the text of $rows reports (pdfinfo -struct-text, ~10 s a PDF; not timed, cached)" >&2
    python3 "$here/reports.py" prepare "$input" "$work/ref/reports" "$work/data-$key.json" "$bin" "$work/score"
fi

# Timed: alternating rounds, one process each, one core.
: > "$work/times.txt"
for round in $(seq 1 "$rounds"); do
    rm -rf "$work/rr" "$work/rl"
    /usr/bin/time -f "riskreport $round %U %S %M" -a -o "$work/times.txt" \
        "${pin[@]}" "$bin" run "$input" --out "$work/rr" --jobs 1 --force -q
    /usr/bin/time -f "reportlab $round %U %S %M" -a -o "$work/times.txt" \
        "${pin[@]}" "$py" "$here/reports.py" render "$work/data-$key.json" "$repo/fonts" "$work/rl"
    echo "round $round of $rounds done" >&2
done

python3 - "$work" "$rows" <<'EOF'
import statistics as st, subprocess, sys
from pathlib import Path
work, rows = Path(sys.argv[1]), int(sys.argv[2])
t = {"riskreport": [], "reportlab": []}
rss = {"riskreport": [], "reportlab": []}
for line in (work / "times.txt").read_text().splitlines():
    side, _, user, sys_, kib = line.split()
    t[side].append((float(user) + float(sys_)) * 1000 / rows)
    rss[side].append(int(kib) / 1024)
dirs = {"riskreport": work / "rr" / "reports", "reportlab": work / "rl"}
print(f"{rows} reports a round, {len(t['riskreport'])} alternating rounds, one core each")
print(f"{'':12}{'CPU ms/report: median':>24}{'min':>8}{'max':>8}{'KiB/PDF':>10}{'peak RSS MiB':>14}")
for side in t:
    pdfs = sorted(dirs[side].glob("*.pdf"))
    pages = {subprocess.run(["pdfinfo", str(p)], capture_output=True, text=True).stdout
             .split("Pages:")[1].split()[0] for p in pdfs}
    assert len(pdfs) == rows and pages == {"24"}, (side, len(pdfs), pages)
    size = st.mean(p.stat().st_size for p in pdfs) / 1024
    print(f"{side:12}{st.median(t[side]):24.1f}{min(t[side]):8.1f}{max(t[side]):8.1f}"
          f"{size:10.0f}{max(rss[side]):14.0f}")
ratios = [b / a for a, b in zip(t["riskreport"], t["reportlab"])]
print(f"ratio ReportLab / riskreport CPU: {st.median(t['reportlab']) / st.median(t['riskreport']):.1f}"
      f" (medians); per round {', '.join(f'{r:.1f}' for r in ratios)}")
EOF
