"""focaltheory.metrics: ECE, reliability diagrams, NLL and Brier score.

Reference values come from the definitions (plain Python loops over samples and
bins, independent of the vectorized code), from scikit-learn's own metrics and
from synthetic predictions whose calibration gap is known.
"""

import math
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from focaltheory.metrics import (
    ReliabilityDiagram,
    brier_score,
    expected_calibration_error,
    negative_log_likelihood,
    plot_reliability_diagram,
    reliability_diagram,
)

ROOT = Path(__file__).resolve().parents[1]

# six samples, three classes; row 3 has its confidence 0.4 on an interior edge of 5 bins
# (it belongs to the bin on its left), row 5 ties classes 0 and 1 (argmax: class 0)
P6 = [[0.7, 0.2, 0.1], [0.5, 0.3, 0.2], [0.1, 0.85, 0.05],
      [0.3, 0.3, 0.4], [0.15, 0.25, 0.6], [0.45, 0.45, 0.1]]
Y6 = [0, 1, 1, 2, 0, 1]


def _bin_of(s, edges):
    """Right-closed bins (e_b, e_{b+1}], the first one [0, e_1], by a scan."""
    for b in range(len(edges) - 1):
        if s <= edges[b + 1]:
            return b
    return len(edges) - 2


def _loop_ece(rows, y, n_bins, kind, norm):
    """ECE from its definition, sample by sample, with uniform bins."""
    edges = [float(e) for e in np.linspace(0.0, 1.0, n_bins + 1)]
    n = len(rows)
    series = []  # one (scores, hits) list per class, or one for the top label
    if kind == "top-label":
        scores, hits = [], []
        for row, label in zip(rows, y):
            conf = max(row)
            pred = row.index(conf)  # first maximum
            scores.append(conf)
            hits.append(1.0 if pred == label else 0.0)
        series.append((scores, hits))
    else:
        for k in range(len(rows[0])):
            series.append(([row[k] for row in rows], [1.0 if label == k else 0.0 for label in y]))
    per_class = []
    for scores, hits in series:
        cnt, ssum, hsum = [0] * n_bins, [0.0] * n_bins, [0.0] * n_bins
        for s, h in zip(scores, hits):
            b = _bin_of(s, edges)
            cnt[b] += 1
            ssum[b] += s
            hsum[b] += h
        gaps = [(cnt[b] / n, abs(hsum[b] / cnt[b] - ssum[b] / cnt[b])) for b in range(n_bins) if cnt[b]]
        if norm == "l1":
            per_class.append(sum(w * g for w, g in gaps))
        elif norm == "l2":
            per_class.append(math.sqrt(sum(w * g * g for w, g in gaps)))
        else:
            per_class.append(max(g for _, g in gaps))
    return sum(per_class) / len(per_class)


# ---------------------------------------------------------------- hand-computed cases

def test_six_samples_by_hand():
    # top-label, 5 bins: bin (0.2, 0.4] holds row 3 (conf 0.4, correct); bin (0.4, 0.6] rows 1, 4, 5
    # (conf 0.5, 0.6, 0.45, all wrong); (0.6, 0.8] row 0 (correct); (0.8, 1] row 2 (correct)
    want = (1 * 0.6 + 3 * (0.5 + 0.6 + 0.45) / 3 + 1 * 0.3 + 1 * 0.15) / 6
    assert want == pytest.approx(2.6 / 6, rel=1e-15)
    assert expected_calibration_error(P6, Y6, n_bins=5) == pytest.approx(want, rel=1e-13)
    assert expected_calibration_error(P6, Y6, n_bins=5, norm="max") == pytest.approx(0.6, rel=1e-13)
    d = reliability_diagram(P6, Y6, n_bins=5)
    np.testing.assert_array_equal(d.counts, [0, 1, 3, 1, 1])
    np.testing.assert_allclose(d.frequency[1:], [1, 0, 1, 1])
    np.testing.assert_allclose(d.confidence[1:], [0.4, 1.55 / 3, 0.7, 0.85], rtol=1e-14)
    assert np.isnan(d.frequency[0]) and np.isnan(d.confidence[0])


