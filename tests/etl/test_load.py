import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from etl import clock, publish, run, stage
from etl.database import connect_working
from etl.dates import ACCEPTED_FORMS
from etl.errors import LockedError
from etl.load import Loader
from etl.records import TaggedArticle
from etl.run import _tagged, load_inputs
from etl.settings import REPO_ROOT, Settings
from etl.sources import ReadOptions, plan_inputs, read_inputs
from etl.tables import TaggedTables, as_tables, list_column
from etl.tag.pipeline import TagOptions, tag_batch

FIXTURES = Path(__file__).parent.parent / "fixtures"


def settings(db: Path, **overrides) -> Settings:
    return Settings(db_path=db, workers=1, with_tone=False, **overrides)


def count(db: Path, table: str = "articles") -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        con.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_articles(path: Path, count: int, prefix: str = "a") -> Path:
    with path.open("w") as handle:
        for i in range(count):
            handle.write(
                json.dumps(
                    {
                        "id": f"{prefix}{i}",
                        "url": f"https://example.org/{prefix}/{i}",
                        "published": "2024-03-01",
                        "lang": "en",
                        "title": f"Russia and China talk {i}",
                        "text": f"Officials in Moscow and Beijing met for round {i}. " * 20,
                    }
                )
                + "\n"
            )
    return path


def test_load_counts_every_row_once(tmp_path):
    db = tmp_path / "t.duckdb"
    summary = load_inputs([FIXTURES / "articles.jsonl", FIXTURES / "bad.jsonl"], settings(db))
    assert (summary.read, summary.loaded, summary.duplicates, summary.rejected) == (21, 16, 1, 4)
    assert count(db) == 16 and count(db, "rejects") == 4


def test_reload_of_same_file_adds_no_rows(tmp_path):
    db = tmp_path / "t.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], settings(db))
    tables = {t: count(db, t) for t in ("articles", "mentions", "article_pairs", "evidence")}
    again = load_inputs([FIXTURES / "articles.jsonl"], settings(db))
    assert (again.loaded, again.duplicates) == (0, 16)
    assert {t: count(db, t) for t in tables} == tables


def test_same_article_from_two_files_is_loaded_once(tmp_path):
    db = tmp_path / "t.duckdb"
    copy = tmp_path / "copy.jsonl"
    lines = (FIXTURES / "articles.jsonl").read_text().splitlines()
    record = json.loads(lines[0])
    record["url"] = "https://NEWS.example.org/2024/01/15/korea-russia-arms?utm_source=x#c"
    copy.write_text(json.dumps(record) + "\n")
    load_inputs([FIXTURES / "articles.jsonl"], settings(db))
    summary = load_inputs([copy], settings(db))
    assert (summary.loaded, summary.duplicates) == (0, 1)


def test_a_repeat_read_while_its_first_copy_waits_to_be_staged_is_a_duplicate(tmp_path):
    # batches wait in the loader until thousands of articles do (refs #20); with 2 records
    # a batch the repeat comes two dedup windows later, when its first copy is tagged but
    # not yet in the stage, where the dedup query would find it
    inputs = write_articles(tmp_path / "in.jsonl", 40)
    lines = inputs.read_text().splitlines()
    inputs.write_text("\n".join([*lines, lines[0]]) + "\n")
    db = tmp_path / "t.duckdb"
    summary = load_inputs([inputs], settings(db, batch_size=2))
    assert (summary.read, summary.loaded, summary.duplicates) == (41, 40, 1)
    assert count(db) == 40


def test_the_loader_stages_waiting_batches_together_and_the_rest_on_flush(tmp_path):
    con = connect_working(tmp_path / "work.duckdb")
    stage.start(con, tmp_path / "stage.new", replaces=False)
    articles = [a for a in read_inputs(*_planned(write_articles(tmp_path / "in.jsonl", 5)))]
    tagged = tag_batch(articles, TagOptions(with_tone=False))
    loader = Loader(con, run_id=1, stage_articles=4)

    def staged() -> int:
        return con.execute("select count(*) from stage.articles").fetchall()[0][0]

    def write(batch: list[TaggedArticle]) -> list[str]:
        return loader.write_tables(as_tables(batch, run_id=1))

    assert (write(tagged[:2]), staged()) == ([], 0)
    written = write(tagged[2:4])
    assert (written, staged()) == ([t.article.article_id for t in tagged[:4]], 4)
    assert (write(tagged[4:]), staged()) == ([], 4)
    assert (loader.flush(), staged()) == ([tagged[4].article.article_id], 5)
    assert loader.flush() == []
    con.close()


