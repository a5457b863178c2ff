"""``focaltheory calibrate``: recover probabilities from the outputs of a focal-loss-trained model.

A front end to :class:`focaltheory.calibration.FocalCalibrator`.  Without
``--fit``: the closed-form transform at a known gamma.  With ``--fit VAL
--labels LABELS``: the calibration map is fitted on held-out outputs and
labels (``--method``, default ``auto``), then applied to FILE.  Softmax rows
(one distribution per row) or sigmoid per-class scores, read from .csv or
.npy files; the result is printed as CSV or written to ``--output``.

``--report`` prints the comparison of raw outputs, the inverse map,
temperature and focal temperature scaling on the held-out data
(:func:`focaltheory.calibration.calibration_report`) and the fitted map;
``--json`` prints the same as one strict JSON object.  The report goes to
stdout when ``--output`` is given, else to stderr (stdout then carries the
CSV data).
"""

import sys

import numpy as np

from .._arrayio import check_suffix, read_array, write_array
from .._jsonio import dumps
from ._options import ALPHA_HELP_SYNTAX, HEADER_HELP, alpha_list, cli_alpha, spaced_alpha_message
from ._output import info, print_csv

__all__ = ["add_parser", "run"]

_METHODS = ("auto", "inverse", "temperature", "focal-temperature")


def add_parser(sub):
    """Add the ``calibrate`` subparser to an argparse subparsers object."""
    pc = sub.add_parser(
        "calibrate",
        help="recover probabilities from the scores (or logits) of a focal-loss-trained model",
        description="Undo the focal loss on model outputs: softmax rows (one distribution per row) "
        "or sigmoid per-class scores, read from a .csv or .npy file; prints CSV or writes --output. "
        "With --fit and --labels, the map (temperature, gamma) is first fitted on held-out outputs.",
        check_tokens=spaced_alpha_message,
    )
    pc.add_argument("file", help=".csv or .npy file of scores (or logits with --logits)")
    pc.add_argument("--loss", choices=("softmax", "sigmoid"), default="softmax",
                    help="the training loss (default softmax)")
    pc.add_argument("--gamma", type=float, default=2.0, help="training gamma >= 0 (default 2)")
    pc.add_argument("--alpha", type=alpha_list, default=None, metavar="A[,A...]",
                    help="sigmoid: torchvision's alpha (default 0.25; -1 for no weighting), one value or one "
                    f"per column; softmax: class weights, one per class (default none); {ALPHA_HELP_SYNTAX}")
    pc.add_argument("--logits", action="store_true", help="the files (FILE and --fit) hold logits")
    pc.add_argument("--header", action="store_true", help=HEADER_HELP)
    pc.add_argument("--output", help=".csv or .npy file for the recovered probabilities")
    pc.add_argument("--fit", metavar="VAL", help="held-out outputs (.csv or .npy, like FILE) to fit the map on")
    pc.add_argument("--labels", metavar="LABELS",
                    help="labels of --fit: one integer class index per row (softmax), or 0/1 with the shape "
                    "of VAL (sigmoid)")
    pc.add_argument("--method", choices=_METHODS, default=None,
                    help="with --fit: the map to fit (default auto: the lowest cross-validated NLL among "
                    "inverse, temperature and focal-temperature); without --fit only inverse")
    pc.add_argument("--fit-gamma", action="store_true",
                    help="with --fit: estimate gamma too (default: keep --gamma, the training gamma)")
    pc.add_argument("--report", action="store_true",
                    help="with --fit: print the metrics table (ECE, NLL, Brier of raw, inverse, temperature, "
                    "focal-temperature, isotonic, cross-fitted on the held-out data) and the fitted map, on "
                    "stdout with --output, else on stderr")
    pc.add_argument("--json", action="store_true", help="with --fit: the report as one strict JSON object "
                    '(non-finite numbers as "inf", "-inf", "nan"), where --report prints')
    pc.set_defaults(run=run)


