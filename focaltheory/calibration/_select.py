"""``method="auto"``: the candidates compared by cross-validated held-out NLL, and the table of the choice."""

import dataclasses

import numpy as np

from ._maps import _fit_params, _sample_losses, _Spec

__all__ = ["CalibrationSelection"]

# simplest first: the order in which near-ties are broken
CANDIDATES = ("inverse", "temperature", "focal-temperature")


def _readonly(a):
    a = np.array(a, dtype=np.float64)
    a.flags.writeable = False
    return a


def format_table(row_names, columns, values, fmt="{:.4f}"):
    """A plain-text table: one row per method, one column per metric."""
    head = ["method"] + list(columns)
    rows = [[name] + [("nan" if not np.isfinite(v) else fmt.format(v)) if isinstance(v, float) else str(v)
                      for v in vals] for name, vals in zip(row_names, values)]
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    line = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
    return "\n".join([line(head)] + [line(r) for r in rows])


@dataclasses.dataclass(frozen=True)
class CalibrationSelection:
    """How ``FocalCalibrator(method="auto")`` chose its method (the fitted ``selection_``).

    Attributes
    ----------
    methods : tuple of str
        The candidates, simplest first.
    nll : ndarray
        Cross-validated mean negative log-likelihood (nats) of each candidate:
        each sample's loss under the parameters fitted on the other folds.
    nll_se : ndarray
        Standard error of the difference between each candidate's NLL and the
        lowest one (paired over samples; 0 for the lowest).
    n_params : tuple of int
        The number of parameters each candidate fits.
    chosen : str
        The method used (``method_``).
    reason : str
        Why, in one sentence.
    n_folds : int
        The number of folds.
    """

    methods: tuple
    nll: np.ndarray
    nll_se: np.ndarray
    n_params: tuple
    chosen: str
    reason: str
    n_folds: int

    def __str__(self):
        vals = [[float(a), float(b), int(k)] for a, b, k in zip(self.nll, self.nll_se, self.n_params)]
        table = format_table(self.methods, ("cv_nll", "diff_se", "n_params"), vals)
        return f"{table}\nchosen: {self.chosen} ({self.reason})"

    def to_dict(self):
        """The table as plain Python values (for JSON)."""
        return {"methods": list(self.methods), "nll": [float(v) for v in self.nll],
                "nll_se": [float(v) for v in self.nll_se], "n_params": list(self.n_params),
                "chosen": self.chosen, "reason": self.reason, "n_folds": self.n_folds}


def folds(n, y_rows, n_folds, random_state):
    """Fold index of each of n samples: shuffled, then dealt out class by class (stratified by y_rows)."""
    rng = np.random.default_rng(random_state)
    perm = rng.permutation(n)
    order = perm[np.argsort(y_rows[perm], kind="stable")] if y_rows is not None else perm
    f = np.empty(n, dtype=np.int64)
    f[order] = np.arange(n) % n_folds
    return f


def choose(out, y, specs, n_folds, random_state):
    """Cross-validate the candidate specs; returns (name of the chosen one, CalibrationSelection)."""
    n = out.x.shape[0]
    if n < 2:
        raise ValueError(f"method='auto' needs at least 2 held-out samples to cross-validate, got n_samples={n}")
    k = min(n_folds, n)
    strat = y if y.ndim == 1 else None
    fold = folds(n, strat, k, random_state)
    losses = np.empty((len(specs), n))
    for j in range(k):
        test, train = fold == j, fold != j
        o_tr, o_te = out.take(train), out.take(test)
        for i, spec in enumerate(specs):
            t, g, a, _ = _fit_params(o_tr, y[train], spec)
            losses[i, test] = _sample_losses(o_te, y[test], t, g, a)
    nll = losses.mean(axis=1)
    best = int(np.argmin(nll))
    diff = losses - losses[best]
    se = diff.std(axis=1, ddof=1) / np.sqrt(n) if n > 1 else np.zeros(len(specs))
    # the simplest candidate within one standard error of the lowest NLL (the one-standard-error rule)
    pick = next(i for i in range(len(specs)) if nll[i] - nll[best] <= se[i])
    names = tuple(s.method for s in specs)
    if pick == best:
        others = ", ".join(f"{names[i]} +{nll[i] - nll[best]:.4g} (SE {se[i]:.2g})" for i in range(len(specs))
                           if i != best)
        reason = (f"lowest {k}-fold cross-validated NLL, {nll[best]:.4f} on {n} held-out samples"
                  + (f"; the others: {others}" if others else ""))
    else:
        reason = (f"cross-validated NLL {nll[pick]:.4f}, within one standard error ({se[pick]:.2g}) of the lowest, "
                  f"{nll[best]:.4f} ({names[best]}), with fewer fitted parameters ({len(specs[pick].names)} vs "
                  f"{len(specs[best].names)})")
    sel = CalibrationSelection(methods=names, nll=_readonly(nll), nll_se=_readonly(se),
                               n_params=tuple(len(s.names) for s in specs), chosen=names[pick],
                               reason=reason, n_folds=k)
    return names[pick], sel


def make_specs(est, alpha, methods=CANDIDATES):
    return [_Spec(m, est.loss, est.gamma, alpha, est.fit_gamma, est.fit_alpha, est.gamma_bounds,
                  est.temperature_bounds) for m in methods]
