"""Text from input bytes: UTF-8 when it is, else Windows-1252, or the codec --encoding names.

Never a U+FFFD that was not in the input (issue #11): a Latin-1 "Café" is read as "Café" and
noted, not stored as "Caf\ufffd". Bytes that are not valid UTF-8 are almost always Windows-1252
(of which Latin-1's printable range is a subset; the WHATWG encoding standard reads a
"latin-1" label as windows-1252 for that reason). A detector was tried and rejected:
charset-normalizer 3.5 read Latin-1 "España" as cp1250 "Espańa" and "Færøyene" as Big5 on
news-sized records, damage without a U+FFFD to show it. Other encodings (cp1251, shift_jis)
are named with --encoding.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import BinaryIO

AUTO = "auto"
FALLBACK = "windows-1252"
FALLBACK_NOTE = "not UTF-8: read as Windows-1252 (pass --encoding if that is wrong)"
FALLBACK_ERRORS = "etl-windows-1252"
"""The codec error handler that reads bytes invalid in UTF-8 as Windows-1252."""


def _windows_1252_byte(value: int) -> str:
    # the five bytes Windows-1252 leaves undefined are the C1 controls of the same number,
    # as browsers read them (WHATWG), so every byte has a character and none is lost
    try:
        return bytes([value]).decode(FALLBACK)
    except UnicodeDecodeError:
        return chr(value)


_BARE_CR = re.compile(rb"(?<=\r)(?!\n)")

_WINDOWS_1252 = [_windows_1252_byte(value) for value in range(256)]


def _read_as_windows_1252(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeDecodeError):
        raise err
    bad = err.object[err.start : err.end]
    return "".join(_WINDOWS_1252[value] for value in bad), err.end


codecs.register_error(FALLBACK_ERRORS, _read_as_windows_1252)


def check_encoding(name: str) -> str | None:
    """Why `name` cannot be an --encoding, or None.

    Inputs are split into lines as bytes before decoding, so only codecs that write ASCII as
    ASCII qualify (UTF-16 and UTF-32 do not).
    """
    if name == AUTO:
        return None
    try:
        codecs.lookup(name)
    except LookupError:
        return f"unknown encoding {name!r}; use auto or a Python codec name such as cp1251"
    try:
        ascii_safe = '\n,;|\t{}"a0'.encode(name) == b'\n,;|\t{}"a0'
    except (UnicodeError, LookupError):
        ascii_safe = False
    if not ascii_safe:
        return f"{name} is not ASCII-compatible; convert the file to UTF-8 first (iconv -t utf-8)"
    return None


def decode_text(data: bytes, encoding: str = AUTO) -> tuple[str, str | None]:
    """The text of `data` (a leading BOM dropped) and a note when it was not UTF-8.

    Raises:
        UnicodeDecodeError: `data` is not valid in the `encoding` the user named.
    """
    if encoding != AUTO:
        return data.decode(encoding).removeprefix("\ufeff"), None
    try:
        return data.decode("utf-8").removeprefix("\ufeff"), None
    except UnicodeDecodeError:
        return data.decode("utf-8", FALLBACK_ERRORS).removeprefix("\ufeff"), FALLBACK_NOTE


def undecodable_reason(err: UnicodeDecodeError, encoding: str) -> str:
    """A reject reason for bytes that are not valid in the --encoding the user named."""
    return f"not {encoding} text ({err.reason} at byte {err.start + 1}); check --encoding"


class DecodedLines:
    """Text lines for csv.reader, each decoded on its own, with what decoding them found.

    csv.reader pulls exactly the lines of one record, so after each record `take()` tells
    whether that record needed the fallback or could not be decoded at all.
    """

    def __init__(self, stream: BinaryIO, encoding: str = AUTO) -> None:
        self._stream = stream
        self._encoding = encoding
        self._pending: list[bytes] = []
        self._notes: list[str] = []
        self._problem: str | None = None

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self._next_line()
        try:
            text, note = decode_text(line, self._encoding)
        except UnicodeDecodeError as err:
            self._problem = self._problem or undecodable_reason(err, self._encoding)
            # shown in the reject as the bytes it holds (\\xe9), never as U+FFFD
            return line.decode(self._encoding, "backslashreplace")
        if note and note not in self._notes:
            self._notes.append(note)
        return text

    def _next_line(self) -> bytes:
        # a bare CR ends a line too, as in a text file opened with newline="": the CSV line
        # numbers in locators stay those of the local and the Dask engine alike
        if self._pending:
            return self._pending.pop()
        line = self._stream.readline()
        if not line:
            raise StopIteration
        body = len(line) - (2 if line.endswith(b"\r\n") else 1)
        if line.find(b"\r", 0, body) < 0:  # the common case, without a regex split
            return line
        self._pending = [piece for piece in _BARE_CR.split(line) if piece][::-1]
        return self._pending.pop()

    def take(self) -> tuple[tuple[str, ...], str | None]:
        """The notes and the decoding problem of the lines read since the last call."""
        taken = (tuple(self._notes), self._problem)
        self._notes, self._problem = [], None
        return taken
