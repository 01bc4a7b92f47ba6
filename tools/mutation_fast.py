"""mutmut's mutants of one module judged in ONE process, for a machine too busy for mutmut.

mutmut forks a pytest session per mutant (about a CPU second of start-up each); on a shared
machine a whole module of a thousand mutants then takes hours. This runs the same mutants
(mutmut's own mutated copy and trampoline, switched by MUTANT_UNDER_TEST) against plain test
functions in one process: the knowledge (gazetteer, registry) is loaded once, and a mutant
costs only its tests' own time. It supports what the fast ``test_mutation_kills_*`` files
use: module-level ``test_*`` functions, ``pytest.mark.parametrize`` and the ``knowledge``
fixture. Before each mutant the module's ``functools.cache`` results are cleared (patterns
compiled from the mutated code, not reused from an earlier one); a CPU timer (ITIMER_PROF)
stops a mutant that loops, counted as a timeout (killed, as mutmut counts it).
One difference from a fresh process: what another module computed with the module's code
before the mutants (the registry's alias keys, made by ``etl.routes.alias_key`` on first
use) stays as the unmutated code made it, so a mutant that a fresh process would apply to
both sides alike can be counted as killed; check such kills with pytest and
MUTANT_UNDER_TEST=<name> in ``mutants/``.

Usage, from a work folder made by ``tools/mutation.sh -k`` (its ``mutants/`` holds the
mutated code; copy the test files to judge with into ``mutants/tests/`` first):

    cd /tmp/atlas-mutation.XXXX/mutants
    ATLAS_CACHE_DIR=<checkout>/geodata/cache python3 <checkout>/tools/mutation_fast.py \
        etl/routes.py results.tsv tests.test_mutation_kills_routes [-- GLOB...]

It writes one line per mutant (name, killed | timeout | survived, the exception) and prints
the counts per function and the score.
"""

import fnmatch
import importlib
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.getcwd())
module_path, out_path = sys.argv[1], sys.argv[2]
module_name = module_path.removesuffix(".py").replace("/", ".")
args = sys.argv[3:]
globs = []
if "--" in args:
    i = args.index("--")
    args, globs = args[:i], args[i + 1 :]

from mutmut.mutation import trampoline  # noqa: E402

import etl.build  # noqa: E402

knowledge = etl.build.load_knowledge()
module = importlib.import_module(module_name)


def clear():
    """Forget what the module's cached functions computed under another mutant."""
    for value in vars(module).values():
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


calls = []
for name in args:
    mod = importlib.import_module(name)
    for attr, fn in vars(mod).items():
        if not attr.startswith("test_") or not callable(fn):
            continue
        marks = [m for m in getattr(fn, "pytestmark", []) if m.name == "parametrize"]
        if not marks:
            calls.append((f"{name}::{attr}", fn, [{}]))
            continue
        (mark,) = marks
        names, values = mark.args[0], mark.args[1]
        names = [n.strip() for n in (names.split(",") if isinstance(names, str) else names)]
        sets = []
        for v in values:
            v = v.values if hasattr(v, "values") and not isinstance(v, (tuple, list, str)) else v
            if len(names) == 1:
                v = (v,)
            sets.append(dict(zip(names, v, strict=True)))
        calls.append((f"{name}::{attr}", fn, sets))


def run_all():
    for _label, fn, sets in calls:
        for kw in sets:
            params = fn.__code__.co_varnames[: fn.__code__.co_argcount]
            if "knowledge" in params:
                kw = {**kw, "knowledge": knowledge}
            fn(**kw)


class Timeout(BaseException):
    pass


def on_alarm(signum, frame):
    raise Timeout()


signal.signal(signal.SIGPROF, on_alarm)

with open(module_path, encoding="utf-8") as f:
    source = f.read()
mutants = sorted(
    set(re.findall(r"^def (x_\w+__mutmut_\d+)\(", source, re.M)),
    key=lambda n: (n.rsplit("__mutmut_", 1)[0], int(n.rsplit("_", 1)[1])),
)
mutants = [f"{module_name}.{m}" for m in mutants]
if globs:
    mutants = [m for m in mutants if any(fnmatch.fnmatch(m, g) for g in globs)]

# the unmutated code must pass
trampoline.set_mutant_under_test("")
os.environ["MUTANT_UNDER_TEST"] = ""
clear()
t0 = time.process_time()
run_all()
base = time.process_time() - t0
print(f"baseline passes, {base:.2f} s CPU; {len(mutants)} mutants", flush=True)
limit = max(10.0, 10 * base)

start = time.process_time()
with open(out_path, "w", encoding="utf-8") as out:
    for m in mutants:
        os.environ["MUTANT_UNDER_TEST"] = m
        trampoline.set_mutant_under_test(m)
        clear()
        status, why = "survived", ""
        signal.setitimer(signal.ITIMER_PROF, limit)
        try:
            run_all()
        except Timeout:
            status = "timeout"
        except Exception as e:
            status, why = "killed", type(e).__name__
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        out.write(f"{m}\t{status}\t{why}\n")
        out.flush()
    os.environ["MUTANT_UNDER_TEST"] = ""
    trampoline.set_mutant_under_test("")
    clear()
    run_all()  # nothing leaked: the unmutated code still passes
print(f"done, {time.process_time() - start:.1f} s CPU", flush=True)
by_function = {}
with open(out_path, encoding="utf-8") as f:
    for line in f:
        name, status, _ = line.rstrip("\n").split("\t")
        function = name.rsplit("__mutmut_", 1)[0].split(".x_", 1)[1]
        counts = by_function.setdefault(function, [0, 0])
        counts[status == "survived"] += 1
for function, (killed, survived) in sorted(by_function.items()):
    print(f"{function:30} {killed:5} killed {survived:5} survived")
killed = sum(k for k, _ in by_function.values())
total = sum(k + s for k, s in by_function.values())
print(f"{module_name}: {killed} / {total} killed ({killed / total:.0%})")
