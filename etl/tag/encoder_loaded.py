"""Imported last by the tagging pool's forkserver when a run scores tone: waits for the
encoder that etl/tag/preload_encoder.py loads in a thread, so that no thread runs when the
server forks a worker."""

from etl.tag.preload_encoder import LOADING

LOADING.join()
