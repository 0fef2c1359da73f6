"""Who may see and change which watchlist, and what the audit trail records, once the
dashboard has sign-in (refs #19).

The store (monitor/store.py) takes a `Requester` in every call made for a dashboard user and
applies these rules itself, so a page that forgot to hide a button still cannot show or
change another user's watchlist. `None` instead of a requester means sign-in is off: one
anonymous local user who sees and changes every watchlist, as before #19, and nothing is
audited (there is nobody to name).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

DOWNLOAD = "download"
WATCHLIST_CREATE = "watchlist_create"
WATCHLIST_EDIT = "watchlist_edit"
WATCHLIST_DELETE = "watchlist_delete"
ACTIONS = (DOWNLOAD, WATCHLIST_CREATE, WATCHLIST_EDIT, WATCHLIST_DELETE)
"""The `action` of an audit row."""


class Owned(Protocol):
    """What the rules read of a watchlist."""

    owner: str
    is_shared: bool


@dataclass(frozen=True)
class Requester:
    """A signed-in user and the page they act from.

    `email` is the lower-cased address watchlists are owned by; `view` and `query` (the
    dashboard's share-URL query string) say where, for the audit trail.
    """

    email: str
    is_admin: bool = False
    view: str = ""
    query: str = ""

    def may_see(self, watchlist: Owned) -> bool:
        """Their own, those shared with the team, and the team's (owner '': saved before
        sign-in was configured)."""
        return watchlist.owner in ("", self.email) or watchlist.is_shared

    def may_change(self, watchlist: Owned) -> bool:
        """Their own; an admin also the shared ones and the team's. Nobody, admins included,
        changes another user's private watchlist: it is not theirs to see."""
        if watchlist.owner == self.email:
            return True
        return self.is_admin and (watchlist.is_shared or not watchlist.owner)

    def event(
        self, action: str, target: str, count_rows: int | None = None, is_complete: bool = True
    ) -> AuditEvent:
        """The audit row of this requester doing `action` on `target` now."""
        return AuditEvent(
            self.email, action, self.view, self.query, target, count_rows, is_complete
        )


@dataclass(frozen=True)
class AuditEvent:
    """One row of the audit trail; the store adds when (UTC)."""

    user_email: str
    action: str
    view_name: str
    filters: str
    """The share URL's query string: the filters in force."""
    target: str
    """The CSV's file name, or the watchlist's name (and owner, when another user's)."""
    count_rows: int | None = None
    """Rows in the CSV (as sent, for a streamed one); None for a watchlist change."""
    is_complete: bool = True
    """False when the client left before a streamed CSV ended."""


class WatchlistAccessError(PermissionError):
    """A requester asked for a watchlist that is not theirs to change or see."""


def watchlist_target(requester: Requester, owner: str, name: str) -> str:
    """The audit row's target for a watchlist: its name, and whose when not the requester's."""
    return name if owner == requester.email else f"{name} (of {owner or 'the team'})"
