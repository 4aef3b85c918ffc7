#!/usr/bin/env python3
"""The NumPy yardstick of `actdb bench cka-rbf`: RBF CKA in the Gram form of Kornblith et al.'s
demo (gram_rbf with sigma = frac * median distance, centred Grams, biased HSIC), in float32.

Usage: cka_rbf_numpy.py FILE N DX DY FRAC   (FILE: N rows of DX + DY float32, little-endian).
Prints name=value lines: NumPy's sgemm rate, the best of two times and the value."""
import sys
import time

import numpy as np


def gram_rbf(x, frac):
    dots = x @ x.T
    norms = np.diag(dots).copy()
    sq = norms[:, None] + norms[None, :] - 2 * dots
    np.maximum(sq, 0, out=sq)
    median = np.median(sq)
    return np.exp(-sq / (2 * frac * frac * median))


def centre(k):
    means = k.mean(axis=0, dtype=np.float64).astype(k.dtype)
    k -= means[None, :]
    k -= means[:, None]
    k += means.mean()
    return k


def cka_rbf(x, y, frac):
    k = centre(gram_rbf(x, frac))
    l = centre(gram_rbf(y, frac))
    kl = np.dot(k.ravel(), l.ravel())
    return kl / (np.linalg.norm(k) * np.linalg.norm(l))


def main():
    path, n, dx, dy, frac = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    rows = np.fromfile(path, dtype=np.float32).reshape(n, dx + dy)
    x = np.ascontiguousarray(rows[:, :dx])
    y = np.ascontiguousarray(rows[:, dx:])
    a = np.random.default_rng(0).standard_normal((2048, 2048)).astype(np.float32)
    a @ a
    t = time.perf_counter()
    a @ a
    print(f"numpy_sgemm_gflops={2 * 2048 ** 3 / (time.perf_counter() - t) / 1e9:.1f}")
    best = float("inf")
    value = None
    for _ in range(2):
        t = time.perf_counter()
        value = cka_rbf(x, y, frac)
        best = min(best, time.perf_counter() - t)
    print(f"numpy_float32_seconds={best:.4f}")
    print(f"numpy_cka_rbf={float(value):.10f}")


if __name__ == "__main__":
    main()
