"""The accuracy report: every generated function against mpmath references.

mpmath transcriptions of the focal loss and of its derivatives (by
``mpmath.diffs`` with steps relative to the point), references with the
condition number of each generated function on q-, 1 - q- and logit grids,
the rows of the report, their per-function summary against the tolerances
``TOL_WELL`` and ``TOL_ILL_PER_KAPPA``, and the text table of ``--report``.
"""

import mpmath

# ----------------------------------------------------------------------------
# Accuracy against mpmath (the report; the tests use the same references)
# ----------------------------------------------------------------------------
GAMMAS = (0.0, 0.25, 0.5, 1.0, 2.0, 5.0, 50.0)
#: relative error required where the function is well conditioned (kappa <= KAPPA_WELL)
TOL_WELL = 1e-13
KAPPA_WELL = 100.0
#: where kappa > KAPPA_WELL the bound is err <= TOL_ILL_PER_KAPPA * kappa (about 4.5 kappa ulp)
TOL_ILL_PER_KAPPA = 1e-15
_LOG_FUNCTIONS = ("log_g", "log_neg_dg", "log_g_from_logit")
_DPS = 50


def _mp_focal_loss(qm, cm, gm):
    """mpmath transcription of focal_loss_expr: -(1-q)**gamma log q, with 1 - q passed as cm.

    log q is evaluated as log1p(-(1 - q)) when 1 - q < 1/2 (the same number; mpmath's
    log1p keeps its relative precision when 1 - q is far below the working precision).
    """

    lq = mpmath.log1p(-cm) if cm < 0.5 else mpmath.log(qm)
    return -lq if gm == 0 else -(cm**gm) * lq


def _mp_l_derivs(qm, cm, gm, n=3):
    """[l, l', l'', ..., l^(n)] at q = qm (1 - q = cm) by mpmath.diff of the transcription.

    Differentiates in q when q < 1/2 and in c = 1 - q otherwise (l^(k)(q) = (-1)^k d^k/dc^k l(1-c)),
    with steps relative to the point, so q = 1e-300 and c = 1e-300 are both resolved.
    """

    # step relative to the point (mpmath's own ``relative=True`` scales the step the wrong way)
    if qm < mpmath.mpf(1) / 2:
        h = mpmath.ldexp(qm, -mpmath.mp.prec - 10)
        return list(mpmath.diffs(lambda x: _mp_focal_loss(x, 1 - x, gm), qm, n, h=h))
    # l(1 - c) = c**(gamma+1) (1 + c/2 + ...): when gamma is an integer below n, the n-th
    # derivative lives ~log2(1/c) bits below the value; resolve it with as many extra bits
    extra = 10
    if gm == int(gm) and gm + 1 <= n:
        extra += max(0, -int(mpmath.mag(cm)))
    h = mpmath.ldexp(cm, -mpmath.mp.prec - extra)
    d = list(mpmath.diffs(lambda x: _mp_focal_loss(1 - x, x, gm), cm, n, h=h, addprec=extra))
    return [(-1) ** k * v for k, v in enumerate(d)]


def _mp_logit_derivs(um, gm, n=3):
    """[Lambda, Lambda', ..., Lambda^(n)] at u by mpmath.diff of l(sigmoid(u)) (1 - q = sigmoid(-u))."""

    def lam(x):
        return _mp_focal_loss(1 / (1 + mpmath.exp(-x)), 1 / (1 + mpmath.exp(x)), gm)

    # for u << 0, Lambda ~ -u while its derivatives are ~exp(u): resolve them with extra bits
    extra = 10 + (int(-um / mpmath.log(2)) if um < 0 else 0)
    return list(mpmath.diffs(lam, um, n, addprec=extra))


def _mp_dphi(qm, cm, gm):
    """phi'(q) = g + q g' from mpmath.diff; g and q g' cancel to ~log(q) out of ~1/q, so the
    derivatives are taken with log10(1/q) extra digits.  At gamma = 0, phi = 1 and phi' = 0."""
    if gm == 0:
        return mpmath.mpf(0), mpmath.mpf(0)
    extra = max(0, -int(mpmath.log10(qm))) + 10
    with mpmath.extradps(extra):
        l1, l2, l3 = _mp_l_derivs(qm, cm, gm, 3)[1:]
        val = -l1 - qm * l2  # phi' = g + q g'
        der = -2 * l2 - qm * l3  # phi'' = 2 g' + q g''
    return +val, +der