@pytest.mark.parametrize("kind", ["top-label", "classwise"])
@pytest.mark.parametrize("norm", ["l1", "l2", "max"])
@pytest.mark.parametrize("n_bins", [1, 2, 3, 5, 10, 15])
def test_six_samples_against_loops(kind, norm, n_bins):
    want = _loop_ece(P6, Y6, n_bins, kind, norm)
    assert expected_calibration_error(P6, Y6, n_bins=n_bins, kind=kind, norm=norm) == pytest.approx(want, rel=1e-12, abs=1e-15)


def test_random_cases_against_loops():
    rng = np.random.default_rng(0)
    for trial in range(20):
        k = int(rng.integers(2, 6))
        n = int(rng.integers(1, 40))
        p = rng.dirichlet(np.ones(k) * rng.uniform(0.2, 3), size=n)
        y = rng.integers(0, k, size=n)
        rows = [list(map(float, r)) for r in p]
        for kind in ("top-label", "classwise"):
            for norm in ("l1", "l2", "max"):
                want = _loop_ece(rows, list(y), 7, kind, norm)
                got = expected_calibration_error(p, y, n_bins=7, kind=kind, norm=norm)
                assert got == pytest.approx(want, rel=1e-12, abs=1e-15), (trial, kind, norm)


def test_classwise_by_hand():
    probs = [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]]
    y = [0, 1, 1, 0]
    # class 0, 5 bins: 0.3 | 0.6 | 0.8 | 0.9 each alone, gaps 0.3, 0.4, 0.8, 0.1 -> 1.6 / 4
    # class 1: {0.1, 0.2} in [0, 0.2] (mean 0.15, freq 1/2), 0.4 (freq 0), 0.7 (freq 1) -> 1.4 / 4
    assert expected_calibration_error(probs, y, n_bins=5, kind="classwise") == pytest.approx(
        (0.4 + 0.35) / 2, rel=1e-13)
    d = reliability_diagram(probs, y, n_bins=5, kind="classwise")
    assert d.counts.shape == (2, 5) and d.edges.shape == (2, 6)
    np.testing.assert_array_equal(d.counts, [[0, 1, 1, 1, 1], [2, 1, 0, 1, 0]])


def test_edge_values_belong_to_the_bin_on_their_left():
    # 0.5 with two bins: [0, 0.5] is bin 0; 0 lies in the first bin, 1 in the last
    d = reliability_diagram(np.array([0.5, 0.0, 1.0, 0.25]), [1, 0, 1, 0], n_bins=2, kind="classwise")
    np.testing.assert_array_equal(d.counts[1], [3, 1])
    np.testing.assert_array_equal(d.counts[0], [2, 2])  # 1 - p: 0.5 and 0.0 | 1.0 and 0.75


def test_binary_scores_are_two_column_rows():
    rng = np.random.default_rng(1)
    s = rng.uniform(size=200)
    y = rng.integers(0, 2, size=200)
    two = np.stack([1 - s, s], axis=1)
    for kind in ("top-label", "classwise"):
        for strategy in ("uniform", "quantile"):
            a = expected_calibration_error(s, y, kind=kind, strategy=strategy)
            b = expected_calibration_error(two, y, kind=kind, strategy=strategy)
            assert a == pytest.approx(b, rel=1e-13, abs=1e-16)


def test_perfect_and_worst_predictions():
    y = np.array([0, 1, 2, 1])
    onehot = np.eye(3)[y]
    for kind in ("top-label", "classwise"):
        assert expected_calibration_error(onehot, y, kind=kind) == 0.0
    wrong = np.eye(3)[(y + 1) % 3]
    assert expected_calibration_error(wrong, y) == 1.0
    # classwise: the class-k bins [0, e_1] and (e_14, 1] each have gap 1 wherever k is involved
    assert expected_calibration_error(wrong, y, kind="classwise") == pytest.approx(
        np.mean([(np.sum(y == k) + np.sum((y + 1) % 3 == k)) / 4 for k in range(3)]), rel=1e-14)


