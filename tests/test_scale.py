"""Scale promises: the same bytes whatever the order, the number of workers, the cache.

A build reads documents in any order, in one process or several, from the findings cache
or afresh; none of it may change a byte of the output or a feature id.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from etl import findings
from etl.assemble import extract
from etl.build import RunOptions, build, read_corpus
from etl.findings import DocInfo, DocumentFindings, PlaceFinding
from etl.merge import Merge
from etl.schema import LAYERS, Place, Source

DATA = Path(__file__).parent / "data"
ARTICLES = DATA / "articles"
#: the build's text files, every layer of the schema included (power_lines too)
OUTPUTS = (
    *(f"{layer}.geojson" for layer in LAYERS),
    "facts.csv",
    "unresolved.csv",
    "manifest.json",
)

NEW_ARTICLE = (
    "Title: A new freight train to Khorgos\nDate: 2024-05-02\n\n"
    "A container train left Xi'an for Khorgos on Thursday. Officials in Almaty said the "
    "Khorgos dry port handled more boxes this spring than in any spring before.\n"
)


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(ARTICLES.iterdir()):
        if path.suffix in {".txt", ".html", ".htm", ".md"} and path.name != "README.md":
            shutil.copy(path, corpus / path.name)
    return corpus


def _bytes(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def _same(a: Path, b: Path) -> None:
    left, right = _bytes(a), _bytes(b)
    for name in OUTPUTS:
        assert left[name] == right[name], f"{name} differs"


def _findings(knowledge, corpus: Path) -> list[DocumentFindings]:
    docs, _ = read_corpus(corpus)
    return [extract(d, knowledge) for d in docs]


def _features(merge: Merge, gazetteer=None) -> list[tuple]:
    out = []
    for feat, acc in merge.finish(gazetteer):
        sources = [(s["doc"], s["start"], s["end"], s["quote"]) for s in merge.source_dicts(acc)]
        out.append(
            (
                feat.id,
                feat.name,
                sorted(feat.aliases),
                feat.confidence,
                acc.mentions,
                acc.first_seen,
                feat.start_date,
                repr(feat.figures),
                sources,
            )
        )
    return out


# ---- the merge does not depend on the order documents arrive in ----------------------------


def _town(key: str, population: int, doc: str) -> DocumentFindings:
    """A document naming a town called Abay in Kazakhstan (GeoNames has several)."""
    place = Place(key, "Abay", 49.6, 72.8, "city", "KAZ", population)
    quote = "Trucks queued outside Abay."
    src = Source(doc, "2024-01-01", quote, 0, len(quote))
    info = DocInfo(doc, "0" * 64, "utf-8", None, "2024-01-01", "day", None, None, len(quote))
    return DocumentFindings(doc=info, places=(PlaceFinding(place, src, "Abay", 0.9),))


def test_namesakes_keep_their_ids_whatever_the_order():
    """Two towns of the same name and country: the larger keeps ``places/abay-kaz`` in every order.

    Before, the town read first took the plain id, so adding an article about the other
    Abay (sorted earlier) renamed the first and broke its saved ``?feature=`` link.
    """
    small = _town("gn:1", 5_000, "a.txt")  # read first in corpus order
    large = _town("gn:2", 40_000, "b.txt")
    for order in ([small, large], [large, small]):
        merge = Merge(registry=None)
        for f in order:
            merge.add(f)
        ids = {next(merge.source_dicts(acc))["doc"]: feat.id for feat, acc in merge.finish()}
        assert ids == {"b.txt": "places/abay-kaz", "a.txt": "places/abay-kaz-gn-1"}


def test_shuffled_documents_give_the_same_features(knowledge, tmp_path):
    """Every feature, id, alias, count, date, figure and source, in three shuffled orders."""
    found = _findings(knowledge, _corpus(tmp_path))
    assert len(found) >= 10
    results = []
    for seed in (None, 1, 2, 3):
        order = list(found)
        if seed is not None:
            random.Random(seed).shuffle(order)
        merge = Merge(knowledge.registry)
        for f in order:
            merge.add(f)
        results.append(_features(merge, knowledge.gazetteer))
        merge.close()
    assert results[0]  # the articles name places and projects
    for other in results[1:]:
        assert other == results[0]


def test_findings_survive_their_byte_form(knowledge, tmp_path):
    """What crosses a process boundary or sits in the cache is exactly what was extracted."""
    for f in _findings(knowledge, _corpus(tmp_path)):
        data = findings.to_bytes(f)
        assert findings.from_bytes(data) == f
        assert len(data) < 0.6 * sum(len(s.quote) for s in _all_sources(f)) + 2000


def _all_sources(f: DocumentFindings) -> list[Source]:
    return [x.source for x in (*f.places, *f.entries, *f.unresolved, *f.facts)]


# ---- workers, cache and full builds give the same bytes ------------------------------------


def test_workers_incremental_and_full_builds_give_the_same_bytes(knowledge, tmp_path):
    corpus = _corpus(tmp_path)
    cache = tmp_path / "cache"

    def run(name: str, **kw) -> Path:
        out = tmp_path / name / "build"
        opts = RunOptions(cache_dir=cache, **kw)
        result = build(corpus, out, knowledge=knowledge, options=opts)
        run.last = result
        return out

    one = run("one", workers=1, full=True)
    assert run.last.extracted == run.last.documents
    two = run("two", workers=2, full=True)
    _same(one, two)
    warm = run("warm", workers=2)
    assert (run.last.extracted, run.last.reused) == (0, run.last.documents)
    _same(one, warm)

    # add one article: only it is extracted, and the bytes are those of a full build
    (corpus / "zz_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    inc = run("inc", workers=1)
    assert run.last.extracted == 1
    full = run("full", workers=1, cache=False)
    _same(inc, full)
    assert _bytes(inc)["manifest.json"] != _bytes(one)["manifest.json"]

    # change one, remove another: only the changed one is extracted
    changed = sorted(corpus.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nThe talks ended in Astana.\n")
    sorted(corpus.glob("*.txt"))[1].unlink()
    inc = run("inc2", workers=2)
    assert run.last.extracted == 1
    _same(inc, run("full2", workers=1, cache=False))


# ---- the cache is data, checked before it is trusted ---------------------------------------


def _entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.glob("*/*") if not p.name.startswith("."))


def _tamper_cases():
    def truncate(data: bytes) -> bytes:
        return data[: len(data) // 2]

    def flip(data: bytes) -> bytes:
        i = len(data) - 10
        return data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]

    def other_version(data: bytes) -> bytes:
        head, rest = data.split(b"\n", 1)
        header, payload = rest.split(b"\n", 1)
        import json

        h = json.loads(header)
        h["code"] = "0" * 64
        return head + b"\n" + json.dumps(h).encode() + b"\n" + payload

    return {"truncated": truncate, "flipped": flip, "other-version": other_version}


@pytest.mark.parametrize("case", sorted(_tamper_cases()))
def test_a_damaged_cache_entry_is_extracted_again(knowledge, tmp_path, case):
    corpus = _corpus(tmp_path)
    cache = tmp_path / "cache"
    clean = tmp_path / "clean" / "build"
    build(corpus, clean, knowledge=knowledge, options=RunOptions(cache=False, workers=1))
    first = tmp_path / "first" / "build"
    build(corpus, first, knowledge=knowledge, options=RunOptions(cache_dir=cache, workers=1))
    entries = _entries(cache)
    assert entries
    for entry in entries:
        entry.write_bytes(_tamper_cases()[case](entry.read_bytes()))
    again = tmp_path / "again" / "build"
    result = build(corpus, again, knowledge=knowledge, options=RunOptions(cache_dir=cache))
    assert result.reused == 0 and result.extracted == result.documents
    _same(clean, again)


class _Boom:
    def __reduce__(self):
        import os

        return (os.system, ("touch PWNED",))


def test_a_cache_entry_that_would_run_code_is_not_run(knowledge, tmp_path, monkeypatch):
    """Pickle bytes in place of an entry, with a valid-looking header: read as data, refused."""
    import hashlib
    import json
    import pickle

    monkeypatch.chdir(tmp_path)
    corpus = _corpus(tmp_path)
    cache = tmp_path / "cache"
    build(corpus, tmp_path / "a" / "b", knowledge=knowledge, options=RunOptions(cache_dir=cache))
    payload = pickle.dumps(_Boom())
    for entry in _entries(cache):
        header = json.loads(entry.read_bytes().split(b"\n")[1])
        header.update(size=len(payload), sha256=hashlib.sha256(payload).hexdigest())
        entry.write_bytes(b"atlas-findings 1\n" + json.dumps(header).encode() + b"\n" + payload)
    clean = tmp_path / "clean" / "build"
    build(corpus, clean, knowledge=knowledge, options=RunOptions(cache=False, workers=1))
    again = tmp_path / "again" / "build"
    result = build(corpus, again, knowledge=knowledge, options=RunOptions(cache_dir=cache))
    assert not (tmp_path / "PWNED").exists()
    assert result.reused == 0
    _same(clean, again)


def test_cache_folder_is_private_and_writes_leave_no_half_entries(knowledge, tmp_path):
    corpus = _corpus(tmp_path)
    cache = tmp_path / "cache"
    build(corpus, tmp_path / "o" / "b", knowledge=knowledge, options=RunOptions(cache_dir=cache))
    assert cache.stat().st_mode & 0o777 == 0o700
    assert not list(cache.glob("*/.tmp-*"))
    # what a build killed in the middle of a write leaves: a temporary file, never an entry
    entry = _entries(cache)[0]
    (entry.parent / ".tmp-killed").write_bytes(entry.read_bytes()[:100])
    result = build(
        corpus, tmp_path / "o2" / "b", knowledge=knowledge, options=RunOptions(cache_dir=cache)
    )
    assert result.reused == result.documents


def test_a_cache_folder_others_can_write_is_not_used(knowledge, tmp_path, capsys):
    corpus = _corpus(tmp_path)
    cache = tmp_path / "shared"
    cache.mkdir()
    cache.chmod(0o777)
    result = build(
        corpus, tmp_path / "o" / "b", knowledge=knowledge, options=RunOptions(cache_dir=cache)
    )
    assert result.reused == 0
    assert "can be written by other users" in capsys.readouterr().err
    assert not list(cache.iterdir())


def test_progress_in_a_log_is_one_line_per_tenth(knowledge, tmp_path, capsys, monkeypatch):
    """Written to a file (not a terminal): ten lines, 10 % to 100 %, with documents/s."""
    corpus = _corpus(tmp_path)
    build(
        corpus,
        tmp_path / "q" / "b",
        knowledge=knowledge,
        progress=True,
        options=RunOptions(cache=False, workers=1),
    )
    assert capsys.readouterr().err == ""  # a short build in a log: nothing but its warnings
    monkeypatch.setattr("etl.progress.LOG_MIN_DOCUMENTS", 10)
    build(
        corpus,
        tmp_path / "o" / "b",
        knowledge=knowledge,
        progress=True,
        options=RunOptions(cache=False, workers=1),
    )
    lines = [line for line in capsys.readouterr().err.splitlines() if " % " in line]
    assert [line.split("%")[0].strip() for line in lines] == [str(10 * k) for k in range(1, 11)]
    assert all("docs/s" in line and "s left" in line for line in lines)
    assert lines[-1].split("%")[1].split()[0] == "12/12"


def test_a_pass_and_the_registrys_crossing_on_it_are_one_feature(knowledge, tmp_path):
    """The supplement's Kulma Pass in one story and the registry's Kulma-Karasu crossing in
    another (held-out set 326) would both be ``places/kulma-pass``: one feature, the
    registry's, with the sources of both stories; before, one overwrote the other and a
    story's mention was lost."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Роҳи Душанбе - Хоруғ - Қулма таъмир мешавад, хабар дод Тоҷикистон.\n", encoding="utf-8"
    )
    (corpus / "b.txt").write_text(
        'Тоҷикистону Чин навсозии гузаргоҳи сарҳадии "Қулма - Қарасу"-ро баррасӣ карданд.\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    build(corpus, out, knowledge=knowledge, options=RunOptions(cache=False, workers=1))
    kulma = [
        f
        for f in json.loads((out / "places.geojson").read_text(encoding="utf-8"))["features"]
        if f["properties"]["id"].startswith("places/kulma-pass")
    ]
    assert len(kulma) == 1
    assert {s["doc"] for s in kulma[0]["properties"]["sources"]} == {"a.txt", "b.txt"}
