"""Registry validation: a bad entry stops the build with file, entry and problem in one line."""

from __future__ import annotations

import pytest

from etl._errors import RegistryError
from etl.places.gazetteer import Gazetteer
from etl.registry import load
from etl.schema import Place

GAZ = Gazetteer.from_places(
    [
        Place("gn:1", "Kashgar", 39.47, 75.99, "city", "CHN", 500_000),
        Place("gn:2", "Andijon", 40.78, 72.34, "city", "UZB", 700_000),
    ],
    {"gn:2": ["Andijan"]},
)
GOOD = """
- id: railways/test-line
  name: Test line
  aliases: [Kashgar-Andijan test railway]
  type: railway
  status: construction
  waypoints: [Kashgar, Andijan]
  sources: [{title: T, publisher: P, url: "https://example.org/t"}]
"""


def _write(tmp_path, text, name="railways.yaml"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_good_entry_loads_with_its_geometry(tmp_path):
    reg = load(_write(tmp_path, GOOD), GAZ)
    entry = reg.entries["railways/test-line"]
    assert entry.geometry.geom_type == "LineString"
    assert list(entry.geometry.coords) == [(75.99, 39.47), (72.34, 40.78)]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("type: railway", "type: teleporter"), "unknown type 'teleporter'"),
        (
            ("waypoints: [Kashgar, Andijan]", "waypoints: [Kashgar, Atlantis]"),
            "'Atlantis' is not in the gazetteer",
        ),
        (
            ("waypoints: [Kashgar, Andijan]", "waypoints: [Kashgar, {name: X, lat: 95, lon: 10}]"),
            "out of range",
        ),
        (("status: construction", "status: dreaming"), "unknown status 'dreaming'"),
        (('  sources: [{title: T, publisher: P, url: "https://example.org/t"}]', ""), "source"),
    ],
    ids=["type", "waypoint", "coordinates", "status", "sources"],
)
def test_bad_entry_message_names_file_entry_and_problem(tmp_path, change, problem):
    bad = GOOD.replace(*change)
    with pytest.raises(RegistryError) as info:
        load(_write(tmp_path, bad), GAZ)
    message = str(info.value)
    assert message.startswith("railways.yaml: entry 'railways/test-line': ")
    assert problem in message
    assert "\n" not in message


def test_invalid_yaml_is_one_line(tmp_path):
    with pytest.raises(RegistryError, match=r"^railways\.yaml: not valid YAML"):
        load(_write(tmp_path, "- id: [unclosed\n"), GAZ)
