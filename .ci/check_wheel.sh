#!/usr/bin/env bash
# Check the installed copy (issue 12): build a wheel from the working tree, install it in a fresh virtual
# environment (no system site-packages; dependencies installed normally, the pip cache reused), and from a
# folder outside the repository run
#   python -m simtheory.run --list                  (every grid TOML shipped in the package is listed)
#   python -m simtheory.run cross_prompt --quick    (one quick grid)
#   python -m simtheory.report --quick              (must exit 0 with 0 "not checkable")
# Usage: .ci/check_wheel.sh            (PYTHON=python3.11 to choose the interpreter; KEEP=1 keeps the temp dir)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/simtheory-wheel.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
say() { printf '== %s\n' "$*"; }

say "copy the working tree (tracked + untracked, not ignored) to $WORK/src"
mkdir -p "$WORK/src"
(cd "$REPO" && git ls-files -z --cached --others --exclude-standard | xargs -0 tar -cf - 2>/dev/null) | tar -xf - -C "$WORK/src"

say "build the wheel"
"$PY" -m pip wheel --no-deps --quiet -w "$WORK/dist" "$WORK/src"   # builds simtheory only; deps come below
WHL=$(ls "$WORK"/dist/simtheory-*.whl)
echo "$WHL"

say "fresh venv, install the wheel with its dependencies"
"$PY" -m venv "$WORK/venv"
V="$WORK/venv/bin/python"
"$V" -m pip install --quiet "${WHL}[report]"

mkdir -p "$WORK/elsewhere"
cd "$WORK/elsewhere"
LOC=$("$V" -c 'import simtheory, os; print(os.path.dirname(simtheory.__file__))')
case "$LOC" in "$WORK/venv/"*) echo "simtheory imported from $LOC";; *) echo "FAIL: simtheory imported from $LOC" >&2; exit 1;; esac

say "python -m simtheory.run --list"
"$V" -m simtheory.run --list | tee list.txt
for toml in "$LOC"/*/*.toml; do
  name=$(basename "$toml" .toml)
  grep -q "^$name " list.txt || { echo "FAIL: grid $name (from $toml) not listed" >&2; exit 1; }
done
[ "$(ls "$LOC"/*/*.toml | wc -l)" -ge 1 ] || { echo "FAIL: no grid TOML in the installed package" >&2; exit 1; }

say "python -m simtheory.run cross_prompt --quick"
"$V" -m simtheory.run cross_prompt --quick --out xp --no-progress
test -s xp/results.csv || { echo "FAIL: cross_prompt --quick wrote no results" >&2; exit 1; }

say "python -m simtheory.report --quick"
set +e
"$V" -m simtheory.report --quick --out report --quiet
rc=$?
set -e
"$V" - <<'PY'
import json, sys
d = json.load(open("report/report.json"))
bad = [c["id"] + ": " + str(c["error"]) for c in d["claims"] if c["verdict"] == "not checkable"]
print("verdicts:", d["counts"], "in", round(d["seconds_total"], 1), "s")
if bad:
    print("FAIL: not checkable:\n  " + "\n  ".join(bad), file=sys.stderr)
    sys.exit(1)
PY
[ "$rc" = 0 ] || { echo "FAIL: simtheory.report --quick exited $rc" >&2; exit 1; }
say "OK: the installed wheel lists every grid, runs a quick grid and checks every claim"
