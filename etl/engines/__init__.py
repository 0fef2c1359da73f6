"""Engines beyond one machine: the same tagging run by Dask, written to a Parquet lake.

- `splits`: cut input files into partitions (byte ranges on record boundaries).
- `parts`: what a worker does with one partition: read, tag (`tag_batch`), Arrow tables.
- `lake`: the Parquet layout (hive partitions by publication date) on any fsspec filesystem.
- `dask_engine`: `python -m etl load --engine dask`: plan, tag, dedup, write.
- `attach`: `python -m etl attach`: publish a DuckDB database over (or loaded from) a lake.
"""
