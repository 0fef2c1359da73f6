import pytest

from etl.tag.sentences import split_sentences

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