def test_a_pooled_load_stages_its_last_batches_as_they_come(tmp_path, monkeypatch):
    # once the input is read, the loader stages each batch while the workers tag the rest,
    # so the last result waits for one batch's staging, not for thousands (refs #20)
    flushed: list[int] = []
    flush = Loader.flush

    def counted(self: Loader) -> list[str]:
        flushed.append(len(self._waiting_ids))
        return flush(self)

    monkeypatch.setattr(Loader, "flush", counted)
    db = tmp_path / "t.duckdb"
    pooled = Settings(db_path=db, workers=2, with_tone=False, batch_size=2)
    assert load_inputs([write_articles(tmp_path / "in.jsonl", 40)], pooled).loaded == 40
    # the last window's batches hold one article (test_a_pool_gets_the_last_window_in_
    # smaller_batches): 3 are still in flight when the last is handed to the pool, the first
    # of them is staged with all that waited, the other two one by one, none left for the end
    assert flushed == [38, 1, 1, 0]
    assert count(db) == 40


@pytest.mark.parametrize(("workers", "last_window"), [(1, [8] * 4 + [4]), (2, [2] * 18)])
def test_a_pool_gets_the_last_window_in_smaller_batches(
    tmp_path, monkeypatch, workers, last_window
):
    # so that its workers finish together rather than one idling while the other tags the
    # last whole batch (refs #20); one process tags the batches it always did
    sizes: list[int] = []
    tagged = run._tagged

    def recorded(batches, options, _workers, run_id):
        batches = list(batches)
        sizes.extend(len(batch) for batch in batches)
        return tagged(iter(batches), options, 1, run_id)

    monkeypatch.setattr(run, "_tagged", recorded)
    db = tmp_path / "t.duckdb"
    chosen = Settings(db_path=db, workers=workers, with_tone=False, batch_size=8)
    # windows of 8 batches: 64 articles, then the last 36
    assert load_inputs([write_articles(tmp_path / "in.jsonl", 100)], chosen).loaded == 100
    assert sizes == [8] * 8 + last_window


def test_pool_workers_send_tables_that_the_loader_stamps_when_it_stages_them(tmp_path, monkeypatch):
    # a worker returns its batch as Arrow tables, ~25x cheaper to send than the tagged
    # articles pickled (refs #20); loaded_at is still the loading process's staging time
    articles = [a for a in read_inputs(*_planned(write_articles(tmp_path / "in.jsonl", 6)))]
    options = TagOptions(with_tone=False)
    results = list(_tagged(iter([articles[:4], articles[4:]]), options, 2, 7))
    for batch, result, _last in results:
        assert isinstance(result, TaggedTables)
        rows = result.tables["batch_articles"]
        assert rows.column("article_id").to_pylist() == [a.article_id for a in batch]
        assert result.article_ids == [a.article_id for a in batch]
        assert rows.column("run_id").to_pylist() == [7] * len(batch)
    staged_at = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
    monkeypatch.setattr(clock, "utc_now", lambda: staged_at)
    db = tmp_path / "t.duckdb"
    pooled = Settings(db_path=db, workers=2, with_tone=False, batch_size=2)
    load_inputs([tmp_path / "in.jsonl"], pooled)
    con = duckdb.connect(str(db), read_only=True)
    try:
        loaded_at = {row[0] for row in con.execute("select loaded_at from articles").fetchall()}
    finally:
        con.close()
    assert loaded_at == {staged_at.replace(tzinfo=None)}


def _planned(path: Path) -> tuple:
    files, _skipped = plan_inputs([path], "auto", follow_symlinks=False)
    return files, ReadOptions(Settings().max_article_bytes, Settings().max_line_bytes)


def test_rejects_keep_run_locator_reason_and_excerpt(tmp_path):
    db = tmp_path / "t.duckdb"
    summary = load_inputs([FIXTURES / "bad.jsonl"], settings(db))
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "select run_id, locator, reason, raw from rejects order by locator"
    ).fetchall()
    con.close()
    bad = str(FIXTURES / "bad.jsonl")
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (summary.run_id, f"{bad}:1", "missing date"),
        (summary.run_id, f"{bad}:2", f"unparseable date '31/31/2023'; accepted: {ACCEPTED_FORMS}"),
        (summary.run_id, f"{bad}:3", "no title, no text and no pre-tagged countries"),
        (summary.run_id, f"{bad}:4", "invalid JSON: Expecting value at column 39"),
    ]
    assert '"b2"' in rows[1][3]


