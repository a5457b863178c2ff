"""Command-line interface: ``focaltheory`` (also ``python -m focaltheory``).

Subcommands register themselves in ``_COMMANDS``; each gets an argparse
subparser and a function ``run(args) -> exit code``.  Errors in the user's
input (ValueError, TypeError, OSError) print one line on stderr and exit 2,
without a traceback.
"""

import argparse
import importlib
import json
import sys

import numpy as np

__all__ = ["main"]


def _read_array(path, name):
    """A 1-D or 2-D array from a .npy or .csv file."""
    if path.endswith(".npy"):
        arr = np.load(path, allow_pickle=False)
    elif path.endswith(".csv"):
        try:
            arr = np.loadtxt(path, delimiter=",", ndmin=1)
        except ValueError as exc:
            raise ValueError(f"{name} {path!r} is not a numeric CSV file: {str(exc).splitlines()[0]}") from None
    else:
        raise ValueError(f"{name} must be a .csv or .npy file, got {path!r}")
    if arr.ndim > 2:
        raise ValueError(f"{name} must hold a 1-D or 2-D array, got {arr.ndim}-D")
    return arr


def _write_array(path, arr):
    """Write an array to a .npy or .csv file (full precision in CSV)."""
    if path.endswith(".npy"):
        np.save(path, arr)
    elif path.endswith(".csv"):
        np.savetxt(path, np.atleast_1d(arr), delimiter=",", fmt="%.17g")
    else:
        raise ValueError(f"--output must be a .csv or .npy file, got {path!r}")


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
    ps.add_argument("--input", help=".csv or .npy file, one distribution per row")
    ps.add_argument("--output", help=".csv or .npy file for the rows of Q* (with --input)")
    ps.add_argument("--json", action="store_true", help="machine-readable output")
    ps.add_argument("--loss", choices=("softmax", "sigmoid"), default="softmax",
                    help="softmax focal loss (default; the values are a distribution P) or sigmoid one-vs-rest "
                    "(the values are per-class posteriors eta, the output their scores s*; --alpha is "
                    "torchvision's alpha, default 0.25, -1 to disable)")
    ps.set_defaults(run=_run_solve)


def _run_solve(args):
    from . import minimizer

    if args.loss == "sigmoid":
        from .calibration import _run_solve_sigmoid

        return _run_solve_sigmoid(args)
    P = _values_or_input(args, "weights of P")
    if args.input:
        P = np.atleast_2d(P)  # one distribution per row
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
            print(json.dumps(summary))
        else:
            print(f"solved {summary['rows']} distributions of {summary['classes']} classes at gamma = {args.gamma:g}")
            print(f"all converged: {summary['all_converged']}; max KKT residual {summary['max_residual']:.2e}; "
                  f"max iterations {summary['max_iterations']}")
            if args.output:
                print(f"Q* written to {args.output}")
            else:
                np.savetxt(sys.stdout, res.q, fmt="%.17g", delimiter=",")
        return 0 if res.converged.all() else 1

    p = P / P.sum()
    q = res.q
    rows = [
        {"class": i, "p": float(pi), "q": float(qi), "ratio": float(qi / pi) if pi > 0 else None,
         "effect": _label(pi, qi) if pi > 0 else "absent"}
        for i, (pi, qi) in enumerate(zip(p, q))
    ]
    out = {
        "gamma": args.gamma,
        "classes": rows,
        "log_lambda": float(res.log_lam),
        "lambda": float(np.exp(res.log_lam)),
        "min_focal_entropy": float(res.value),
        "converged": bool(res.converged),
        "iterations": int(res.iterations),
        "residual": float(res.residual),
    }
    if args.json:
        print(json.dumps(out))
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