# ---------------------------------------------------------------- synthetic calibration

def _draw(rng, p):
    """One label per row, drawn from the row's distribution."""
    u = rng.uniform(size=(p.shape[0], 1))
    return np.minimum((np.cumsum(p, axis=1) < u).sum(axis=1), p.shape[1] - 1)


def _se_bound(n, truth_in_bin):
    """sum_b w_b * se_b, w_b = n_b / n, se_b = sqrt(sum_{i in b} pi (1 - pi)) / n_b: the
    expected weighted absolute deviation of the binned frequencies from their expectations
    is at most this (about 0.8 times it for Gaussian deviations)."""
    return sum(np.sqrt(np.sum(t * (1 - t))) / n for t in truth_in_bin if t.size)


def test_calibrated_predictions_have_ece_within_the_binomial_error():
    rng = np.random.default_rng(2)
    eces, bounds = [], []
    for n in (1_000, 10_000, 100_000):
        p = rng.dirichlet(np.ones(4), size=n)
        y = _draw(rng, p)
        d = reliability_diagram(p, y)
        conf = p.max(axis=1)
        ids = np.searchsorted(d.edges[1:-1], conf)
        bound = _se_bound(n, [conf[ids == b] for b in range(15)])
        ece = expected_calibration_error(p, y)
        assert ece <= 4 * bound, (n, ece, bound)
        # classwise: each class's bins against the same binomial error
        for k in range(4):
            dk = reliability_diagram(p, y, kind="classwise")
            idk = np.searchsorted(dk.edges[k, 1:-1], p[:, k])
            bk = _se_bound(n, [p[idk == b, k] for b in range(15)])
            gap = np.nansum(dk.counts[k] / n * np.abs(dk.frequency[k] - dk.confidence[k]))
            assert gap <= 4 * bk, (n, k, gap, bk)
        eces.append(ece)
        bounds.append(bound)
    assert bounds[2] < bounds[0] / 5  # the bound shrinks as 1/sqrt(N) ...
    assert eces[2] < eces[0] / 3  # ... and so does the ECE
    assert eces[2] < 0.01


@pytest.mark.parametrize("t", [0.2, 0.5])
def test_predictions_pushed_to_uniform_have_the_known_gap(t):
    # labels drawn from P, predictions Q = (1 - t) P + t / K: same argmax, and in every bin the
    # expected accuracy exceeds the confidence by t (mean max P - 1/K) over the bin
    rng = np.random.default_rng(3)
    n, k = 200_000, 5
    p = rng.dirichlet(np.full(k, 0.5), size=n)
    y = _draw(rng, p)
    q = (1 - t) * p + t / k
    known = t * (p.max(axis=1).mean() - 1 / k)
    d = reliability_diagram(q, y)
    ids = np.searchsorted(d.edges[1:-1], q.max(axis=1))
    bound = _se_bound(n, [p.max(axis=1)[ids == b] for b in range(15)])
    ece = expected_calibration_error(q, y)
    assert known > 20 * bound  # the gap is far above the noise ...
    assert abs(ece - known) <= 4 * bound, (ece, known, bound)  # ... and measured within it
    # every bin is under-confident, so the ECE is accuracy minus mean confidence
    full = d.counts > 0
    assert np.all(d.frequency[full] > d.confidence[full])
    acc = np.mean(q.argmax(axis=1) == y)
    assert ece == pytest.approx(acc - q.max(axis=1).mean(), rel=1e-10)
    # classwise: the known gap of class j is sum_b w_b |mean_b P_j - mean_b Q_j| in Q_j's bins
    dc = reliability_diagram(q, y, kind="classwise")
    known_c, bound_c = [], []
    for j in range(k):
        idj = np.searchsorted(dc.edges[j, 1:-1], q[:, j])
        known_c.append(sum(np.sum(idj == b) / n * abs(p[idj == b, j].mean() - q[idj == b, j].mean())
                           for b in range(15) if np.any(idj == b)))
        bound_c.append(_se_bound(n, [p[idj == b, j] for b in range(15)]))
    assert expected_calibration_error(q, y, kind="classwise") == pytest.approx(
        np.mean(known_c), abs=4 * np.mean(bound_c))


