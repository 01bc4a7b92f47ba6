"""Adding articles: safe names, clear refusals that change nothing, atomic writes, metadata."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data, uploads
from dashboard.uploads import Upload, UploadError
from dashboard.views import articles
from etl.documents import MAX_BYTES, read_document

ARTICLE = (
    b"Officials in Almaty said the Khorgos dry port handled more containers this year, "
    b"as trains from Xi'an crossed into Kazakhstan.\n"
)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("report.txt", "report.txt"),
        ("a b c.htm", "a-b-c.htm"),
        ("evil.HTML", "evil.html"),
        ("..hidden..txt", "hidden.txt"),
        (".bashrc.txt", "bashrc.txt"),
        ("Tüрк çay — news.txt", "Tu-cay-news.txt"),
        ("....txt", "article.txt"),
        ("x" * 150 + ".txt", "x" * uploads.MAX_NAME_CHARS + ".txt"),
    ],
)
def test_safe_names_stay_in_the_corpus(name, safe):
    assert uploads.safe_name(name) == safe


def test_taken_names_get_a_number():
    assert uploads.safe_name("a.txt", ["A.TXT", "a-2.txt"]) == "a-3.txt"


@pytest.mark.parametrize("name", ["slides.pdf", "archive.tar.gz", "noext", "notes.md", "x.txt.exe"])
def test_other_file_types_are_refused(name):
    with pytest.raises(UploadError, match=r"only \.txt, \.html, \.htm"):
        uploads.safe_name(name)


def _listing(path):
    return sorted((p.name, p.read_bytes()) for p in path.iterdir())


@pytest.mark.parametrize(
    ("upload", "reason"),
    [
        (Upload("big.txt", b"a " * (MAX_BYTES // 2 + 1)), "the limit is 5 MiB"),
        (Upload("bin.txt", bytes(range(256)) * 40), "could not be read: binary"),
        (Upload("empty.txt", b"   \n"), "could not be read: empty"),
        (Upload("deck.pptx", ARTICLE), "only .txt"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason_and_nothing_is_written(tmp_path, upload, reason):
    (tmp_path / "old.txt").write_bytes(ARTICLE)
    before = _listing(tmp_path)
    accepted, problems = uploads.check([Upload("good.txt", ARTICLE), upload], tmp_path)
    assert len(accepted) == 1 and len(problems) == 1
    assert upload.name in problems[0] and reason in problems[0]
    assert _listing(tmp_path) == before


def test_good_uploads_are_written_under_new_names_never_over_old_ones(tmp_path):
    (tmp_path / "news.txt").write_bytes(b"old")
    accepted, problems = uploads.check(
        [Upload("news.txt", ARTICLE), Upload("news.txt", ARTICLE + b"Again.\n")], tmp_path
    )
    assert problems == []
    saved = uploads.save(accepted, tmp_path)
    assert [p.name for p in saved.paths] == ["news-2.txt", "news-3.txt"]
    assert (tmp_path / "news.txt").read_bytes() == b"old"
    assert (tmp_path / "news-2.txt").read_bytes() == ARTICLE
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_title_and_date_go_into_a_text_header_the_etl_reads(tmp_path):
    data = b"Title: Old title\nSource: Wire\n\n" + ARTICLE
    accepted, _ = uploads.check([Upload("a.txt", data, "New  title\n", "2024-03-05")], tmp_path)
    (path,) = uploads.save(accepted, tmp_path).paths
    text = path.read_text(encoding="utf-8")
    assert text.startswith("Title: New title\nDate: 2024-03-05\nSource: Wire\n")
    doc = read_document(path, path.name)
    assert (doc.title, doc.date, doc.source) == ("New title", "2024-03-05", "Wire")
    assert "Khorgos dry port" in doc.text and "Title:" not in doc.text


def test_header_on_a_cp1251_text_becomes_utf8(tmp_path):
    data = "Хоргос: сухой порт.\nKhorgos dry port near Almaty.\n".encode("cp1251")
    accepted, problems = uploads.check([Upload("ru.txt", data, "Хоргос", None)], tmp_path)
    assert problems == []
    (path,) = uploads.save(accepted, tmp_path).paths
    doc = read_document(path, path.name)
    assert doc.title == "Хоргос" and "сухой порт" in doc.text


def test_html_metadata_goes_to_metadata_csv_and_undo_restores_it(tmp_path):
    page = b"<html><body><article><p>" + ARTICLE * 3 + b"</p></article></body></html>"
    meta = tmp_path / "metadata.csv"
    meta.write_text("file,title,date,note\nold.txt,Old,2020-01-01,kept\n", encoding="utf-8")
    before = meta.read_bytes()
    accepted, problems = uploads.check(
        [Upload("page.html", page, "A page", "2024-01-02")], tmp_path
    )
    assert problems == []
    saved = uploads.save(accepted, tmp_path)
    with meta.open(encoding="utf-8") as f:
        rows = {r["file"]: r for r in csv.DictReader(f)}
    assert rows["old.txt"]["note"] == "kept"
    assert (rows["page.html"]["title"], rows["page.html"]["date"]) == ("A page", "2024-01-02")
    uploads.undo(saved)
    assert meta.read_bytes() == before and not (tmp_path / "page.html").exists()


#: names a crafted request (not a browser) could send: traversal, absolute and Windows paths,
#: an overlong name, NUL and control characters, look-alike slashes and dots
HOSTILE_NAMES = [
    "../../x.txt",
    "/etc/passwd.txt",
    "..\\..\\x.txt",
    "C:\\Windows\\system.ini.txt",
    "../" * 100 + "y" * 300 + ".txt",
    "a\x00b.txt",
    "evil\n\r\t.txt",
    "\x1b[31mred.TXT",
    "\uff0e\uff0e\uff0f\uff0e\uff0e\uff0fz.txt",
    "%2e%2e%2fenc.txt",
    "~/.bashrc.txt",
]


def _tree(root, *, skip=None):
    """Every path under ``root`` (but ``skip``) with the bytes of each file."""
    return sorted(
        (str(p.relative_to(root)), p.read_bytes() if p.is_file() else None)
        for p in root.rglob("*")
        if skip is None or not p.is_relative_to(skip)
    )


@pytest.fixture
def nested_corpus(tmp_path):
    """A corpus two levels down, with files beside and above it that must stay as they are."""
    corpus = tmp_path / "data" / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "old.txt").write_bytes(ARTICLE)
    (tmp_path / "x.txt").write_bytes(b"outside")
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd.txt").write_bytes(b"root:x:0:0")
    (tmp_path / "data" / "y.txt").write_bytes(b"beside")
    return corpus


def test_hostile_names_are_refused_and_nothing_is_written_anywhere(tmp_path, nested_corpus):
    corpus = nested_corpus
    before = _tree(tmp_path)
    accepted, problems = uploads.check([Upload(n, ARTICLE) for n in HOSTILE_NAMES], corpus)
    assert accepted == []
    assert len(problems) == len(HOSTILE_NAMES)
    for problem in problems:
        assert "refused" in problem and "it was not saved" in problem
    assert _tree(tmp_path) == before


@pytest.mark.parametrize(
    ("upload", "shown", "reason"),
    [
        (Upload("big.txt", b"a " * (MAX_BYTES // 2 + 1)), "`big.txt`", "5 MiB"),
        (Upload("/etc/..", ARTICLE), "`/etc/..`", "may not contain folders"),
        (Upload("../../x.txt\x00.sh", ARTICLE), "`../../x.txt\\x00.sh`", "control"),
        (Upload("\u202etxt.exe", ARTICLE), "`\\u202etxt.exe`", "control or formatting"),
        (Upload("`${x}` *a*.pdf", ARTICLE), "`` `${x}` *a*.pdf ``", "this one is .pdf"),
    ],
)
def test_refusals_show_the_name_as_sent_and_change_nothing_anywhere(
    tmp_path, nested_corpus, upload, shown, reason
):
    before = _tree(tmp_path)
    accepted, problems = uploads.check([upload], nested_corpus)
    assert accepted == []
    (problem,) = problems
    # a code span: Streamlit shows it literally (no Markdown, no LaTeX, no control characters)
    assert problem.startswith(shown) and problem[len(shown)] in " :" and reason in problem
    assert _tree(tmp_path) == before


# --- the Add articles page: one file at a time ----------------------------------------------


def _articles_page():
    from dashboard.views.articles import articles_page

    articles_page()


@pytest.fixture
def page_corpus(seed_build, tmp_path, monkeypatch, knowledge):
    """A copy of the seed build and corpus; the page is pointed at them, rebuilds use them."""
    build = tmp_path / "build"
    shutil.copytree(seed_build[0], build)
    corpus = tmp_path / "corpus"
    shutil.copytree(data.settings.DEFAULT_CORPUS, corpus)
    for p in corpus.iterdir():
        p.chmod(0o644)
    monkeypatch.setenv(data.BUILD_ENV, str(build))
    monkeypatch.setenv(data.CORPUS_ENV, str(corpus))
    monkeypatch.setattr(data, "knowledge", lambda: knowledge)
    return build, corpus


def _upload(batch):
    at = AppTest.from_function(_articles_page, default_timeout=60).run()
    at.file_uploader[0].set_value(batch).run()
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


#: a batch with two good articles and three bad files, each bad for its own reason
MIXED = [
    ("osh.txt", b"Trains now run from Kashgar to Osh, officials in Bishkek said.\n", "text/plain"),
    ("bad.txt", bytes(range(256)) * 50, "text/plain"),
    ("empty.txt", b"  \n", "text/plain"),
    ("../../escape.txt", ARTICLE, "text/plain"),
    ("Khorgos news.html", b"<html><body><p>" + ARTICLE * 3 + b"</p></body></html>", "text/html"),
]


def test_a_batch_adds_its_good_files_and_refuses_each_bad_one_with_its_reason(page_corpus):
    build, corpus = page_corpus
    before = {p.name for p in corpus.iterdir()}
    at = _upload(MIXED)
    assert {p.name for p in corpus.iterdir()} - before == {"osh.txt", "Khorgos-news.html"}
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    assert {"osh.txt", "Khorgos-news.html"} <= {d["path"] for d in manifest["documents"]}
    # the added list ...
    (added,) = [s.value for s in at.success]
    assert (
        "Added 2 article(s): osh.txt, Khorgos-news.html (uploaded as `Khorgos news.html`)" in added
    )
    # ... and the refused list, one reason per file
    errors = [e.value for e in at.error]
    assert errors[0].startswith("Not added (3 file(s))")
    assert len(errors) == 4
    assert errors[1].startswith("`bad.txt`") and "binary" in errors[1]
    assert errors[2].startswith("`empty.txt`") and "empty" in errors[2]
    assert errors[3].startswith("`../../escape.txt`") and "may not contain folders" in errors[3]
    assert not (corpus.parent / "escape.txt").exists()


def test_a_batch_of_bad_files_adds_nothing_and_names_each_reason(page_corpus):
    build, corpus = page_corpus
    before = _tree(corpus)
    manifest = (build / "manifest.json").read_bytes()
    at = _upload(MIXED[1:4])
    errors = [e.value for e in at.error]
    assert errors[0].startswith("Nothing was added")
    assert [e.split("`")[1] for e in errors[2:]] == ["bad.txt", "empty.txt", "../../escape.txt"]
    assert not at.success and articles.RESULT not in at.session_state
    assert _tree(corpus) == before
    assert (build / "manifest.json").read_bytes() == manifest


# --- names, headers and metadata in detail (each of these once let a broken version pass) -----


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("-rf.txt", "rf.txt"),  # never a name that reads as a command-line option
        ("__init__.txt", "init.txt"),
        ("a..b.txt", "a.b.txt"),
        ("a" * 79 + " b.txt", "a" * 79 + ".txt"),  # cut at 80, then no dangling '-'
    ],
)
def test_safe_names_lose_leading_trailing_and_doubled_punctuation(name, safe):
    assert uploads.safe_name(name) == safe


@pytest.mark.parametrize(
    "name", ["C:evil.txt", "c:evil.txt", "~evil.txt", "x" * (uploads.MAX_UPLOAD_NAME - 3) + ".txt!"]
)
def test_drive_letters_home_and_overlong_names_are_refused(name):
    with pytest.raises(UploadError, match="refused"):
        uploads.safe_name(name)


def test_a_name_of_the_longest_length_is_not_refused_for_its_length():
    name = "x" * (uploads.MAX_UPLOAD_NAME - 4) + ".txt"
    assert uploads.safe_name(name) == "x" * uploads.MAX_NAME_CHARS + ".txt"


def test_a_name_without_a_suffix_says_so():
    with pytest.raises(UploadError, match=r"\(this one is without a suffix\)"):
        uploads.safe_name("README")


def test_the_size_limit_is_the_etls_own_and_the_refusal_gives_the_size(tmp_path):
    line = b"Trains run from Kashgar to Osh.\n"
    at_limit = line * (MAX_BYTES // len(line)) + b" " * (MAX_BYTES % len(line))
    assert len(at_limit) == MAX_BYTES
    accepted, problems = uploads.check([Upload("limit.txt", at_limit)], tmp_path)
    assert problems == [] and len(accepted) == 1  # the ETL reads files of exactly 5 MiB
    _, (problem,) = uploads.check([Upload("big.txt", b"a" * (6 * 1_048_576))], tmp_path)
    assert problem == "`big.txt` is 6.0 MiB; the limit is 5 MiB."


def test_a_binary_file_with_a_title_is_refused_with_the_reason(tmp_path):
    _, (problem,) = uploads.check([Upload("b.txt", bytes(range(256)) * 40, "T", None)], tmp_path)
    assert problem == "`b.txt` could not be read: binary or undecodable content."


def test_the_checked_document_is_what_the_build_will_read(tmp_path):
    page = b"<html><body><article><p>" + ARTICLE * 3 + b"</p></article></body></html>"
    accepted, _ = uploads.check(
        [Upload("a.txt", ARTICLE, "My title", "2024-03-05"), Upload("p.html", page, "Page", None)],
        tmp_path,
    )
    text, html = (item.document for item in accepted)
    assert (text.title, text.date) == ("My title", "2024-03-05")
    assert "Khorgos dry port" in text.text
    assert (html.title, html.date) == ("Page", None)
    assert "Khorgos dry port" in html.text
    # an HTML page's date and title come from metadata.csv, so the check must pass them on
    (dated,), _ = uploads.check([Upload("d.html", page, None, "2023-07-08")], tmp_path)
    assert (dated.document.title, dated.document.date) == (None, "2023-07-08")


@pytest.mark.parametrize(
    ("data", "title", "date", "written"),
    [
        # no header yet: the new one, a blank line, the text with its lines as they were
        (b"One.\nTwo.\n", "T", None, b"Title: T\n\nOne.\nTwo.\n"),
        (b"One.\nTwo.\n", None, "2024-01-02", b"Date: 2024-01-02\n\nOne.\nTwo.\n"),
        # a header already: the user's lines replace the same keys, the others stay
        (
            b"Title: Old: with a colon\nDate: 2020-01-01\nSource: Wire\n\nOne.\nTwo.\n",
            "New",
            "2024-01-02",
            b"Title: New\nDate: 2024-01-02\nSource: Wire\n\nOne.\nTwo.\n",
        ),
        (
            b"Date: 2020-01-01\nSource: Wire\nOne.\n",
            "New",
            None,
            b"Title: New\nDate: 2020-01-01\nSource: Wire\nOne.\n",
        ),
        # header lines only, the last without a line break
        (b"Source: Wire", "T", None, b"Title: T\nSource: Wire\n"),
        (b"Title: Old", "T", None, b"Title: T\n"),
    ],
)
def test_the_header_written_for_a_title_or_date(data, title, date, written):
    assert uploads.with_header(data, title=title, date=date) == written


def test_a_text_of_header_lines_only_is_refused_as_empty(tmp_path):
    _, (problem,) = uploads.check([Upload("h.txt", b"Source: Wire", "T", None)], tmp_path)
    assert problem == "`h.txt` could not be read: empty."


def test_html_keeps_its_bytes_and_gets_its_title_alone_from_metadata_csv(tmp_path):
    page = b"<html><body><article><p>" + ARTICLE * 3 + b"</p></article></body></html>"
    accepted, _ = uploads.check(
        [Upload("p.html", page, "Only a title", None), Upload("q.HTM", page, None, "2024-02-03")],
        tmp_path,
    )
    saved = uploads.save(accepted, tmp_path)
    assert [p.read_bytes() for p in saved.paths] == [page, page]
    with (tmp_path / "metadata.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows == [
        {"file": "p.html", "title": "Only a title", "date": ""},
        {"file": "q.htm", "title": "", "date": "2024-02-03"},
    ]


def test_only_html_with_a_title_or_date_touches_metadata_csv(tmp_path):
    page = b"<html><body><article><p>" + ARTICLE * 3 + b"</p></article></body></html>"
    accepted, _ = uploads.check(
        [Upload("a.txt", ARTICLE, "T", "2024-01-01"), Upload("p.html", page)], tmp_path
    )
    saved = uploads.save(accepted, tmp_path)
    assert saved.metadata is None
    assert not (tmp_path / "metadata.csv").exists()


def test_metadata_csv_with_a_bom_and_missing_columns_is_extended_not_broken(tmp_path):
    meta = tmp_path / "metadata.csv"
    meta.write_bytes("file,title\nold.txt,Ürümqi news\n".encode("utf-8-sig"))
    page = b"<html><body><article><p>" + ARTICLE * 3 + b"</p></article></body></html>"
    accepted, _ = uploads.check([Upload("p.html", page, "Page", "2024-01-02")], tmp_path)
    uploads.save(accepted, tmp_path)
    with meta.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows == [
        {"file": "old.txt", "title": "Ürümqi news", "date": ""},
        {"file": "p.html", "title": "Page", "date": "2024-01-02"},
    ]


def test_a_failed_write_takes_every_file_of_the_upload_out_again(tmp_path, monkeypatch):
    meta = tmp_path / "metadata.csv"
    meta.write_text("file,title,date\nold.html,Old,2020-01-01\n", encoding="utf-8")
    before = _listing(tmp_path)
    page = b"<html><body><article><p>" + ARTICLE * 3 + b"</p></article></body></html>"
    accepted, _ = uploads.check(
        [Upload("p.html", page, "Page", None), Upload("a.txt", ARTICLE), Upload("b.txt", ARTICLE)],
        tmp_path,
    )
    real = uploads._write_new

    def full_disk_on_the_third(path, data):
        if path.name == "b.txt":
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(uploads, "_write_new", full_disk_on_the_third)
    with pytest.raises(OSError, match="No space"):
        uploads.save(accepted, tmp_path)
    assert _listing(tmp_path) == before
    # and when metadata.csv is what fails, the files written before it go too
    monkeypatch.setattr(uploads, "_write_new", real)
    monkeypatch.setattr(uploads, "_add_metadata", lambda *a: (_ for _ in ()).throw(OSError("ro")))
    with pytest.raises(OSError, match="ro"):
        uploads.save(accepted[:2], tmp_path)
    assert _listing(tmp_path) == before


def test_the_upload_limit_has_one_definition():
    """The widget admits every file the atlas reads, in a browser counting megabytes as
    10^6 or 2^20 bytes, and no whole megabyte more; the server's cap is the same number."""
    import tomllib

    from etl import settings

    config = tomllib.loads((settings.ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == uploads.WIDGET_MB
    assert (uploads.WIDGET_MB - 1) * 1_000_000 < MAX_BYTES <= uploads.WIDGET_MB * 1_000_000
    assert uploads.LIMIT_TEXT == "5 MiB" and MAX_BYTES == 5 * 2**20