def _labels(path, header, loss, shape):
    lab = read_array(path, "--labels", header=header)
    if loss == "softmax":
        if lab.ndim == 2 and lab.shape[1] != 1:
            raise ValueError(f"--labels must hold one class index per row (one column), got {lab.shape[1]} columns")
        lab = lab.reshape(-1)
        if lab.shape[0] != shape[0]:
            raise ValueError(f"--labels has {lab.shape[0]} rows, --fit has {shape[0]}")
        return lab
    if lab.size != int(np.prod(shape)):
        raise ValueError(f"--labels must have the shape of --fit {shape} (0/1 per class), got {lab.shape}")
    return lab.reshape(shape)


def _fitted(args, alpha):
    from ..calibration import FocalCalibrator, calibration_report

    val = read_array(args.fit, "--fit", header=args.header)
    y = _labels(args.labels, args.header, args.loss, val.shape)
    method = args.method or "auto"
    cal = FocalCalibrator(args.loss, gamma=args.gamma, alpha=alpha, method=method, fit_gamma=args.fit_gamma,
                          input_type="logits" if args.logits else "probs")
    cal.fit(val, y)
    report = None
    if args.report or args.json:
        kw = {"logits": val} if args.logits else {"outputs": val}
        report = calibration_report(y=y, loss=args.loss, gamma=args.gamma, alpha=alpha,
                                    fit_gamma=args.fit_gamma, **kw)
    return cal, report


def _print_report(args, cal, report):
    stream = sys.stdout if args.output else sys.stderr
    fitted = {"method": cal.method_, "temperature": cal.temperature_, "gamma": cal.gamma_,
              "nll": cal.nll_, "n_samples": report.n_samples}
    if args.json:
        obj = {"fitted": fitted, "selection": None if cal.selection_ is None else cal.selection_.to_dict(),
               "report": report.to_dict()}
        print(dumps(obj), file=stream)
        return
    print(f"held-out comparison ({report.n_samples} samples, each scored by a map fitted on the other half):",
          file=stream)
    print(str(report), file=stream)
    if cal.selection_ is not None:
        print("method='auto' on all held-out samples:", file=stream)
        print(str(cal.selection_), file=stream)
    print(f"fitted: method {cal.method_}, temperature {cal.temperature_:.6g}, gamma {cal.gamma_:.6g}, "
          f"in-sample NLL {cal.nll_:.6g}", file=stream)


def run(args):
    """Run ``focaltheory calibrate``; returns the exit code."""
    from ..calibration import FocalCalibrator

    if args.output is not None:
        check_suffix(args.output, "--output")
    if args.fit is None:
        for flag, given in (("--labels", args.labels), ("--report", args.report), ("--json", args.json),
                            ("--fit-gamma", args.fit_gamma)):
            if given:
                raise ValueError(f"{flag} needs --fit VAL (held-out outputs)")
        if args.method not in (None, "inverse"):
            raise ValueError(f"--method {args.method} fits a map: give --fit VAL and --labels LABELS")
    elif args.labels is None:
        raise ValueError("--fit needs --labels LABELS (the held-out labels)")
    alpha = cli_alpha(args.alpha, args.loss)
    x = read_array(args.file, "FILE", header=args.header)
    report = None
    if args.fit is None:
        cal = FocalCalibrator(args.loss, gamma=args.gamma, alpha=alpha)
        what = f"gamma = {args.gamma:g}"
    else:
        cal, report = _fitted(args, alpha)
        what = f"method {cal.method_}, temperature {cal.temperature_:.4g}, gamma {cal.gamma_:.4g}"
    out = cal.transform(logits=x) if args.logits else cal.transform(x)
    if report is not None:
        _print_report(args, cal, report)
    if args.output:
        write_array(args.output, out)
        info(f"recovered probabilities ({args.loss}, {what}) for {out.size} values written to {args.output}")
    else:
        print_csv(out)
    return 0
