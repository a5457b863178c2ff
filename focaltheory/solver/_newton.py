"""The globalized Newton iteration on the joint system of a set of rows."""

import math

import numpy as np

from ._finish import _write
from ._rows import _as_slice, _rowall, _rowmax, _take
from ._system import _EPS, _merit, _merit_floor, _newton_parts, _noise

# A class whose log-odds falls below this is carried relative to its
# probability (w = z - log P), so that q = P exp(w) / (1 + P exp(w)) keeps
# full relative accuracy even where log P itself is large (P ~ 1e-300).
_TINY_LOGIT = -30.0
# Newton stops when its correction is within this many ulp of the iterate.
_ULPS = 8
# The backtracking's sufficient decrease at a full step (t = 1): 1 - 1e-4 t
_FULL_STEP_DECREASE = 1.0 - 1e-4 * 1.0
# A row's F is summed exactly (it is "precise") from the step whose |du| falls
# below this times 1 + |u|, where a step can prove convergence (1e-6
# elsewhere).  Only the cost depends on it (an exact F is never less accurate
# than a plain one), through which evaluation a row settles at: measured on
# Dirichlet(0.5) rows, 1e-3 saves gamma 5 half an evaluation per row (mean
# iterations 3.63 -> 3.12) but makes gamma 0.3 and 1 about 15% slower (the
# exact F one evaluation early, and rows settling at different iterations).
_SETTLED_PROVABLE = 1e-4
_SETTLED = 1e-6


