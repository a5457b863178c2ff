"""Speed of the countable minimizer: ``python -m benchmarks.countable``.

Prints medians over repeats of: one geometric and one Poisson law (goal
<= 5 ms each), one zipf(a = 1.5) (goal <= 50 ms), and a sweep of 100 gammas
against one solve (goal <= 20x).  Each solve builds its law from the frozen
scipy object, as a user's call does.
"""

import argparse
import statistics
import time

import numpy as np
from scipy import stats

from focaltheory.countable import minimizer

__all__ = ["run", "main"]


def _median_ms(fn, repeats):
    fn()  # warm-up (imports, tables)
    ts = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return 1e3 * statistics.median(ts)


def run(repeats=7):
    """The measured medians (ms) and ratios, as a dict."""
    out = {}
    cases = {"geom(p=0.3), gamma=2": (stats.geom(0.3), 2.0), "poisson(mu=3), gamma=2": (stats.poisson(3.0), 2.0),
             "zipf(a=1.5), gamma=2": (stats.zipf(1.5), 2.0)}
    for name, (law, g) in cases.items():
        res = minimizer(law, g)
        out[name] = {"ms": _median_ms(lambda: minimizer(law, g), repeats), "converged": bool(res.converged),
                     "mass_bound": float(res.mass_bound), "reason": res.reason}
    gam = np.linspace(0.0, 10.0, 100)
    law = stats.geom(0.3)
    one = _median_ms(lambda: minimizer(law, 2.0), repeats)
    sweep = _median_ms(lambda: minimizer(law, gam), max(3, repeats // 2))
    out["sweep of 100 gammas, geom(p=0.3)"] = {"ms": sweep, "one_ms": one, "ratio": sweep / one}
    return out


def main(argv=None):
    """Print the table (goals: 5 ms, 5 ms, 50 ms, 20x)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    a = ap.parse_args(argv)
    res = run(a.repeats)
    goals = {"geom(p=0.3), gamma=2": "<= 5 ms", "poisson(mu=3), gamma=2": "<= 5 ms", "zipf(a=1.5), gamma=2": "<= 50 ms"}
    for name, r in res.items():
        if "ratio" in r:
            print(f"{name:<36} {r['ms']:9.2f} ms   = {r['ratio']:.1f}x one solve ({r['one_ms']:.2f} ms)   goal <= 20x")
        else:
            extra = "" if r["converged"] else f"   NOT converged: {r['reason']}"
            print(f"{name:<36} {r['ms']:9.2f} ms   goal {goals[name]}   mass bound {r['mass_bound']:.1e}{extra}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
