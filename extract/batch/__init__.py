"""Batch orchestration: inputs -> many clips in parallel, resumable and shardable -> run tables.

Only this package and the command line drive the per-clip stages over many clips; the stages
(`extract.media`, `.video`, `.audio`, `.features`) never import it.
"""

from extract.batch.runner import BatchOptions, assemble_tables, merge_outputs, run_batch

__all__ = ["BatchOptions", "assemble_tables", "merge_outputs", "run_batch"]
