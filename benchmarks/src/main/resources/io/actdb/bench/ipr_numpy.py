"""The yardsticks of `actdb bench ipr`: IPR the straightforward NumPy way, in two forms.

- float32: full float32 distance matrices (R x R, E x E, E x R, by the |a|^2 - 2ab + |b|^2
  expansion, as the official IPR code computes them), the k-th neighbour radius by np.partition,
  then the membership tests.
- prdc: what the prdc package does with float32 features: sklearn's pairwise_distances, which
  computes euclidean distances of float32 input in float64 blocks and stores them as float32, then
  sqrt, then argpartition for the radius. (sklearn itself is not needed: its block computation is
  written out below.)

Both count a point on a radius as inside (IPR's rule), so their results equal actdb's. Before them,
the machine's float32 GEMM rate is measured, for the bench's floor estimate.

Usage: ipr_numpy.py DATA N_REF N_EVAL DIM K FORMS, where DATA holds the R rows then the E rows as
little-endian float32 and FORMS is float32, prdc or float32,prdc. Prints name=value lines.
"""
import math
import sys
import time

import numpy as np


def sgemm_gflops(n=4096, repeats=3):
    a = np.random.default_rng(0).standard_normal((n, n), dtype=np.float32)
    a @ a
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        a @ a
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def squared_distances(a, b):
    aa = np.einsum("ij,ij->i", a, a)
    bb = np.einsum("ij,ij->i", b, b)
    return aa[:, None] - 2 * (a @ b.T) + bb[None, :]


def ipr_float32(r, e, k):
    radii_r = np.partition(squared_distances(r, r), k, axis=1)[:, k]
    radii_e = np.partition(squared_distances(e, e), k, axis=1)[:, k]
    d_er = squared_distances(e, r)
    return (d_er <= radii_r[None, :]).any(axis=1).mean(), (d_er <= radii_e[:, None]).any(axis=0).mean()


def sklearn_block_size(n_x, n_y, dim):
    """Rows per block as sklearn's _euclidean_distances_upcast chooses them (about 10 MiB)."""
    maxmem = max(((n_x + n_y) * dim + n_x * n_y) / 10, 10 * 2**17)
    tmp = 2 * dim
    return max(int((-tmp + math.sqrt(tmp * tmp + 4 * maxmem)) / 2), 1)


def euclidean_upcast(x, y):
    """sklearn.metrics.pairwise_distances(x, y) for float32 x, y: float64 blocks, float32 result."""
    out = np.empty((len(x), len(y)), dtype=np.float32)
    block = sklearn_block_size(len(x), len(y), x.shape[1])
    for i in range(0, len(x), block):
        x64 = x[i:i + block].astype(np.float64)
        xx = np.einsum("ij,ij->i", x64, x64)[:, None]
        for j in range(0, len(y), block):
            y64 = y[j:j + block].astype(np.float64)
            yy = np.einsum("ij,ij->i", y64, y64)[None, :]
            d = -2 * (x64 @ y64.T)
            d += xx
            d += yy
            out[i:i + block, j:j + block] = d
    np.maximum(out, 0, out=out)
    if x is y:
        np.fill_diagonal(out, 0)
    return np.sqrt(out, out=out)


def kth_value(distances, k):
    """prdc's get_kth_value: the largest of the k smallest per row (k counts the point itself)."""
    idx = np.argpartition(distances, k, axis=-1)[..., :k]
    return np.take_along_axis(distances, idx, axis=-1).max(axis=-1)


def ipr_prdc(r, e, k):
    radii_r = kth_value(euclidean_upcast(r, r), k + 1)
    radii_e = kth_value(euclidean_upcast(e, e), k + 1)
    d_re = euclidean_upcast(r, e)
    precision = (d_re <= radii_r[:, None]).any(axis=0).mean()
    recall = (d_re <= radii_e[None, :]).any(axis=1).mean()
    return precision, recall


def main():
    path, n_ref, n_eval, dim, k = sys.argv[1], *map(int, sys.argv[2:6])
    forms = sys.argv[6].split(",")
    data = np.fromfile(path, dtype="<f4").reshape(n_ref + n_eval, dim)
    r, e = data[:n_ref], data[n_ref:]
    print(f"numpy_sgemm_gflops={sgemm_gflops():.6g}", flush=True)
    for form, run, prefix in (("float32", ipr_float32, "numpy"), ("prdc", ipr_prdc, "numpy_prdc")):
        if form not in forms:
            continue
        start = time.perf_counter()
        precision, recall = run(r, e, k)
        seconds = time.perf_counter() - start
        print(f"{prefix}_ipr_seconds={seconds:.6g}")
        print(f"{prefix}_precision={precision:.6g}")
        print(f"{prefix}_recall={recall:.6g}", flush=True)


if __name__ == "__main__":
    main()