def _newton(sys, rows, z0, u, maxiter, final, it0, out):
    """Globalized Newton on the joint system from (z0, u); write settled rows.

    Rows that converge are written to ``out``; with ``final`` every row is
    written (converged or not).  Returns the positions (into ``rows``) of
    the rows left unsettled otherwise.
    """
    q_out, loglam_out, value_out, it_out, conv_out, res_out = out
    tiny = z0 < _TINY_LOGIT
    if not sys.full:
        tiny |= ~sys.support
    elif rows.size == 1 and not tiny.any() and _newton_one(sys, rows, z0, u, maxiter, it0, out):
        return np.empty(0, dtype=np.intp)
    c = np.where(tiny, np.where(sys.support, z0 - sys.logP, -1.0), z0) if tiny.any() else z0
    W = rows.size
    it0 = np.broadcast_to(it0, W)  # iterations spent before, per row
    pos = np.arange(W)  # positions (into rows) of the rows still iterating
    left = []
    # the last accepted point, its merit, the step taken from it, its length
    c_acc, u_acc, tiny_acc = c, u, tiny
    m_acc = np.full(W, np.inf)
    dc_acc, du_acc = np.zeros_like(c), np.zeros(W)
    t = np.ones(W)
    # F is summed exactly once the multiplier has settled (before that its
    # rounding is far below its size); only precise steps converge
    precise = np.zeros(W, dtype=bool)
    # rows already written; they keep iterating (unread) until enough of them
    # are done to be worth dropping from the working set
    alive = np.ones(W, dtype=bool)
    saved = []  # (destination, values) of the rows written before the last write
    full_steps = True  # every row's t is 1
    for k in range(maxiter + 1):
        s = _newton_parts(sys, tiny, c, u, precise)
        dc, du = s.dc, s.du
        floor_parts = s.lp1, s.kk, s.a, s.b  # what the backtracking's merit floor reads
        # converged: the correction is at the level of the iterate's own
        # rounding (a few ulp of c and of u); the per-class test runs only on
        # rows whose multiplier has settled
        # du carries the rounding of the constraint's sum over the n classes
        # (a relative n eps), divided by |sum w|: s.u_noise
        any_precise = bool(precise.any())
        if any_precise:
            ok = np.abs(du) <= _ULPS * _EPS * (np.maximum(1.0, np.abs(u)) + s.u_noise)
            ok &= precise
        else:  # (the first steps: no row can converge yet)
            ok = np.zeros(du.shape, dtype=bool)
        # or the step itself proves convergence: its second-order term (a
        # bound on the residual it leaves, see _curvature) is below rounding
        # (above gamma = 300 the exact step is then taken from this iterate
        # instead of the plain one, see _polish); tested first, since the rows it
        # settles need no per-class test (ok is the or of the two)
        proof = None
        if any_precise:
            # while few rows are precise (the steps before the multiplier settles in
            # most rows), their maxima alone, the same per row (the write forms the
            # others' where it needs them)
            few = 4 * np.count_nonzero(precise) < precise.size
            pr = np.flatnonzero(precise) if few else slice(None)
            dcm = _rowmax(np.abs(_take(dc, pr)))
            proved = (0.5 * np.maximum(_take(sys.M_F, pr), sys.M_R)) * (dcm * dcm) <= _EPS
            if few:
                proof = np.zeros(precise.shape, dtype=bool)
                proof[pr] = proved
            else:
                s.dcm = dcm  # (the residual bound reads it too, see _write)
                proof = proved & precise
            if not sys.all_provable:
                proof &= sys.provable
        cand = np.flatnonzero(ok if proof is None else ok & ~proof)
        if cand.size:
            cand = _as_slice(cand, ok.size)  # usually every row: views, no copies
            # 8 eps (max(1, |c|) + noise), its temporaries overwritten
            tol = np.abs(_take(c, cand))
            np.maximum(1.0, tol, out=tol)
            tol += _noise(*(_take(x, cand) for x in (s.lp1, s.kk, s.h, s.u_noise)), sys.G_at(cand), _take(u, cand))
            tol *= _ULPS * _EPS
            ok[cand] = _rowall(np.abs(_take(dc, cand)) <= tol)
        if proof is not None:
            ok |= proof
        last = k == maxiter
        done = alive.copy() if last else ok & alive
        if np.any(done):
            if last or not (alive & ~done).any():
                # the last write of this working set: every row at once (no
                # gathers), then the rows written earlier get their values back;
                # where the exact step is taken (costlier than the gathers), only
                # the rows not yet written
                if sys.exact and saved:
                    wr = np.flatnonzero(alive)
                    _write(sys, s, wr, ok, rows[pos[wr]], it0[pos[wr]] + k, out)
                else:
                    _write_all(sys, s, ok, rows[pos], it0[pos] + k, out, saved)
                if last and not final:
                    left.append(pos[alive & ~ok])
                break
            wr = np.flatnonzero(ok & alive)
            if wr.size:
                dst = rows[pos[wr]]
                if (4 * wr.size >= 3 * alive.size) if sys.exact else (2 * wr.size >= alive.size):
                    # many rows at once: every row of the working set (no gathers of
                    # the dozen arrays the write reads), the others written again when
                    # they settle, the rows written earlier given their values back
                    # (the exact step costs more than gathers: there most rows)
                    _write_all(sys, s, ok, rows[pos], it0[pos] + k, out, saved)
                else:
                    _write(sys, s, wr, ok, dst, it0[pos[wr]] + k, out)
                saved.append((dst, tuple(arr.take(dst, axis=0) for arr in out)))  # (copies)
            alive &= ~done
        merit = _merit(s)  # (not at the last evaluation: only the backtracking reads it)
        # the rows a shrink keeps, where the class-sized arrays that only a backtracking
        # step reads (the merit floor's parts, the last accepted point and its step)
        # are gathered from then: in the common case no row backtracks
        lazy = None
        if 4 * (alive.size - np.count_nonzero(alive)) >= alive.size:
            lazy = np.flatnonzero(alive)
            alive = alive.take(lazy)
            saved = []  # those rows leave the working set: nothing to restore
            sys = sys.take(lazy)
            pos, tiny, c, u, dc, du, merit, precise, u_acc, m_acc, du_acc, t = (
                x.take(lazy, axis=0) for x in (pos, tiny, c, u, dc, du, merit, precise, u_acc, m_acc, du_acc, t))
        # Globalization: a full Newton step is kept when it lowers the merit
        # (or the merit is at rounding level); otherwise the step from the last
        # accepted point is halved.
        if full_steps:  # t = 1 in every row: the same test with the factor 1 - 1e-4 * 1.0 as a constant
            back = np.less_equal(merit, _FULL_STEP_DECREASE * m_acc)
            np.logical_not(back, out=back)
        else:
            back = ~(merit <= (1.0 - 1e-4 * t) * m_acc) & (t > 1.0 / 1024)
        if back.any():
            b = np.flatnonzero(back)
            rb = b if lazy is None else lazy[b]
            floor = _merit_floor(*(x.take(rb, axis=0) for x in floor_parts), sys.G_at(b), u.take(b),
                                 sys.support.take(b, axis=0))
            back[b] = merit.take(b) > floor
        full_steps = not back.any()
        if not full_steps:
            if lazy is not None:
                c_acc, tiny_acc, dc_acc = (x.take(lazy, axis=0) for x in (c_acc, tiny_acc, dc_acc))
            fwd = ~back
            t = np.where(back, 0.5 * t, 1.0)
            c_acc = np.where(fwd[:, None], c, c_acc)
            u_acc = np.where(fwd, u, u_acc)
            tiny_acc = np.where(fwd[:, None], tiny, tiny_acc)
            m_acc = np.where(fwd, merit, m_acc)
            dc_acc = np.where(fwd[:, None], dc, dc_acc)
            du_acc = np.where(fwd, du, du_acc)
            c = c_acc + t[:, None] * dc_acc
            u = u_acc + t * du_acc
            tiny = tiny_acc
        else:  # the common case: every row takes its full Newton step
            t[:] = 1.0
            c_acc, u_acc, tiny_acc, m_acc, dc_acc, du_acc = c, u, tiny, merit, dc, du
            c = c + dc
            u = u + du
        # (see _SETTLED_PROVABLE)
        settled = _SETTLED_PROVABLE if sys.all_provable else np.where(sys.provable, _SETTLED_PROVABLE, _SETTLED)
        precise |= np.abs(du) < settled * (1.0 + np.abs(u))
        # re-choose each class's carrier as its log-odds moves (nothing to do
        # in the common case: full support, no tiny class, none becoming one)
        if not sys.full or tiny.any() or c.min() < _TINY_LOGIT:
            z = np.where(tiny, c + sys.logP, c)
            new_tiny = z < _TINY_LOGIT
            if not sys.full:
                new_tiny |= ~sys.support
            c = np.where(new_tiny == tiny, c, np.where(new_tiny, z - sys.logP, z))
            tiny = new_tiny
        # the evaluation is spent: let it go before the next one is made (a wide
        # row's working set is a dozen arrays of its size, see minimizer)
        s = floor_parts = None
    return np.concatenate(left) if left else np.empty(0, dtype=np.intp)


