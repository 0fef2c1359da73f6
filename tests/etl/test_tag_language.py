import pytest

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
