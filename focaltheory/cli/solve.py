"""``focaltheory solve``: the focal-entropy minimizer Q* of a distribution, or of a batch from a file.

With ``--loss sigmoid`` the values are per-class posteriors eta and the
output is the sigmoid one-vs-rest minimizer s* (torchvision's alpha).
With ``--input`` and no ``--output`` the rows of the result go to stdout as
CSV and the summary lines to stderr, so that stdout is a valid CSV file.
"""

import numpy as np

from .._arrayio import check_suffix, read_array, write_array
from ._options import ALPHA_HELP_SYNTAX, HEADER_HELP, alpha_list, cli_alpha, spaced_alpha_message
from ._law import LAW_HELP, run_law
from ._output import JSON_HELP, info, print_csv, print_json

__all__ = ["add_parser", "run"]


def add_parser(sub):
    """Add the ``solve`` subparser to an argparse subparsers object."""
    ps = sub.add_parser(
        "solve",
        help="the focal-entropy minimizer Q* of a distribution (or a batch from a file)",
        description="Compute Q* = argmin_Q H_gamma(P, Q) for P given as weights "
        "(normalized) on the command line, or for every row of --input.  With --input and "
        "no --output, stdout holds only the CSV rows of the result (the summary goes to stderr).",
        check_tokens=spaced_alpha_message,
    )
    ps.add_argument("p", nargs="*", type=float, help="weights of P (normalized to sum 1)")
    ps.add_argument("--gamma", type=float, required=True, help="focusing parameter gamma >= 0")
    ps.add_argument("--alpha", type=alpha_list, default=None, metavar="A[,A...]",
                    help=f"class weights of the alpha-balanced focal loss, one per class; {ALPHA_HELP_SYNTAX}")
    ps.add_argument("--input", help=".csv or .npy file, one distribution per row (a one-column .csv is "
                    "a batch of one-class distributions)")
    ps.add_argument("--header", action="store_true", help=HEADER_HELP)
    ps.add_argument("--output", help=".csv or .npy file for the rows of Q* (with --input)")
    ps.add_argument("--json", action="store_true", help=JSON_HELP)
    ps.add_argument("--law", default=None, help=LAW_HELP)
    ps.add_argument("--loss", choices=("softmax", "sigmoid"), default="softmax",
                    help="softmax focal loss (default; the values are a distribution P) or sigmoid one-vs-rest "
                    "(the values are per-class posteriors eta, the output their scores s*; --alpha is "
                    "torchvision's alpha, default 0.25, -1 to disable, or one value per class)")
    ps.set_defaults(run=run)


def _values_or_input(args, what):
    """The values given on the command line, or the array of --input (checked for consistency)."""
    if args.input is None and not args.p:
        raise ValueError(f"give the {what} on the command line, or --input FILE")
    if args.input is not None and args.p:
        raise ValueError(f"give the {what} on the command line or --input FILE, not both")
    if args.output is not None:
        if args.input is None:
            raise ValueError("--output goes with --input")
        check_suffix(args.output, "--output")
    if args.input:
        return read_array(args.input, "--input", header=args.header)
    return np.asarray(args.p, dtype=float)


def _label(p, q):
    if q > p:
        return "amplified"
    if q < p:
        return "suppressed"
    return "unchanged"


def run(args):
    """Run ``focaltheory solve``; returns the exit code (1 if a solve did not converge)."""
    if args.law is not None:
        if args.p or args.input or args.alpha is not None or args.loss != "softmax":
            raise ValueError("--law goes alone: no weights, --input, --alpha or --loss sigmoid with it")
        return run_law(args)
    if args.loss == "sigmoid":
        return _run_sigmoid(args)
    from .. import minimizer
    from .._validation import _distribution

    P = _values_or_input(args, "weights of P")
    if args.input:
        P = np.atleast_2d(P)  # one distribution per row (a 1-D .npy file is one distribution)
    res = minimizer(P, args.gamma, alpha=cli_alpha(args.alpha, "softmax"))
    if args.input:
        if args.output:
            write_array(args.output, res.q)
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
            print_json(summary)
        else:
            to_stderr = not args.output  # stdout carries the CSV
            info(f"solved {summary['rows']} distributions of {summary['classes']} classes at gamma = "
                 f"{args.gamma:g}", to_stderr)
            info(f"all converged: {summary['all_converged']}; max KKT residual {summary['max_residual']:.2e}; "
                 f"max iterations {summary['max_iterations']}", to_stderr)
            if args.output:
                info(f"Q* written to {args.output}")
            else:
                print_csv(res.q)
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
        print_json(out)
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


def _run_sigmoid(args):
    """``focaltheory solve --loss sigmoid``: per-class scores s* for posteriors eta."""
    from ..sigmoid import sigmoid_minimizer

    eta = _values_or_input(args, "posteriors eta")
    alpha = cli_alpha(args.alpha, "sigmoid")
    res = sigmoid_minimizer(eta, args.gamma, alpha)
    ok = bool(np.all(res.converged))
    if args.input:
        if args.output:
            write_array(args.output, res.s)
        summary = {"values": int(eta.size), "gamma": args.gamma,
                   "alpha": None if alpha is None else np.asarray(alpha).tolist(),
                   "all_converged": ok, "max_residual": float(np.max(res.residual, initial=0.0)),
                   "output": args.output}
        if args.json:
            summary["s"] = None if args.output else res.s.tolist()
            print_json(summary)
        else:
            to_stderr = not args.output  # stdout carries the CSV
            info(f"sigmoid focal minimizer for {summary['values']} posteriors at gamma = {args.gamma:g}, "
                 f"alpha = {summary['alpha']}", to_stderr)
            info(f"all converged: {ok}; max residual {summary['max_residual']:.2e}", to_stderr)
            if args.output:
                info(f"scores written to {args.output}")
            else:
                print_csv(res.s)
        return 0 if ok else 1
    rows = [{"class": i, "eta": float(e), "s": float(s), "one_minus_s": float(c), "logit": float(z)}
            for i, (e, s, c, z) in enumerate(zip(eta, res.s, res.complement, res.logit))]
    out = {"loss": "sigmoid", "gamma": args.gamma, "alpha": None if alpha is None else np.asarray(alpha).tolist(),
           "classes": rows, "converged": ok, "max_residual": float(np.max(res.residual, initial=0.0))}
    if args.json:
        print_json(out)
    else:
        print(f"sigmoid focal loss minimizer at gamma = {args.gamma:g}, alpha = {out['alpha']}")
        print(f"{'class':>5}  {'eta':>12}  {'s*':>12}  {'1 - s*':>12}  {'logit':>10}")
        for r in rows:
            print(f"{r['class']:>5}  {r['eta']:>12.6g}  {r['s']:>12.6g}  {r['one_minus_s']:>12.6g}  {r['logit']:>10.6g}")
        print(f"converged: {ok}; max residual {out['max_residual']:.2e}")
    return 0 if ok else 1
