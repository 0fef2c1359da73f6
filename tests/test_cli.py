import json

import pytest
import typer
from typer.core import TyperOption
from typer.testing import CliRunner

from etl.__main__ import app
from etl.settings import REPO_ROOT
from tests.etl_cli import etl

GROUP = typer.main.get_command(app)
COMMANDS = sorted(GROUP.commands)
ARGUMENTS = {
    "load": ["in.jsonl"],
    "attach": ["lake"],
    "gdelt": ["--start", "2024-01-01", "--end", "2024-01-02"],
}
"""What each command needs besides --db, so its command line parses."""
runner = CliRunner()


def test_the_command_list_is_the_apps_own():
    # a guard on the parametrisation below: the app's list, not one typed here
    assert {"load", "attach", "gdelt", "sample", "stats", "rejects", "tag"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_and_option_has_help(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    click_command = GROUP.commands[command]
    assert click_command.help and click_command.help.strip()
    options = [p for p in click_command.params if isinstance(p, TyperOption)]
    assert options
    for option in options:
        assert option.help and option.help.strip(), f"{command} {option.opts[0]} has no help"
        assert option.opts[0] in result.output


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("position", ["before", "after"])
def test_every_command_takes_db_before_or_after_its_name(command, position, tmp_path):
    db = ["--db", str(tmp_path / "x.duckdb")]
    args = [command, *ARGUMENTS.get(command, [])]
    line = [*db, *args] if position == "before" else [*args, *db]
    parsed = GROUP.make_context("etl", line)
    sub = GROUP.commands[command].make_context(command, line[line.index(command) + 1 :])
    given = parsed.params["db"] if position == "before" else sub.params["db"]
    assert given == tmp_path / "x.duckdb"


@pytest.mark.parametrize("command", ["stats", "rejects"])
def test_db_after_the_command_name_is_the_database_read(command, tmp_path):
    result = etl("--db", str(tmp_path / "other.duckdb"), command, "--db", str(tmp_path / "x"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: no database at {tmp_path / 'x'}")


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
