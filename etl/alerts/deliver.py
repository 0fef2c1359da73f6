"""Delivering a message through apprise: secrets filled in at the last moment, retries with
backoff, and nothing secret in what is logged or returned (refs #17).

A notify URL names its secrets as {NAME} placeholders ("mailtos://alerts:{SMTP_PASSWORD}@
smtp.example.org"); NAME is looked up in the environment, then in the secrets file.
"""

from __future__ import annotations

import logging
import os
import re
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import apprise

from etl.errors import EtlError

_PLACEHOLDER = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
REDACTED = "[secret]"


class SecretsError(EtlError):
    """A secrets file that cannot be read; the message says which."""


@dataclass(frozen=True)
class Outcome:
    ok: bool
    tries: int
    error: str | None
    """What went wrong, with every secret value replaced by [secret]."""


def load_secrets(channels: list[str], path: Path | None) -> dict[str, str]:
    """NAME -> value for the placeholders of `channels`: the environment, else the secrets
    file (TOML of NAME = "value"); names nobody asks for are not read.

    Raises:
        SecretsError: the secrets file cannot be read or parsed (its values never shown).
    """
    names = {name for channel in channels for name in _PLACEHOLDER.findall(channel)}
    found: dict[str, str] = {}
    if path is not None and names - os.environ.keys():
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise SecretsError(
                f"secrets file {path}: {type(err).__name__}; fix it or set the names in the "
                "environment"
            ) from None
        found = {k: str(v) for k, v in document.items() if k in names}
    return found | {name: os.environ[name] for name in names if name in os.environ}


def fill(url: str, secrets: dict[str, str]) -> str:
    """The URL with its {NAME} placeholders filled.

    Raises:
        KeyError: a placeholder without a secret (its name, never a value).
    """
    return _PLACEHOLDER.sub(lambda match: secrets[match[1]], url)


def send(
    channel: str,
    title: str,
    body: str,
    secrets: dict[str, str],
    *,
    attempts: int,
    backoff_seconds: float,
    body_format: str = apprise.NotifyFormat.TEXT,
    sleep: Callable[[float], None] = time.sleep,
) -> Outcome:
    """Send to one apprise URL, retrying a failure `attempts` times in all with the wait
    doubling from `backoff_seconds`."""
    try:
        url = fill(channel, secrets)
    except KeyError as err:
        return Outcome(False, 0, f"no secret {err.args[0]} in the environment or secrets file")
    notifier = apprise.Apprise()
    with _quiet_apprise(secrets) as said:
        if not notifier.add(url):
            return Outcome(False, 0, "not an apprise URL apprise can use")
        for attempt in range(1, attempts + 1):
            if notifier.notify(title=title, body=body, body_format=body_format):
                return Outcome(True, attempt, None)
            if attempt < attempts:
                sleep(backoff_seconds * 2 ** (attempt - 1))
    return Outcome(False, attempts, _redact(said[-1] if said else "delivery failed", secrets))


QUIETED = ("apprise", "urllib3")
"""Loggers kept from the application's handlers while sending: apprise's (its debug lines
name the URL) and urllib3's (it logs each request's path, where Slack-style tokens live)."""


@contextmanager
def _quiet_apprise(secrets: dict[str, str]) -> Iterator[list[str]]:
    """Apprise's warnings collected, redacted, for the delivery's recorded error; nothing of
    the quieted loggers reaches a log while a URL with its secrets is in use."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.name.startswith("apprise"):
                lines.append(_redact(record.getMessage(), secrets))

    handler = Collect(level=logging.WARNING)
    loggers = [logging.getLogger(name) for name in QUIETED]
    saved = [(logger.propagate, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False
        logger.setLevel(logging.WARNING)
    try:
        yield lines
    finally:
        for logger, (propagate, level) in zip(loggers, saved, strict=True):
            logger.removeHandler(handler)
            logger.propagate, logger.level = propagate, level


def _redact(text: str, secrets: dict[str, str]) -> str:
    for value in sorted(secrets.values(), key=len, reverse=True):
        if value:
            text = text.replace(value, REDACTED)
    return " ".join(text.split())[:300]
