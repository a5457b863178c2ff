"""Command-line interface: ``focaltheory`` (also ``python -m focaltheory``).

Subcommands register themselves in ``_COMMANDS``; each gets an argparse
subparser and a function ``run(args) -> exit code``.  Errors in the user's
input (ValueError, TypeError, OSError) print one line on stderr and exit 2,
without a traceback.

Files: a .csv file holds one distribution (or one sample) per line and is
always read as a 2-D array, also when it has one line or one column; a .npy
file may hold a 1-D array (one distribution or sample) or a 2-D one.  An
empty input file is an error.  A 1-D array is written to .csv as one line.

``--json`` prints one JSON object in strict JSON: non-finite numbers are the
strings "inf", "-inf" and "nan" (as in ``focaltheory verify --json``).
"""

import argparse
import importlib
import json
import math
import sys
import warnings

import numpy as np

__all__ = ["main"]


def _read_array(path, name):
    """A non-empty array from a .npy file (1-D or 2-D) or a .csv file (always 2-D: one row per line)."""
    if path.endswith(".npy"):
        arr = np.load(path, allow_pickle=False)
    elif path.endswith(".csv"):
        try:
            with warnings.catch_warnings():
                # numpy warns "input contained no data" for an empty file: reported below as an error
                warnings.simplefilter("ignore", UserWarning)
                arr = np.loadtxt(path, delimiter=",", ndmin=2)
        except ValueError as exc:
            raise ValueError(f"{name} {path!r} is not a numeric CSV file: {str(exc).splitlines()[0]}") from None
    else:
        raise ValueError(f"{name} must be a .csv or .npy file, got {path!r}")
    if arr.ndim > 2:
        raise ValueError(f"{name} must hold a 1-D or 2-D array, got {arr.ndim}-D")
    if arr.size == 0:
        what = "no values" if arr.ndim < 2 else "no rows" if arr.shape[0] == 0 else "no columns"
        raise ValueError(f"{name} {path!r} has {what}")
    return arr


def _write_array(path, arr):
    """Write an array to a .npy or .csv file (full precision in CSV; a 1-D array is one CSV line)."""
    if path.endswith(".npy"):
        np.save(path, arr)
    elif path.endswith(".csv"):
        np.savetxt(path, np.atleast_2d(arr), delimiter=",", fmt="%.17g")
    else:
        raise ValueError(f"--output must be a .csv or .npy file, got {path!r}")


def _json_safe(x):
    """``x`` with numpy scalars as Python ones and non-finite floats as "inf", "-inf", "nan"."""
    if isinstance(x, dict):
        return {k: _json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_json_safe(v) for v in x]
    if isinstance(x, np.ndarray):
        return _json_safe(x.tolist())
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    return x


def _print_json(obj):
    """Print one strict JSON object (see the module docstring for non-finite numbers)."""
    print(json.dumps(_json_safe(obj), allow_nan=False))


_JSON_HELP = 'machine-readable output (one JSON object; non-finite numbers as the strings "inf", "-inf", "nan")'


def _values_or_input(args, what):
    """The values given on the command line, or the array of --input (checked for consistency)."""
    if args.input is None and not args.p:
        raise ValueError(f"give the {what} on the command line, or --input FILE")
    if args.input is not None and args.p:
        raise ValueError(f"give the {what} on the command line or --input FILE, not both")
    if args.output is not None and args.input is None:
        raise ValueError("--output goes with --input")
    return _read_array(args.input, "--input") if args.input else np.asarray(args.p, dtype=float)


def _label(p, q):
    if q > p:
        return "amplified"
    if q < p:
        return "suppressed"
    return "unchanged"


