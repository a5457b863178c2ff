"""Benchmarks of focaltheory: accuracy and speed against generic solvers.

Run ``python -m benchmarks`` (full, well under 30 minutes on 2 cores) or
``python -m benchmarks --quick`` (about 1-2 minutes); ``--out DIR`` chooses
the results folder (default ``benchmarks/results/``).  See
:mod:`benchmarks.accuracy`, :mod:`benchmarks.speed` and
:mod:`benchmarks.generic` for what is measured, and ``benchmarks/RESULTS.md``
for the latest full run.
"""
