"""A build that finds the disk full says so in one line and keeps the previous build.

Found by the 100,000-article benchmark: the disk filled while the GeoPackage was written,
and ``atlas build`` ended in a pyogrio traceback. The failure is injected where it struck
(``pyogrio.write_dataframe``, with the message SQLite gives through GDAL); the rest of the
build is real.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyogrio
import pyogrio.errors

from etl import cli

FIRST = "Trains now run from Kashgar to Osh, officials in Bishkek said on Monday.\n"
SECOND = "A new terminal opened at Aktau port on the Caspian coast this spring.\n"


def _build(corpus: Path, out: Path) -> int:
    return cli.main(["build", "--corpus", str(corpus), "--out", str(out), "--workers", "1"])


def test_a_full_disk_stops_the_build_with_one_line_and_keeps_the_last(
    tmp_path, monkeypatch, capsys
):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "first.txt").write_text(FIRST, encoding="utf-8")
    out = tmp_path / "build"
    assert _build(corpus, out) == 0
    link = os.readlink(out)
    manifest = (out / "manifest.json").read_bytes()
    capsys.readouterr()

    def full(*args, **kwargs):
        raise pyogrio.errors.FeatureError(
            "Could not add feature to layer at index 7: failed to execute insert : "
            "database or disk is full"
        )

    monkeypatch.setattr(pyogrio, "write_dataframe", full)
    (corpus / "second.txt").write_text(SECOND, encoding="utf-8")
    assert _build(corpus, out) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("atlas: error: the disk is full")
    assert os.readlink(out) == link
    assert (out / "manifest.json").read_bytes() == manifest