# ---------------------------------------------------------------- quantile bins

def test_quantile_bins_have_equal_counts():
    rng = np.random.default_rng(4)
    p = rng.dirichlet(np.ones(3), size=1500)
    y = rng.integers(0, 3, size=1500)
    d = reliability_diagram(p, y, strategy="quantile")
    np.testing.assert_array_equal(d.counts, np.full(15, 100))
    dc = reliability_diagram(p, y, strategy="quantile", kind="classwise")
    np.testing.assert_array_equal(dc.counts, np.full((3, 15), 100))
    assert d.edges[0] == 0 and d.edges[-1] == 1 and np.all(np.diff(d.edges) >= 0)
    for n in (1004, 1499, 17, 29):  # gcd(N - 1, n_bins) = 1: no edge on a score, counts within one
        d = reliability_diagram(p[:n], y[:n], n_bins=15, strategy="quantile")
        assert d.counts.sum() == n and d.counts.max() - d.counts.min() <= 1, (n, d.counts)
    for n in (16, 31):  # n_bins divides N - 1: the edges fall on scores, rounding picks the side
        d = reliability_diagram(p[:n], y[:n], n_bins=15, strategy="quantile")
        assert d.counts.sum() == n and d.counts.max() - d.counts.min() <= 2, (n, d.counts)


def test_quantile_bins_with_ties():
    # 60 scores taking four values: coincident edges, empty bins, every tie in one bin
    s = np.repeat([0.1, 0.4, 0.4, 0.9], 15)
    y = np.tile([0, 1], 30)
    d = reliability_diagram(s, y, n_bins=10, strategy="quantile", kind="classwise")
    counts = d.counts[1]
    assert counts.sum() == 60
    np.testing.assert_array_equal(np.sort(counts[counts > 0]), [15, 15, 30])
    for v, c in ((0.1, 15), (0.4, 30), (0.9, 15)):
        b = np.flatnonzero(np.isclose(d.confidence[1], v))
        assert b.size == 1 and counts[b[0]] == c


# ---------------------------------------------------------------- scikit-learn agreement

