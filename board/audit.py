"""The dashboard's side of the audit trail (refs #19): who asks, from which view and filters,
and the record of every CSV download, in the writable store (never the published database).

Only with sign-in: without it every visitor is the same anonymous user, there is nobody to
name, and nothing is recorded (`requester` is None).
"""

from __future__ import annotations

from urllib.parse import urlencode

from board import auth, settings
from board.state import Filters, to_query
from monitor import team
from monitor.store import Store
from monitor.team import Requester


def store() -> Store:
    """The writable store beside the published database (`TENSION_STORE` names another)."""
    return Store(settings.store_path())


def share_query(filters: Filters) -> str:
    """The query string of the share URL of these filters: what the audit row says of them."""
    return urlencode(to_query(filters))


def requester(filters: Filters) -> Requester | None:
    """The signed-in user of this script run on the page of `filters`; None without sign-in."""
    return requester_of(auth.signed_in_user(), filters)


def requester_of(user: auth.User | None, filters: Filters) -> Requester | None:
    """`user` (as the sign-in gate or the route's cookie check found them) on that page."""
    if user is None:
        return None
    return Requester(user.email, user.is_admin, filters.view, share_query(filters))


def record_download(
    who: Requester | None, file_name: str, count_rows: int, is_complete: bool = True
) -> None:
    """Record a CSV download of `count_rows` rows (nothing without sign-in)."""
    if who is not None:
        store().record_audit(who.event(team.DOWNLOAD, file_name, count_rows, is_complete))
