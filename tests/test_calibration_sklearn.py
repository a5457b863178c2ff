"""FocalCalibrator against scikit-learn's estimator checks (each check is a test), and its protocol.

The checks feed generic data: random features and labels.  With
``input_type="logits"`` any finite real matrix is a valid input (the logits of
a model), so nearly every check applies; the few that cannot are declared
expected failures with the reason.  With the default ``input_type="probs"``
generic features are not probabilities and are refused: every check that fits
or transforms such data is an expected failure, for that one reason.
"""

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402
from sklearn.utils.validation import check_is_fitted  # noqa: E402

from focaltheory import FocalCalibrator, minimizer  # noqa: E402
from focaltheory.calibration import FocalCalibrator as FC2  # noqa: E402

_COLUMNS = ("the generic data set has 2 feature columns and 3 classes: softmax outputs need one column per class "
            "(y must be class indices in [0, K) or K distinct labels)")
_NOT_A_MODEL = ("generic features are not the logits of a trained model: calibrating them does not make a "
                "classifier as accurate as the check requires (the map keeps the argmax of the input)")
_ONE_D = ("a 1-D softmax input is one distribution (as for inverse_minimizer), not a mistake, so transform / "
          "predict / predict_proba accept it instead of raising")

LOGITS_XFAIL = {
    "check_estimators_overwrite_params": _COLUMNS,
    "check_estimators_fit_returns_self": _COLUMNS,
    "check_readonly_memmap_input": _COLUMNS,
    "check_classifiers_classes": _COLUMNS,
    "check_classifiers_train": _NOT_A_MODEL,
    "check_fit2d_predict1d": _ONE_D,
}

_PROBS = ("generic random X is not probabilities (rows in [0, 1] summing to 1): FocalCalibrator(input_type='probs') "
          "refuses it with a ValueError")
PROBS_XFAIL = {name: _PROBS for name in (
    "check_fit_score_takes_y", "check_estimators_overwrite_params", "check_dont_overwrite_parameters",
    "check_estimators_fit_returns_self", "check_readonly_memmap_input", "check_n_features_in_after_fitting",
    "check_estimators_dtypes", "check_dtype_object",
    "check_pipeline_consistency", "check_estimators_nan_inf", "check_estimators_pickle",
    "check_f_contiguous_array_estimator", "check_classifier_data_not_an_array", "check_classifiers_one_label",
    "check_classifiers_classes", "check_classifiers_train", "check_classifiers_regression_target",
    "check_supervised_y_2d", "check_transformer_data_not_an_array", "check_transformer_general",
    "check_transformer_preserve_dtypes", "check_transformers_unfitted_stateless",
    "check_methods_sample_order_invariance", "check_methods_subset_invariance", "check_fit2d_1sample",
    "check_fit2d_1feature", "check_dict_unchanged", "check_fit_idempotent", "check_fit_check_is_fitted",
    "check_n_features_in", "check_fit2d_predict1d")}


def _expected(est):
    return PROBS_XFAIL if est.input_type == "probs" else LOGITS_XFAIL


ESTIMATORS = [
    FocalCalibrator(input_type="logits"),
    FocalCalibrator(input_type="logits", method="temperature"),
    FocalCalibrator(input_type="logits", method="focal-temperature", fit_gamma=False),
    FocalCalibrator(input_type="logits", method="auto", cv=3),
    FocalCalibrator(),
]


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_both_import_paths_are_one_class():
    assert FocalCalibrator is FC2


def test_fitted_attributes_only_after_fit_and_string_labels():
    rng = np.random.default_rng(0)
    P = rng.dirichlet(np.ones(3), size=400)
    y_idx = (P.cumsum(axis=1) < rng.uniform(size=(400, 1))).sum(axis=1).clip(max=2)
    labels = np.array(["cat", "dog", "eel"])
    cal = FocalCalibrator(gamma=2.0, fit_gamma=False)
    for attr in ("classes_", "n_features_in_", "gamma_", "temperature_", "method_", "nll_", "selection_"):
        assert not hasattr(cal, attr)
    Q = minimizer(P, 2.0).q
    cal.fit(Q, labels[y_idx])
    np.testing.assert_array_equal(cal.classes_, labels)
    assert cal.n_features_in_ == 3 and cal.gamma_ == 2.0 and cal.temperature_ == 1.0 and cal.method_ == "inverse"
    np.testing.assert_allclose(cal.predict_proba(Q), P, rtol=1e-10)
    np.testing.assert_array_equal(cal.predict(Q), labels[P.argmax(axis=1)])
    # score: the mean log-likelihood of the labels (higher is better)
    assert cal.score(Q, labels[y_idx]) == pytest.approx(np.mean(np.log(P[np.arange(400), y_idx])), rel=1e-10)
    with pytest.raises(ValueError, match="X has 4 features, but FocalCalibrator is expecting 3"):
        cal.transform(rng.dirichlet(np.ones(4), size=2))
    # explicit classes: the column order is the user's
    cal2 = FocalCalibrator(gamma=2.0, fit_gamma=False, classes=["eel", "dog", "cat"]).fit(Q, labels[2 - y_idx])
    np.testing.assert_array_equal(cal2.predict(Q), labels[2 - P.argmax(axis=1)])


def test_transform_without_fit_pipeline_and_check_is_fitted():
    q = minimizer([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3]], 3.0).q
    cal = FocalCalibrator(gamma=3.0)
    check_is_fitted(cal)  # method="inverse" declares requires_fit=False: nothing to fit
    pipe = Pipeline([("cal", FocalCalibrator(gamma=3.0))])
    np.testing.assert_allclose(pipe.transform(q), [[0.7, 0.2, 0.1], [0.1, 0.6, 0.3]], rtol=1e-12)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="not fitted"):
        FocalCalibrator(method="temperature").transform(q)
    with pytest.raises(NotFittedError):
        check_is_fitted(FocalCalibrator(method="auto"))
    # a fitted pipeline: fit on held-out outputs, transform new ones
    z = np.log(q) * 2.0
    pipe = Pipeline([("cal", FocalCalibrator(method="temperature", input_type="logits"))]).fit(z, [0, 1])
    assert pipe.transform(z).shape == (2, 3)
    assert clone(pipe.named_steps["cal"]).get_params()["method"] == "temperature"


def test_set_output():
    cal = FocalCalibrator(gamma=1.0)
    assert cal.set_output(transform="default") is cal
    assert isinstance(cal.transform([[0.5, 0.5]]), np.ndarray)
    with pytest.raises(ValueError, match="transform must be one of"):
        cal.set_output(transform="xml")
    cal.set_output(transform="pandas")
    try:
        import pandas as pd
    except ImportError:
        with pytest.raises(ImportError, match="pandas"):
            cal.transform([[0.5, 0.5]])
    else:
        df = cal.fit([[0.5, 0.5], [0.2, 0.8]], [0, 1]).transform(np.array([[0.5, 0.5]]))
        assert isinstance(df, pd.DataFrame) and list(df.columns) == ["x0", "x1"]
    assert clone(cal)._sklearn_output_config == {"transform": "pandas"}


def test_sklearn_tags():
    from sklearn.utils import get_tags

    assert get_tags(FocalCalibrator()).requires_fit is False
    assert get_tags(FocalCalibrator(method="auto")).requires_fit is True
    t = get_tags(FocalCalibrator(loss="sigmoid"))
    assert t.classifier_tags.multi_label and t.target_tags.multi_output and t.estimator_type == "classifier"
    assert get_tags(FocalCalibrator()).transformer_tags is not None
