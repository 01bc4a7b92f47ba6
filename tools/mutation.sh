#!/usr/bin/env bash
# Mutation testing with mutmut: do the tests notice when the code is broken on purpose?
# Not part of CI (minutes of CPU per module); run it after changing a module or its tests.
#
#   tools/mutation.sh [-t TESTS] [-o GLOB]... [-j N] [-k] MODULE...
#
#   MODULE     a file to mutate, e.g. dashboard/uploads.py (several may be given)
#   -t TESTS   the pytest arguments that select the tests to run against each mutant,
#              e.g. "tests/test_dashboard_uploads.py -k 'not batch'"
#              (default: every test file, minus the slow and browser tests)
#   -o GLOB    only the mutants whose names match, e.g. 'dashboard.mapview.x_escape*'
#              or 'etl.build.x__publish*' (names are module.x_function__mutmut_N); repeatable
#   -j N       mutants tested at once (default 1: the CPU is shared)
#   -k         keep the work folder (to `mutmut show NAME` or `mutmut browse` in it)
#   -T SECONDS CPU seconds a mutant's tests may take beyond their measured time (default 1;
#              give 20 when the tests build in a module fixture: mutmut does not count
#              fixture time, and every mutant would "time out", which counts as killed)
#   -p         load the ETL's knowledge (gazetteer, registry: 7 s) once, before the mutants
#              fork, instead of once per mutant; not when mutating etl.build.load_knowledge
#
# It works in a copy of the checkout under $TMPDIR (the checkout is never touched), prints
# every surviving mutant with its diff, and a score per module: killed / all mutants tested
# (a timeout counts as killed; "no tests" as survived). Needs the dev extra:
# python3 -m pip install -e '.[dev]'.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tests="tests"
jobs=1
keep=0
preload=0
extra=1
only=()
while getopts "t:o:j:T:kph" opt; do
    case $opt in
        t) tests=$OPTARG ;;
        o) only+=("$OPTARG") ;;
        j) jobs=$OPTARG ;;
        T) extra=$OPTARG ;;
        k) keep=1 ;;
        p) preload=1 ;;
        *) sed -n '2,24p' "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if [ $# -eq 0 ]; then
    sed -n '2,24p' "$0"
    exit 2
fi
for module in "$@"; do
    [ -f "$root/$module" ] || { echo "mutation.sh: no such module: $module" >&2; exit 2; }
done
python3 -c "import mutmut" 2>/dev/null || {
    echo "mutation.sh: mutmut is missing: python3 -m pip install -e '.[dev]'" >&2
    exit 2
}

work=$(mktemp -d "${TMPDIR:-/tmp}/atlas-mutation.XXXXXX")
if [ "$keep" = 0 ]; then trap 'rm -rf "$work"' EXIT; fi

# the checkout as it is now (edits and new files included), without builds and caches
(cd "$root" && git ls-files -z -co --exclude-standard | xargs -0 cp --parents -t "$work")
# the gazetteer index is read from the checkout's cache rather than rebuilt (20 s)
export ATLAS_CACHE_DIR="${ATLAS_CACHE_DIR:-$root/geodata/cache}"

# every mutant's test run gets an empty findings cache: the cache is keyed by the code on
# disk, which is the same file for every mutant (mutmut picks the mutant at run time), so a
# shared cache would hand each mutant the findings of the unbroken code. And builds extract
# in this process: mutmut learns which tests reach a mutant by recording calls in the test
# process, so calls in a pool of worker processes would leave the mutant with "no tests".
cat >"$work/_mutation_plugin.py" <<'EOF'
import os
import tempfile
from pathlib import Path


def pytest_configure(config):
    from etl import settings
    from etl.run import local

    where = os.environ.get("ATLAS_MUTATION_WORK")
    settings.FINDINGS_DIR = Path(tempfile.mkdtemp(prefix="findings-", dir=where))
    local.default_workers = lambda: 1
