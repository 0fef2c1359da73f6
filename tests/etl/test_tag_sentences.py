import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.tag import full_stops, sentences
from etl.tag.sentences import split_sentences
from tests.etl.fuzzing import deterministic

CASES = [
    # English abbreviations
    ("Dr. Smith met Mr. Jones. They talked.", ["Dr. Smith met Mr. Jones.", "They talked."]),
    (
        "Mrs. Lee lives on Oak St. near the park. Fine.",
        ["Mrs. Lee lives on Oak St. near the park.", "Fine."],
    ),
    ("The U.S. Treasury acted. The dollar rose.", ["The U.S. Treasury acted.", "The dollar rose."]),
    ("Sanctions hit the U.S. The talks failed.", ["Sanctions hit the U.S.", "The talks failed."]),
    ("Talks in the U.K. Parliament ended.", ["Talks in the U.K. Parliament ended."]),
    ("At 9 a.m. Monday he left. He came back.", ["At 9 a.m. Monday he left.", "He came back."]),
    ("He left at 5 p.m. The end.", ["He left at 5 p.m.", "The end."]),
    ("J. Biden met Xi. They spoke.", ["J. Biden met Xi.", "They spoke."]),  # initial
    (
        "Growth was 3.5 percent. Prices rose.",
        ["Growth was 3.5 percent.", "Prices rose."],
    ),  # decimal
    ("See fig. 3 for details.", ["See fig. 3 for details."]),
    (
        "Apple Inc. said profits rose. Shares fell.",
        ["Apple Inc. said profits rose.", "Shares fell."],
    ),
    ("Wait... What? No!", ["Wait...", "What?", "No!"]),  # ellipsis, ? and !
    ('He said "no." Then he left.', ['He said "no."', "Then he left."]),  # quote after stop
    ("It was over (for now.) Next came.", ["It was over (for now.)", "Next came."]),  # bracket
    ("e.g. this stays. Yes.", ["e.g. this stays.", "Yes."]),
    ("visit kpk.go.id today. OK.", ["visit kpk.go.id today.", "OK."]),  # dots inside a word
    ("A line\nwrapped inside. Next.", ["A line\nwrapped inside.", "Next."]),  # one newline
    ("Title without stop\n\nBody starts here.", ["Title without stop", "Body starts here."]),
    ("Para one.\n\n\n  Para two.", ["Para one.", "Para two."]),  # blank lines always split
    # Indonesian abbreviations
    ("Kantor di Jl. Sudirman No. 5. Ia tiba.", ["Kantor di Jl. Sudirman No. 5.", "Ia tiba."]),
    (
        "PT Bank BCA Tbk. (BBCA) naik. Saham turun.",
        ["PT Bank BCA Tbk. (BBCA) naik.", "Saham turun."],
    ),
    ("Beras, gula, dll. Selain itu BBM.", ["Beras, gula, dll.", "Selain itu BBM."]),
    ("Sayur, buah dsb. Harga naik.", ["Sayur, buah dsb.", "Harga naik."]),
    (
        "Menurut Prof. Dr. Budi, harga naik. Ia cemas.",
        ["Menurut Prof. Dr. Budi, harga naik.", "Ia cemas."],
    ),
    ("Harga Rp 1.500.000 per unit. Murah.", ["Harga Rp 1.500.000 per unit.", "Murah."]),
    ("Ia berkata: “Kami siap.” Kata dia lagi.", ["Ia berkata: “Kami siap.”", "Kata dia lagi."]),
    (
        "Kapolri Jend. Listyo hadir. Acara dimulai.",
        ["Kapolri Jend. Listyo hadir.", "Acara dimulai."],
    ),
    # French
    ("M. Macron a parlé. Mme Le Pen aussi.", ["M. Macron a parlé.", "Mme Le Pen aussi."]),
    ("Vraiment ? Oui ! C'est fini.", ["Vraiment ?", "Oui !", "C'est fini."]),  # spaced ? and !
    ("« Quoi ? » dit-il. Puis il partit.", ["« Quoi ? » dit-il.", "Puis il partit."]),
    ("Il a dit « non. » Ensuite rien.", ["Il a dit « non. »", "Ensuite rien."]),  # spaced guillemet
    ("Des pommes, poires, etc. Le marché ferme.", ["Des pommes, poires, etc.", "Le marché ferme."]),
    # other scripts and edge cases
    ("中国和美国。韩国也是！", ["中国和美国。", "韩国也是！"]),  # CJK full stops, no space
    ("No stop at all", ["No stop at all"]),
    ("  padded sentence.  ", ["padded sentence."]),  # whitespace trimmed
    ("", []),
    ("   \n\n  ", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split_sentences(text, expected):
    spans = split_sentences(text)
    assert [text[start:end] for start, end in spans] == expected


def test_spans_are_ordered_and_trimmed():
    text = "  One. Two!\n\n Three?  "
    spans = split_sentences(text, "en")
    assert spans == sorted(spans)
    assert all(not text[s].isspace() and not text[e - 1].isspace() for s, e in spans)


# --- the compiled pass against the rules it compiles (refs #20) ---------------------------
# The splitter before issue #20 found paragraph breaks and full stops with these regexes and
# judged every stop with `_is_boundary`; the compiled pass in etl/tag/full_stops.py must
# split every text exactly as it did.

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_FULL_STOP = re.compile(
    rf"\.(?=[\s{sentences._CLOSERS}])"
    rf"(?P<close>(?:[{sentences._CLOSERS}]|[ \u00a0\u202f]»)*)(?P<space>\s*)"
)


def _reference_split(text: str) -> list[tuple[int, int]]:
    cuts = [match.span() for match in _PARAGRAPH_BREAK.finditer(text)]
    for match in _FULL_STOP.finditer(text):
        stop_end, next_start = match.span("space")
        if next_start > stop_end and sentences._is_boundary(text, match.start(), next_start):
            cuts.append((stop_end, next_start))
    cuts = sorted(cuts + sentences._other_cuts(text))
    spans, start = [], 0
    for end, next_start in [*cuts, (len(text), len(text))]:
        if end >= start:
            segment = text[start:end]
            if segment.strip():
                first = start + len(segment) - len(segment.lstrip())
                spans.append((first, first + len(segment.strip())))
            start = next_start
    return spans


_WORDS = [
    *("Dr", "dr", "MR", "Jl", "No", "no", "fig", "U.S", "u.s", "U.K", "a.m", "p.m", "e.g"),
    *("etc", "dll", "Tbk", "Inc", "Ph.D", "s.h", "J", "M", "x", "É", "é", "İ", "\u212aec"),
    *("Ms", "mt", "St", "Jend", "approx", "letjen", "brigjen", "Sudirman", "government"),
    *("The", "the", "Ia", "they", "Officials", "5", "2024", "3.5", "٣", "\u00b2", "Ünal"),
    *("Москва", "kpk.go.id", "_", "x1", "\ud800", "\U0001d41a", "\U0001f600", "中国", ""),
    *("Ü.S", "ab.É", "(", "“", "”", "..", "ﾟ"),
]
"""Words whose full stop the rules judge differently: abbreviations of every list in either
case, initials, dotted tokens, digits beyond ASCII, letters that lower-case to ASCII."""

_segment = st.tuples(
    st.sampled_from(["", "", "(", '"', "“", "«", "‘", "'", "x("]),
    st.sampled_from(_WORDS),
    st.sampled_from([".", ".", ".", "", "...", "!", "?", "…", "。", "？"]),
    st.sampled_from(["", "", "”", '"', ")", "’", " »", "\u202f»", "\u00a0»", "」"]),
    st.sampled_from([" ", " ", "  ", "\n", "\n\n", "\n \n", "\u00a0", "\u3000", "\x1c", ""]),
).map("".join)


@given(st.lists(_segment, max_size=40).map("".join))
@deterministic(3000)
def test_the_compiled_pass_splits_as_the_rules_do(text):
    assert split_sentences(text) == _reference_split(text)


@pytest.mark.parametrize(
    "text",
    [
        "Kata É. The end.",
        "Kata É . The end.",
        "Di \u212aec. Budi pergi.",
        "No. \uff15 is it.",
        "Yes.\u202f» Then.",
    ],
)
def test_the_compiled_pass_leaves_what_it_cannot_read_to_the_rules(text):
    assert split_sentences(text) == _reference_split(text)


@pytest.mark.parametrize("text", [text for text, _ in CASES])
def test_the_compiled_pass_splits_the_cases_as_the_rules_do(text):
    assert split_sentences(text) == _reference_split(text)


def test_the_compiled_pass_reads_whitespace_as_the_regexes_do():
    table = sentences._tables()[0]
    spaces = {point for point in range(len(table)) if table[point] & full_stops.SPACE}
    assert spaces == {point for point in range(len(table)) if re.match(r"\s", chr(point))}
    closers = {chr(point) for point in range(len(table)) if table[point] & full_stops.CLOSER}
    assert closers == set("\"'”’»)]」』）")
