"""Benchmarks of focaltheory: accuracy and speed against generic solvers.

Run ``python -m benchmarks`` (full, a few minutes on 2 cores) or
``python -m benchmarks --quick`` (smoke-sized, under 30 s); ``--out DIR``
chooses the results folder (default ``benchmarks/results/``).  The figures
need matplotlib (``pip install "focaltheory[bench]"``); see
``python -m benchmarks --help``.  See
:mod:`benchmarks.accuracy`, :mod:`benchmarks.speed` and
:mod:`benchmarks.generic` for what is measured, and ``benchmarks/RESULTS.md``
for the latest full run.
"""
