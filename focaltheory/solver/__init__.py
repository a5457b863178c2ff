"""The unique minimizer of the focal-entropy over the simplex, for batches.

The solver is split by concept into private modules: ``_api`` (validation,
batching, the result), ``_scaling`` (alpha reweighting, distributions carried
as stand-ins times powers of two), ``_system`` (the KKT system and its Newton
step), ``_newton`` (the globalized Newton loop), ``_finish`` (writing the
settled rows, with the exact last step at large gamma), ``_bracket`` (the
bracketed restart), ``_solve`` (a chunk of rows) and ``_rows`` (reductions
along the class axis).
"""

from ._api import MinimizerResult, minimizer

__all__ = ["minimizer", "MinimizerResult"]