def test_retag_replaces_instead_of_skipping(tmp_path):
    db = tmp_path / "t.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], settings(db))
    again = load_inputs([FIXTURES / "articles.jsonl"], settings(db, retag=True))
    assert (again.loaded, again.duplicates) == (16, 0)
    assert count(db) == 16


def test_retag_replaces_the_story_signature_of_a_changed_article(tmp_path):
    # a stage appends its signatures; a re-tag first deletes the ones it replaces (refs #20)
    db = tmp_path / "t.duckdb"
    record = {
        "url": "https://news.example.org/signature",
        "published": "2024-01-15T08:00:00Z",
        "lang": "en",
        "title": "Japan and Korea hold talks on fisheries",
        "text": "Japan and South Korea held talks on fisheries in Tokyo on Monday.",
    }
    first = tmp_path / "first.jsonl"
    first.write_text(json.dumps(record) + "\n", encoding="utf-8")
    changed = tmp_path / "changed.jsonl"
    record["title"] = "Brazil and Chile sign a trade accord"
    changed.write_text(json.dumps(record) + "\n", encoding="utf-8")
    load_inputs([first], settings(db))
    before = title_keys(db)
    load_inputs([changed], settings(db, retag=True))
    after = title_keys(db)
    assert len(before) == len(after) == 1
    assert after != before


