"""Changing the dashboard's filters in its sidebar as an analyst does, for
bench/load_dashboard.py (refs #19): one widget at a time, each change a rerun of the page (no
reload) that the analyst waits for before the next.

A filter set is the query-string form the bench's links use (`start`, `end`, `lang`,
`countries`, `window`); `steps` says which widget changes take the sidebar from one set to
another, and `commit` makes one, returning once the action that commits it is taken, so the
time a page takes starts there and not while a dropdown opens or a date is typed.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from board.controls import WINDOW_LABELS

FIELDS = ("start", "end", "lang", "countries", "window")
"""The filters the bench's rounds set; any other stays as the session's first link left it."""


def complete(filters: dict[str, str], defaults: dict[str, str]) -> dict[str, str]:
    """A filter set with every field of FIELDS, the dashboard's default where it has none."""
    return {name: filters.get(name, defaults.get(name, "")) for name in FIELDS}


def steps(current: dict[str, str], target: dict[str, str]) -> list[tuple[str, str]]:
    """The (field, value) changes, one widget each, from complete set current to target.

    The dates go in the order that never puts "From" after "To", which the dashboard refuses
    (and the URL would not change); a country is removed or added one at a time, as the
    multiselect does.
    """
    changes: list[tuple[str, str]] = []
    dates = [name for name in ("start", "end") if current[name] != target[name]]
    if dates == ["start", "end"] and target["start"] > current["end"]:
        dates.reverse()
    changes += [(name, target[name]) for name in dates]
    if current["lang"] != target["lang"]:
        changes.append(("lang", target["lang"]))
    before, after = _codes(current["countries"]), _codes(target["countries"])
    changes += [("countries", f"-{code}") for code in before if code not in after]
    changes += [("countries", f"+{code}") for code in after if code not in before]
    if current["window"] != target["window"]:
        changes.append(("window", target["window"]))
    return changes


async def commit(page, name: str, value: str) -> Callable[[], Awaitable[None]]:
    """Prepare the change of one widget (type the date, open the dropdown) and return the
    action that commits it, which starts the rerun."""
    sidebar = page.locator(f".st-key-{name}")
    if name in ("start", "end"):
        box = sidebar.locator("input")
        await box.fill(value)
        # the date input commits when its calendar closes
        return lambda: box.press("Escape")
    if name == "lang":
        await sidebar.click()
        label = "All languages" if not value else re.compile(rf"\({re.escape(value)}\)$")
        return page.get_by_role("option", name=label).click
    if name == "countries":
        code = value[1:]
        # a country is labelled "Russia (RUS)", or "RUS" where the data has no name for it
        label = rf"(.*\()?{code}\)?$"
        if value.startswith("-"):
            return sidebar.get_by_role("button", name=re.compile(f"^Remove {label}")).click
        await sidebar.locator("input").fill(code)
        return page.get_by_role("option", name=re.compile(f"^{label}")).click
    if name == "window":
        return sidebar.locator("button", has_text=WINDOW_LABELS[value]).click
    raise ValueError(f"no widget for {name!r}")


def apply(current: dict[str, str], name: str, value: str) -> dict[str, str]:
    """The complete filter set after one change from `steps`."""
    if name != "countries":
        return {**current, name: value}
    codes = [c for c in _codes(current["countries"]) if c != value[1:]]
    if value.startswith("+"):
        codes.append(value[1:])
    return {**current, "countries": ",".join(codes)}


def _codes(countries: str) -> list[str]:
    return [code for code in countries.split(",") if code]