EOF
export ATLAS_MUTATION_WORK="$work/findings"
mkdir -p "$ATLAS_MUTATION_WORK"

if [ "$preload" = 1 ]; then
    # imported by mutmut's fork server before it forks: every mutant inherits the knowledge
    cat >"$work/_mutation_preload.py" <<'EOF'
import functools

import etl.build

etl.build.load_knowledge = functools.cache(etl.build.load_knowledge)
etl.build.load_knowledge()
EOF
    echo "_mutation_preload" >"$work/_mutation_preload.txt"
fi

python3 - "$work/pyproject.toml" "$preload" "$extra" "$tests" "$@" <<'EOF'
import json, shlex, sys
path, preload, extra = sys.argv[1], sys.argv[2] == "1", float(sys.argv[3])
tests, modules = sys.argv[4], sys.argv[5:]
warmup = (
    'forkserver_warmup = "import"\npreload_modules_file = "_mutation_preload.txt"\n'
    if preload
    else ""
)
section = f"""

[tool.mutmut]
source_paths = ["etl", "dashboard"]
only_mutate = {json.dumps(modules)}
also_copy = ["geodata", "corpus", ".streamlit", "_mutation_preload.py", "_mutation_plugin.py"]
pytest_add_cli_args = [
    "-q", "-x", "-p", "no:cacheprovider", "-p", "_mutation_plugin", "-m", "not slow and not browser"
]
pytest_add_cli_args_test_selection = {json.dumps(shlex.split(tests))}
# a mutant that loops is stopped after 4 x 2 x (its tests' CPU time + extra), not mutmut's 15 x
timeout_multiplier = 4.0
timeout_constant = {extra}
{warmup}"""
with open(path, "a", encoding="utf-8") as f:
    f.write(section)
EOF

cd "$work"
echo "mutation.sh: mutating $* in $work (tests: $tests)" >&2
python3 -m mutmut run --max-children "$jobs" "${only[@]}" >"$work/mutmut-run.log" 2>&1 || {
    tail -40 "$work/mutmut-run.log" >&2
    echo "mutation.sh: mutmut failed; the log is $work/mutmut-run.log" >&2
    trap - EXIT
    exit 1
}
python3 -m mutmut results --all true >"$work/results.txt"

python3 - "$work/results.txt" "${only[@]}" <<'EOF'
import collections, fnmatch, re, sys
results, patterns = sys.argv[1], sys.argv[2:]
rows = []


def module_of(name):
    """etl.routes.x_judge__mutmut_3 and etl.places.resolve.xǁResolverǁ_score__mutmut_3 (a method)."""
    return re.split(r"\.x(?:_|ǁ)", name, maxsplit=1)[0]


for line in open(results, encoding="utf-8"):
    if ": " not in line:
        continue
    name, status = line.strip().rsplit(": ", 1)
    if not patterns or any(fnmatch.fnmatch(name, p) for p in patterns):
        rows.append((name, status))
by_module = collections.defaultdict(collections.Counter)
for name, status in rows:
    by_module[module_of(name)][status] += 1
from mutmut.mutation.diff_apply import find_mutant, get_diff_for_mutant

paths = {}
for name, status in rows:
    if status in ("killed", "timeout"):
        continue
    module = module_of(name)
    if module not in paths:
        paths[module] = find_mutant(name).path
    diff = get_diff_for_mutant(name, path=paths[module]).splitlines()[2:]
    changed = [line for line in diff if line[:1] in "+-"]
    print(f"{name}: {status}\n    " + "\n    ".join(changed))
print("module                          killed  survived  other  score")
for module, counts in sorted(by_module.items()):
    killed = counts["killed"] + counts["timeout"]
    survived = counts["survived"] + counts["no tests"]
    total = sum(counts.values())
    other = total - killed - survived
    print(f"{module:30} {killed:7} {survived:9} {other:6}  {killed / total:.0%}")
EOF
if [ "$keep" = 1 ]; then echo "mutation.sh: kept $work" >&2; fi
