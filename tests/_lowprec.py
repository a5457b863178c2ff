"""Low-precision softmax rows shared by the array-API tests: their sums miss 1 by more than 1e-6."""

import pytest


def softmax_rows(k, dtype):
    """Seeded logits z, 200 x k in ``dtype`` (a torch dtype name), and their softmax rows q."""
    torch = pytest.importorskip("torch", reason="torch is optional: pip install torch (CPU wheel) to run these tests")
    gen = torch.Generator().manual_seed(k)
    z = (3 * torch.randn(200, k, generator=gen, dtype=torch.float64)).to(getattr(torch, dtype))
    q = torch.softmax(z, dim=-1)
    off = float((q.double().sum(-1) - 1).abs().max())
    assert off > 1e-6 or dtype == "float32"  # float16 rows are not normalized to 1e-6
    return z, q