def title_keys(db: Path) -> list[tuple[str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select title_key from story_signatures").fetchall()
    finally:
        con.close()


@pytest.mark.parametrize(
    "rows",
    [
        [[1, 2], [3]],
        # an article without text has no minhash, one without tone no vector
        [None, [4, 5], [], None],
        [None, None],
        [],
    ],
)
def test_a_list_column_holds_the_rows_pyarrow_would(rows):
    for value_type in (pa.uint32(), pa.float32()):
        assert list_column(rows, value_type).equals(pa.array(rows, pa.list_(value_type)))
    vectors = [None if r is None else np.asarray(r, dtype=np.float32) for r in rows]
    assert list_column(vectors, pa.float32()).to_pylist() == rows


def test_a_failed_run_leaves_the_published_database_untouched(tmp_path, monkeypatch):
    db = tmp_path / "t.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], settings(db))
    before = digest(db)

    def explode(*args, **kwargs):
        raise RuntimeError("tagger bug")

    monkeypatch.setattr("etl.tag.pipeline.tag_batch", explode)
    with pytest.raises(RuntimeError):
        load_inputs([write_articles(tmp_path / "new.jsonl", 3)], settings(db))
    assert digest(db) == before
    assert not publish.work_path(db).exists()


def test_a_second_run_fails_fast_with_no_wait(tmp_path):
    db = tmp_path / "t.duckdb"
    with publish.exclusive_lock(db, wait=False), pytest.raises(LockedError, match="--no-wait"):
        load_inputs([FIXTURES / "articles.jsonl"], settings(db, wait_for_lock=False))


def test_a_run_that_finds_the_lock_just_taken_still_names_its_holder(tmp_path):
    # the holder writes its pid just after taking the lock; two loads started at once can
    # meet in between, and the one refused must still say which run holds it
    import fcntl
    import threading

    db = tmp_path / "t.duckdb"
    path = publish.lock_path(db)
    path.touch()
    with open(path, "a+") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)

        def write_pid() -> None:
            holder.write("4242")
            holder.flush()

        writer = threading.Timer(0.1, write_pid)
        writer.start()
        with pytest.raises(LockedError) as refused, publish.exclusive_lock(db, wait=False):
            pass
        writer.join()
    assert str(refused.value).startswith("another ETL run (pid 4242) is writing")


def test_a_second_run_waits_for_the_first(tmp_path):
    db = tmp_path / "t.duckdb"
    messages = []
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from etl import publish\n"
            f"with publish.exclusive_lock(Path({str(db)!r}), wait=False):\n"
            "    print('locked', flush=True); time.sleep(1.5)",
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    started = time.monotonic()
    load_inputs([FIXTURES / "articles.jsonl"], settings(db), say=messages.append)
    holder.wait()
    assert messages and messages[0].startswith("waiting for another ETL run (pid")
    assert time.monotonic() - started > 0.5
    assert count(db) == 16


def etl_command(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "etl", "--db", str(db), *args]


def test_kill_9_mid_load_leaves_published_database_byte_identical(tmp_path):
    # a kill at a random moment; tests/etl/test_crash.py kills at each named phase
    db = tmp_path / "t.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], settings(db))
    before = digest(db)
    big = write_articles(tmp_path / "big.jsonl", 2000)
    process = subprocess.Popen(
        etl_command(db, "load", str(big), "--workers", "1", "--no-tone"),
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not publish.work_path(db).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    assert process.poll() is None, "the load finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert digest(db) == before
    assert count(db) == 16
    rerun = subprocess.run(
        etl_command(db, "load", str(big), "--workers", "1", "--no-tone"),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert "loaded 2000, duplicates 0, rejected 0" in rerun.stdout
    assert count(db) == 2016


def test_a_reader_keeps_its_snapshot_while_a_load_publishes(tmp_path):
    db = tmp_path / "t.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], settings(db))
    reader = duckdb.connect(str(db), read_only=True)
    try:
        assert reader.execute("select count(*) from articles").fetchone()[0] == 16
        result = subprocess.run(
            etl_command(
                db,
                "load",
                str(write_articles(tmp_path / "more.jsonl", 5)),
                "--workers",
                "1",
                "--no-tone",
            ),
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert reader.execute("select count(*) from articles").fetchone()[0] == 16
    finally:
        reader.close()
    # a new reader, from an in-memory connection so no cached handle is reused, sees the new file
    fresh = duckdb.connect(":memory:")
    fresh.execute("attach ? as published (read_only)", [str(db)])
    assert fresh.execute("select count(*) from published.articles").fetchone()[0] == 21
    fresh.close()


def test_pool_and_single_process_give_the_same_tables(tmp_path):
    single, pooled = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], settings(single))
    load_inputs(
        [FIXTURES / "articles.jsonl"],
        Settings(db_path=pooled, workers=2, with_tone=False, batch_size=4),
    )
    query = (
        "select article_id, country_a, country_b, sentence_count from article_pairs order by all"
    )
    a = duckdb.connect(str(single), read_only=True)
    b = duckdb.connect(str(pooled), read_only=True)
    try:
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
    finally:
        a.close()
        b.close()


def printed_by_python(code: str) -> str:
    """What `code` prints, run by a new Python process (with a forkserver of its own)."""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_load_command_reaches_the_pool_server_before_it_imports_the_tagger():
    # the pool's server imports the tagger and loads the encoder before it forks a worker;
    # what the load command imports before it starts that server delays the first tagged
    # batch, so the tagger (numba, story keys: ~0.3 s) comes after (refs #20)
    probe = (
        "import sys; import etl.__main__, etl.cli_progress, etl.load_command; "
        "print(sorted(m for m in sys.modules if m.startswith(('etl.tag.', 'numba'))))"
    )
    assert printed_by_python(probe) == "[]"


def test_a_pooled_load_readies_its_stories_and_leaves_the_tagger_to_its_workers(tmp_path):
    # the tagger's import loads numba's functions (~0.5 CPU s) on a core the pool's server
    # needs while it imports the same for the workers; the loading process only reads,
    # resolves pre-tags and names the options, and imports the story assignment of the
    # run's end while it waits for the pool's first result (refs #20)
    inputs = write_articles(tmp_path / "in.jsonl", 6)
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from etl import run\n"
        "from etl.settings import Settings\n"
        "tagged, seen = run._tagged, []\n"
        "def watched(*args):\n"
        "    for result in tagged(*args):\n"
        "        seen.append([m in sys.modules for m in ('etl.stories', 'etl.tag.pipeline')])\n"
        "        yield result\n"
        "run._tagged = watched\n"
        f"settings = Settings(db_path=Path({str(tmp_path / 't.duckdb')!r}), workers=2,"
        " with_tone=False, batch_size=2)\n"
        f"print(run.load_inputs([Path({str(inputs)!r})], settings).loaded, seen[0], seen[-1])\n"
    )
    assert printed_by_python(probe) == "6 [True, False] [True, False]"


def test_a_pool_reads_ahead_until_its_first_result():
    # its server takes ~1.2 s to start, while the loading process has nothing else to do;
    # reading later would take CPU from two busy workers (refs #20)
    read: list[int] = []

    def batches():
        for number in range(100):
            read.append(number)
            yield [number]

    ahead = run._ReadAhead(batches())
    run._while_the_pool_starts(Future(), ahead)
    assert len(read) == run.READ_AHEAD_BATCHES
    assert [ahead.next() for _ in range(100)] == [[n] for n in range(100)]
    assert not ahead.ended and ahead.next() is None and ahead.ended
    came = Future()
    came.set_result(None)
    once_it_came = run._ReadAhead(batches())
    once_it_came.read(until=came, most=run.READ_AHEAD_BATCHES)
    assert len(read) == 100


def test_a_pool_returns_results_in_order_and_says_when_it_only_finishes(tmp_path):
    articles = list(read_inputs(*_planned(write_articles(tmp_path / "in.jsonl", 12))))
    batches = ([article] for article in articles)
    results = list(_tagged(batches, TagOptions(with_tone=False), 2, 7))
    assert [batch for batch, _, _ in results] == [[a] for a in articles]
    # once the last batch is handed to the pool, whatever was read ahead
    assert [last for _, _, last in results] == [False] * 9 + [True] * 3


def test_the_load_command_starts_the_pool_server_before_it_imports_the_loader(tmp_path):
    # given files big enough for a pool, the server starts before DuckDB and pandas are
    # imported (~0.2 s of the load's start), which it then imports beside, and before the
    # sources, which import pyarrow and numpy (~0.18 s) (refs #20)
    inputs = write_articles(tmp_path / "in.jsonl", 2)
    loader = ("duckdb", "pandas", "etl.run", "etl.sources", "pyarrow", "numpy")
    probe = (
        "import sys\n"
        "import etl.__main__, etl.pool_server\n"
        "def start(with_tone):\n"
        f"    print(with_tone, sorted(m for m in {loader!r} if m in sys.modules))\n"
        "    sys.exit(0)\n"
        "etl.pool_server.start = start\n"
        f"sys.argv = ['etl', '--db', {str(tmp_path / 't.duckdb')!r}, 'load', '--workers', '2',"
        f" {str(inputs)!r}]\n"
        "etl.__main__.app()\n"
    )
    assert printed_by_python(probe) == "True []"


def test_the_pool_server_loads_the_encoder_beside_its_imports_and_forks_after():
    # in a thread started by the first preloaded module, joined by the last: the server
    # must not fork while it runs (refs #20)
    probe = (
        "import threading\n"
        "import etl.tag.preload_encoder as preload\n"
        "started = preload.LOADING.ident is not None\n"
        "import sys, etl.tag.pipeline, etl.tag.encoder_loaded\n"
        "from etl.tag import tone\n"
        "print(started, preload.LOADING.is_alive(), tone.loaded_encoder.cache_info().currsize,"
        " threading.active_count(), 'onnxruntime' in sys.modules)\n"
    )
    # nor has it run the encoder, whose first run imports onnxruntime: its import starts a
    # native thread, which threading does not count
    assert printed_by_python(probe) == "True False 1 1 False"


def test_the_pool_server_hands_the_encoders_thread_the_gil_sooner_until_it_forks():
    # the thread waited up to 5 ms for the GIL between its GIL-free steps, so the encoder
    # took longer to load than the imports beside it (refs #20)
    probe = (
        "import sys\n"
        "default = sys.getswitchinterval()\n"
        "import etl.tag.preload_encoder\n"
        "loading = sys.getswitchinterval()\n"
        "import etl.tag.encoder_loaded\n"
        "print(loading < default, sys.getswitchinterval() == default)\n"
    )
    assert printed_by_python(probe) == "True True"


def test_pool_workers_start_with_the_gazetteer_built():
    # built once in the pool's server rather than in each worker's first batch (refs #20)
    probe = (
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from etl.pool_server import start\n"
        "built = '__import__(\"etl.tag.gazetteer\").tag.gazetteer.gazetteer.cache_info()[3]'\n"
        "with ProcessPoolExecutor(1, mp_context=start(False)) as pool:\n"
        "    print(pool.submit(eval, built).result())\n"
    )
    assert printed_by_python(probe) == "1"


def test_pool_workers_start_with_what_the_server_imported_frozen():
    # out of the reach of the workers' full collections, which walked it every few batches
    # (etl/pool_freeze.py, refs #20)
    probe = (
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from etl.pool_server import start\n"
        'counts = \'(__import__("gc").get_freeze_count(), len(__import__("gc").get_objects()))\'\n'
        "with ProcessPoolExecutor(1, mp_context=start(False)) as pool:\n"
        "    frozen, tracked = pool.submit(eval, counts).result()\n"
        "print(frozen > 50_000, frozen > 10 * tracked)\n"
    )
    assert printed_by_python(probe) == "True True"


FIRST_BATCH = """
import sys
from etl.tables import tag_as_tables
from etl.tag.pipeline import TagOptions
before = set(sys.modules)
tag_as_tables(articles, TagOptions(with_tone=False), 1)
imported = sorted(set(sys.modules) - before)
"""


def test_pool_workers_tag_their_first_batch_without_importing_anything():
    # pyarrow imports pandas on its first conversion of a list, ~0.3 s of each worker's first
    # batch: done once in the pool's server instead (etl/pool_preload.py, refs #20)
    probe = (
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from pathlib import Path\n"
        "from etl.pool_server import start\n"
        "from etl.sources import ReadOptions, plan_inputs, read_inputs\n"
        "files, _ = plan_inputs([Path('tests/fixtures/articles.jsonl')], 'auto',"
        " follow_symlinks=False)\n"
        "articles = list(read_inputs(files, ReadOptions(2**20, 2**20)))\n"
        f"code = {FIRST_BATCH!r}\n"
        "first_batch = '(exec(code, scope), scope[\"imported\"])[1]'\n"
        "with ProcessPoolExecutor(1, mp_context=start(False)) as pool:\n"
        "    scope = {'articles': articles}\n"
        "    print(pool.submit(eval, first_batch, {'code': code, 'scope': scope}).result())\n"
    )
    assert printed_by_python(probe) == "[]"


def test_pool_workers_start_without_pandas_and_import_it_where_it_is_used():
    # pyarrow imported pandas (~0.25 s of the server's start) to ask whether a list is a
    # pandas object; a worker that asks pyarrow for pandas still gets it (refs #20)
    probe = (
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from etl.pool_server import start\n"
        'check = \'"pandas" in __import__("sys").modules\'\n'
        'used = \'type(__import__("pyarrow").table({"a": [1]}).to_pandas()).__name__\'\n'
        "with ProcessPoolExecutor(1, mp_context=start(False)) as pool:\n"
        "    print(pool.submit(eval, check).result(), pool.submit(eval, used).result())\n"
    )
    assert printed_by_python(probe) == "False DataFrame"


def test_the_command_line_skips_the_last_garbage_collection_at_exit():
    # a handler registered before `python -m etl` runs is called after its own handlers
    probe = (
        "import atexit, gc, runpy, sys\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
        "sys.argv = ['etl', '--help']\n"
        "runpy.run_module('etl', run_name='__main__', alter_sys=True)\n"
    )
    assert printed_by_python(probe).splitlines()[-1] == "frozen True"


def test_a_pool_scores_the_same_tones_as_one_process(tmp_path):
    # with tone, the pool's forkserver loads the encoder once and its workers share it (refs
    # #20); a child process, so that this run starts its own forkserver with that preload
    dbs = [tmp_path / "one.duckdb", tmp_path / "two.duckdb"]
    for db, workers in zip(dbs, ("1", "2"), strict=True):
        command = etl_command(db, "load", "--workers", workers, str(FIXTURES / "articles.jsonl"))
        done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    queries = (
        "select article_id, tone, tone_positive, word_count from articles order by all",
        "select article_id, country_a, country_b, tone from article_pairs order by all",
    )
    rows = []
    for db in dbs:
        con = duckdb.connect(str(db), read_only=True)
        rows.append([con.execute(query).fetchall() for query in queries])
        con.close()
    assert rows[0] == rows[1]
    assert any(tone is not None for _, tone, _, _ in rows[0][0])


def test_a_newer_schema_is_refused_with_a_clear_message(tmp_path):
    db = tmp_path / "t.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], settings(db))
    con = duckdb.connect(str(db))
    con.execute("update meta set value = '999' where key = 'schema_version'")
    con.close()
    result = subprocess.run(
        etl_command(db, "stats"), cwd=REPO_ROOT, capture_output=True, text=True, env={**os.environ}
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: ") and "schema version 999" in result.stderr
    assert "Traceback" not in result.stderr
