"""Imported last by the tagging pool's forkserver: what the server has imported is frozen out
of the garbage collector's reach before it forks the workers.

A worker's full collections otherwise walk every object the server imported (numba, pyarrow,
the tagger, the encoder's tables: ~250,000 objects) again and again: every few batches, as
tagged articles pass through the oldest generation. In one process that had imported the
same and tagged Reuters-sized batches of 256 (English and Indonesian, no tone, ad hoc timing),
the mean per article went from ~236 to ~205 us with them frozen. Frozen objects are still
freed by reference counting; only cycles among them would stay, and they live as long as the
worker anyway. Untouched by the collector, their pages also stay shared with the server
(copy-on-write) instead of being copied into every worker (refs #20).
"""

import gc

gc.freeze()
