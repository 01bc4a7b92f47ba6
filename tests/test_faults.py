"""Faults: a broken registry, a killed build and two builds at once never damage the last build.

Every build here is a real ``atlas build`` process; what is checked is what a reader of
``--out`` sees. A reader resolves the ``--out`` link once and reads the directory it points
to, as the dashboard does, so a snapshot is always of one directory.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from filelock import FileLock

from etl import settings
from etl.schema import BUILD_FILES

pytestmark = pytest.mark.slow

SEED = settings.DEFAULT_CORPUS
ENTRY = "railways/china-kyrgyzstan-uzbekistan-railway"
#: when to kill a build, as fractions of one measured full build of the larger corpus
KILL_AT = (0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.95)

TOWNS = [
    "Almaty",
    "Astana",
    "Bishkek",
    "Osh",
    "Tashkent",
    "Samarkand",
    "Bukhara",
    "Dushanbe",
    "Khujand",
    "Ashgabat",
    "Aktau",
    "Shymkent",
    "Taraz",
    "Kashgar",
    "Urumqi",
    "Lanzhou",
    "Andijan",
    "Namangan",
    "Termez",
    "Naryn",
    "Karakol",
    "Kyzylorda",
    "Aktobe",
    "Baku",
]
TEMPLATES = [
    "Officials in {a} said the new road would link {b} with {c} by {year}.",
    "A delegation from {a} visited {b} on May {day} to discuss freight to {c}.",
    "Trade between Kazakhstan and China reached ${n} billion in {year}, officials in {a} said.",
    "The {a}-{b}-{c} railway is expected to cost ${n} billion, according to the ministry.",
    "Along the route from {a} to {b}, trucks queue for days at the border.",
    "Engineers from {a} and {b} met in {c} to plan a logistics centre.",
]


def atlas_build(corpus: Path, out: Path, *extra: str, timeout: float = 120):
    return subprocess.run(
        [sys.executable, "-m", "etl", "build", "--corpus", str(corpus), "--out", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_build(corpus: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "build", "--corpus", str(corpus), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file of the build at ``out``, checked readable: the manifest and layers parse."""
    target = Path(os.path.realpath(out))
    files = {p.name: p.read_bytes() for p in sorted(target.iterdir())}
    assert set(files) == set(BUILD_FILES)
    json.loads(files["manifest.json"])
    for name, data in files.items():
        if name.endswith(".geojson"):
            assert json.loads(data)["type"] == "FeatureCollection"
    return files


def synthetic_corpus(directory: Path, n: int = 300, seed: int = 7) -> Path:
    """The seed corpus plus ``n`` synthetic articles naming three towns a sentence."""
    shutil.copytree(SEED, directory)
    rng = random.Random(seed)
    for k in range(n):
        sentences = []
        for _ in range(rng.randint(8, 14)):
            a, b, c = rng.sample(TOWNS, 3)
            template = rng.choice(TEMPLATES)
            sentences.append(
                template.format(
                    a=a,
                    b=b,
                    c=c,
                    year=rng.randint(2015, 2026),
                    day=rng.randint(1, 28),
                    n=rng.randint(2, 40),
                )
            )
        header = f"Title: Synthetic article {k}\nDate: 2024-{1 + k % 12:02d}-15\n\n"
        (directory / f"synthetic_{k:03d}.txt").write_text(
            header + " ".join(sentences) + "\n", encoding="utf-8"
        )
    return directory


@pytest.fixture(scope="module")
def seed_reference(tmp_path_factory):
    """A complete build of the seed corpus, and its files."""
    out = tmp_path_factory.mktemp("seed-ref") / "build"
    proc = atlas_build(SEED, out)
    assert proc.returncode == 0, proc.stderr
    return out, snapshot(out)


@pytest.fixture(scope="module")
def large_reference(tmp_path_factory):
    """The seed corpus plus 300 articles: the corpus, its complete build, and how long it took."""
    root = tmp_path_factory.mktemp("large")
    corpus = synthetic_corpus(root / "corpus")
    out = root / "build"
    t0 = time.perf_counter()
    proc = atlas_build(corpus, out)
    seconds = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stderr
    return corpus, snapshot(out), seconds


# --- a broken registry --------------------------------------------------------------------------


def _break_unknown_type(entry: dict) -> None:
    entry["type"] = "railroad"


def _break_waypoint(entry: dict) -> None:
    entry["waypoints"][2] = "Nowhere Junction, KG"


