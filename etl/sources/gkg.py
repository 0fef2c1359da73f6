"""GDELT GKG 2.1 files (`*.gkg.csv`, `*.gkg.csv.zip`, translation stream) as pre-tagged Articles.

A GKG record has no text, only what GDELT extracted from it: locations (FIPS 10-4 country codes,
mapped to ISO-3 through `etl.sources.fips`), a 7-number tone, the page title, the source
language. Each tab-separated line of 27 columns becomes one Article with origin "gkg", or a
Reject saying why not. Zips are read in place, streaming their member, after a
decompression-bomb and integrity check (refs #6).
"""

from __future__ import annotations

import html
import io
import math
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from etl.dates import DateError, parse_published
from etl.identity import article_id_for
from etl.records import Article, Reject, ToneFields
from etl.sources.base import (
    MAX_UNZIPPED_BYTES,
    Item,
    ReadOptions,
    lines,
    open_binary,
    size_text,
)
from etl.sources.encoding import decode_text
from etl.sources.fips import fips_to_iso3, is_known
from etl.sources.iso639 import iso639_1

COLUMNS = (
    "GKGRECORDID",
    "DATE",
    "SourceCollectionIdentifier",
    "SourceCommonName",
    "DocumentIdentifier",
    "Counts",
    "V2Counts",
    "Themes",
    "V2Themes",
    "Locations",
    "V2Locations",
    "Persons",
    "V2Persons",
    "Organizations",
    "V2Organizations",
    "V2Tone",
    "Dates",
    "GCAM",
    "SharingImage",
    "RelatedImages",
    "SocialImageEmbeds",
    "SocialVideoEmbeds",
    "Quotations",
    "AllNames",
    "Amounts",
    "TranslationInfo",
    "Extras",
)
"""GKG 2.1 column order (GDELT GKG codebook V2.1); files have no header row."""

COL = {name: index for index, name in enumerate(COLUMNS)}
LOCATION_COUNTRY_FIELD = 2
"""In a `#`-separated location block: type#name#COUNTRY#ADM1#... (FIPS 10-4)."""

ENGLISH = "en"
"""The language of records without TranslationInfo: GDELT's main stream is English."""

MAX_ZIP_RATIO = 100.0
"""A zip member expanding more than this is refused as a decompression bomb: GKG text zips
at a ratio near 3, a bomb at thousands. The expanded size itself is capped by
--max-unzipped-mb (ReadOptions.max_unzipped_bytes), as for .gz inputs."""

ZIP_READ_BUFFER = 1 << 20
"""Bytes read from a zip member at a time."""

_ZIP_ERRORS = (zipfile.BadZipFile, EOFError, zlib.error, OSError)
_TITLE = re.compile(r"<PAGE_TITLE>(.*?)</PAGE_TITLE>", re.DOTALL)
_SRCLC = re.compile(r"srclc:([A-Za-z]{2,3})")


def read_gkg(path: Path, options: ReadOptions) -> Iterator[Item]:
    """Every record of a GKG file, zipped or not; a bad zip is one Reject, never partial rows."""
    if path.name.lower().endswith(".zip"):
        yield from read_gkg_zip(path, options)
        return
    with open_binary(path, options.on_bytes) as stream:
        yield from _records(stream, str(path), path, options)


def read_gkg_zip(
    path: Path, options: ReadOptions, max_ratio: float = MAX_ZIP_RATIO
) -> Iterator[Item]:
    """The records of every member, streamed; all of them, or one Reject if the zip is bad.

    Records are held until the member's CRC has been checked at its end: a GKG file is a few
    thousand text-less records, and a corrupt zip must not leave half its rows loaded.
    """
    problem = zip_problem(path, options.max_unzipped_bytes, max_ratio)
    if problem:
        yield Reject(str(path), str(path), problem)
        return
    items: list[Item] = []
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            for member in members:
                prefix = str(path) if len(members) == 1 else f"{path}!{member.filename}"
                # zipfile's own readline is slow on long lines; a buffer makes it 3x faster
                with archive.open(member) as member_stream:
                    stream = io.BufferedReader(member_stream, ZIP_READ_BUFFER)
                    items.extend(_records(stream, prefix, path, options))
    except _ZIP_ERRORS as err:
        yield Reject(str(path), str(path), f"corrupt zip: {err}")
        return
    if options.on_bytes:
        options.on_bytes(path.stat().st_size)
    yield from items