def _write_all(sys, s, ok, dst, iterations, out, saved):
    """Write every row of the working set (no gathers), then give the rows written before their values back.

    ``saved``: (destination, values of the six fields) of the rows written at
    earlier iterations, which the write of every row has overwritten.
    """
    _write(sys, s, np.arange(dst.size), ok, dst, iterations, out)
    for d, vals in saved:
        for arr, v in zip(out, vals):
            arr[d] = v


def _newton_one(sys, rows, c, u, maxiter, it0, out):
    """The loop of _newton for one row on its common path, its row quantities as Python floats.

    The path: full support, no class ever carried relative to P, every
    Newton step taken in full, convergence within ``maxiter``.  On it, each
    decision of _newton is made here from the same IEEE operations on the
    same doubles (the per-row tests as Python floats, the per-class arrays
    by the same functions), so the row is written with the bits _newton
    gives it in any batch; a call on one distribution then skips the
    bookkeeping of a working set.  Returns False, having written nothing,
    where the row leaves that path (_newton then solves it from the start).
    """
    m_acc = math.inf
    precise = np.zeros(1, dtype=bool)
    M = max(float(sys.M_F[0]), sys.M_R)
    provable = bool(sys.provable[0])
    settled = _SETTLED_PROVABLE if provable else _SETTLED
    tiny = np.zeros(c.shape, dtype=bool)
    for k in range(maxiter):  # the iteration k = maxiter, and what follows it, is _newton's
        s = _newton_parts(sys, tiny, c, u, precise)
        dc, du = s.dc, s.du
        uf, duf = float(u[0]), float(du[0])
        if not (math.isfinite(uf) and math.isfinite(duf)):
            return False
        ok = bool(precise[0]) and abs(duf) <= _ULPS * _EPS * (max(1.0, abs(uf)) + float(s.u_noise[0]))
        if ok:
            tol = _ULPS * _EPS * (np.maximum(1.0, np.abs(c)) + _noise(s.lp1, s.kk, s.h, s.u_noise, sys.G, u))
            ok = bool((np.abs(dc) <= tol).all())
        if not ok and precise[0] and provable:
            dcm = float(np.max(np.abs(dc)))
            ok = (0.5 * M) * (dcm * dcm) <= _EPS
        if ok:
            _write(sys, s, np.arange(1), np.ones(1, dtype=bool), rows, np.broadcast_to(it0, 1) + k, out)
            return True
        mf = float(_merit(s)[0])
        if not math.isfinite(mf):
            return False
        if not mf <= (1.0 - 1e-4) * m_acc:
            floor = _merit_floor(s.lp1, s.kk, s.a, s.b, sys.G, u, sys.support)
            if mf > float(floor[0]):
                return False  # a backtracking step: not this path
        m_acc = mf
        c = c + dc
        u = u + du
        precise[0] = precise[0] or abs(duf) < settled * (1.0 + float(abs(u[0])))
        if float(c.min()) < _TINY_LOGIT:
            return False  # a class becomes tiny: not this path
        s = None
    return False
