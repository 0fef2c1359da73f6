import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from etl.__main__ import app
from etl.settings import REPO_ROOT

COMMANDS = ["load", "sample", "stats", "rejects", "tag"]
runner = CliRunner()


def etl(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_and_option_has_help(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if line.strip().startswith("--")]
    assert lines, result.output
    for line in lines:
        # an option line is '--name  TYPE  help'; the help part must not be empty
        name = line.split()[0]
        if name != "--help":
            assert len(line.split(maxsplit=2)) >= 2, f"{command} {name} has no help"
    assert app.registered_commands[COMMANDS.index(command)].callback.__doc__


def test_usage_errors_exit_2():
    assert etl("load").returncode == 2
    assert etl("load", "x.jsonl", "--format", "xml").returncode == 2
    assert etl("frobnicate").returncode == 2


def test_fatal_errors_exit_1_with_one_line_and_no_traceback(tmp_path):
    result = etl("--db", str(tmp_path / "none.duckdb"), "stats")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: no database at")
    missing = etl("--db", str(tmp_path / "t.duckdb"), "load", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 1 and "no such file or folder" in missing.stderr


def test_load_prints_a_summary_and_stats_and_rejects_show_it(tmp_path):
    db = str(tmp_path / "t.duckdb")
    fixtures = REPO_ROOT / "tests" / "fixtures"
    first = etl(
        "--db",
        db,
        "load",
        str(fixtures / "articles.jsonl"),
        str(fixtures / "bad.jsonl"),
        "--workers",
        "1",
        "--no-tone",
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("run 1: read 21, loaded 16, duplicates 1, rejected 4, ")
    second = etl(
        "--db", db, "load", str(fixtures / "articles.jsonl"), "--workers", "1", "--no-tone"
    )
    assert second.stdout.startswith("run 2: read 16, loaded 0, duplicates 16, rejected 0")
    stats = json.loads(etl("--db", db, "stats").stdout)
    assert stats["tables"]["articles"] == 16 and stats["tables"]["rejects"] == 4
    assert stats["languages"] == {"en": 10, "id": 3, "fr": 3}
    assert stats["published"] == {"first": "2024-01-15", "last": "2024-12-20"}
    assert stats["last_run"]["loaded"] == 0
    rejects = etl("--db", db, "rejects", "--run", "1").stdout.splitlines()
    assert len(rejects) == 4 and rejects[0].endswith("missing date")
    assert etl("--db", db, "rejects", "--run", "2").stderr.strip() == "no rejects"


def test_tag_echoes_ids_for_every_record(tmp_path):
    fixtures = REPO_ROOT / "tests" / "fixtures"
    result = etl("tag", str(fixtures / "bad.jsonl"), "--no-tone")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["id"] for row in rows] == ["b1", "b2", "b3", None, "f01-again"]
    assert rows[0]["rejected"] == "missing date"
    piped = etl("tag", "-", "--no-tone", input=(fixtures / "articles.jsonl").read_text())
    first = json.loads(piped.stdout.splitlines()[0])
    assert first["id"] == "f01" and {"PRK", "RUS", "USA"} <= set(first["countries"])
