"""Adding articles: promises the uploads tests did not yet hold (mutation survivors).

Each test here once let a broken ``dashboard/uploads.py`` pass (``tools/mutation.sh``, see
the main README): a refusal that no longer says exactly why, a name or a text that loses
its first letter "X", an undo that stops halfway when a file is already gone, a metadata
row the writer chokes on, a disk error hidden behind a second one.
"""

from __future__ import annotations

import pytest

from dashboard import uploads
from dashboard.uploads import Upload, UploadError

ARTICLE = b"Freight trains from Xi'an reached Almaty on Monday, the rail company said.\n"
PAGE = b"<html><body><article><p>" + ARTICLE * 3 + b"</p></article></body></html>"


@pytest.mark.parametrize(
    ("name", "shown", "why"),
    [
        ("a\x07.txt", "`a\\x07.txt`", "the name holds control or formatting characters"),
        ("notes/a.txt", "`notes/a.txt`", "a file name may not contain folders, '..' or '~'"),
    ],
)
def test_a_refused_name_is_told_exactly_why(name, shown, why):
    with pytest.raises(UploadError) as refused:
        uploads.safe_name(name)
    assert str(refused.value) == f"{shown}: refused: {why}; it was not saved."


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("Xian to Urumqi X.txt", "Xian-to-Urumqi-X.txt"),  # an X at either end is a letter
        ("___" + "a" * 100 + ".txt", "a" * uploads.MAX_NAME_CHARS + ".txt"),  # 80 after the _
    ],
)
def test_safe_names_keep_their_letters_and_their_length(name, safe):
    assert uploads.safe_name(name) == safe


@pytest.mark.parametrize(
    ("data", "written"),
    [
        (
            ARTICLE.replace(b"Freight", b"Xinjiang"),
            b"Title: T\n\n" + ARTICLE.replace(b"Freight", b"Xinjiang"),
        ),
        (b"\n  " + ARTICLE, b"Title: T\n\n\n  " + ARTICLE),  # the text below the header as it was
    ],
)
def test_a_header_leaves_the_text_below_it_as_it_was(data, written):
    assert uploads.with_header(data, title="T", date=None) == written


def test_undo_takes_out_what_is_left_when_a_file_is_already_gone(tmp_path):
    """A rebuild failed; meanwhile someone removed one upload and metadata.csv by hand."""
    accepted, _ = uploads.check(
        [Upload("a.txt", ARTICLE), Upload("p.html", PAGE, "Page", None)], tmp_path
    )
    saved = uploads.save(accepted, tmp_path)
    (tmp_path / "a.txt").unlink()
    (tmp_path / "metadata.csv").unlink()
    uploads.undo(saved)  # no error
    assert list(tmp_path.iterdir()) == []


def test_a_metadata_row_with_a_stray_field_does_not_stop_an_upload(tmp_path):
    meta = tmp_path / "metadata.csv"
    meta.write_bytes(b"file,title,date\nold.html,Old,2020-01-01,stray\n")
    accepted, _ = uploads.check([Upload("p.html", PAGE, "Page", None)], tmp_path)
    uploads.save(accepted, tmp_path)
    # the stray field is dropped; the file keeps its one-line-per-row "\n" endings
    assert meta.read_bytes() == b"file,title,date\nold.html,Old,2020-01-01\np.html,Page,\n"


def test_a_disk_that_refuses_the_write_is_named_in_the_error(tmp_path, monkeypatch):
    accepted, _ = uploads.check([Upload("a.txt", ARTICLE)], tmp_path)

    def read_only(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(uploads, "open", read_only, raising=False)
    with pytest.raises(OSError, match="Read-only file system"):
        uploads.save(accepted, tmp_path)
    assert list(tmp_path.iterdir()) == []
