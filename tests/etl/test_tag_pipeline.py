from datetime import UTC, datetime

import pytest

from etl.records import Article, Reject, TaggedArticle, ToneFields
from etl.tag.pipeline import TONE_MAX_SENTENCES, TagOptions, resolve_pretags, tag_batch

FAST = TagOptions(with_tone=False)


def article(text: str, title: str = "", lang: str | None = "en", **fields) -> Article:
    return Article(
        url=None,
        title=title,
        text=text,
        lang=lang,
        source="test",
        published_at=datetime(2024, 6, 19, tzinfo=UTC),
        **fields,
    )


def tag(item: Article, options: TagOptions = FAST) -> TaggedArticle:
    result = tag_batch([item], options)[0]
    assert isinstance(result, TaggedArticle)
    return result


def pair(tagged: TaggedArticle, a: str, b: str):
    return next(p for p in tagged.pairs if (p.country_a, p.country_b) == (a, b))


def test_offsets_point_into_title_blank_line_text():
    tagged = tag(article("Officials in Moscow spoke.", title="North Korea warns"))
    document = "North Korea warns\n\nOfficials in Moscow spoke."
    assert [(m.country, document[m.start : m.end]) for m in tagged.mentions] == [
        ("PRK", "North Korea"),
        ("RUS", "Moscow"),
    ]


def test_a_dateline_opens_the_body_not_the_title():
    tagged = tag(article("SEOUL, Nov 9 — Japan protested.", title="Seoul hosts talks"))
    assert {c.country for c in tagged.countries} == {"KOR", "JPN"}
    assert [m.surface for m in tagged.mentions] == ["Seoul", "Japan"]


def test_pairs_count_the_sentences_naming_both_countries():
    text = (
        "Russia and North Korea signed a treaty. China watched. "
        "Moscow thanked Pyongyang. Russia also met China."
    )
    tagged = tag(article(text))
    assert [(p.country_a, p.country_b, p.sentence_count) for p in tagged.pairs] == [
        ("CHN", "PRK", 0),
        ("CHN", "RUS", 1),
        ("PRK", "RUS", 2),
    ]
    rus = next(c for c in tagged.countries if c.country == "RUS")
    assert (rus.mention_count, rus.sentence_count, rus.first_offset) == (3, 3, 0)
    assert [e.sentence for e in pair(tagged, "PRK", "RUS").evidence] == [
        "Russia and North Korea signed a treaty.",
        "Moscow thanked Pyongyang.",
    ]


def test_evidence_is_capped_per_pair():
    text = " ".join(f"Russia and China met for round {i}." for i in range(10))
    tagged = tag(article(text), TagOptions(with_tone=False, evidence_per_pair=3))
    chn_rus = pair(tagged, "CHN", "RUS")
    assert chn_rus.sentence_count == 10 and len(chn_rus.evidence) == 3


def test_conflict_is_the_share_of_sentences_with_conflict_words():
    text = "Russia launched missiles at Ukraine. Ukraine and Russia talked about grain. Fine."
    tagged = tag(article(text))
    assert tagged.conflict == pytest.approx(1 / 3)
    assert pair(tagged, "RUS", "UKR").conflict == pytest.approx(1 / 2)


def test_declared_language_wins_and_absent_language_is_detected():
    text = "Pemerintah Indonesia dan Jepang menandatangani perjanjian perdagangan baru di Jakarta."
    assert tag(article(text, lang="fr")).lang == "fr"
    detected = tag(article(text * 2, lang=None))
    assert (detected.lang, detected.lang_detected) == ("id", True)


def test_pretagged_records_keep_their_tags_and_have_no_sentence_counts():
    item = article("", countries={"RU": 2, "North Korea": 1}, tone=ToneFields(-3.5))
    tagged = tag(item)
    assert [(c.country, c.mention_count) for c in tagged.countries] == [("PRK", 1), ("RUS", 2)]
    only = pair(tagged, "PRK", "RUS")
    assert (only.sentence_count, only.tone) == (None, -3.5)
    assert tagged.sentence_count is None and tagged.tone.tone == -3.5


def test_an_unknown_pretagged_country_is_a_reject():
    result = resolve_pretags(
        article("", countries={"Narnia": 1}, locator="in.jsonl:4", record_id="r4")
    )
    assert isinstance(result, Reject)
    assert (result.reason, result.locator, result.record_id) == (
        "unknown country 'Narnia' in countries",
        "in.jsonl:4",
        "r4",
    )


def test_retag_ignores_pretags_and_reads_the_text():
    item = article("Japan and Indonesia agreed.", countries={"FRA": 1})
    tagged = tag_batch([item], TagOptions(with_tone=False, retag=True))[0]
    assert {c.country for c in tagged.countries} == {"IDN", "JPN"}


@pytest.fixture(scope="module")
def toned() -> TaggedArticle:
    text = (
        "The two ministers held warm and friendly talks in Jakarta. "
        "They praised the growing trade between their countries. "
        "Separately, Russia bombed Ukrainian cities, killing dozens of civilians. "
        + " ".join(f"Filler sentence number {i} about the weather." for i in range(12))
    )
    return tag(article(text, title="Friendly talks in Jakarta"), TagOptions())


def test_pair_tone_is_the_tone_of_its_sentences(toned):
    assert toned.tone.tone > 0
    assert pair(toned, "RUS", "UKR").tone < -2


def test_tone_scores_a_bounded_number_of_sentences(toned):
    assert toned.sentence_count > TONE_MAX_SENTENCES
    scored = [c for c in toned.countries if c.tone is not None]
    assert {c.country for c in scored} == {"IDN", "RUS", "UKR"}
