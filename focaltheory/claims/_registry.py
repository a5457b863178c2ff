"""The registry: every claim with its statement, formula, source, tolerance, check and kind."""

from __future__ import annotations

from ._asymptotics import _check_asym_gamma0, _check_asym_gamma_inf, _check_asym_small_p
from ._bounds import _check_bound_lemmas, _check_ce_bound, _check_finiteness, _check_mukhoti
from ._countable import (
    _check_countable_finiteness,
    _check_existence,
    _check_infinite_entropy,
    _check_over_suppression_countable,
    _check_scoring_rule,
    _check_semicontinuity,
    _check_support_criterion,
    _check_tails,
    _check_tv_continuity,
)
from ._convexity import _check_concavity, _check_continuity, _check_envelope, _check_strict_convexity
from ._framework import FALSE_AS_STATED, HOLDS, Claim
from ._loss import _check_g_shape, _check_loss_convex
from ._minimizer import _check_existence_uniqueness, _check_inverse_identity, _check_order, _check_structure
from ._properness import _check_fixed_points, _check_not_proper, _check_q_neq_p_everywhere
from ._regimes import (
    _check_binary,
    _check_flsd53_threshold_gammas,
    _check_mid_range,
    _check_mukhoti_rule,
    _check_over_suppression_criterion,
    _check_over_suppression_exists,
    _check_phi_unimodal,
    _check_regime_criterion,
    _check_threshold_numbers,
)
from ._variants import _check_alpha, _check_sigmoid

SHAH = "Shah, Cardone, Dytso, AISTATS 2026"
CHAR = "Charoenphakdee et al., CVPR 2021"
MUKH = "Mukhoti et al., NeurIPS 2020"
LIN = "Lin et al., ICCV 2017"
HERE = "derived here"
ABSTRACT = "stated in the abstract"


def _doc(label):
    return f"docs/theory.md, section {label}"


def _here(label, consistent=None):
    """'derived here (docs/theory.md, section LABEL)', optionally 'consistent with ...'."""
    s = f"{HERE} ({_doc(label)})"
    return s if consistent is None else f"{s}, consistent with {consistent}"


