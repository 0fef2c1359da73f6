"""Imported by the tagging pool's forkserver (etl/run.py) when a run scores tone.

The sentence encoder is then loaded once, in the server, and every worker forked from it
starts with the encoder in memory it shares copy-on-write, instead of each loading its own
before its first batch (refs #20).
"""

from etl.tag import tone

tone.embed(["warm-up"])
