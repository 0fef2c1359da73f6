"""Imported last by the tagging pool's forkserver when a run scores tone: waits for the
encoder that etl/tag/preload_encoder.py loads in a thread, so that no thread runs when the
server forks a worker, and gives the workers the interpreter's own switch interval."""

import sys

from etl.tag.preload_encoder import LOADING, SWITCH_SECONDS

LOADING.join()
sys.setswitchinterval(SWITCH_SECONDS)
