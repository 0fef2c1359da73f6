import pytest

from etl.tag import language
from etl.tag.language import detect_language


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "The minister said the talks with Russia were going well and that the two sides "
            "would meet again in the spring to discuss trade and the war.",
            "en",
        ),
        (
            "Le ministre a dit que les discussions avec la Russie se passaient bien et que les "
            "deux parties se reverraient au printemps pour parler du commerce.",
            "fr",
        ),
        # lingua alone calls this Malay; 'bahwa' and 'pemerintah' are Indonesian spellings
        (
            "Menteri mengatakan bahwa pembicaraan dengan pemerintah Rusia berjalan baik dan "
            "kedua pihak akan bertemu lagi untuk membahas perdagangan.",
            "id",
        ),
        (
            "Perdana Menteri berkata bahawa kerajaan akan terus memperkukuh hubungan dua hala "
            "dengan negara jiran kerana perdagangan amat penting.",
            "ms",
        ),
        (
            "Die Regierung hat am Montag neue Sanktionen gegen Russland beschlossen, teilte "
            "das Auswärtige Amt in Berlin mit. Die Maßnahmen sollen sofort gelten.",
            "de",
        ),
        # short texts use lingua's high-accuracy models
        ("Правительство России заявило, что переговоры продолжатся.", "ru"),
        ("", "und"),
        ("12345 67890", "und"),
    ],
)
def test_language_is_detected(text, expected):
    assert detect_language(text) == expected


INDONESIAN_NEWS = (
    "Pemerintah Indonesia mengatakan bahwa pembicaraan dengan Rusia akan dilanjutkan pada "
    "pekan depan di Jakarta. Menurut juru bicara, kedua pihak sudah sepakat untuk membahas "
    "perdagangan karena hubungan itu penting bagi mereka."
)
MALAY_NEWS = (
    "Kerajaan Malaysia berkata bahawa rundingan dengan Rusia akan diteruskan pada minggu "
    "hadapan di Kuala Lumpur. Menurut jurucakap, kedua pihak sudah bersetuju untuk "
    "membincangkan perdagangan kerana hubungan itu penting bagi mereka."
)


@pytest.mark.parametrize("text,expected", [(INDONESIAN_NEWS, "id"), (MALAY_NEWS, "ms")])
def test_indonesian_and_malay_spellings_decide_without_lingua(monkeypatch, text, expected):
    # lingua costs ~300 us an article; an opening full of the words both languages share, with
    # spellings only one of them uses, needs no statistical model (refs #20)
    def no_lingua(*args):
        raise AssertionError("lingua was asked")

    monkeypatch.setattr(language, "_detector", no_lingua)
    assert detect_language(text) == expected


def test_indonesian_or_malay_opening_without_telling_spellings_asks_lingua():
    text = "Mereka ada di sana dengan para pejuang yang lain dan itu juga untuk kami. " * 3
    assert detect_language(text) in ("id", "ms")
