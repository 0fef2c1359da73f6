"""The dashboard through Streamlit's AppTest: views, filters, URL state, empty states, safety.

Values are asserted on the hand-counted tiny database (tests/tiny_db.py): PRK-RUS is in 5
of 8 articles, in one sentence in 3 of the 7 with text, and a4 is a GDELT row without text.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.tiny_db import GKG_V2TONE, build_empty_db, build_tiny_db

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
TIMEOUT = 60
VIEWS = ("overview", "pair", "matrix", "network", "map", "articles")


@pytest.fixture(autouse=True)
def main_module_restored() -> Iterator[None]:
    """AppTest installs the dashboard as sys.modules["__main__"]; put the real one back.

    Otherwise a later process pool (the ETL's forkserver) re-runs "__main__" in every worker,
    which would then be dashboard.py.
    """
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_db(tmp_path_factory.mktemp("dashboard") / "tiny.duckdb")


@pytest.fixture
def on_tiny(tiny_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TENSION_DB", str(tiny_db))
    return tiny_db


def open_page(**query: str) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.query_params.update(query)
    return at.run()


def shown_text(at: AppTest) -> str:
    """Everything the page says in markdown, captions, alerts and metrics, as one string."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [a.value for a in (*at.info, *at.warning, *at.error)]
    parts += [f"{m.label}={m.value}" for m in at.metric]
    parts += [h.value for h in (*at.title, *at.subheader)]
    return "\n".join(parts)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def plotly_figures(at: AppTest) -> list[dict]:
    """The figures as sent to the browser, with plotly's base64 typed arrays decoded."""
    return [_decoded(json.loads(chart.proto.spec)) for chart in at.get("plotly_chart")]


def _decoded(node: object) -> object:
    if isinstance(node, dict) and "bdata" in node and "dtype" in node:
        array = np.frombuffer(base64.b64decode(node["bdata"]), dtype=node["dtype"])
        shape = node.get("shape")
        if shape:
            array = array.reshape([int(n) for n in str(shape).split(",")])
        return array.tolist()
    if isinstance(node, dict):
        return {key: _decoded(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_decoded(value) for value in node]
    return node


def assert_healthy(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_renders_on_the_tiny_database(on_tiny, view):
    at = open_page(view=view)
    assert_healthy(at)
    assert at.segmented_control(key="view").value == view
    labels = [b.label for b in at.download_button]
    assert "Download CSV" in labels
    # every other download is a chart's image (tests/test_dashboard_chart_export.py)
    assert set(labels) <= {"Download CSV", "Download PNG", "Download SVG"}
    assert any(e.label == "SQL" for e in at.expander)


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_renders_on_the_etl_sample(sample_db, monkeypatch, view):
    monkeypatch.setenv("TENSION_DB", str(sample_db))
    at = open_page(view=view)
    assert_healthy(at)
    assert "North Korea – Russia" in shown_text(at) or view not in ("pair", "articles")


def test_the_freshness_line_states_run_time_articles_and_path(on_tiny):
    text = shown_text(open_page())
    assert "8 articles" in text
    assert "last ETL run 2024-04-01 06:30 UTC (run 1)" in text
    assert str(on_tiny) in text


def test_overview_shows_totals_and_the_top_pairs(on_tiny):
    at = open_page()
    assert (metric(at, "Articles"), metric(at, "Countries"), metric(at, "Pairs")) == ("8", "6", "6")
    top = at.dataframe[0].value
    assert (top.iloc[0]["pair_name"], top.iloc[0]["articles"]) == ("North Korea – Russia", 5)
    assert top.iloc[0]["total_articles"] == 8
    assert "No articles before this period, so no comparison" in shown_text(at)


def test_query_params_set_every_widget(on_tiny):
    at = open_page(
        view="pair",
        start="2024-01-01",
        end="2024-02-29",
        countries="PRK,USA",
        pair="RUS-PRK",
        lang="en",
        source="wire-a",
        window="sentence",
        measure="share",
        bucket="month",
        min="2",
    )
    assert_healthy(at)
    assert not at.warning
    assert str(at.date_input(key="start").value) == "2024-01-01"
    assert str(at.date_input(key="end").value) == "2024-02-29"
    assert at.multiselect(key="countries").value == ["PRK", "USA"]
    assert (at.selectbox(key="pair_a").value, at.selectbox(key="pair_b").value) == ("PRK", "RUS")
    assert (at.selectbox(key="lang").value, at.selectbox(key="source").value) == ("en", "wire-a")
    assert at.segmented_control(key="window").value == "sentence"
    assert at.segmented_control(key="measure").value == "share"
    assert at.segmented_control(key="bucket").value == "month"
    assert at.number_input(key="min").value == 2
    assert at.query_params["pair"] == "PRK-RUS"


@pytest.mark.parametrize(
    "widget,key,value,param",
    [
        ("segmented_control", "bucket", "month", "month"),
        ("segmented_control", "window", "sentence", "sentence"),
        ("segmented_control", "measure", "share", "share"),
        ("segmented_control", "view", "network", "network"),
        ("selectbox", "lang", "id", "id"),
        ("selectbox", "source", "wire-c", "wire-c"),
        ("multiselect", "countries", ["USA", "CHN"], "USA,CHN"),
        ("number_input", "min", 3, "3"),
        ("segmented_control", "origin", "gdelt", "gdelt"),
    ],
)
def test_widgets_write_the_query_string(on_tiny, widget, key, value, param):
    at = open_page()
    getattr(at, widget)(key=key).set_value(value).run()
    assert_healthy(at)
    name = "min" if key == "min" else key
    assert at.query_params[name] == param


def test_dates_and_pair_widgets_write_the_query_string(on_tiny):
    at = open_page(view="pair")
    at.date_input(key="start").set_value("2024-02-01").run()
    at.selectbox(key="pair_b").set_value("USA").run()
    assert (at.query_params["start"], at.query_params["pair"]) == ("2024-02-01", "PRK-USA")
    assert "North Korea – United States" in shown_text(at)


@pytest.mark.parametrize(
    "query,articles",
    [
        ({}, 5),
        ({"window": "sentence"}, 3),
        ({"lang": "id"}, 1),
        ({"start": "2024-03-01", "end": "2024-03-31"}, 1),
        ({"countries": "CHN"}, None),
        ({"origin": "text"}, 4),
        ({"origin": "gdelt"}, 1),
    ],
)
def test_filters_change_the_top_pairs(on_tiny, query, articles):
    top = open_page(**query).dataframe[0].value
    prk_rus = top[(top["country_a"] == "PRK") & (top["country_b"] == "RUS")]
    if articles is None:
        assert prk_rus.empty and list(top["pair_name"]) == ["China – Philippines"]
    else:
        assert prk_rus.iloc[0]["articles"] == articles


def test_sentence_window_says_what_was_not_measured(on_tiny):
    at = open_page(view="pair", pair="PRK-RUS", window="sentence", bucket="month")
    assert "1 articles of this pair have no text (GDELT rows): not measured" in shown_text(at)
    volume = plotly_figures(at)[0]
    assert volume["data"][0]["y"] == [2, 0, 1]


def test_measure_switches_the_pair_chart_between_counts_and_shares(on_tiny):
    counts = plotly_figures(open_page(view="pair", bucket="month"))[0]
    shares = plotly_figures(open_page(view="pair", bucket="month", measure="share"))[0]
    assert counts["data"][0]["y"] == [2, 2, 1]
    assert shares["data"][0]["y"] == pytest.approx([1000.0, 1000.0, 250.0])
    assert "‰" in shares["layout"]["yaxis"]["title"]["text"]


def test_pair_view_lists_third_countries(on_tiny):
    at = open_page(view="pair", pair="PRK-RUS")
    third = plotly_figures(at)[-1]["data"][0]
    assert sorted(third["y"]) == ["Ukraine", "United States"]


def test_matrix_lift_and_counts(on_tiny):
    lift = plotly_figures(open_page(view="matrix", countries="PRK,RUS,USA", cell="lift"))[0]
    labels = lift["data"][0]["x"]
    z = dict(zip(labels, lift["data"][0]["customdata"][labels.index("Russia")], strict=True))
    assert z["North Korea"] == pytest.approx(1.6)


def test_articles_view_shows_hostile_text_as_text_and_only_web_links(on_tiny):
    at = open_page(view="articles", pair="CHN-PHL")
    assert_healthy(at)
    markdown = "\n".join(m.value for m in at.markdown)
    assert "\\<script\\>alert\\(\\'x\\'\\)\\<\\/script\\>" in markdown
    assert "<script>" not in markdown
    assert "\\<b\\>" in markdown  # the evidence sentence's tag is escaped, not rendered
    at = open_page(view="articles", scope="all")
    table = at.dataframe[0].value
    formula = table[table["title"] == '=HYPERLINK("http://x","y")'].iloc[0]
    assert pd.isna(formula["url"])  # a javascript: link is dropped
    markdown = "\n".join(m.value for m in at.markdown)
    assert "javascript" not in markdown


def test_articles_view_marks_gdelt_rows_as_not_measured(on_tiny):
    at = open_page(view="articles", pair="PRK-RUS")
    table = at.dataframe[0].value
    assert list(table["pair_sentences"]) == ["1", "not measured", "0", "2", "1"]
    # GDELT's V2Tone sits in its own column, beside the article's tone, never in it
    gkg = table[table["origin"] == "gkg"].iloc[0]
    assert (gkg["tone"], gkg["gdelt_tone"]) == (-4.0, GKG_V2TONE)
    assert table[table["origin"] != "gkg"]["gdelt_tone"].isna().all()
    assert "Articles 1–5 of 5 naming North Korea – Russia, newest first; the CSV has all 5" in (
        shown_text(at)
    )


@pytest.mark.parametrize(
    "query,message",
    [
        ({"view": "overview", "min": "100"}, "No country pair has at least 100"),
        ({"view": "pair", "lang": "fr"}, "No article names both North Korea and Russia"),
        ({"view": "network", "min": "50"}, "No pair has at least 50"),
        ({"view": "articles", "pair": "CHN-USA"}, "No articles naming China – United States"),
        ({"view": "map", "source": "wire-b", "countries": "USA"}, "No country is named with"),
    ],
)
def test_empty_results_say_what_to_change(on_tiny, query, message):
    at = open_page(**query)
    assert_healthy(at)
    assert any(message in info.value for info in at.info), [i.value for i in at.info]


def test_an_empty_database_shows_the_empty_state(tmp_path, monkeypatch):
    monkeypatch.setenv("TENSION_DB", str(build_empty_db(tmp_path / "empty.duckdb")))
    at = open_page(view="pair")
    assert not at.exception
    assert "no articles yet" in at.info[0].value
    assert "0 articles" in shown_text(at)


def test_a_missing_database_says_how_to_build_one(tmp_path, monkeypatch):
    monkeypatch.setenv("TENSION_DB", str(tmp_path / "nowhere.duckdb"))
    at = open_page()
    assert not at.exception
    assert "No database at" in at.error[0].value and "make run" in at.error[0].value


def test_a_file_that_is_not_a_database_gives_a_message(tmp_path, monkeypatch):
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database")
    monkeypatch.setenv("TENSION_DB", str(junk))
    at = open_page()
    assert not at.exception
    assert "Cannot open" in at.error[0].value


@pytest.mark.parametrize(
    "query,notice",
    [
        ({"countries": "PRK') or 1=1 --"}, "Ignored countries"),
        ({"measure": "tone; drop table articles"}, "Unknown measure"),
        ({"view": "../../etc/passwd"}, "Unknown view"),
        ({"lang": "en' or '1'='1"}, "No articles with lang"),
        ({"pair": "PRK-RUS' --"}, "Unknown pair"),
        ({"start": "2024-01-01'; --"}, "Invalid start date"),
    ],
)
def test_injection_attempts_give_a_notice_and_the_default_data(on_tiny, query, notice):
    at = open_page(**query)
    assert_healthy(at)
    assert any(w.value.startswith(notice) for w in at.warning), [w.value for w in at.warning]
    # the page falls back to the unfiltered defaults: exactly the data of a plain visit
    assert metric(at, "Articles") == "8"
    assert (
        at.dataframe[0].value["articles"].sum() == open_page().dataframe[0].value["articles"].sum()
    )


def test_notices_go_away_after_the_next_interaction(on_tiny):
    at = open_page(bucket="year")
    assert at.warning
    at.segmented_control(key="measure").set_value("share").run()
    assert not at.warning
    # the tiny database spans two months: read in days by default
    assert at.query_params["bucket"] == "day"


@pytest.mark.parametrize("interaction", ["rerun", "reload button"])
def test_a_newly_published_database_shows_on_the_next_interaction(
    tmp_path, monkeypatch, interaction
):
    published = tmp_path / "tension.duckdb"
    build_empty_db(published)
    monkeypatch.setenv("TENSION_DB", str(published))
    at = open_page()
    assert "no articles yet" in at.info[0].value
    assert "checks for them every 5 seconds, or press Reload" in at.info[0].value
    # the ETL's publish step: a finished file replaces the published one atomically
    os.replace(build_tiny_db(tmp_path / "next.duckdb"), published)
    if interaction == "rerun":
        at.run()
    else:
        at.button(key="reload").click().run()
    assert_healthy(at)
    assert metric(at, "Articles") == "8"


def sql_shown(at: AppTest) -> str:
    """The code in the page once every SQL expander is opened (they draw it only then)."""
    for expander in at.expander:
        if expander.label == "SQL":
            # a keyed widget's id ends with its key: "$$ID-<hash>-sql_pair_timeline"
            at.session_state[expander.proto.id.split("-", 2)[2]] = True
    return "\n".join(c.value for c in at.run().code)


def test_the_sql_expander_shows_the_query_and_its_bound_parameters(on_tiny):
    at = open_page(view="pair", pair="PRK-RUS", lang="en")
    assert not at.code, "the SQL is drawn only when its expander is opened"
    code = sql_shown(at)
    # the timeline of every series reads the pair aggregates over the days they span
    assert "pair_days($span_start, $span_end, $lang, $source, $origin)" in code
    assert '"country_a": "PRK"' in code and '"lang": "en"' in code


def test_the_sql_expander_shows_the_shared_macros_the_query_calls(on_tiny):
    # refs #12: the queries call by_window() and in_filters(); without their definitions
    # the SQL shown could not be run anywhere else
    at = open_page(view="pair", pair="PRK-RUS")
    code = sql_shown(at)
    assert "by_window($window," in code
    assert "create or replace temp macro by_window(" in code


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 synthetic articles over two years (bench/gen_synthetic.py): pages, many pairs."""
    import duckdb

    from bench.gen_synthetic import generate

    path = tmp_path_factory.mktemp("synthetic") / "synthetic.duckdb"
    con = duckdb.connect(str(path))
    try:
        generate(con, 2_000, seed=7)
        con.execute("checkpoint")
    finally:
        con.close()
    return path


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_renders_on_two_years_of_synthetic_data(synthetic_db, monkeypatch, view):
    monkeypatch.setenv("TENSION_DB", str(synthetic_db))
    at = open_page(view=view, countries="USA", window="sentence", measure="share")
    assert_healthy(at)
    assert not at.warning


def test_articles_come_in_pages(synthetic_db, monkeypatch):
    monkeypatch.setenv("TENSION_DB", str(synthetic_db))
    at = open_page(view="articles", scope="all", unit="article")
    assert "Articles 1–50 of 2,000 matching the filters" in shown_text(at)
    first_page = list(at.dataframe[0].value["title"])
    at.pagination(key="page").set_value(3).run()
    assert "Articles 101–150 of 2,000" in shown_text(at)
    assert set(at.dataframe[0].value["title"]).isdisjoint(first_page)
    # fewer matches than the page needs: back to the first page, not an empty one
    at.selectbox(key="lang").set_value("ar").run()
    assert "Articles 1–50 of" in shown_text(at)


def test_evidence_marks_the_countries_where_the_tagger_found_them(sample_db, monkeypatch):
    # the fixture's f01 names Russia as "the Kremlin" and North Korea as "Pyongyang": the
    # marks come from the tagger's offsets, not from the English names
    monkeypatch.setenv("TENSION_DB", str(sample_db))
    at = open_page(view="articles", pair="PRK-RUS", start="2024-01-01", end="2024-01-31")
    assert_healthy(at)
    markdown = "\n".join(m.value for m in at.markdown)
    assert "The :orange-background[**Kremlin**] denied" in markdown
    assert ":orange-background[**Pyongyang**]" in markdown


def test_highlight_spans_escape_everything_and_skip_bad_spans():
    from board.text import highlight_spans

    sentence = "The *Kremlin* met  Pyongyang [x](y)."
    marked = highlight_spans(sentence, [(5, 12), (19, 28), (6, 10), (40, 50)])
    assert marked == (
        "The \\*:orange-background[**Kremlin**]\\* met :orange-background[**Pyongyang**] "
        "\\[x\\]\\(y\\)\\."
    )


@pytest.mark.parametrize("bucket", ["day", "week", "month"])
def test_the_pairs_headline_tone_and_conflict_do_not_depend_on_the_bucket(on_tiny, bucket):
    # PRK-RUS pair tones by hand: a1 -2.5, a2 -3.5, a4 -4.0, a8 -6.0 (a3 has none) -> -4.00;
    # conflict: a1 0.05, a2 0.1, a8 0.2 -> 0.35 / 3 = 12%. The mean of monthly means would be
    # -4.33 and 14%, of weekly means the same.
    at = open_page(view="pair", pair="PRK-RUS", bucket=bucket)
    assert_healthy(at)
    assert (metric(at, "Articles"), metric(at, "Mean tone")) == ("5", "-4.00")
    assert metric(at, "Conflict sentences") == "12%"


def test_the_pairs_headline_tone_equals_the_overviews(on_tiny):
    top = open_page(start="2024-01-01", end="2024-03-31").dataframe[0].value
    row = top[top["pair_name"] == "North Korea – Russia"].iloc[0]
    at = open_page(view="pair", pair="PRK-RUS", start="2024-01-01", end="2024-03-31")
    assert metric(at, "Mean tone") == f"{row['mean_tone']:.2f}"
    # the table gets the share in percent, shown "%.0f%%" like the headline's whole percent
    assert metric(at, "Conflict sentences") == f"{row['conflict_share']:.0f}%"


def test_tables_show_a_tiny_negative_tone_as_zero_and_shares_in_whole_percent():
    from board import panel
    from board.views import articles, overview

    frame = pd.DataFrame({"tone": [-0.0007, -1.234, 2.0], "conflict": [0.961, 0.7791, None]})
    shown = panel.on_screen(frame, articles.COLUMNS)
    assert list(shown["tone"][:2]) == [0.0, -1.23] and not np.signbit(shown["tone"][0])
    assert list(shown["conflict"][:2]) == [96.0, 78.0] and shown["conflict"].isna()[2]
    assert list(frame["tone"]) == [-0.0007, -1.234, 2.0]  # the CSV's frame keeps its precision
    for columns in (articles.COLUMNS, overview.COLUMNS):
        shares = [c for c in columns.values() if c["type_config"].get("format") == "percent"]
        assert shares == []  # Streamlit's "percent" drops trailing zeros: 96.1% beside 77.91%


@pytest.mark.parametrize(
    "countries,articles,of_all",
    # by hand: CHN is named in a5 only; PRK or USA in a1, a2, a3, a4, a6, a8
    [("CHN", "1", "out of 8"), ("PRK,USA", "6", "out of 8"), ("", "8", "Every article")],
)
def test_the_overview_articles_follow_the_countries_filter(on_tiny, countries, articles, of_all):
    at = open_page(countries=countries) if countries else open_page()
    card = next(m for m in at.metric if m.label == "Articles")
    assert card.value == articles
    assert of_all in card.help


@pytest.mark.parametrize("query", [{}, {"view": "articles", "scope": "all"}])
def test_missing_values_show_a_dash_not_none(on_tiny, query):
    # the tiny database has no previous period (Previous, Change, Change % are null) and a6
    # has a javascript: link, shown as no link
    table = open_page(**query).dataframe[0]
    assert table.value.isna().any().any()
    assert table.proto.placeholder == "–"


@pytest.mark.parametrize("measure,label", [("count", "Articles"), ("share", "Share ‰")])
def test_the_matrix_cells_control_names_what_the_cells_show(on_tiny, measure, label):
    at = open_page(view="matrix", measure=measure)
    assert at.segmented_control(key="cell").options[0] == label
    heatmap = plotly_figures(at)[0]
    assert label.split()[0] in heatmap["layout"]["coloraxis"]["colorbar"]["title"]["text"]


def test_languages_are_listed_by_name_and_code(on_tiny):
    language = open_page().selectbox(key="lang")
    assert language.options == ["All languages", "English (en)", "French (fr)", "Indonesian (id)"]
    language.set_value("fr")
    assert language.value == "fr"


def test_a_to_date_before_the_from_date_is_refused_with_a_notice_and_keeps_from(on_tiny):
    at = open_page(start="2024-02-01", end="2024-03-01")
    at.date_input(key="end").set_value("2024-01-15").run()
    assert_healthy(at)
    assert any("“To” 2024-01-15 is before “From” 2024-02-01" in w.value for w in at.warning)
    assert (at.query_params["start"], at.query_params["end"]) == ("2024-02-01", "2024-03-01")
    assert str(at.date_input(key="end").value) == "2024-03-01"
    at.date_input(key="start").set_value("2024-04-01").run()
    assert any("“From” 2024-04-01 is after “To” 2024-03-01" in w.value for w in at.warning)
    assert (at.query_params["start"], at.query_params["end"]) == ("2024-02-01", "2024-03-01")


@pytest.mark.parametrize("view", ["overview", "pair", "network", "articles"])
def test_a_same_sentence_empty_state_suggests_the_article_window(on_tiny, view):
    # the tiny database's only French article (a7) names no country
    at = open_page(view=view, pair="PRK-RUS", lang="fr", window="sentence")
    assert_healthy(at)
    advice = at.info[0].value
    assert "clear the language" in advice
    assert advice.endswith("or switch the co-occurrence window to the same article.")


def test_the_articles_page_is_in_the_url(synthetic_db, monkeypatch):
    monkeypatch.setenv("TENSION_DB", str(synthetic_db))
    at = open_page(view="articles", scope="all", unit="article")
    at.pagination(key="page").set_value(3).run()
    assert at.query_params["page"] == "3"
    third_page = list(at.dataframe[0].value["title"])
    # a shared link opens the same page
    shared = open_page(view="articles", scope="all", unit="article", page="3")
    assert "Articles 101–150 of 2,000" in shown_text(shared)
    assert list(shared.dataframe[0].value["title"]) == third_page
    # a page past the end shows the first, and the URL says so
    past = open_page(view="articles", scope="all", unit="article", page="999")
    assert "Articles 1–50 of 2,000" in shown_text(past)
    assert "page" not in past.query_params


def test_browser_back_after_opening_a_pair_returns_to_the_overview(on_tiny):
    at = open_page()
    overview = dict(at.query_params)
    # what selecting a top-pairs row does (see board/views/overview.py::_open_pair)
    at.session_state["view"] = "pair"
    at.selectbox(key="pair_b").set_value("USA").run()
    assert (at.query_params["view"], at.query_params["pair"]) == ("pair", "PRK-USA")
    # Back: the browser puts the previous URL in place and reruns the script
    at.query_params.clear()
    at.query_params.update(overview)
    at.run()
    assert_healthy(at)
    assert at.segmented_control(key="view").value == "overview"
    assert dict(at.query_params) == overview
    # and the widgets lead again afterwards
    at.segmented_control(key="measure").set_value("share").run()
    assert (at.query_params["view"], at.query_params["measure"]) == ("overview", "share")


def test_the_top_pairs_table_says_how_many_pairs_it_shows(on_tiny, synthetic_db, monkeypatch):
    assert "All 6 pairs with at least 1 article(s); Share ‰ is of the 8 articles" in shown_text(
        open_page()
    )
    monkeypatch.setenv("TENSION_DB", str(synthetic_db))
    at = open_page()
    pairs = metric(at, "Pairs")
    assert f"The 25 busiest of {pairs} pairs (the CSV has all of them)" in shown_text(at)


def test_faint_partial_buckets_are_explained(on_tiny):
    # months from Jan 15 to Mar 2: January and March are cut by the dates
    at = open_page(
        view="pair", pair="PRK-RUS", bucket="month", start="2024-01-15", end="2024-03-02"
    )
    assert "Faint bars: the first and last months only partly fall between 2024-01-15 and" in (
        shown_text(at)
    )
    volume, tone = plotly_figures(at)[:2]
    assert volume["layout"]["xaxis"]["range"] == tone["layout"]["xaxis"]["range"]
    whole = open_page(
        view="pair", pair="PRK-RUS", bucket="month", start="2024-01-01", end="2024-03-31"
    )
    assert "Faint bars" not in shown_text(whole)


@pytest.mark.parametrize(
    "countries,caption",
    [
        ("", "Articles mentioning each country in the filters; select a country"),
        ("PRK", "Articles naming North Korea (in red) together with each country"),
    ],
)
def test_the_map_caption_describes_the_map_shown(on_tiny, countries, caption):
    at = open_page(view="map", countries=countries) if countries else open_page(view="map")
    assert caption in shown_text(at)


def test_the_network_and_third_countries_say_how_many_they_show(on_tiny, synthetic_db, monkeypatch):
    # PRK-RUS articles name two other countries (a2 USA, a8 UKR)
    assert "All 2 countries named with the pair." in shown_text(open_page(view="pair"))
    assert "All 6 pairs with at least 1 article(s)" in shown_text(open_page(view="network"))
    monkeypatch.setenv("TENSION_DB", str(synthetic_db))
    network = shown_text(open_page(view="network"))
    assert "The 150 busiest of " in network and "(the CSV has all of them" in network


def test_with_countries_the_sentence_window_counts_their_articles_without_text(on_tiny):
    # PRK is named in a1, a2, a3, a4, a8; a4 is the GDELT row without text
    at = open_page(countries="PRK", window="sentence")
    assert metric(at, "Articles") == "5"
    assert "1 articles have no text (GDELT rows)" in shown_text(at)


def test_origin_round_trips_through_the_url_and_the_freshness_line_says_when_a_view_mixes(
    on_tiny,
):
    mixed = open_page(view="articles", scope="all")
    assert "This view mixes origins: 7 articles from text sources and 1 GDELT rows" in (
        shown_text(mixed)
    )
    assert "origin" not in mixed.query_params  # "all" is every link's default
    at = open_page(view="articles", scope="all", origin="gdelt")
    assert_healthy(at)
    assert at.segmented_control(key="origin").value == "gdelt"
    assert at.query_params["origin"] == "gdelt"
    assert list(at.dataframe[0].value["origin"]) == ["gkg"]
    assert "mixes origins" not in shown_text(at)
    at.segmented_control(key="origin").set_value("all").run()
    assert "origin" not in at.query_params and "mixes origins" in shown_text(at)


def test_a_database_of_an_older_schema_says_how_to_upgrade_it(tmp_path, monkeypatch):
    path = build_tiny_db(tmp_path / "old.duckdb")
    with duckdb.connect(str(path)) as con:
        con.execute("update meta set value = '3' where key = 'schema_version'")
    monkeypatch.setenv("TENSION_DB", str(path))
    at = open_page()
    assert not at.exception
    assert "older than this dashboard reads" in shown_text(at)
    assert "the next `python -m etl load` upgrades it" in shown_text(at)


def test_the_pair_views_spike_rule_asks_one_source_when_the_filters_hold_one(on_tiny):
    # four sources in the tiny database; a source filter leaves one to count (refs #17)
    every = shown_text(open_page(view="pair", pair="PRK-RUS"))
    assert "2 sources and 2 stories" in every
    one = shown_text(open_page(view="pair", pair="PRK-RUS", source="wire-a"))
    assert "1 source (these data hold only one, so the rule of 2 sources cannot apply)" in one