def zip_problem(
    path: Path,
    max_bytes: int = MAX_UNZIPPED_BYTES,
    max_ratio: float = MAX_ZIP_RATIO,
    *,
    deep: bool = False,
) -> str | None:
    """Why the zip cannot be loaded (bomb, truncated, corrupt), or None when it looks sound.

    Without `deep` only the structure and the declared sizes are checked, which catches a
    truncated download at once; `deep` also inflates every member to check its CRC. The
    declared sizes bound the real work: zipfile never inflates a member past its declared
    size and then fails its CRC.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if not members:
                return "zip archive is empty"
            for member in members:
                refused = _refused_member(member, max_bytes, max_ratio)
                if refused:
                    return refused
            bad = archive.testzip() if deep else None
    except _ZIP_ERRORS as err:
        return f"truncated or corrupt zip: {err}"
    return f"corrupt zip: bad CRC in member {bad}" if bad else None


def _refused_member(member: zipfile.ZipInfo, max_bytes: int, max_ratio: float) -> str | None:
    if member.file_size > max_bytes:
        return (
            f"zip member {member.filename} unzips to {size_text(member.file_size)}, over the "
            f"{size_text(max_bytes)} limit (a decompression bomb?); raise --max-unzipped-mb "
            "if it is genuine"
        )
    ratio = member.file_size / max(member.compress_size, 1)
    if ratio > max_ratio:
        return (
            f"zip member {member.filename} expands {ratio:.0f}x, over the {max_ratio:g}x "
            "limit (a decompression bomb?)"
        )
    return None


def _records(stream: BinaryIO, prefix: str, path: Path, options: ReadOptions) -> Iterator[Item]:
    for line_no, line in lines(stream, options.max_line_bytes):
        locator = f"{prefix}:{line_no}"
        if line is None:
            limit = options.max_line_bytes / 2**20
            yield Reject(str(path), locator, f"line over {limit:g} MB")
            continue
        # the GKG is UTF-8 by GDELT's spec but not clean everywhere (titles from mis-declared
        # pages), whatever --encoding says for the other inputs of the run
        text, note = decode_text(line)
        if text.strip():
            yield record_to_item(text, str(path), locator, options, note)


def record_to_item(
    line: str, source_path: str, locator: str, options: ReadOptions, note: str | None = None
) -> Item:
    """One GKG line (without its line ending) as an Article, or a Reject with the reason."""
    fields = line.split("\t")
    record_id = fields[0].strip() or None
    if len(fields) != len(COLUMNS):
        reason = f"expected {len(COLUMNS)} tab-separated columns, got {len(fields)}"
        return Reject(source_path, locator, reason, line, record_id)
    try:
        published_at = parse_published(fields[COL["DATE"]])
        tone = parse_v2tone(fields[COL["V2Tone"]])
    except ValueError as err:  # DateError is a ValueError
        return Reject(source_path, locator, _reason(err), line, record_id)
    countries, unmapped = location_countries(fields[COL["V2Locations"]] or fields[COL["Locations"]])
    return Article(
        url=_url(fields),
        title=page_title(fields[COL["Extras"]]),
        text="",
        published_at=published_at,
        source=fields[COL["SourceCommonName"]].strip() or options.default_source(Path(source_path)),
        lang=source_language(fields[COL["TranslationInfo"]]),
        origin="gkg",
        locator=locator,
        record_id=record_id,
        countries=countries,
        # V2Tone counts words of the whole page; the article's tone is the encoder's, scored
        # from the title as for every headline-only article (refs #15)
        gdelt_tone=tone,
        notes=_notes(unmapped, note),
        article_id=_article_id(fields),
    )


def location_countries(locations: str) -> tuple[dict[str, int], list[str]]:
    """ISO-3 -> number of location references, and the FIPS codes that map to no country.

    V2Locations lists one block per reference (with its character offset), so the count is
    how often the article refers to places in that country.
    """
    counts: dict[str, int] = {}
    unmapped: list[str] = []
    for block in locations.split(";"):
        parts = block.split("#")
        if len(parts) <= LOCATION_COUNTRY_FIELD or not parts[LOCATION_COUNTRY_FIELD].strip():
            continue
        fips = parts[LOCATION_COUNTRY_FIELD].strip().upper()
        iso3 = fips_to_iso3(fips)
        if iso3 is None:
            if fips not in unmapped:
                unmapped.append(fips)
            continue
        counts[iso3] = counts.get(iso3, 0) + 1
    return counts, unmapped


def parse_v2tone(value: str) -> ToneFields | None:
    """V2Tone: tone, positive, negative, polarity, activity density, self/group density, words.

    Raises:
        ValueError: the field is not seven finite numbers.
    """
    if not value.strip():
        return None
    parts = value.split(",")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        raise ValueError(f"V2Tone is not numeric: {value[:60]!r}") from None
    if len(numbers) != 7 or not all(math.isfinite(n) for n in numbers):
        raise ValueError(f"V2Tone needs 7 finite numbers, got {value[:60]!r}")
    tone, positive, negative, polarity, _activity, _self_group, words = numbers
    # the word count goes to a 32-bit column; 1e300 once crashed the load (fuzzing, refs #7)
    if not 0 <= words < 2**31:
        raise ValueError(f"V2Tone word count out of range: {value[:60]!r}")
    return ToneFields(tone, positive, negative, polarity, int(words))


def page_title(extras: str) -> str:
    match = _TITLE.search(extras)
    return html.unescape(match.group(1)).strip() if match else ""


def source_language(translation_info: str) -> str:
    """ISO 639-1 from TranslationInfo's `srclc:` (ISO 639-2/3), else English.

    A code without a two-letter equivalent is kept as given rather than guessed.
    """
    match = _SRCLC.search(translation_info)
    if not match:
        return ENGLISH
    return iso639_1(match.group(1).lower())


def _url(fields: list[str]) -> str | None:
    # non-web collections (JSTOR, DTIC, ...) carry a citation here, not a URL
    document = fields[COL["DocumentIdentifier"]].strip()
    return document if document.lower().startswith(("http://", "https://")) else None


def _article_id(fields: list[str]) -> str:
    """The URL's id when there is one; else one per document identifier, not per title."""
    key = f"gkg:{fields[COL['SourceCollectionIdentifier']]}:{fields[COL['DocumentIdentifier']]}"
    return article_id_for(_url(fields), "", "", key)


def _notes(unmapped: list[str], note: str | None) -> tuple[str, ...]:
    notes = []
    unknown = [code for code in unmapped if not is_known(code)]
    no_country = [code for code in unmapped if is_known(code)]
    if unknown:
        notes.append(f"unknown FIPS codes skipped: {', '.join(unknown)}")
    if no_country:
        notes.append(f"FIPS codes naming no ISO country skipped: {', '.join(no_country)}")
    if note:
        notes.append(note)
    return tuple(notes)


def _reason(err: ValueError) -> str:
    return f"bad DATE: {err}" if isinstance(err, DateError) else str(err)
