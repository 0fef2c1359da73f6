"""Serving a team (refs #19): per-user watchlists and the audit trail, with sign-in faked in
AppTest as tests/test_auth.py does (secrets with `[auth]`, `at.user` as the provider's
claims). Three users of the allow-list: ana and bob (analysts) and lead (an admin)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from board import panel
from monitor import team
from monitor.store import Store, Watchlist, WatchlistError
from monitor.team import Requester, WatchlistAccessError
from tests.test_auth import AUTH, TEAM
from tests.test_dashboard import (  # noqa: F401 (fixtures)
    DASHBOARD,
    TIMEOUT,
    main_module_restored,
    on_tiny,
    shown_text,
    tiny_db,
)

ANA = "ana@team.example"
BOB = "bob@team.example"
LEAD = "lead@example.org"
PAIR_PAGE = {"view": "pair", "pair": "PRK-RUS", "bucket": "month"}
# the share URL of PAIR_PAGE on the tiny database, as the page writes it back
PAIR_QUERY = (
    "view=pair&start=2024-01-10&end=2024-03-04&pair=PRK-RUS&window=article&measure=count"
    "&bucket=month&min=1&unit=article"
)
PAIR_CSV = "tension-pair-timeline-2024-01-10_2024-03-04-PRK-RUS-article-count-month.csv"
# the watchlists view keeps the data's default pair (the busiest) and bucket
WATCHLISTS_QUERY = (
    "view=watchlists&start=2024-01-10&end=2024-03-04&pair=PRK-RUS&window=article"
    "&measure=count&bucket=day&min=1&unit=article"
)


@pytest.fixture
def store(on_tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:  # noqa: F811
    """The tiny database, and a store of this test's own."""
    monkeypatch.setenv("TENSION_STORE", str(tmp_path / "store.sqlite"))
    return Store(tmp_path / "store.sqlite")


def page(email: str | None, **query: str) -> AppTest:
    """The dashboard with sign-in on, as `email` signed in (no sign-in at all for None)."""
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    if email is not None:
        at.secrets.update({"auth": AUTH, "tension": TEAM})
        at.user = {"is_logged_in": True, "email": email}
    at.query_params.update(query)
    at.run()
    assert not at.exception
    return at


def watchlist_names(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["Name"]) if at.dataframe else []


def as_admin() -> Requester:
    return Requester(LEAD, is_admin=True)


def test_a_watchlist_saved_signed_in_is_its_owners_until_shared(store):
    ana = page(ANA, **PAIR_PAGE)
    ana.text_input(key="watch_name").input("Ana's Korea")
    ana.button(key="watch_save").click().run()
    [saved] = store.watchlists()
    assert (saved.owner, saved.is_shared) == (ANA, False)
    # private: another analyst does not see it, nor does an admin
    assert any("No watchlist yet" in i.value for i in page(BOB, view="watchlists").info)
    assert watchlist_names(page(LEAD, view="watchlists")) == []

    mine = page(ANA, view="watchlists")
    mine.checkbox(key="edit_shared").check()
    mine.button(key="edit_save").click().run()
    assert store.watchlists()[0].is_shared

    bob = page(BOB, view="watchlists")
    assert watchlist_names(bob) == ["Ana's Korea"]
    row = bob.dataframe[0].value.iloc[0]
    assert (row["Owner"], row["Shared"]) == (ANA, True)
    # visible, not his to change: no form, no delete, and the page says why
    assert not [b for b in bob.button if b.key in ("edit_save", "edit_delete")]
    assert any(f"Shared by {ANA}: only its owner or an admin" in c.value for c in bob.caption)

    lead = page(LEAD, view="watchlists")
    # an admin changes a shared watchlist, but sharing stays its owner's decision
    assert not [c for c in lead.checkbox if c.key == "edit_shared"]
    lead.text_input(key="edit_keywords").input("shells")
    lead.button(key="edit_save").click().run()
    [edited] = store.watchlists()
    assert (edited.owner, edited.is_shared, edited.keywords) == (ANA, True, ("shells",))