@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("n_bins", [3, 5, 10, 15])
def test_binary_diagram_matches_calibration_curve(strategy, n_bins):
    calibration_curve = pytest.importorskip("sklearn.calibration").calibration_curve
    rng = np.random.default_rng(5)
    s = rng.uniform(size=500)
    s[:60] = np.round(s[:60], 1)  # scores on bin edges: the tie convention must agree
    s[60:70] = 0.0
    s[70:80] = 1.0
    y = (rng.uniform(size=500) < s).astype(int)
    prob_true, prob_pred = calibration_curve(y, s, n_bins=n_bins, strategy=strategy)
    d = reliability_diagram(s, y, n_bins=n_bins, strategy=strategy, kind="classwise")
    full = d.counts[1] > 0
    np.testing.assert_allclose(d.frequency[1][full], prob_true, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(d.confidence[1][full], prob_pred, rtol=1e-13, atol=1e-15)


def test_sklearn_docstring_example():
    y = [0, 0, 0, 0, 1, 1, 1, 1, 1]
    s = [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1.0]
    d = reliability_diagram(s, y, n_bins=3, kind="classwise")
    np.testing.assert_allclose(d.frequency[1], [0, 0.5, 1])
    np.testing.assert_allclose(d.confidence[1], [0.2, 0.525, 0.85])


def test_nll_and_brier_match_sklearn_and_the_definitions():
    skm = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(6)
    p = rng.dirichlet(np.ones(4), size=50)
    y = rng.integers(0, 3, size=50)  # class 3 never occurs
    nll = -sum(math.log(p[i, y[i]] / p[i].sum()) for i in range(50)) / 50
    assert negative_log_likelihood(p, y) == pytest.approx(nll, rel=1e-13)
    assert negative_log_likelihood(p, y) == pytest.approx(skm.log_loss(y, p, labels=range(4)), rel=1e-13)
    bs = sum(sum((p[i, k] - (k == y[i])) ** 2 for k in range(4)) for i in range(50)) / 50
    assert brier_score(p, y) == pytest.approx(bs, rel=1e-13)
    # binary scores: sklearn's brier_score_loss and log_loss, half the two-column Brier score
    s = rng.uniform(size=50)
    yb = rng.integers(0, 2, size=50)
    assert brier_score(s, yb) == pytest.approx(skm.brier_score_loss(yb, s), rel=1e-13)
    assert brier_score(s, yb) == pytest.approx(np.mean((s - yb) ** 2), rel=1e-13)
    assert brier_score(np.stack([1 - s, s], 1), yb) == pytest.approx(2 * brier_score(s, yb), rel=1e-13)
    assert negative_log_likelihood(s, yb) == pytest.approx(skm.log_loss(yb, s), rel=1e-13)
    assert negative_log_likelihood(s, np.ones(50, int)) == pytest.approx(-np.mean(np.log(s)), rel=1e-13)
    # labels of one class only: the other class is still a column
    assert brier_score([0.2, 0.3], [0, 0]) == pytest.approx((0.04 + 0.09) / 2, rel=1e-13)
    assert negative_log_likelihood([0.2, 0.3], [0, 0]) == pytest.approx(-(math.log(0.8) + math.log(0.7)) / 2, rel=1e-13)
    assert negative_log_likelihood(p[:5], np.zeros(5, int)) == pytest.approx(-np.mean(np.log(p[:5, 0])), rel=1e-13)
    # a zero probability on the label: sklearn's clipping at float64's eps
    assert negative_log_likelihood([[1.0, 0.0], [0.5, 0.5]], [1, 0]) == pytest.approx(
        (-math.log(np.finfo(float).eps) + math.log(2)) / 2, rel=1e-12)


def test_multiclass_brier_without_sklearn_support(monkeypatch):
    pytest.importorskip("sklearn")
    from focaltheory.metrics import _scores

    rng = np.random.default_rng(7)
    p = rng.dirichlet(np.ones(5), size=30)
    y = rng.integers(0, 5, size=30)
    want = brier_score(p, y)
    monkeypatch.setattr(_scores, "_sklearn_multiclass_brier", lambda: False)
    assert brier_score(p, y) == pytest.approx(want, rel=1e-14)


# ---------------------------------------------------------------- inputs

BAD = [
    (dict(y=[0, 1, 3, 0, 1, 2]), ValueError, r"^y must hold labels in \[0, 2\].*found 3"),
    (dict(y=[0, 1, -1, 0, 1, 2]), ValueError, "^y must hold labels"),
    (dict(y=[0, 1, 1.5, 0, 1, 2]), ValueError, "^y must hold integer"),
    (dict(y=[0, 1, np.nan, 0, 1, 2]), ValueError, "^y must be finite, found NaN"),
    (dict(y=[0, 1, 2]), ValueError, "^y has 3 labels but probs has 6"),
    (dict(y=[[0, 1, 1, 0, 1, 2]]), ValueError, "^y must be 1-D"),
    (dict(y=["a"] * 6), TypeError, "^y must hold integer"),
    (dict(y="012012"), TypeError, "^y must be"),
    (dict(probs=np.array(P6) * 1.01), ValueError, r"^probs rows must sum to 1 within atol=1e-06: row \d sums to 1.01"),
    (dict(probs=[[0.5, 0.6, -0.1]] * 6), ValueError, "^probs must be nonnegative"),
    (dict(probs=[[np.nan, 0.5, 0.5]] + P6[1:]), ValueError, "^probs must be finite, found NaN"),
    (dict(probs=[[np.inf, 0.5, 0.5]] + P6[1:]), ValueError, "^probs must be finite, found inf"),
    (dict(probs=np.ones((6, 1))), ValueError, "^probs must have at least 2 columns"),
    (dict(probs=np.ones((6, 3, 1)) / 3), ValueError, "^probs must be 1-D .* or 2-D"),
    (dict(probs=np.zeros((0, 3)), y=[]), ValueError, "^probs has no samples"),
    (dict(probs=np.full(6, 1.5), y=[0, 1] * 3), ValueError, r"^probs \(binary scores\) must lie in \[0, 1\]"),
    (dict(probs=np.full(6, 0.5), y=[0, 1, 2] * 2), ValueError, r"^y must hold labels in \[0, 1\]"),
    (dict(probs=[["a", "b", "c"]] * 6), TypeError, "^probs must be a real numeric array"),
    (dict(probs=[[0.5, 0.5], [1.0]] + P6[2:]), TypeError, "^probs must be a real numeric array"),
    (dict(probs=np.array(P6, dtype=complex)), TypeError, "^probs must be a real numeric array"),
    (dict(atol=-1e-3), ValueError, r"^atol must be a finite number in \[0, 1\)"),
    (dict(atol="1e-3"), TypeError, "^atol must be a real number"),
]


@pytest.mark.parametrize("fn", [expected_calibration_error, reliability_diagram,
                                negative_log_likelihood, brier_score])
@pytest.mark.parametrize("change, exc, match", BAD)
def test_bad_inputs_name_the_argument(fn, change, exc, match):
    if fn in (negative_log_likelihood, brier_score):
        pytest.importorskip("sklearn")
    args = dict(probs=P6, y=Y6)
    args.update(change)
    kw = {"atol": args.pop("atol")} if "atol" in args else {}
    with pytest.raises(exc, match=match):
        fn(args["probs"], args["y"], **kw)


@pytest.mark.parametrize("kw, exc, match", [
    (dict(n_bins=0), ValueError, "^n_bins must be at least 1"),
    (dict(n_bins=2.5), TypeError, "^n_bins must be an integer"),
    (dict(n_bins=True), TypeError, "^n_bins must be an integer"),
    (dict(strategy="equal"), ValueError, "^strategy must be one of"),
    (dict(strategy=None), TypeError, "^strategy must be a string"),
    (dict(kind="top"), ValueError, "^kind must be one of"),
    (dict(norm="l3"), ValueError, "^norm must be one of"),
])
def test_bad_options(kw, exc, match):
    with pytest.raises(exc, match=match):
        expected_calibration_error(P6, Y6, **kw)


def test_row_sum_tolerance():
    from focaltheory.metrics._inputs import default_atol

    assert default_atol(np.float64, 3) == 1e-6
    assert default_atol(np.float32, 2) == 1e-6
    assert default_atol(np.float32, 3) == pytest.approx(4 * 3 * 2.0 ** -23)
    assert default_atol(np.float32, 1000) == pytest.approx(4 * 1000 * 2.0 ** -23)
    assert default_atol(np.float16, 10) == pytest.approx(4 * 10 * 2.0 ** -10)
    assert default_atol(np.int64, 5) == 1e-6
    p = np.array(P6)
    off = p.copy()
    off[:, 0] += 5e-7  # within the default: accepted
    assert expected_calibration_error(off, Y6, n_bins=5) == pytest.approx(
        expected_calibration_error(p, Y6, n_bins=5), abs=1e-6)
    off[:, 0] += 1e-5
    with pytest.raises(ValueError, match="^probs rows must sum to 1 within atol=1e-06"):
        expected_calibration_error(off, Y6)
    assert expected_calibration_error(off, Y6, atol=1e-4) >= 0
    with pytest.raises(ValueError, match="atol=0"):
        expected_calibration_error(off, Y6, atol=0)
    # a float16 softmax over 10 classes sums to 1 only within about K eps of float16
    rng = np.random.default_rng(8)
    z = rng.normal(size=(200, 10)).astype(np.float16)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    sm16 = e / e.sum(axis=1, keepdims=True)
    assert np.abs(sm16.astype(float).sum(axis=1) - 1).max() > 1e-4
    expected_calibration_error(sm16, rng.integers(0, 10, size=200))
    with pytest.raises(ValueError, match="probs rows must sum to 1"):
        expected_calibration_error(sm16.astype(np.float64), rng.integers(0, 10, size=200))


def test_integer_and_float_label_dtypes():
    p = np.eye(3)[[0, 1, 2, 1]]
    for y in ([0, 1, 2, 1], np.array([0, 1, 2, 1], dtype=np.uint8), np.array([0.0, 1.0, 2.0, 1.0])):
        assert expected_calibration_error(p, y) == 0.0
    assert expected_calibration_error(np.array([0.2, 0.9]), np.array([False, True])) == pytest.approx(0.15)


def test_no_warnings_and_no_leaked_errstate():
    pytest.importorskip("sklearn")
    before = np.geterr()
    rng = np.random.default_rng(9)
    p = rng.dirichlet(np.full(3, 0.1), size=40)
    p[0] = [1.0, 0.0, 0.0]
    y = rng.integers(0, 3, size=40)
    y[0] = 2  # zero probability on the label
    p_off = p * (1 + 1e-7)  # rows off by 1e-7: accepted, renormalized (sklearn would warn)
    s = np.repeat([0.0, 0.5, 1.0], 10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for probs, labels in ((p, y), (p_off, y), (s, np.tile([0, 1], 15)), (p[:1], y[:1])):
            for kind in ("top-label", "classwise"):
                for strategy in ("uniform", "quantile"):
                    for norm in ("l1", "l2", "max"):
                        expected_calibration_error(probs, labels, n_bins=20, kind=kind,
                                                   strategy=strategy, norm=norm)
                    reliability_diagram(probs, labels, n_bins=20, kind=kind, strategy=strategy)
            assert np.isfinite(negative_log_likelihood(probs, labels))
            assert np.isfinite(brier_score(probs, labels))
    assert np.geterr() == before


def test_diagram_is_frozen_and_read_only():
    d = reliability_diagram(P6, Y6, n_bins=4)
    assert isinstance(d, ReliabilityDiagram)
    with pytest.raises(AttributeError):
        d.counts = None
    for a in (d.edges, d.centers, d.confidence, d.frequency, d.counts):
        assert not a.flags.writeable
    np.testing.assert_allclose(d.centers, [0.125, 0.375, 0.625, 0.875])
    assert d.counts.dtype == np.int64 and d.counts.sum() == 6
    assert d.calibration_error() == expected_calibration_error(P6, Y6, n_bins=4)
    assert d.calibration_error("l2") == expected_calibration_error(P6, Y6, n_bins=4, norm="l2")


def test_invariances():
    rng = np.random.default_rng(10)
    p = rng.dirichlet(np.ones(4), size=300)
    y = rng.integers(0, 4, size=300)
    perm = rng.permutation(300)
    cols = np.array([2, 0, 3, 1])
    inv = np.argsort(cols)
    for kind in ("top-label", "classwise"):
        for strategy in ("uniform", "quantile"):
            e = expected_calibration_error(p, y, kind=kind, strategy=strategy)
            assert expected_calibration_error(p[perm], y[perm], kind=kind, strategy=strategy) == pytest.approx(e, rel=1e-12)
            assert expected_calibration_error(p[:, cols], inv[y], kind=kind, strategy=strategy) == pytest.approx(e, rel=1e-12)


# ---------------------------------------------------------------- plot

@pytest.fixture
def agg():
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def test_plot_draws_one_bar_per_nonempty_bin(agg):
    d = reliability_diagram(P6, Y6, n_bins=5)
    ax = plot_reliability_diagram(d)
    assert len(ax.containers) == 2
    assert len(ax.containers[0]) == len(ax.containers[1]) == 4  # bins 1..4 are occupied
    heights = [bar.get_height() for bar in ax.containers[0]]
    np.testing.assert_allclose(heights, [1, 0, 1, 1])
    _, ax2 = agg.subplots()
    out = plot_reliability_diagram(P6, Y6, ax=ax2, n_bins=15, show_gap=False)
    assert out is ax2 and len(ax2.containers) == 1
    assert len(ax2.containers[0]) == np.count_nonzero(reliability_diagram(P6, Y6).counts)
    assert "ECE" in ax2.get_title()


def test_plot_classwise(agg):
    rng = np.random.default_rng(11)
    s = rng.uniform(size=100)
    y = rng.integers(0, 2, size=100)
    ax = plot_reliability_diagram(s, y, kind="classwise", n_bins=10, strategy="quantile")
    assert len(ax.containers[0]) == 10
    with pytest.raises(ValueError, match="class_index is required"):
        plot_reliability_diagram(P6, Y6, kind="classwise")
    ax = plot_reliability_diagram(P6, Y6, kind="classwise", class_index=2, n_bins=5)
    assert len(ax.containers[0]) == np.count_nonzero(reliability_diagram(P6, Y6, n_bins=5, kind="classwise").counts[2])
    with pytest.raises(ValueError, match="class_index must lie in"):
        plot_reliability_diagram(P6, Y6, kind="classwise", class_index=3)
    with pytest.raises(TypeError, match="^y must be None"):
        plot_reliability_diagram(reliability_diagram(P6, Y6), Y6)
    with pytest.raises(TypeError, match=r"^y \(the labels\) is required"):
        plot_reliability_diagram(P6)


# ---------------------------------------------------------------- optional dependencies

def test_import_focaltheory_does_not_load_the_metrics():
    code = ("import sys, focaltheory; print(sorted(m for m in sys.modules if m.startswith("
            "('focaltheory.metrics', 'sklearn', 'matplotlib'))))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         cwd=ROOT).stdout.strip()
    assert out == "[]"
    code = ("import sys, focaltheory.metrics; print(sorted({m.split('.')[0] for m in sys.modules "
            "if m.startswith(('sklearn', 'matplotlib'))}))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         cwd=ROOT).stdout.strip()
    assert out == "[]"  # the metrics module itself imports neither until a function needs it


def test_missing_optional_dependencies_name_the_extra(monkeypatch):
    for name in [m for m in sys.modules if m.split(".")[0] in ("sklearn", "matplotlib")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r'pip install "focaltheory\[sklearn\]"'):
        negative_log_likelihood(P6, Y6)
    with pytest.raises(ImportError, match=r'pip install "focaltheory\[sklearn\]"'):
        brier_score(P6, Y6)
    with pytest.raises(ImportError, match=r'pip install "focaltheory\[plot\]"'):
        plot_reliability_diagram(P6, Y6)
    # the binned metrics need neither
    assert expected_calibration_error(P6, Y6, n_bins=5) == pytest.approx(2.6 / 6)


# ---------------------------------------------------------------- the documentation's example

def test_the_metrics_page_example():
    pytest.importorskip("sklearn")
    from focaltheory import inverse_minimizer, minimizer

    rng = np.random.default_rng(0)
    P = rng.dirichlet(np.full(5, 0.3), size=20_000)
    y = (P.cumsum(axis=1) < rng.uniform(size=(20_000, 1))).sum(axis=1).clip(max=4)
    Q = minimizer(P, gamma=3).q
    R = inverse_minimizer(Q, gamma=3)
    got = [expected_calibration_error(Q, y), expected_calibration_error(R, y),
           expected_calibration_error(Q, y, kind="classwise"), expected_calibration_error(R, y, kind="classwise"),
           negative_log_likelihood(Q, y), brier_score(Q, y), negative_log_likelihood(R, y), brier_score(R, y)]
    np.testing.assert_allclose(got, [0.1608, 0.0074, 0.0565, 0.0072, 0.9509, 0.5283, 0.8712, 0.4812], atol=5e-5)
    d = reliability_diagram(Q, y, n_bins=5)
    full = d.counts > 0
    np.testing.assert_allclose(d.confidence[full], [0.357, 0.488, 0.657, 0.828], atol=5e-4)
    np.testing.assert_allclose(d.frequency[full], [0.435, 0.660, 0.923, 1.0], atol=5e-3)
    page = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    for text in ("0.1608", "0.0074", "0.0565 -> 0.0072", "0.9509, 0.5283 -> 0.8712, 0.4812",
                 "0.36, 0.49, 0.66, 0.83", "0.44, 0.66, 0.92, 1.00"):
        assert text in page, text
