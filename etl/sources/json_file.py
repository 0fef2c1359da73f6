"""`.json` files: an array of records read item by item, in bounded memory.

A file that is not an array (one object, or JSON Lines saved as .json) is read as a sequence
of top-level values, so both common meanings of ".json" load without a conversion step.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from etl.sources.base import Item, ReadOptions, UnreadableRest, open_binary, size_text
from etl.sources.encoding import AUTO, FALLBACK_ERRORS
from etl.sources.files import json_record

CHUNK_CHARS = 1 << 20
"""Characters read at a time; an item is parsed once the chunks hold all of it."""


def read_json(path: Path, options: ReadOptions) -> Iterator[Item]:
    """One Article or Reject per array item (or per top-level value), located as 'item N'.

    Invalid JSON ends the file in one reject for its rest: past a syntax error there is no
    telling where the next item starts.
    """
    with open_binary(path, options.on_bytes, options.max_unzipped_bytes) as stream:
        text = _text(stream, options.encoding)
        for number, (value, raw) in enumerate(_values(text, path, options.max_line_bytes), 1):
            yield json_record(value, raw, path, f"{path}:item {number}", options)


def _text(stream, encoding: str) -> TextIO:
    if encoding == AUTO:
        return io.TextIOWrapper(stream, encoding="utf-8-sig", errors=FALLBACK_ERRORS)
    return io.TextIOWrapper(stream, encoding=encoding)


class _Buffer:
    """The unread part of a text stream, refilled in chunks."""

    def __init__(self, text: TextIO, path: Path) -> None:
        self._text = text
        self._path = path
        self.data = ""
        self.pos = 0
        self.eof = False

    def fill(self) -> None:
        try:
            chunk = self._text.read(CHUNK_CHARS)
        except UnicodeDecodeError as err:
            raise UnreadableRest(self._path, f"not {err.encoding} text ({err.reason})") from err
        self.data = self.data[self.pos :] + chunk
        self.pos = 0
        self.eof = not chunk

    def next_char(self) -> str:
        """The next non-blank character, not consumed; '' at the end of the file."""
        while True:
            while self.pos < len(self.data) and self.data[self.pos].isspace():
                self.pos += 1
            if self.pos < len(self.data) or self.eof:
                return self.data[self.pos : self.pos + 1]
            self.fill()


def _values(text: TextIO, path: Path, max_item_chars: int) -> Iterator[tuple[object, str]]:
    """Each array item (or top-level value) and its JSON text."""
    buffer = _Buffer(text, path)
    in_array = buffer.next_char() == "["
    if in_array:
        buffer.pos += 1
    decoder = json.JSONDecoder()
    number = 0
    while True:
        char = buffer.next_char()
        if in_array and char == ",":
            buffer.pos += 1
            continue
        if not char or (in_array and char == "]"):
            return
        number += 1
        yield _decode_item(decoder, buffer, path, number, max_item_chars)


def _decode_item(
    decoder: json.JSONDecoder, buffer: _Buffer, path: Path, number: int, max_item_chars: int
) -> tuple[object, str]:
    while True:
        try:
            value, end = decoder.raw_decode(buffer.data, buffer.pos)
        except json.JSONDecodeError as err:
            end, error = None, err
        except (RecursionError, ValueError) as err:  # nesting or digits past Python's limits
            end, error = None, err
        # a value that reaches the end of the chunk may go on in the next one
        if end is not None and (end < len(buffer.data) or buffer.eof):
            raw = buffer.data[buffer.pos : end]
            buffer.pos = end
            return value, raw
        if len(buffer.data) - buffer.pos > max_item_chars:
            raise UnreadableRest(path, _reason(number, f"over {size_text(max_item_chars)}"))
        if buffer.eof:
            raise UnreadableRest(path, _reason(number, _detail(error)))
        buffer.fill()


def _detail(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return error.msg.removesuffix(" at")
    return str(error) or "nested too deeply"


def _reason(number: int, detail: str) -> str:
    return f"invalid JSON in item {number}: {detail}; the rest of the file is skipped"
