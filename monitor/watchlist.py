"""A watchlist (refs #17): what the watcher checks, saved from the dashboard (monitor/store.py)
or written in the monitor config (`[[watch]]`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from monitor.spikes import SENSITIVITY

_PAIR = re.compile(r"^[A-Z]{3}-[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{3}$")
# a password written into a URL (scheme://user:password@host) rather than a {PLACEHOLDER}
_INLINE_PASSWORD = re.compile(r"^[a-z0-9+.-]+://[^/@:{}]+:(?!\{[A-Z0-9_]+\}@)[^/@]+@", re.I)


class WatchlistError(ValueError):
    """A watchlist that cannot be saved; the message says which field to fix."""


@dataclass(frozen=True)
class Watchlist:
    name: str
    pairs: tuple[str, ...] = ()
    """'PRK-RUS', the codes in order (country_a < country_b)."""
    countries: tuple[str, ...] = ()
    """Every pair naming one of these is watched."""
    lang: str | None = None
    source: str | None = None
    keywords: tuple[str, ...] = ()
    sensitivity: str = "normal"
    notify: tuple[str, ...] = ()
    """apprise URLs; secrets as {NAME} placeholders (see etl/alerts/deliver.py)."""
    owner: str = ""
    """The signed-in address that saved it; '' for the team's (config, or no sign-in)."""
    is_shared: bool = False
    """Whether the whole team sees it (with sign-in; refs #19)."""
    origin: str = field(default="dashboard", compare=False)
    """Where it was defined: 'dashboard' (this store) or 'config' (the monitor config)."""

    def checked(self) -> Watchlist:
        """This watchlist with its pairs put in order, or WatchlistError naming the fault."""
        name = self.name.strip()
        if not name:
            raise WatchlistError("a watchlist needs a name")
        pairs = tuple(dict.fromkeys("-".join(sorted(p.upper().split("-"))) for p in self.pairs))
        if bad := [p for p in pairs if not _PAIR.match(p) or p[:3] == p[4:]]:
            raise WatchlistError(f"{bad[0]!r} is not a pair of two ISO-3 codes like 'PRK-RUS'")
        countries = tuple(dict.fromkeys(c.upper() for c in self.countries))
        if bad := [c for c in countries if not _COUNTRY.match(c)]:
            raise WatchlistError(f"{bad[0]!r} is not an ISO-3 country code")
        if not pairs and not countries:
            raise WatchlistError(f"watchlist {name!r} needs at least one pair or country")
        if self.sensitivity not in SENSITIVITY:
            raise WatchlistError(f"sensitivity must be one of {', '.join(SENSITIVITY)}")
        if bad := [url for url in self.notify if _INLINE_PASSWORD.match(url)]:
            scheme = bad[0].split("://")[0]
            raise WatchlistError(
                f"a {scheme}:// URL holds a password: write it as {{NAME}} and put NAME in "
                "the environment or the secrets file"
            )
        keywords = tuple(k.strip() for k in self.keywords if k.strip())
        return Watchlist(
            name, pairs, countries, self.lang or None, self.source or None, keywords,
            self.sensitivity, tuple(self.notify), self.owner, bool(self.is_shared), self.origin,
        )  # fmt: skip


def channel_label(url: str) -> str:
    """'json://hooks.example.org' for any notify URL: what logs and pages show of a channel,
    never its user, password, path or query (where tokens live)."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    return f"{scheme}://{host}" if rest else scheme