def _add_solve(sub):
    ps = sub.add_parser(
        "solve",
        help="the focal-entropy minimizer Q* of a distribution (or a batch from a file)",
        description="Compute Q* = argmin_Q H_gamma(P, Q) for P given as weights "
        "(normalized) on the command line, or for every row of --input.",
    )
    ps.add_argument("p", nargs="*", type=float, help="weights of P (normalized to sum 1)")
    ps.add_argument("--gamma", type=float, required=True, help="focusing parameter gamma >= 0")
    ps.add_argument("--alpha", type=float, nargs="+", default=None,
                    help="class weights of the alpha-balanced focal loss (one per class)")
    ps.add_argument("--input", help=".csv or .npy file, one distribution per row (a one-column .csv is "
                    "a batch of one-class distributions)")
    ps.add_argument("--output", help=".csv or .npy file for the rows of Q* (with --input)")
    ps.add_argument("--json", action="store_true", help=_JSON_HELP)
    ps.add_argument("--loss", choices=("softmax", "sigmoid"), default="softmax",
                    help="softmax focal loss (default; the values are a distribution P) or sigmoid one-vs-rest "
                    "(the values are per-class posteriors eta, the output their scores s*; --alpha is "
                    "torchvision's alpha, default 0.25, -1 to disable)")
    ps.set_defaults(run=_run_solve)


def _run_solve(args):
    from . import minimizer
    from ._validation import _distribution

    if args.loss == "sigmoid":
        return _run_solve_sigmoid(args)
    P = _values_or_input(args, "weights of P")
    if args.input:
        P = np.atleast_2d(P)  # one distribution per row (a 1-D .npy file is one distribution)
    res = minimizer(P, args.gamma, alpha=args.alpha)
    if args.input:
        if args.output:
            _write_array(args.output, res.q)
        summary = {
            "rows": int(P.shape[0]),
            "classes": int(P.shape[1]),
            "gamma": args.gamma,
            "all_converged": bool(res.converged.all()),
            "max_residual": float(res.residual.max()),
            "max_iterations": int(res.iterations.max()),
            "output": args.output,
        }
        if args.json:
            summary["q"] = None if args.output else res.q.tolist()
            summary["log_lam"] = None if args.output else res.log_lam.tolist()
            _print_json(summary)
        else:
            print(f"solved {summary['rows']} distributions of {summary['classes']} classes at gamma = {args.gamma:g}")
            print(f"all converged: {summary['all_converged']}; max KKT residual {summary['max_residual']:.2e}; "
                  f"max iterations {summary['max_iterations']}")
            if args.output:
                print(f"Q* written to {args.output}")
            else:
                np.savetxt(sys.stdout, res.q, fmt="%.17g", delimiter=",")
        return 0 if res.converged.all() else 1

    # normalized as the library does it (also when the weights' sum overflows)
    p = _distribution(P, "weights of P", -1)[0]
    q = res.q
    with np.errstate(over="ignore"):  # q*/p may overflow for a subnormal p: shown as inf
        rows = [
            {"class": i, "p": float(pi), "q": float(qi), "ratio": float(qi / pi) if pi > 0 else None,
             "effect": _label(pi, qi) if pi > 0 else "absent"}
            for i, (pi, qi) in enumerate(zip(p, q))
        ]
        lam = float(np.exp(res.log_lam))
    out = {
        "gamma": args.gamma,
        "classes": rows,
        "log_lambda": float(res.log_lam),
        "lambda": lam,
        "min_focal_entropy": float(res.value),
        "converged": bool(res.converged),
        "iterations": int(res.iterations),
        "residual": float(res.residual),
    }
    if args.json:
        _print_json(out)
    else:
        print(f"focal-entropy minimizer at gamma = {args.gamma:g}")
        print(f"{'class':>5}  {'p':>12}  {'q*':>12}  {'q*/p':>10}  effect")
        for r in rows:
            ratio = "-" if r["ratio"] is None else f"{r['ratio']:.6f}"
            print(f"{r['class']:>5}  {r['p']:>12.6g}  {r['q']:>12.6g}  {ratio:>10}  {r['effect']}")
        print(f"lambda* = {out['lambda']:.10g}  (log lambda* = {out['log_lambda']:.10g})")
        print(f"minimal focal-entropy H_gamma(P) = {out['min_focal_entropy']:.10g} nats")
        print(f"converged: {out['converged']} in {out['iterations']} iterations; KKT residual {out['residual']:.2e}")
    return 0 if res.converged else 1