CLAIMS = (
    Claim("loss-convex",
          "l is strictly decreasing and strictly convex on (0, 1] for every gamma >= 0; the bracket formula is l'' "
          "and obeys its two lower bounds",
          "l''(q) = (1-q)^(gamma-2) [t^2 + 2 gamma t - gamma(1-gamma) log(1+t)] > 0, t = (1-q)/q",
          f"{LIN} (the loss); {_here('theory-loss')}",
          "60-digit arithmetic: 1e-50 relative for signs, 1e-40 for the identity",
          _check_loss_convex, section="theory-loss"),
    Claim("g-shape",
          "g = -l' is positive and strictly decreasing from +inf to 0 for gamma > 0, g ~ (1+gamma)(1-q)^gamma "
          "near 1; gamma = 0: g = 1/q",
          "g(q) = (1-q)^(gamma-1) [(1-q)/q - gamma log q] > 0, g' < 0, g(1-c)/((1+gamma)c^gamma) = 1 + O(c)",
          _here("theory-loss"), "60 digits; the O(c) remainder is bounded by 2c (series coefficient <= 1)",
          _check_g_shape, section="theory-loss"),
    Claim("finiteness",
          "H_g(P, Q) is finite exactly when the support of P is inside the support of Q",
          "H_g(P,Q) < inf  <=>  supp P ⊆ supp Q",
          _here("theory-bounds", f"{SHAH} (whose abstract announces conditions for finiteness)"),
          "exact (boolean); entries down to 1e-300 and exact zeros", _check_finiteness, section="theory-bounds"),
    Claim("cross-entropy-bound",
          "H_g(P, Q) <= H(P, Q), and H_g(P, Q) is nonincreasing in gamma",
          "gamma1 < gamma2  =>  H_gamma2(P,Q) <= H_gamma1(P,Q) <= H_0(P,Q) = H(P,Q)",
          f"{LIN} (the modulating factor (1-q)^gamma <= 1); {_here('theory-bounds')}",
          "2 (K+4) eps H: each H is a sum of K nonnegative terms", _check_ce_bound, section="theory-bounds"),
    Claim("mukhoti-bound",
          "H_g(P, Q) >= H(P, Q) - gamma H(Q) for every gamma >= 0",
          "H_g(P,Q) >= H(P,Q) - gamma H(Q)",
          f"{MUKH}; proof {_here('theory-bounds')}", "2 (K+4) eps (H + gamma H(Q) + H_g)",
          _check_mukhoti, section="theory-bounds"),
    Claim("bound-lemmas",
          "the scalar facts of the Mukhoti bound's proof: (1-q)^g >= 1 + g log(1-q); log q log(1-q) <= h(q); "
          "Bernoulli (1-q)^g >= 1 - g q holds for g >= 1 and fails for every g in (0, 1)",
          "(1-q)^g >= 1 + g log(1-q);  log q log(1-q) <= h(q);  (1-q)^g < 1 - g q somewhere iff g < 1",
          _here("theory-bounds"), "8 eps times the size of the terms", _check_bound_lemmas, section="theory-bounds"),
    Claim("strict-convexity",
          "Q -> H_g(P, Q) is strictly convex on the simplex (Hessian PD on the tangent space, strict midpoint "
          "inequality) exactly when at most one class lies outside supp P; with two or more it has flat directions",
          "v' Hess v = sum_x P(x) l''(Q(x)) v_x^2 > 0 for sum v = 0, v != 0  <=>  |supp P| >= K - 1",
          _here("theory-convexity", f"{SHAH} (whose abstract announces conditions for convexity)"),
          "PD decided exactly in logs; eigenvalues 50 K eps; midpoint 4 (K+4) eps x size, strictness within it "
          "at 50 digits", _check_strict_convexity, section="theory-convexity"),
    Claim("concavity",
          "the minimal focal-entropy H_g(P) = min_Q H_g(P, Q) is concave in P",
          "H_g(t P1 + (1-t) P2) >= t H_g(P1) + (1-t) H_g(P2)",
          _here("theory-convexity"), "4 (K+4) eps x size (value insensitive to first order to the solver's error)",
          _check_concavity, section="theory-convexity"),
    Claim("continuity",
          "H_g is continuous (with the mean-value modulus) and P -> Q* is continuous: locally Lipschitz inside "
          "each face, Hölder with exponent 1/(1+gamma) at the vertices",
          "|dH| <= sum|dP| l(Q) + sum P' g(min(Q,Q'))|dQ|;  (1+gamma) eta^(1+gamma) ~ e at P = (1-e, e...)",
          _here("theory-convexity", f"{SHAH} (whose abstract announces conditions for continuity)"),
          "rounding 8 (K+4) eps; difference quotients agree to 10%; vertex relation to 0.01 + 5 (1+gamma) eta "
          "log(1/eta)", _check_continuity, section="theory-convexity"),
    Claim("existence-uniqueness",
          "the minimizer of H_g(P, .) over the simplex exists and is unique; generic solvers from many starts "
          "find nothing better and nothing else",
          "argmin_{Q in simplex} H_g(P, Q) is a single point Q*",
          f"{SHAH} ({ABSTRACT}); {_doc('theory-minimizer')}",
          "value 1e-12 (1 + H); near-optimal (1e-9) points within 1e-3 of Q*", _check_existence_uniqueness,
          section="theory-minimizer"),
    Claim("structure",
          "Q* = g^-1(lambda*/P) on the support, one lambda* > 0 fixed by sum Q* = 1, and Q* = 0 off the support; "
          "a point mass is its own minimizer",
          "P(x) g(Q*(x)) = lambda* (P(x) > 0),  Q*(x) = 0 (P(x) = 0)",
          _here("theory-minimizer", f"{SHAH} (whose abstract announces a description of the minimizer's structure)"),
          "log-residual 2e-13 (2+gamma) + 8 eps x |large terms|; vs 50 digits 1e-12 (1+gamma)",
          _check_structure, section="theory-minimizer"),
    Claim("order-preservation",
          "Q* preserves the order of P (ties stay ties), so the argmax is preserved (classification-calibrated)",
          "P(x) < P(y) => Q*(x) < Q*(y);  argmax Q* ⊆ argmax P",
          f"{CHAR} (classification-calibration); {_here('theory-minimizer')}",
          "reversals within 2e-13 (1+gamma) Q decided at 50 digits", _check_order, section="theory-minimizer"),
    Claim("not-strictly-proper",
          "for every gamma > 0 and K >= 2 some P has Q*(P) != P (focal loss is not strictly proper); "
          "Q*(P) = P exactly when phi(P(x)) is constant on the support",
          "exists P: Q*(P) != P;  Q*(P) = P <=> phi∘P constant on supp P",
          f"{CHAR} (not strictly proper); the fixed-point criterion {_here('theory-properness')}",
          "departure > 2e-13 (1+gamma) (solver accuracy), 50 digits below gamma = 1e-6",
          _check_not_proper, section="theory-properness"),
    Claim("fixed-points",
          "non-uniform fixed points exist (the two stated ones, verified at 50 digits), none for K = 2 and none "
          "for K = 3 (scan over gamma and both splits)",
          "phi(a) = phi(b), m a + (K-m) b = 1, a < b: roots for K = 4, 5; none for K = 2, 3",
          _here("theory-properness"), "stated digits to half a unit of the last digit; Q*(P) = P to 1e-40",
          _check_fixed_points, section="theory-properness"),
    Claim("q-differs-from-p",
          "the literal reading of 'not strictly proper': for gamma > 0, Q*(P) != P for EVERY non-uniform P "
          "(false: non-uniform fixed points exist; the correct statement is not-strictly-proper)",
          "gamma > 0, P non-uniform  =>  Q*(P) != P",
          f"a common misreading of {CHAR} (not strictly proper: some P, not every P); counterexample "
          f"{_here('theory-false')}",
          "departure > 1e-40 at 50 digits", _check_q_neq_p_everywhere, kind=FALSE_AS_STATED,
          section="theory-properness"),
    Claim("inverse-identity",
          "the unique P with Q*(P) = Q is P ∝ 1/g(Q), and lambda* = 1 / sum_x 1/g(Q*(x))",
          "Q*(P) = Q  <=>  P(x) = (1/g(Q(x))) / sum_y 1/g(Q(y))",
          f"{CHAR} (recovering the posterior from the focal-loss minimizer); {_here('theory-minimizer')}",
          "1e-12 (1+gamma) relative in q and 1 - q", _check_inverse_identity, section="theory-minimizer"),
    Claim("regime-criterion",
          "a class is amplified (Q* > P) exactly when phi(P(x)) > lambda*, suppressed exactly when phi(P(x)) < lambda*",
          "sign(Q*(x) - P(x)) = sign(phi(P(x)) - lambda*)",
          _here("theory-regimes", f"{SHAH} (whose abstract states the amplification of mid-range and the suppression of high probabilities)"),
          "signs within 2e-13 (2+gamma) decided at 50 digits", _check_regime_criterion, section="theory-regimes"),
    Claim("mid-range-amplification",
          "the amplified classes form one contiguous middle range of P; if lambda* <= 1 every class below p_gamma "
          "is amplified; the largest class is suppressed whenever it exceeds p_gamma (in particular if >= 1/2), "
          "while below p_gamma it can be amplified (witness)",
          "{x: Q* > P} = {x: a < P(x) < b};  P_max > p_gamma => Q*(argmax) < P_max",
          f"{SHAH} ({ABSTRACT}: mid-range probabilities amplified, high ones suppressed); precise form "
          f"{_here('theory-regimes')}",
          "classes within 2e-13 (1+gamma) of unchanged are not counted", _check_mid_range, section="theory-regimes"),
    Claim("over-suppression-criterion",
          "lambda* > 1 (the over-suppression regime) exactly when sum_x g^-1(1/P(x)) > 1",
          "lambda* > 1  <=>  sum_x g^-1(1/P(x)) > 1",
          _here("theory-regimes", f"{SHAH} (whose abstract states an over-suppression regime)"),
          "|S - 1| <= 32 K eps or |log lambda*| <= 2e-13 (2+gamma): decided at 50 digits",
          _check_over_suppression_criterion, section="theory-regimes"),
    Claim("over-suppression-exists",
          "over-suppression exists: 99 classes of 1/99 plus one of 1e-8 at gamma = 2 give lambda* = 1.0718 and a "
          "6.7% shrink; Q*(x)/P(x) -> 1/lambda* as P(x) -> 0; uniform P has lambda* = phi(1/K) > 1 iff 1/K < p_gamma",
          "lambda* > 1 => Q*(x)/P(x) -> 1/lambda* < 1 as P(x) -> 0",
          f"{SHAH} ({ABSTRACT}: over-suppression under extreme class imbalance); the example and limits "
          f"{_here('theory-regimes')}",
          "stated digits; small-P remainder 2 gamma P (|log(lambda/P)| + 1)/lambda^2",
          _check_over_suppression_exists, section="theory-regimes"),
    Claim("binary-never-over-suppressed",
          "binary problems never over-suppress: lambda* < 1 for K = 2, so a rare class is always amplified",
          "K = 2  =>  lambda* < 1",
          _here("theory-regimes"), "log lambda* within 2e-13 (2+gamma) of 0 decided at 50 digits", _check_binary,
          section="theory-regimes"),
    Claim("phi-unimodal",
          "phi(p) = p g(p) has phi(0+) = 1, phi(1) = 0 and a single maximum above 1 (phi' = -gamma (1-p)^(gamma-2) psi, "
          "psi concave); at gamma = 1 the peak is 1 + e^-2 at e^-2; phi is Mukhoti et al.'s gradient ratio",
          "phi'(p) = -gamma (1-p)^(gamma-2) psi(p), psi(p) = 2(1-p) + (1 - gamma p) log p, psi'' < 0",
          f"{MUKH} (phi is their g(p, gamma)); {_here('theory-regimes')}", "sympy exact; 60-digit grid",
          _check_phi_unimodal, section="theory-regimes"),
    Claim("threshold-numbers",
          "p_1 = 1/e exactly, p_2 ~ 0.2976, p_5 ~ 0.1968, p_gamma -> 1/2 as gamma -> 0; the Lambert-W inverse gives "
          "gamma ~ 4.8506 for p = 0.2",
          "phi(p_gamma) = 1;  gamma(p) via W_{-1}",
          f"{MUKH} (the threshold g(p, gamma) = 1, solved with Lambert W); the numbers {_here('theory-regimes')}",
          "half a unit of the last stated digit; 1e-45 at 50 digits", _check_threshold_numbers,
          section="theory-regimes"),
    Claim("flsd53-threshold-gammas",
          "FLSD-53 (Mukhoti et al.'s released code: gamma = 5 for p < 0.2, gamma = 3 for 0.2 <= p < 0.5) uses "
          "rounded threshold gammas: gamma(0.2) = 4.8506 rounds to 5 and gamma(0.25) = 3.070 rounds to 3 "
          "(p_3 = 0.2526: gamma = 3 is the threshold gamma of p ~ 0.25)",
          "round(gamma(0.2)) = 5, round(gamma(0.25)) = 3, gamma(p) = inverse of p_gamma (W_{-1})",
          f"{MUKH}, released code (torrvision/focal_calibration, the FLSD-53 schedule); the roundings "
          f"{_here('theory-regimes')}",
          "stated digits; rounding |gamma(p0) - gamma| <= 1/2; p_gamma(gamma(p0)) = p0 to 1e-12",
          _check_flsd53_threshold_gammas, section="theory-regimes"),
    Claim("mukhoti-gamma-rule",
          "the reading of FLSD-53's buckets as threshold gammas of their upper edges: gamma = 5 is the threshold "
          "gamma of p0 = 0.2 and gamma = 3 that of p0 = 0.5 (false: p_gamma < 1/2 for every gamma, so gamma(0.5) = 0; "
          "gamma = 3 has threshold p_3 = 0.2526)",
          "round(gamma(p0)) = gamma for (p0, gamma) = (0.2, 5), (0.5, 3)",
          f"a common reading of the FLSD-53 buckets of {MUKH} (released code: edges 0.2 and 0.5); counterexample "
          f"{_here('theory-false')}",
          "rounding: |gamma(p0) - gamma| <= 1/2", _check_mukhoti_rule, kind=FALSE_AS_STATED,
          section="theory-regimes"),
    Claim("asymptotics-gamma-0",
          "as gamma -> 0: Q* = P + gamma D1 + O(gamma^2), D1 = P (f(P) - sum P f(P)), lambda* = 1 + gamma sum P f(P) + O(gamma^2)",
          "f(p) = log(1-p) - p log p/(1-p)",
          _here("theory-asymptotics", f"{SHAH} (whose abstract announces asymptotic characterizations)"),
          "scaled error growth <= 3 over gamma = 1e-2..1e-5 (50 digits)", _check_asym_gamma0,
          section="theory-asymptotics"),
    Claim("asymptotics-gamma-inf",
          "as gamma -> inf: Q*(x) = 1/n + e_x/gamma + d_x/gamma^2 + O(gamma^-3) and log lambda* = (gamma-1) log(1-1/n) "
          "+ log gamma + log log n + mean log P + O(1/gamma); the stated 0.760, 0.896, 0.937, 0.9396, -282.40",
          "gamma (Q*(x) - Q*(y)) -> (1 - 1/n) log(P(x)/P(y))",
          _here("theory-asymptotics", f"{SHAH} (whose abstract announces asymptotic characterizations)"),
          "scaled error growth <= 3 over gamma = 1e3..1e5; stated digits", _check_asym_gamma_inf,
          section="theory-asymptotics"),
    Claim("asymptotics-small-p",
          "as P(x) -> 0: Q*(x)/P(x) = 1/lambda* + gamma P(x) (log(lambda*/P(x)) - 1)/lambda*^2 + O(P^2 log^2 P)",
          "Q*(x)/P(x) - 1/lambda* ~ gamma P log(lambda*/P)/lambda*^2",
          _here("theory-asymptotics", f"{SHAH} (whose abstract announces asymptotic characterizations)"),
          "scaled error growth <= 3 over P = 1e-6..1e-20 (50 digits)", _check_asym_small_p,
          section="theory-asymptotics"),
    Claim("countable-existence-uniqueness",
          "on a countable alphabet S(lambda) = sum_k g^-1(lambda/P(k)) is finite, continuous and strictly decreasing "
          "from inf to 0, so lambda* and Q* = g^-1(lambda*/P) exist and are unique; Q* is the certified minimizer",
          "S(lambda*) = 1,  Q*(k) = g^-1(lambda*/P(k)),  D_g(P||Q) > 0 for Q != Q*",
          _here("theory-countable", f"{SHAH} (whose abstract announces existence and uniqueness)"),
          "S decreasing beyond 8 eps sqrt(K) S; S(lambda*) = 1 and Q* to 1e-12 (1+gamma); perturbations at 50 digits",
          _check_existence, section="theory-countable"),
    Claim("countable-finiteness",
          "on a countable alphabet H_g(P, Q) < inf exactly when the cross-entropy H(P, Q) < inf, and H_g(P) < inf "
          "exactly when H(P) < inf; zipf(2) against a geometric Q diverges like the harmonic series, "
          "P ∝ 1/(k log^2 k) has H(P) = inf",
          "H_g(P,Q) < inf <=> sum P(-log Q) < inf;  H_g(P) < inf <=> H(P) < inf",
          _here("theory-countable", f"{SHAH} (whose abstract announces conditions for finiteness)"),
          "exact verdicts; the finite value within value_bound + 1e-14; the rates at 40 digits", _check_countable_finiteness,
          section="theory-countable"),
    Claim("countable-support-criterion",
          "the finite-alphabet criterion carried to a countable alphabet: H_g(P, Q) < inf exactly when supp P is "
          "inside supp Q (false: zipf(2) against geom has equal supports and H_g = inf; the correct statement is "
          "countable-finiteness)",
          "H_g(P,Q) < inf  <=>  supp P ⊆ supp Q  (P, Q on the integers)",
          f"the finite-alphabet criterion (docs/theory.md, section theory-bounds) read on a countable alphabet; "
          f"counterexample {_here('theory-false')}",
          "exact verdicts", _check_support_criterion, kind=FALSE_AS_STATED, section="theory-countable"),
    Claim("countable-infinite-entropy",
          "for P ∝ 1/(k log^2 k) (H(P) = inf, so H_g(P, Q) = inf for every Q) Q* = g^-1(lambda*/P) still exists, is "
          "the l1 limit of the minimizers of the truncations and the unique minimizer of the termwise divergence D_g",
          "||Q*(P_n) - Q*||_1 <= 4 P(X > n)/lambda*,  H(P_n) - H_g(P_n) bounded,  d_k(Q) >= 0",
          _here("theory-countable"), "exact inequalities on doubles; D_g at 50 digits", _check_infinite_entropy,
          section="theory-countable"),
    Claim("countable-semicontinuity",
          "H_g(., Q) and H_g are lower semicontinuous and P -> Q* is continuous in l1 under total-variation "
          "convergence; with uniformly summable tails of -P_n log P_n the values converge",
          "P_n -> P in TV  =>  Q*(P_n) -> Q*(P) in l1,  liminf H_g(P_n) >= H_g(P)",
          _here("theory-countable", f"{SHAH} (whose abstract announces conditions for continuity)"),
          "exact inequalities; the block witnesses at 50 digits", _check_semicontinuity, section="theory-countable"),
    Claim("countable-tv-continuity",
          "the finite-alphabet continuity read on a countable alphabet: H_g(P_n) -> H_g(P) and H_g(P_n, Q) -> "
          "H_g(P, Q) whenever P_n -> P in total variation (false: (1 - 1/n) delta_0 + (1/n) U_{e^n} is 1/n away "
          "from delta_0 and H_g -> 1; the correct statement is countable-semicontinuity)",
          "||P_n - P||_TV -> 0  =>  H_g(P_n) -> H_g(P)",
          f"the continuity of docs/theory.md, section theory-convexity, read on a countable alphabet; counterexample "
          f"{_here('theory-false')}",
          "|H_g(P_n) - H_g(P)| < 1/2 at TV <= 1/160 (exact, 50 digits)", _check_tv_continuity, kind=FALSE_AS_STATED,
          section="theory-countable"),
    Claim("countable-tails",
          "Q*(k)/P(k) -> 1/lambda* with the next-order term gamma (P/lambda*)(log(lambda*/P) - 1): a geometric tail "
          "stays geometric with the same ratio, a zeta tail keeps its exponent",
          "Q*/P = (1/lambda*)(1 + gamma (P/lambda*)(log(lambda*/P) - 1) + O(P^2 log^2 P))",
          _here("theory-countable", f"{SHAH} (whose abstract announces asymptotic characterizations)"),
          "remainder <= (1+gamma)^2 (P/lambda*)^2 log^2(lambda*/P); reference at 30 digits (1e-27)", _check_tails,
          section="theory-countable"),
    Claim("countable-over-suppression",
          "on an infinite support lambda* > 1 (the whole tail shrunk by 1/lambda*) exactly when "
          "sum_k g^-1(1/P(k)) > 1; the stated boundaries of geom, poisson and zipf; lambda* -> 1+ for flat laws",
          "lambda* > 1 <=> sum_k g^-1(1/P(k)) > 1;  lambda* - 1 = gamma sum P^2 (log(1/P) - 1) + O(sum P^3 log^2 P)",
          _here("theory-countable", f"{SHAH} (whose abstract announces the over-suppression regime)"),
          "exact signs (|S(1) - 1| < 1e-10 skipped); stated digits; the expansion's remainder 4 (1+gamma)^2 sum P^3 log^2 P",
          _check_over_suppression_countable, section="theory-countable"),
    Claim("countable-scoring-rule",
          "the score S(p, y) = l(Q*(p)_y) is strictly proper on a countable alphabet: E_P S(p, Y) > H_g(P) for "
          "p != P, quadratically as p -> P; H_g(P) is its (concave) generalized entropy, D_g its divergence",
          "E_{Y~P} l(Q*(p)_Y) - H_g(P) = D_g(P || Q*(p)) > 0 (p != P)",
          f"Komisarenko and Kull, ECAI 2024 (proper loss composed with a calibration map); "
          f"{_here('theory-countable')}",
          "beyond value_bound + 1e-14 E; D ratio within 10% of 100; lambda* series 1e-12 (1+gamma)",
          _check_scoring_rule, section="theory-countable"),
    Claim("envelope",
          "the gradient of H_g(P) along the simplex is l(Q*(x)) up to an additive constant (envelope theorem)",
          "d/dt H_g(P + t v)|_0 = sum_x v_x l(Q*(x))  for sum v = 0",
          _here("theory-convexity"), "Richardson error estimate + 16 (K+4) eps H/h + 1e-10",
          _check_envelope, section="theory-convexity"),
    Claim("alpha-reweighting",
          "class weights only reweight P: the alpha-balanced minimizer is the plain one for alpha P normalized",
          "Q*(x) = g^-1(lambda*/(alpha_x P(x)))",
          f"{LIN} (the alpha-balanced loss); {_here('theory-variants')}", "4e-13 (1+gamma) relative", _check_alpha,
          section="theory-variants"),
    Claim("sigmoid-posterior",
          "sigmoid (one-vs-rest) focal loss: the score s minimizing the risk of posterior eta satisfies "
          "alpha eta g(s) = (1-alpha)(1-eta) g(1-s); at alpha = 0.25, gamma = 2 a score of 0.5 means eta = 0.75",
          "eta = (1-alpha) g(1-s) / (alpha g(s) + (1-alpha) g(1-s))",
          f"{LIN} (sigmoid focal loss, alpha = 0.25, gamma = 2); {CHAR}; {_here('theory-variants')}",
          "1e-12 vs 50 digits; 1e-6 for a bounded scalar search", _check_sigmoid, section="theory-variants"),
)

