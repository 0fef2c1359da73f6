"""A small deterministic force-directed layout for the network view.

Fruchterman-Reingold in numpy: connected countries attract, all countries repel, and the
temperature cools so the picture settles. Deterministic (nodes start on a circle in the
given order), so the same data always draws the same network.
"""

from __future__ import annotations

import numpy as np

ITERATIONS = 120
"""Enough for ~150 nodes to settle; each iteration is O(nodes^2), still milliseconds."""

GRAVITY = 1.0
"""Pull towards the centre, growing with the distance: without it a small disconnected pair
drifts to a corner and squeezes the main cluster into a dot."""


def force_layout(
    nodes: list[str], edges: list[tuple[str, str]], iterations: int = ITERATIONS
) -> dict[str, tuple[float, float]]:
    """Node -> (x, y) in roughly [-1, 1]^2."""
    count = len(nodes)
    if count == 0:
        return {}
    if count == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {node: i for i, node in enumerate(nodes)}
    angles = np.linspace(0, 2 * np.pi, count, endpoint=False)
    position = np.column_stack([np.cos(angles), np.sin(angles)])
    pairs = np.array([(index[a], index[b]) for a, b in edges if a in index and b in index])
    ideal = np.sqrt(4.0 / count)
    temperature = 0.1
    for _ in range(iterations):
        position += _step(position, pairs, ideal, temperature)
        temperature *= 0.97
    position -= position.mean(axis=0)
    position /= np.abs(position).max() or 1.0
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, position, strict=True)}


def _step(position: np.ndarray, pairs: np.ndarray, ideal: float, temperature: float) -> np.ndarray:
    delta = position[:, None, :] - position[None, :, :]
    distance = np.maximum(np.linalg.norm(delta, axis=2), 1e-3)
    push = (delta / distance[..., None] * (ideal**2 / distance)[..., None]).sum(axis=1)
    if len(pairs):
        stretch = position[pairs[:, 0]] - position[pairs[:, 1]]
        length = np.maximum(np.linalg.norm(stretch, axis=1), 1e-3)
        pull = stretch * (length / ideal)[:, None]
        np.subtract.at(push, pairs[:, 0], pull)
        np.add.at(push, pairs[:, 1], pull)
    push -= GRAVITY * position * np.linalg.norm(position, axis=1)[:, None] / ideal
    size = np.maximum(np.linalg.norm(push, axis=1), 1e-9)
    return push / size[:, None] * np.minimum(size, temperature)[:, None]
