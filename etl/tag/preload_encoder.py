"""Imported by the tagging pool's forkserver (etl/pool_server.py) when a run scores tone.

The sentence encoder is then loaded once, in the server, and every worker forked from it
starts with the encoder in memory it shares copy-on-write, instead of each loading its own
before its first batch (refs #20).

It is loaded in a thread, started when this module is imported, first: most of the loading
is numpy and zlib work that releases the GIL, so it runs beside the server's other imports
(the tagger, numba) on the second core, which the loading process leaves idle then: the
server's preload took 0.92-1.02 s instead of 1.14-1.39 (refs #20). `etl.tag.encoder_loaded`,
imported last, waits for it, since the server must not fork while the thread runs.

Between its GIL-free steps the thread needs the GIL back for a moment, and by default waits
up to 5 ms for the imports to hand it over (`sys.getswitchinterval`): `PRELOAD_SWITCH_SECONDS`
while it runs.
"""

import sys
import threading

from etl.tag import tone

PRELOAD_SWITCH_SECONDS = 0.0005
"""How long the server's imports hold the GIL before handing it to the loading thread."""

SWITCH_SECONDS = sys.getswitchinterval()
"""The interpreter's own, restored before the server forks (`etl.tag.encoder_loaded`)."""

sys.setswitchinterval(PRELOAD_SWITCH_SECONDS)
LOADING = threading.Thread(target=tone.loaded_encoder, name="encoder-preload")
LOADING.start()