_BY_NAME = {c.name: c for c in CLAIMS}

assert len(_BY_NAME) == len(CLAIMS), "claim names must be unique"


def claim_names():
    """The registered claim names, in catalogue order."""
    return [c.name for c in CLAIMS]


def get_claim(name):
    """The :class:`Claim` called ``name`` (ValueError listing the names if unknown)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown claim {name!r}; known: {', '.join(claim_names())}") from None


def run_claim(name, *, quick=False, seed=0, impl=None, progress=None):
    """Run one claim's check; returns a :class:`CheckResult` (its ``agrees`` compares with the kind)."""
    return get_claim(name).run(quick=quick, seed=seed, impl=impl, progress=progress)


def run_claims(names=None, *, quick=False, seed=0, impl=None, progress=None):
    """Run several claims (default: all) in catalogue order; returns a list of :class:`CheckResult`."""
    names = claim_names() if names is None else list(names)
    out = []
    for k, name in enumerate(names):
        if progress is not None:
            progress(f"[{k + 1}/{len(names)}] {name} ...")
        out.append(run_claim(name, quick=quick, seed=seed, impl=impl, progress=progress))
        if progress is not None:
            r = out[-1]
            agree = "agrees" if r.agrees else f"DISAGREES (expected {r.expected})"
            progress(f"[{k + 1}/{len(names)}] {name}: {r.status}, {agree} ({r.cases} cases, {r.seconds:.1f} s)")
    return out