def _q_references(qm, cm, gm):
    """{name: (value, x * d value / dx)} for the q-domain functions, x the primary input (q or c)."""
    l0, l1, l2, l3 = _mp_l_derivs(qm, cm, gm)
    # dx/dq: x = q (q < 1/2) or x = c (then x d/dx = -c d/dq)
    xdq = qm if qm < 0.5 else -cm
    g, dg, d2g = -l1, -l2, -l3
    vals = {
        "focal_loss": (l0, l1),
        "g": (g, dg),
        "log_g": (None, dg / g),
        "dg": (dg, d2g),
        "log_neg_dg": (None, d2g / dg),
        "inverse_weight": (1 / g, -dg / g**2),
        "phi": (qm * g, g + qm * dg),
        "dphi": _mp_dphi(qm, cm, gm),
    }

    out = {}
    for name, (v, dv) in vals.items():
        if name == "dphi":
            out[name] = (v, xdq * dv)
            continue
        if name == "log_g":
            v = mpmath.log(g)
        elif name == "log_neg_dg":
            v = mpmath.log(-dg)
        out[name] = (v, xdq * dv)
    return out


def _u_references(um, gm):
    """{name: (value, u * d value / du)} for the logit-domain functions and the solver kernels."""

    L = _mp_logit_derivs(um, gm)
    out = {
        "logit_loss": (L[0], um * L[1]),
        "logit_dloss": (L[1], um * L[2]),
        "logit_d2loss": (L[2], um * L[3]),
    }
    qm = 1 / (1 + mpmath.exp(-um))
    cm = 1 / (1 + mpmath.exp(um))
    l0, l1, l2, l3 = _mp_l_derivs(qm, cm, gm)
    h = l2 / l1  # d log g / dq
    dlog = h * qm * cm  # d log g / du
    dh = (l3 * l1 - l2**2) / l1**2
    d2log = (dh * qm * cm + h * (cm - qm)) * qm * cm
    out["log_g_from_logit"] = (mpmath.log(-l1), um * dlog)
    out["_dlog_g"] = (dlog, um * d2log)
    return out


def _grids():
    """The q-, c- and u-grids of the report: q from 1e-300, 1 - q down to 1e-300, u = logit."""
    import numpy as np

    qg = np.logspace(-300, np.log10(0.45), 41)
    cg = np.logspace(-300, np.log10(0.5), 41)
    ug = np.concatenate([-np.logspace(np.log10(690.0), -3, 22), [0.0], np.logspace(-3, np.log10(700.0), 22)])
    return qg, cg, ug


def _evaluate_generated(name, x, gm, domain):
    import numpy as np

    from focaltheory import _generated as G

    if domain == "q":
        qf, cf = x
        return float(getattr(G, name)(qf, cf, gm))
    if name == "_dlog_g":
        e, lp1, qv, omq, neg = G._logit_parts(np.float64(x))
        return float(G._dlog_g(gm, G._k_term(np.float64(x), e, lp1, neg), qv, omq))
    return float(getattr(G, name)(x, gm))


def accuracy_rows(gammas=GAMMAS, grids=None):
    """Every (function, gamma, input, domain, value, reference, error, kappa) of the report.

    ``error`` is relative (``|f - ref| / |ref|``), except for the log-valued
    functions, where it is ``|f - ref| / max(1, |ref|)`` (the relative error of
    ``exp(f)`` when ``|ref| <= 1``).  ``kappa = |x f'(x)| / |f|`` (``/ max(1, |f|)`` for
    the log-valued ones) is the condition number for the primary input x: q
    when q < 1/2, c = 1 - q otherwise, u in the logit domain.  References whose
    magnitude is outside the normal double range are returned with error None.
    """

    qg, cg, ug = grids or _grids()
    rows = []
    with mpmath.workdps(_DPS):
        for gv in gammas:
            gm = mpmath.mpf(gv)
            pts = [("q", (float(x), float(1.0 - x)), mpmath.mpf(float(x)), 1 - mpmath.mpf(float(x))) for x in qg]
            pts += [("c", (float(1.0 - x), float(x)), 1 - mpmath.mpf(float(x)), mpmath.mpf(float(x))) for x in cg]
            for dom, (qf, cf), qm, cm in pts:
                refs = _q_references(qm, cm, gm)
                for name, (ref, xdref) in refs.items():
                    val = _evaluate_generated(name, (qf, cf), gv, "q")
                    rows.append(_row(name, gv, qf if dom == "q" else cf, dom, val, ref, xdref))
            for x in ug:
                refs = _u_references(mpmath.mpf(float(x)), gm)
                for name, (ref, xdref) in refs.items():
                    val = _evaluate_generated(name, float(x), gv, "u")
                    rows.append(_row(name, gv, float(x), "u", val, ref, xdref))
    return rows


