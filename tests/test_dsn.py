"""Connection strings: what is shown of them, and that no password survives ``scrub``."""

from __future__ import annotations

import pytest

from etl.publish.dsn import InvalidDSNError, describe, parse, scrub

SECRET = "s3cr3t-P@ss"


@pytest.mark.parametrize(
    ("dsn", "shown"),
    [
        (
            "postgresql://alice:s3cr3t-P%40ss@db.example.org:5433/atlas",
            "alice@db.example.org:5433/atlas",
        ),
        (
            "host=db.example.org dbname=atlas user=alice password='s3cr3t-P@ss'",
            "alice@db.example.org/atlas",
        ),
        (
            "postgresql:///atlas?host=/run/postgresql&password=s3cr3t-P%40ss",
            "/run/postgresql/atlas",
        ),
    ],
)
def test_describe_names_the_database_without_the_password(dsn, shown):
    assert parse(dsn)["password"] == SECRET
    assert describe(dsn) == shown
    assert "s3cr3t" not in describe(dsn)


@pytest.mark.parametrize(
    "text",
    [
        "failed for postgresql://alice:s3cr3t-P@ss@db:5432/atlas, try again",
        "host=db password=s3cr3t-P@ss dbname=atlas",
        "host=db password='s3cr3t-P@ss' dbname=atlas",
        "postgresql://db/atlas?user=alice&password=s3cr3t-P@ss",
    ],
)
def test_scrub_masks_passwords_in_any_text(text):
    assert "s3cr3t" not in scrub(text)
    assert "***" in scrub(text)


def test_scrub_masks_the_given_dsns_password_wherever_it_appears():
    dsn = f"host=db password={SECRET}"
    assert scrub(f"the server said: {SECRET} is wrong", dsn) == "the server said: *** is wrong"


def test_an_unparsable_dsn_is_not_quoted_back():
    with pytest.raises(InvalidDSNError) as err:
        parse(f"host=db {SECRET}")
    assert SECRET not in str(err.value)
