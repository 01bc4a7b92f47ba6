"""Publishing a build is one atomic rename: checked by tracing the file-system calls.

The kill tests in ``test_faults.py`` kill builds at chosen moments; a publish that deletes
the link and then renames the new one in place leaves the output missing for microseconds,
which a kill or a polling reader almost never hits (it passed them twice). So these tests
look at the mechanism itself. During a real build every call that changes the file system
(``os.replace``, ``os.rename``, ``os.unlink``, ``os.remove``, ``os.rmdir``, ``os.symlink``,
``os.mkdir``, ``shutil.rmtree``...) is recorded, and after each one a reader looks at the
output path as a dashboard would: it must be a complete build every time (never missing,
never half-written) once a build has been published, and the only call that ever touches
the output path must be one rename (``os.replace``; ``os.rename`` is as atomic on POSIX) of
a link to a complete build. A reader thread
polling during a series of real builds must likewise never find the path missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from etl.build import build
from etl.schema import BUILD_FILES, MANIFEST

ARTICLE = "Trains now run from Kashgar to Osh, officials in Bishkek said on {day}.\n"
MUTATING = ("replace", "rename", "renames", "unlink", "remove", "rmdir", "removedirs")
MUTATING += ("symlink", "link", "mkdir", "makedirs", "truncate")
MISSING, INCOMPLETE = "missing", "incomplete"


def state(out: Path) -> str:
    """What a reader opening ``out`` now would find: missing, incomplete, or the manifest's hash."""
    if not os.path.lexists(out):
        return MISSING
    try:
        names = set(os.listdir(out))
        manifest = (out / MANIFEST).read_bytes()
        json.loads(manifest)
    except (OSError, ValueError):
        return INCOMPLETE
    if not set(BUILD_FILES) <= names:
        return INCOMPLETE
    return hashlib.sha256(manifest).hexdigest()


class Trace:
    """Every mutating call, the calls that touch ``out``, and ``out``'s state after each call."""

    def __init__(self, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.out = os.path.abspath(out)
        self.calls: list[tuple[str, tuple[str, ...]]] = []
        self.touching: list[tuple[str, tuple[str, ...], str]] = []  # with the source's state
        self.states: list[tuple[str, str]] = []  # (call, out's state after it)
        for name in MUTATING:
            monkeypatch.setattr(os, name, self._wrap(name, getattr(os, name)))
        monkeypatch.setattr(shutil, "rmtree", self._wrap("rmtree", shutil.rmtree))

    def _paths(self, args, kwargs) -> tuple[str, ...]:
        if "dir_fd" in kwargs or "src_dir_fd" in kwargs:  # relative to a directory fd
            return tuple(f"<fd>/{a}" for a in args if isinstance(a, str | bytes | os.PathLike))
        return tuple(
            os.path.abspath(os.fsdecode(a))
            for a in args
            if isinstance(a, str | bytes | os.PathLike)
        )

    def _wrap(self, name, real):
        def traced(*args, **kwargs):
            paths = self._paths(args, kwargs)
            if self.out in paths:
                source = paths[0] if paths[0] != self.out else ""
                self.touching.append((name, paths, state(Path(source)) if source else ""))
            self.calls.append((name, paths))
            try:
                return real(*args, **kwargs)
            finally:
                self.states.append((f"{name}{paths}", state(Path(self.out))))

        return traced

    def never_missing_once_published(self) -> list[str]:
        """The calls after which a reader found no complete build, once there had been one."""
        bad, published = [], False
        for call, seen in self.states:
            published = published or seen not in (MISSING, INCOMPLETE)
            if published and seen in (MISSING, INCOMPLETE):
                bad.append(f"{seen} after {call}")
        return bad


def _corpus(path: Path, day: str) -> Path:
    path.mkdir(exist_ok=True)
    (path / "a.txt").write_text(ARTICLE.format(day=day), encoding="utf-8")
    return path


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir()}


def test_a_rebuild_replaces_the_output_in_one_atomic_rename(tmp_path, knowledge, monkeypatch):
    out = tmp_path / "build"
    build(_corpus(tmp_path / "c1", "Monday"), out, knowledge=knowledge)
    before = state(out)
    old_dir = Path(os.path.realpath(out))
    old_files = _files(old_dir)

    trace = Trace(out, monkeypatch)
    build(_corpus(tmp_path / "c2", "Tuesday"), out, knowledge=knowledge)
    monkeypatch.undo()

    after = state(out)
    assert after not in (before, MISSING, INCOMPLETE)
    # the output path itself: touched once, by os.replace of a link to a complete build
    assert len(trace.touching) == 1, trace.touching
    ((name, (source, target), source_state),) = trace.touching
    assert name in ("replace", "rename") and target == os.path.abspath(out)
    assert os.path.dirname(source) == str(tmp_path)  # a rename within one directory
    assert source_state == after  # the link already led to the whole new build
    # a reader looking after every call saw the old build or the new one, nothing else
    assert trace.never_missing_once_published() == []
    assert {s for _, s in trace.states} <= {before, after}
    # and the build a reader resolved just before the swap is still there, unchanged
    assert _files(old_dir) == old_files


def test_a_first_build_appears_in_one_atomic_rename(tmp_path, knowledge, monkeypatch):
    out = tmp_path / "build"
    trace = Trace(out, monkeypatch)
    build(_corpus(tmp_path / "c1", "Monday"), out, knowledge=knowledge)
    monkeypatch.undo()
    ((name, paths, _),) = trace.touching
    assert name in ("replace", "rename") and paths[-1] == os.path.abspath(out)
    assert {s for _, s in trace.states} == {MISSING, state(out)}