def _row(name, gv, x, dom, val, ref, xdref):
    import math

    is_log = name in _LOG_FUNCTIONS
    aref = abs(ref)
    scale = max(aref, mpmath.mpf(1)) if is_log else aref
    in_range = is_log or (aref == 0) or (mpmath.mpf("2.3e-308") < aref < mpmath.mpf("1.7e308"))
    if not math.isfinite(val) and in_range:
        err = math.inf
    elif not in_range or scale == 0:
        err = None if aref != 0 else (0.0 if val == 0 else math.inf)
    else:
        err = float(abs(mpmath.mpf(val) - ref) / scale)
    kappa = float(abs(xdref) / scale) if scale != 0 else 0.0  # an exact zero, matched exactly
    return dict(name=name, gamma=gv, x=x, domain=dom, value=val, ref=ref, err=err, kappa=kappa)


def summarize(rows):
    """Per function: worst error where kappa <= KAPPA_WELL, worst err/kappa elsewhere, counts, pass flag."""
    import math

    out = {}
    for r in rows:
        s = out.setdefault(
            r["name"],
            dict(worst_well=0.0, at_well=None, worst_ill_ratio=0.0, at_ill=None, n=0, n_ill=0, n_out=0, ok=True, max_kappa=0.0),
        )
        err, kap = r["err"], r["kappa"]
        if err is None:  # the true value is outside the normal range: must under/overflow, never NaN
            s["n_out"] += 1
            aref, val = abs(r["ref"]), r["value"]
            if math.isnan(val) or (aref < 1 and abs(val) > 2.3e-308) or (aref > 1 and not math.isinf(val)):
                s["ok"] = False
            continue
        s["n"] += 1
        if kap <= KAPPA_WELL:
            if err > s["worst_well"]:
                s["worst_well"], s["at_well"] = err, (r["gamma"], r["domain"], r["x"])
            if err > TOL_WELL:
                s["ok"] = False
        else:
            s["n_ill"] += 1
            s["max_kappa"] = max(s["max_kappa"], kap)
            ratio = err / kap
            if ratio > s["worst_ill_ratio"]:
                s["worst_ill_ratio"], s["at_ill"] = ratio, (r["gamma"], r["domain"], r["x"], kap, err)
            if err > TOL_ILL_PER_KAPPA * kap:
                s["ok"] = False
    return out


def accuracy_report(gammas=GAMMAS):
    """Summary per generated function over the full grids (see :func:`accuracy_rows`)."""
    return summarize(accuracy_rows(gammas))


def format_report(summary):
    """The report as a text table."""
    lines = [
        f"generated function vs mpmath ({_DPS} digits): q in [1e-300, 0.45], 1 - q in [1e-300, 0.5], "
        f"u in [-690, 700], gamma in {list(GAMMAS)}",
        f"well conditioned: kappa <= {KAPPA_WELL:g}, required error <= {TOL_WELL:g}; "
        f"otherwise required error <= {TOL_ILL_PER_KAPPA:g} * kappa",
        f"{'function':18s} {'worst err (well)':>16s} {'at (gamma, dom, x)':>28s} {'ill pts':>7s} "
        f"{'max err/kappa':>13s} {'max kappa':>10s} {'out of range':>12s} {'ok':>3s}",
    ]
    for name, s in summary.items():
        at = "" if s["at_well"] is None else f"({s['at_well'][0]:g}, {s['at_well'][1]}, {s['at_well'][2]:.3g})"
        lines.append(
            f"{name:18s} {s['worst_well']:16.3e} {at:>28s} {s['n_ill']:7d} {s['worst_ill_ratio']:13.3e} "
            f"{s['max_kappa']:10.3g} {s['n_out']:12d} {'yes' if s['ok'] else 'NO':>3s}"
        )
    return "\n".join(lines)

