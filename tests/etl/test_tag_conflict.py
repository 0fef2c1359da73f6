import pytest

from etl.tag.conflict import (
    BLOCK,
    GROUPS,
    LANGS,
    VocabularyError,
    conflict_flags,
    conflict_share,
    conflict_terms,
    load_terms,
)


@pytest.mark.parametrize(
    "lang,text,expected",
    [
        # --- English ---
        ("en", "Russia and Ukraine are at war.", ["war"]),
        ("en", "She won an award in Warsaw for her software.", []),  # war inside words
        ("en", "The Warriors beat the Wizards.", []),
        ("en", "North Korea fired two ballistic missiles.", ["ballistic missiles"]),
        ("en", "The US imposed new sanctions on Iran.", ["sanctions"]),
        ("en", "A trade war would hurt both economies.", ["trade war"]),  # longest match
        ("en", "He died of a heart attack on Monday.", []),  # blocked phrase
        ("en", "Troops massed on the border before the invasion.", ["troops", "invasion"]),
        ("en", "The talks ended in a standoff.", ["standoff"]),
        ("en", "They signed a ceasefire.", ["ceasefire"]),
        ("en", "Anti-war protesters marched.", ["war"]),  # a hyphen is a word boundary
        ("en", "The company reported strong quarterly earnings.", []),
        ("en", "WAR IN THE GULF", ["war"]),  # headlines in capitals
        ("en", "Prices rose as a price war between supermarkets ended.", []),
        # --- Indonesian ---
        ("id", "Rusia menyerang Ukraina pada Februari.", ["menyerang"]),
        ("id", "Pos itu diserang pemberontak.", ["diserang", "pemberontak"]),
        ("id", "Serangan udara menewaskan sepuluh orang.", ["serangan udara"]),
        ("id", "Serangannya terjadi pada malam hari.", ["serangan"]),  # -nya enclitic
        ("id", "Serangga itu merusak tanaman padi.", []),  # serangga = insect, not serang
        ("id", "Banjir melanda Kota Serang, Banten.", []),  # Serang the city
        ("id", "Ayahnya meninggal karena serangan jantung.", []),  # heart attack
        ("id", "Korea Utara menguji coba rudal balistik.", ["rudal balistik"]),
        ("id", "AS menjatuhkan sanksi baru terhadap Rusia.", ["menjatuhkan sanksi"]),
        ("id", "Perang dagang AS dan Tiongkok memanas.", ["perang dagang"]),
        ("id", "Ketegangan di Laut China Selatan meningkat.", ["ketegangan"]),
        ("id", "Pemerintah berupaya memerangi korupsi.", []),  # fighting corruption
        ("id", "Harga beras naik di pasar tradisional.", []),
        ("id", "Pasukan perdamaian PBB tiba di Lebanon.", ["pasukan"]),
        # --- French ---
        ("fr", "La guerre en Ukraine entre dans sa deuxième année.", ["guerre"]),
        ("fr", "L’invasion a commencé à l'aube.", ["invasion"]),  # typographic apostrophe
        ("fr", "Des frappes aériennes ont visé la ville.", ["frappes aériennes"]),
        ("fr", "Les soldats russes se sont retirés.", ["soldats"]),
        ("fr", "Le pays a été sanctionné par l'ONU.", ["sanctionné"]),
        ("fr", "Les ventes ont été sanctionnées par le marché.", []),  # not in the list
        ("fr", "Une attaque cardiaque l'a emporté.", []),  # blocked phrase
        ("fr", "Il a marqué lors des tirs au but.", []),  # penalty shoot-out
        ("fr", "Le Front national a perdu des sièges.", []),  # a party, not a front line
        ("fr", "Un cessez-le-feu a été signé.", ["cessez-le-feu"]),
        ("fr", "Les armes nucléaires de la Corée du Nord.", ["armes nucléaires"]),
        ("fr", "Le gouvernement présente son budget.", []),
    ],
)
def test_conflict_terms_table(lang, text, expected):
    assert [term for _, term, _, _ in conflict_terms(text, lang)] == expected


def test_offsets_point_at_the_surface_form():
    text = "Kemarin, serangannya gagal."
    [(group, term, start, end)] = conflict_terms(text, "id")
    assert (group, term, text[start:end]) == ("beginning_of_war", "serangan", "serangannya")


def test_offsets_survive_characters_that_lower_case_to_two():
    text = "İzmir: war"  # "İ".lower() is two characters
    [(_, _, start, end)] = conflict_terms(text, None)
    assert text[start:end] == "war"


def test_unknown_language_tries_every_vocabulary():
    sentences = ["Troops crossed the border.", "Pasukan menyeberang.", "Les troupes arrivent."]
    assert conflict_flags(sentences, None) == [True, True, True]
    assert conflict_flags(sentences, "de") == [True, True, True]


def test_known_language_uses_only_its_vocabulary():
    assert conflict_flags(["Pasukan menyeberang perbatasan."], "en") == [False]
    assert conflict_flags(["Pasukan menyeberang perbatasan."], "id-ID") == [True]


def test_share_of_flagged_sentences():
    flags = conflict_flags(["War broke out.", "Markets were calm.", "Sanctions followed."], "en")
    assert flags == [True, False, True]
    assert conflict_share(flags) == pytest.approx(2 / 3)
    assert conflict_share([]) is None


def test_empty_inputs():
    assert conflict_flags([], "en") == []
    assert conflict_terms("", None) == []


def test_vocabulary_covers_every_group_in_every_language():
    terms = load_terms()
    for lang in LANGS:
        groups = {t.group for t in terms if t.lang == lang}
        assert groups == set(GROUPS) | {BLOCK}, lang


def test_vocabulary_rejects_an_unknown_group(tmp_path):
    path = tmp_path / "terms.tsv"
    path.write_text("# comment\nlang\tgroup\tterm\nen\twar_threat\twar\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match="terms.tsv:3: unknown group 'war_threat'"):
        load_terms(path)
