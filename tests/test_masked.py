"""Masked arrays: refused with a TypeError naming the argument, by every public function.

numpy's conversion drops the mask and uses the hidden values (a masked 100
in P was counted); a mask has no single meaning here, so masked entries are
refused and the caller fills them.  A masked array with nothing masked is
taken as its data.
"""

import numpy as np
import pytest

import focaltheory as ft
from focaltheory.design import crossover_gamma
from focaltheory.regimes import gamma_for_threshold


def _m(values, mask):
    return np.ma.array(values, mask=mask)


P3 = [0.5, 0.3, 0.2]
MP3 = _m([0.5, 100.0, 0.2], [0, 1, 0])
MQ3 = _m([0.5, 0.3, 0.2], [0, 1, 0])
MG = _m([2.0, 1e300], [0, 1])
Z = np.array([[1.0, 0.0, -1.0]])

CASES = {
    "minimizer p": (lambda: ft.minimizer(MP3, 2.0), "p"),
    "minimizer gamma": (lambda: ft.minimizer(P3, MG[:, None]), "gamma"),
    "minimizer alpha": (lambda: ft.minimizer(P3, 2.0, alpha=_m([1.0, 2.0, 0.0], [0, 0, 1])), "alpha"),
    "focal_loss q": (lambda: ft.focal_loss(_m([0.3, 5.0], [0, 1]), 2.0), "q"),
    "focal_loss gamma": (lambda: ft.focal_loss(0.3, MG), "gamma"),
    "focal_entropy p": (lambda: ft.focal_entropy(MP3, P3, 2.0), "p"),
    "focal_entropy q": (lambda: ft.focal_entropy(P3, MQ3, 2.0), "q"),
    "focal_entropy alpha": (lambda: ft.focal_entropy(P3, P3, 2.0, alpha=_m([1.0, 1.0, 1.0], [1, 0, 0])), "alpha"),
    "inverse_minimizer q": (lambda: ft.inverse_minimizer(MQ3, 2.0), "q"),
    "inverse_minimizer alpha": (lambda: ft.inverse_minimizer(P3, 2.0, alpha=_m([1.0, 1.0, 1.0], [1, 0, 0])), "alpha"),
    "threshold": (lambda: ft.threshold(MG), "gamma"),
    "gamma_for_threshold": (lambda: gamma_for_threshold(_m([0.3, 0.9], [0, 1])), "p"),
    "regimes": (lambda: ft.regimes(MP3, 2.0), "p"),
    "over_suppression": (lambda: ft.over_suppression(MP3, 2.0), "p"),
    "grad z": (lambda: ft.focal_loss_grad_logits(_m(Z, [[0, 1, 0]]), [0], 2.0), "z"),
    "grad y": (lambda: ft.focal_loss_grad_logits(Z, _m([0], [1]), 2.0), "y"),
    "hvp v": (lambda: ft.focal_loss_hvp_logits(Z, [0], 2.0, _m(Z, [[1, 0, 0]])), "v"),
    "sigmoid_focal_risk": (lambda: ft.sigmoid_focal_risk(_m([0.3, 7.0], [0, 1]), 0.4), "s"),
    "sigmoid_minimizer": (lambda: ft.sigmoid_minimizer(_m([0.3, 7.0], [0, 1])), "eta"),
    "sigmoid_posterior": (lambda: ft.sigmoid_posterior(_m([0.3, 7.0], [0, 1])), "s"),
    "sigmoid_posterior_from_logits": (lambda: ft.sigmoid_posterior_from_logits(_m([0.3, 7.0], [0, 1])), "s"),
    "calibrator probs": (lambda: ft.FocalCalibrator().transform(_m([[0.5, 0.3, 0.2]], [[0, 1, 0]])), "probs"),
    "calibrator logits": (lambda: ft.FocalCalibrator().transform(logits=_m(Z, [[0, 1, 0]])), "logits"),
    "calibrator fit y": (lambda: ft.FocalCalibrator().fit(np.array([[0.6, 0.4], [0.3, 0.7]]), _m([0, 1], [0, 1])), "y"),
    "crossover_gamma": (lambda: crossover_gamma(_m([0.2, 0.3], [0, 1])), "p"),
    "gamma_for_rare_score others": (
        lambda: ft.gamma_for_rare_score(0.01, 0.05, loss="softmax", alpha=None, others=_m([1.0, 5.0], [0, 1])),
        "others",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_masked_entries_are_refused(name):
    call, arg = CASES[name]
    with pytest.raises(TypeError, match=rf"^{arg} is a masked array with masked entries"):
        call()


def test_the_reported_case():
    # the masked 100 used to be counted: q was that of [0.5, 100, 0.5] / 101
    with pytest.raises(TypeError, match="p is a masked array"):
        ft.minimizer(np.ma.array([0.5, 100, 0.5], mask=[0, 1, 0]), 2)
    # what the caller means, said explicitly
    filled = np.ma.array([0.5, 100, 0.5], mask=[0, 1, 0]).filled(0.0)
    np.testing.assert_array_equal(ft.minimizer(filled, 2).q, [0.5, 0.0, 0.5])


def test_nothing_masked_is_the_data():
    for data in ([0.5, 0.3, 0.2], [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]):
        m = np.ma.array(data)  # no mask
        assert np.array_equal(ft.minimizer(m, 3.0).q, ft.minimizer(data, 3.0).q)
        m = np.ma.array(data, mask=np.zeros(np.shape(data), bool))  # an all-False mask
        assert np.array_equal(ft.inverse_minimizer(m, 3.0), ft.inverse_minimizer(data, 3.0))
        assert np.array_equal(ft.focal_entropy(m, m, 3.0), ft.focal_entropy(data, data, 3.0))
