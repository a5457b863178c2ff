"""``focaltheory calibrate``: recover probabilities from the outputs of a focal-loss-trained model.

A front end to :class:`focaltheory.calibration.FocalCalibrator` (closed-form
transform at a known gamma): softmax rows (one distribution per row) or
sigmoid per-class scores, read from a .csv or .npy file; the result is
printed as CSV or written to ``--output``.
"""

from .._arrayio import check_suffix, read_array, write_array
from ._options import ALPHA_HELP_SYNTAX, HEADER_HELP, alpha_list, cli_alpha, spaced_alpha_message
from ._output import info, print_csv

__all__ = ["add_parser", "run"]


def add_parser(sub):
    """Add the ``calibrate`` subparser to an argparse subparsers object."""
    pc = sub.add_parser(
        "calibrate",
        help="recover probabilities from the scores (or logits) of a focal-loss-trained model",
        description="Undo the focal loss on model outputs: softmax rows (one distribution per row) "
        "or sigmoid per-class scores, read from a .csv or .npy file; prints CSV or writes --output.",
        check_tokens=spaced_alpha_message,
    )
    pc.add_argument("file", help=".csv or .npy file of scores (or logits with --logits)")
    pc.add_argument("--loss", choices=("softmax", "sigmoid"), default="softmax",
                    help="the training loss (default softmax)")
    pc.add_argument("--gamma", type=float, default=2.0, help="training gamma >= 0 (default 2)")
    pc.add_argument("--alpha", type=alpha_list, default=None, metavar="A[,A...]",
                    help="sigmoid: torchvision's alpha (default 0.25; -1 for no weighting), one value or one "
                    f"per column; softmax: class weights, one per class (default none); {ALPHA_HELP_SYNTAX}")
    pc.add_argument("--logits", action="store_true", help="the file holds logits")
    pc.add_argument("--header", action="store_true", help=HEADER_HELP)
    pc.add_argument("--output", help=".csv or .npy file for the recovered probabilities")
    pc.set_defaults(run=run)


def run(args):
    """Run ``focaltheory calibrate``; returns the exit code."""
    from ..calibration import FocalCalibrator

    if args.output is not None:
        check_suffix(args.output, "--output")
    x = read_array(args.file, "FILE", header=args.header)
    alpha = cli_alpha(args.alpha, args.loss)
    cal = FocalCalibrator(args.loss, gamma=args.gamma, alpha=alpha)
    out = cal.transform(logits=x) if args.logits else cal.transform(x)
    if args.output:
        write_array(args.output, out)
        info(f"recovered probabilities ({args.loss}, gamma = {args.gamma:g}) for {out.size} values "
             f"written to {args.output}")
    else:
        print_csv(out)
    return 0