@pytest.mark.parametrize(
    "who,sees,changes",
    [
        # an analyst: their own, the shared ones and the team's; changes only their own
        (Requester(BOB), {"Shared", "Team"}, set()),
        (Requester(ANA), {"Private", "Shared", "Team"}, {"Private", "Shared"}),
        # an admin also changes the shared and the team's, never another's private one
        (as_admin(), {"Shared", "Team"}, {"Shared", "Team"}),
        # no sign-in: one local user, who sees and changes everything, as before #19
        (None, {"Private", "Shared", "Team"}, {"Private", "Shared", "Team"}),
    ],
)
def test_the_store_itself_keeps_each_watchlist_to_whom_may_see_and_change_it(
    tmp_path, who, sees, changes
):
    store = Store(tmp_path / "store.sqlite")
    store.save_watchlist(Watchlist("Private", pairs=("PRK-RUS",)), Requester(ANA))
    store.save_watchlist(Watchlist("Shared", ("CHN-PHL",), is_shared=True), Requester(ANA))
    store.save_watchlist(Watchlist("Team", pairs=("RUS-UKR",)))
    watchlists = {w.name: w for w in store.watchlists()}
    assert {w.name for w in store.visible_watchlists(who)} == sees
    changed = set()
    for name, watchlist in watchlists.items():
        try:
            store.update_watchlist(watchlist, who)
            store.delete_watchlist(name, watchlist.owner, who)
        except WatchlistAccessError as err:
            # a private watchlist of another user is not even named as existing
            hidden = name not in sees
            assert ("no watchlist" in str(err)) is hidden
        else:
            changed.add(name)
    assert changed == changes


def test_a_name_another_user_has_is_refused_so_neither_silences_the_others_alerts(tmp_path):
    store = Store(tmp_path / "store.sqlite")
    store.save_watchlist(Watchlist("Korea", pairs=("PRK-RUS",)), Requester(ANA))
    with pytest.raises(WatchlistError, match="taken by a watchlist that is not yours"):
        store.save_watchlist(Watchlist("Korea", pairs=("CHN-TWN",)), Requester(BOB))
    # saving one's own again replaces it
    store.save_watchlist(Watchlist("Korea", pairs=("CHN-TWN",)), Requester(ANA))
    assert [w.pairs for w in store.watchlists()] == [("CHN-TWN",)]


def audit_rows(store: Store) -> list[tuple]:
    """The trail, oldest first, without its ids and times (checked apart)."""
    rows = store.audit_trail(as_admin())
    for row in rows:
        assert datetime.fromisoformat(row["recorded_at"]).utcoffset().total_seconds() == 0
    return [
        (r["user_email"], r["action"], r["view_name"], r["filters"], r["target"],
         r["count_rows"], r["is_complete"])
        for r in reversed(rows)
    ]  # fmt: skip


def test_a_download_and_each_watchlist_change_leave_exact_audit_rows(store):
    ana = page(ANA, **PAIR_PAGE)
    # the month timeline of PRK-RUS: January (a1, a2), February (a3, a4), March (a8)
    ana.download_button(key="download_pair_timeline").click().run()
    ana.text_input(key="watch_name").input("Ana's Korea")
    ana.button(key="watch_save").click().run()
    mine = page(ANA, view="watchlists")
    mine.text_input(key="edit_keywords").input("shells")
    mine.button(key="edit_save").click().run()
    mine.button(key="edit_delete").click().run()
    assert not mine.exception
    assert audit_rows(store) == [
        (ANA, "download", "pair", PAIR_QUERY, PAIR_CSV, 3, 1),
        (ANA, "watchlist_create", "pair", PAIR_QUERY, "Ana's Korea", None, 1),
        (ANA, "watchlist_edit", "watchlists", WATCHLISTS_QUERY, "Ana's Korea", None, 1),
        (ANA, "watchlist_delete", "watchlists", WATCHLISTS_QUERY, "Ana's Korea", None, 1),
    ]


def test_an_admins_change_to_a_shared_watchlist_names_its_owner(store):
    store.save_watchlist(Watchlist("Reef", ("CHN-PHL",), is_shared=True), Requester(ANA))
    lead = page(LEAD, view="watchlists")
    lead.button(key="edit_delete").click().run()
    assert store.watchlists() == []
    created, deleted = audit_rows(store)
    assert created[:2] == (ANA, "watchlist_create")
    assert (deleted[0], deleted[1], deleted[4]) == (LEAD, "watchlist_delete", f"Reef (of {ANA})")