def _run_solve_sigmoid(args):
    """``focaltheory solve --loss sigmoid``: per-class scores s* for posteriors eta."""
    from .calibration import _cli_alpha
    from .sigmoid import sigmoid_minimizer

    eta = _values_or_input(args, "posteriors eta")
    alpha = _cli_alpha(args.alpha, "sigmoid")
    res = sigmoid_minimizer(eta, args.gamma, alpha)
    ok = bool(np.all(res.converged))
    if args.input:
        if args.output:
            _write_array(args.output, res.s)
        summary = {"values": int(eta.size), "gamma": args.gamma,
                   "alpha": None if alpha is None else np.asarray(alpha).tolist(),
                   "all_converged": ok, "max_residual": float(np.max(res.residual, initial=0.0)),
                   "output": args.output}
        if args.json:
            summary["s"] = None if args.output else res.s.tolist()
            _print_json(summary)
        else:
            print(f"sigmoid focal minimizer for {summary['values']} posteriors at gamma = {args.gamma:g}, "
                  f"alpha = {summary['alpha']}")
            print(f"all converged: {ok}; max residual {summary['max_residual']:.2e}")
            if args.output:
                print(f"scores written to {args.output}")
            else:
                np.savetxt(sys.stdout, np.atleast_2d(res.s), fmt="%.17g", delimiter=",")  # as --output FILE.csv
        return 0 if ok else 1
    rows = [{"class": i, "eta": float(e), "s": float(s), "one_minus_s": float(c), "logit": float(z)}
            for i, (e, s, c, z) in enumerate(zip(eta, res.s, res.complement, res.logit))]
    out = {"loss": "sigmoid", "gamma": args.gamma, "alpha": None if alpha is None else np.asarray(alpha).tolist(),
           "classes": rows, "converged": ok, "max_residual": float(np.max(res.residual, initial=0.0))}
    if args.json:
        _print_json(out)
    else:
        print(f"sigmoid focal loss minimizer at gamma = {args.gamma:g}, alpha = {out['alpha']}")
        print(f"{'class':>5}  {'eta':>12}  {'s*':>12}  {'1 - s*':>12}  {'logit':>10}")
        for r in rows:
            print(f"{r['class']:>5}  {r['eta']:>12.6g}  {r['s']:>12.6g}  {r['one_minus_s']:>12.6g}  {r['logit']:>10.6g}")
        print(f"converged: {ok}; max residual {out['max_residual']:.2e}")
    return 0 if ok else 1


# Subcommands: name -> "module:function" adding its subparser, imported only
# when the parser is built.  A new subcommand adds one line here.
_COMMANDS = {
    "solve": "focaltheory.cli:_add_solve",
    "verify": "focaltheory.claims:add_verify_parser",
    "calibrate": "focaltheory.calibration:_add_calibrate_cli",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # one line on stderr, no usage dump, exit 2
        raise SystemExit(_fail(f"{self.prog}: {message}"))


def _fail(message):
    print(message.splitlines()[0] if message else "error", file=sys.stderr)
    return 2


def _build_parser():
    parser = _Parser(prog="focaltheory", description="The theory of the focal loss, made computable.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    sub.required = True
    for target in _COMMANDS.values():
        module, func = target.split(":")
        getattr(importlib.import_module(module), func)(sub)
    return parser


def main(argv=None):
    """Entry point of the ``focaltheory`` console script; returns the exit code."""
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already reported
        return exc.code
    try:
        return args.run(args)
    except (ValueError, TypeError, OSError) as exc:
        return _fail(f"focaltheory {args.command}: error: {exc}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
