"""`atlas serve` and the project's Streamlit settings: local only, headless, no telemetry."""

from __future__ import annotations

import tomllib

from etl import settings
from etl.cli import main


def test_project_streamlit_config_is_local_and_private():
    config = tomllib.loads((settings.ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    server, browser = config["server"], config["browser"]
    assert server["address"] == "127.0.0.1"
    assert server["headless"] is True
    assert server["enableXsrfProtection"] is True
    assert server["enableStaticServing"] is True  # Leaflet from dashboard/static, offline
    assert browser["gatherUsageStats"] is False


def test_serve_starts_streamlit_on_localhost_with_the_build_and_corpus(
    seed_build, tmp_path, monkeypatch
):
    out, _ = seed_build
    link = tmp_path / "build"
    link.symlink_to(out)  # like geodata/build: a link each rebuild moves
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    calls = []
    monkeypatch.setenv("ATLAS_CORPUS_DIR", str(corpus))
    monkeypatch.setattr(
        "etl.cli.subprocess.call", lambda cmd, cwd, env: calls.append((cmd, cwd, env)) or 0
    )
    assert main(["serve", "--port", "8765", "--build", str(link)]) == 0
    ((cmd, cwd, env),) = calls
    # dashboard/asgi.py: dashboard/app.py behind the Host guard (tests/test_host_guard.py)
    assert cmd[1:4] == ["-m", "streamlit", "run"] and cmd[4].endswith("dashboard/asgi.py")
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert cmd[cmd.index("--server.port") + 1] == "8765"
    assert cwd == settings.ROOT  # where .streamlit/config.toml is
    assert env["ATLAS_BUILD_DIR"] == str(link)  # the link itself, not where it points now
    assert env["ATLAS_CORPUS_DIR"] == str(corpus)


def test_serve_builds_first_when_there_is_no_build(tmp_path, monkeypatch, knowledge):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Trains run from Kashgar to Osh.\n", encoding="utf-8")
    monkeypatch.setenv("ATLAS_CORPUS_DIR", str(corpus))
    monkeypatch.setattr("etl.build.load_knowledge", lambda *a, **k: knowledge)
    monkeypatch.setattr("etl.cli.subprocess.call", lambda cmd, cwd, env: 0)
    out = tmp_path / "build"
    assert main(["serve", "--build", str(out)]) == 0
    assert (out / "manifest.json").exists()