def test_without_sign_in_nothing_is_recorded_and_there_is_no_audit_view(store):
    at = page(None, **PAIR_PAGE)
    at.download_button(key="download_pair_timeline").click().run()
    at.text_input(key="watch_name").input("Korea")
    at.button(key="watch_save").click().run()
    assert [w.owner for w in store.watchlists()] == [""]
    assert audit_rows(store) == []
    audit = page(None, view="audit")
    assert "Unknown view `audit`" in shown_text(audit)
    assert "Audit" not in [s.value for s in audit.subheader]


def test_the_audit_page_is_the_admins_alone(store):
    store.record_audit(Requester(ANA, view="pair", query=PAIR_QUERY).event("download", "x", 3))
    for email in (ANA, BOB):
        at = page(email, view="audit")
        # as for any unknown view: the overview, a notice, and no switch to the audit
        assert "Unknown view `audit`" in shown_text(at)
        assert "Audit" not in [s.value for s in at.subheader]
        assert "Audit" not in at.get("segmented_control")[0].options
        assert [d.key for d in at.dataframe] == ["top_pairs"]
    lead = page(LEAD, view="audit")
    assert "Audit" in [s.value for s in lead.subheader]
    assert "Audit" in lead.get("segmented_control")[0].options
    row = lead.dataframe[0].value.iloc[0]
    assert (row["user_email"], row["action"], row["count_rows"]) == (ANA, "download", 3)
    assert row["link"] == "./?" + PAIR_QUERY
    with pytest.raises(WatchlistAccessError):
        store.audit_trail(Requester(ANA))


def test_the_audit_page_filters_and_its_own_download_is_neutralised_and_audited(store):
    formula = '=HYPERLINK("http://x","y")'
    store.record_audit(Requester(BOB, view="pair").event("download", formula, 7))
    store.record_audit(Requester(ANA, view="map").event("watchlist_create", "Reef"))
    lead = page(LEAD, view="audit")
    assert len(lead.dataframe[0].value) == 2
    lead.selectbox(key="audit_user").select(BOB).run()
    [target] = lead.dataframe[0].value["target"]
    assert target == formula
    lead.selectbox(key="audit_action").select("watchlist_create").run()
    assert any("No audited action matches" in i.value for i in lead.info)
    lead.selectbox(key="audit_action").select("").run()
    lead.download_button(key="download_audit").click().run()
    own = audit_rows(store)[-1]
    assert own[:2] == (LEAD, "download") and own[2] == "audit" and own[5] == 1


def test_the_audit_csv_neutralises_formulas():
    from board.export import to_csv
    from board.views.audit import audit_table

    formula = '=HYPERLINK("http://x","y")'
    event = Requester("=cmd@evil.example", view="pair").event(team.DOWNLOAD, formula, 7)
    row = {"event_id": 1, "recorded_at": "2026-01-01T00:00:00+00:00", **event.__dict__}
    text = to_csv(audit_table([row]).drop(columns="link")).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'=cmd@evil.example" in text


def test_a_csv_built_when_fetched_is_audited_with_the_rows_it_holds(tmp_path, monkeypatch):
    """Under `streamlit run dashboard.py` (no streamed route) a view's every-row CSV is built
    when the browser fetches it; Streamlit calls the button's `data` then, and nothing else,
    so that call is what must record the download. AppTest has no server to fetch through:
    the button's arguments stand in for it."""
    monkeypatch.setenv("TENSION_STORE", str(tmp_path / "store.sqlite"))
    button: dict = {}
    monkeypatch.setattr(panel.st, "download_button", lambda *args, **kwargs: button.update(kwargs))
    rows = pd.DataFrame({"title": ['=HYPERLINK("http://x","y")', "plain"], "tone": [-1.5, 2.0]})
    who = Requester(ANA, view="articles", query="view=articles&scope=all")
    panel.audited_download(lambda: rows, "tension-articles.csv", who, key="k")
    assert button["on_click"] == "ignore"
    assert Store(tmp_path / "store.sqlite").audit_trail(as_admin()) == []
    body = button["data"]().decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "-1.5" in body
    [row] = Store(tmp_path / "store.sqlite").audit_trail(as_admin())
    assert (row["user_email"], row["view_name"], row["filters"], row["target"]) == (
        ANA, "articles", "view=articles&scope=all", "tension-articles.csv",
    )  # fmt: skip
    assert (row["count_rows"], row["is_complete"]) == (2, 1)