def _break_latitude(entry: dict) -> None:
    entry["waypoints"][1]["lat"] = 95


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (_break_unknown_type, ["unknown type 'railroad'"]),
        (_break_waypoint, ["'Nowhere Junction, KG'", "not in the gazetteer"]),
        (_break_latitude, ["out of range", "95"]),
    ],
    ids=["unknown-type", "unresolvable-waypoint", "latitude-95"],
)
def test_broken_registry_stops_the_build_with_one_line_and_keeps_the_last(
    tmp_path, seed_reference, damage, words
):
    registry = tmp_path / "registry"
    shutil.copytree(settings.REGISTRY_DIR, registry)
    out = tmp_path / "build"
    good = atlas_build(SEED, out, "--registry", str(registry))
    assert good.returncode == 0, good.stderr
    before, link = snapshot(out), os.readlink(out)

    path = registry / "railways.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    (entry,) = [e for e in entries if e["id"] == ENTRY]
    damage(entry)
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), "utf-8")

    proc = atlas_build(SEED, out, "--registry", str(registry))
    assert proc.returncode != 0
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    for needed in ["atlas: error: railways.yaml", repr(ENTRY), *words]:
        assert needed in lines[0], (needed, lines[0])
    assert os.readlink(out) == link
    assert snapshot(out) == before


# --- killed builds ------------------------------------------------------------------------------


def _kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)


def test_killed_build_always_leaves_one_complete_build(tmp_path, seed_reference, large_reference):
    corpus, new, full_seconds = large_reference
    out = tmp_path / "build"
    proc = atlas_build(SEED, out)
    assert proc.returncode == 0, proc.stderr
    current = snapshot(out)
    assert current == seed_reference[1]
    assert current != new

    # a kill while the new build's files are being written: as soon as its directory appears
    builds = out.parent / ".builds"
    existing = set(builds.iterdir())
    proc = start_build(corpus, out)
    while proc.poll() is None and set(builds.iterdir()) <= existing:
        time.sleep(0.002)
    _kill(proc)
    assert proc.returncode == -signal.SIGKILL, "the build ended before it could be killed"
    assert snapshot(out) == current, "a half-written build was published"

    for fraction in KILL_AT:
        proc = start_build(corpus, out)
        time.sleep(fraction * full_seconds)
        _kill(proc)
        state = snapshot(out)
        assert state in (current, new), f"a mix after a kill at {fraction:.2f} of a build"
        current = state
    previous_dir = Path(os.path.realpath(out))

    proc = atlas_build(corpus, out)
    assert proc.returncode == 0, proc.stderr
    assert snapshot(out) == new
    # the build that was current before stays readable beside the new one, and what the
    # killed builds left behind is gone
    assert {p.name: p.read_bytes() for p in previous_dir.iterdir()} == current
    assert {p.name for p in builds.iterdir()} == {
        previous_dir.name,
        os.readlink(out).split("/")[-1],
    }


def test_builds_of_an_output_leave_its_namesakes_alone(tmp_path, knowledge, seed_reference):
    """``--out build-test`` beside ``--out build``: rebuilding one never prunes the other."""
    from etl.build import build

    build(SEED, tmp_path / "build-test", knowledge=knowledge)
    for _ in range(3):
        build(SEED, tmp_path / "build", knowledge=knowledge)
    assert snapshot(tmp_path / "build-test") == seed_reference[1]


# --- two builds at once -------------------------------------------------------------------------


def test_a_second_build_waits_for_the_first(tmp_path, seed_reference):
    out = tmp_path / "build"
    with FileLock(str(tmp_path / ".build.lock")):  # as if another build were running
        proc = start_build(SEED, out)
        time.sleep(3.0)
        assert proc.poll() is None, "the build did not wait for the lock"
        assert not out.exists()
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert stdout.startswith("built ")
    assert snapshot(out) == seed_reference[1]


def test_two_builds_at_once_give_one_complete_build(tmp_path, seed_reference, large_reference):
    corpus, large, _ = large_reference
    out = tmp_path / "build"
    procs = [start_build(SEED, out), start_build(corpus, out)]
    seen = 0
    while any(p.poll() is None for p in procs):
        if out.exists():
            assert snapshot(out) in (seed_reference[1], large)
            seen += 1
        time.sleep(0.05)
    assert seen, "the output was never read while a build was running"
    results = [(p.returncode, *p.communicate(timeout=30)) for p in procs]
    for code, stdout, stderr in results:
        if code == 0:
            assert stdout.startswith("built ")
        else:
            lines = stderr.splitlines()
            assert len(lines) == 1 and "another build" in lines[0], stderr
    assert any(code == 0 for code, _, _ in results)
    assert snapshot(out) in (seed_reference[1], large)