def test_the_trace_catches_a_publish_that_deletes_the_link_then_renames(
    tmp_path, knowledge, monkeypatch
):
    """The check above can fail: a non-atomic publish (unlink, then rename) is caught."""
    out = tmp_path / "build"
    build(_corpus(tmp_path / "c1", "Monday"), out, knowledge=knowledge)
    trace = Trace(out, monkeypatch)
    real_replace = os.replace

    def unlink_then_rename(src, dst, **kwargs):
        if os.path.abspath(dst) == trace.out and os.path.islink(dst):
            os.unlink(dst)
            os.rename(src, dst)
        else:
            real_replace(src, dst, **kwargs)

    monkeypatch.setattr(os, "replace", unlink_then_rename)
    build(_corpus(tmp_path / "c2", "Tuesday"), out, knowledge=knowledge)
    monkeypatch.undo()
    assert [n for n, _, _ in trace.touching] == ["unlink", "rename"]
    assert trace.never_missing_once_published()[0].startswith(f"{MISSING} after unlink")


def test_a_reader_polling_through_rebuilds_never_finds_the_output_missing(tmp_path, knowledge):
    out = tmp_path / "build"
    build(_corpus(tmp_path / "c0", "Sunday"), out, knowledge=knowledge)
    seen: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            seen.append(state(out))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i, day in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday")):
            build(_corpus(tmp_path / f"c{i + 1}", day), out, knowledge=knowledge)
    finally:
        stop.set()
        thread.join()
    assert len(seen) > 100, "the reader hardly ran"
    assert MISSING not in seen and INCOMPLETE not in seen
    assert len(set(seen)) >= 2  # it saw at least one swap


def _builds(out: Path) -> set[str]:
    return {p.name for p in (out.parent / ".builds").iterdir()}


def test_older_builds_are_removed_and_the_replaced_one_is_kept(tmp_path, knowledge):
    """A reader that resolved the link just before a swap can finish; older builds go."""
    out = tmp_path / "build"
    targets = []
    for i, day in enumerate(("Monday", "Tuesday", "Wednesday")):
        build(_corpus(tmp_path / f"c{i}", day), out, knowledge=knowledge)
        link = os.readlink(out)
        assert link.startswith(".builds/build-")  # under .builds/, which git ignores
        targets.append(link.removeprefix(".builds/"))
    assert len(set(targets)) == 3
    assert _builds(out) == {targets[1], targets[2]}


def test_a_failed_publish_leaves_nothing_half_written_and_says_why(
    tmp_path, knowledge, monkeypatch
):
    out = tmp_path / "build"
    build(_corpus(tmp_path / "c1", "Monday"), out, knowledge=knowledge)
    before, builds = state(out), _builds(out)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("etl.build.write_geopackage_rows", disk_full)
    with pytest.raises(OSError, match="No space left on device"):
        build(_corpus(tmp_path / "c2", "Tuesday"), out, knowledge=knowledge)
    assert state(out) == before
    assert _builds(out) == builds  # the new build's folder is gone again
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".build.link-")] == []


def test_an_output_that_is_a_plain_folder_is_kept_beside_the_builds_until_two_more(
    tmp_path, knowledge
):
    """``--out`` holding a folder from an older tool: it is moved aside, not deleted."""
    out = tmp_path / "build"
    out.mkdir()
    (out / "mine.txt").write_text("a user's file", encoding="utf-8")
    build(_corpus(tmp_path / "c1", "Monday"), out, knowledge=knowledge)
    assert out.is_symlink() and state(out) not in (MISSING, INCOMPLETE)
    (kept,) = [n for n in _builds(out) if "-previous-" in n]
    assert (tmp_path / ".builds" / kept / "mine.txt").read_text(encoding="utf-8") == (
        "a user's file"
    )
    build(_corpus(tmp_path / "c2", "Tuesday"), out, knowledge=knowledge)
    assert kept not in _builds(out)  # replaced twice: pruned like any older build


def test_builds_leave_nothing_beside_the_output_but_its_link_lock_and_builds(tmp_path, knowledge):
    """Every build is written inside ``.builds`` (git-ignored, pruned): nothing else piles up
    beside ``--out``, not even from a build that dies half-way."""
    parent = tmp_path / "geodata"
    parent.mkdir()
    out = parent / "build"
    for i, day in enumerate(("Monday", "Tuesday")):
        build(_corpus(tmp_path / f"c{i}", day), out, knowledge=knowledge)
    assert sorted(p.name for p in parent.iterdir()) == [".build.lock", ".builds", "build"]


def test_a_swap_that_fails_leaves_the_old_build_and_no_new_one_and_says_why(
    tmp_path, knowledge, monkeypatch
):
    """The new build is complete in ``.builds`` when making its link fails (a full disk):
    the error is the disk's, ``out`` still shows the old build, and the new one is gone."""
    out = tmp_path / "build"
    build(_corpus(tmp_path / "c1", "Monday"), out, knowledge=knowledge)
    before, builds = state(out), _builds(out)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "symlink", disk_full)
    with pytest.raises(OSError, match="No space left on device"):
        build(_corpus(tmp_path / "c2", "Tuesday"), out, knowledge=knowledge)
    monkeypatch.undo()
    assert state(out) == before
    assert _builds(out) == builds, (_builds(out), builds)
