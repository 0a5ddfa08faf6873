"""Batch alignment of whole folders, on this machine or on a Dask cluster (``paralign batch``).

::

    pairing      folders (or a pairs list) → FilePair(source, target), files without a partner
    worker       PairTask (both files' bytes) → PairResult (export bytes), on a Dask worker
    runner       the client: plan, submit, collect, write; checkpoints; LocalCluster or a scheduler
    report       per-pair records on disk (resumption) → batch-report.json
    merged_tmx   every pair's TMX units → one deduplicated memory
    index_page   every pair on one page, most in need of review first

Nothing here draws on a terminal: progress is a callback (``paralign.batch_progress`` draws it).
"""
