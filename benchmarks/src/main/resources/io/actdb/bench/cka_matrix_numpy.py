#!/usr/bin/env python3
"""The NumPy yardstick of `actdb bench cka-matrix`: linear CKA of every pair of L layers from one
Gram matrix of all layers side by side (the fastest plain NumPy form; its upper triangle block by
block beyond 12 000 columns, where OpenBLAS's threaded dsyrk crashes), in float64 and float32.

Usage: cka_matrix_numpy.py FILE N DIMS   (FILE: N rows of sum(DIMS) float32, little-endian;
DIMS: comma-separated layer widths). Prints name=value lines: the BLAS rates measured here, the
best of three times per precision (the cast from float32 included), and the matrix (float64)."""
import sys
import time

import numpy as np


def gemm_gflops(dtype, n=2048):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(dtype)
    a @ a
    best = min(_timed(lambda: a @ a) for _ in range(3))
    return 2.0 * n ** 3 / best / 1e9


def _timed(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


# OpenBLAS's threaded dsyrk (0.3.31 here) dies with SIGSEGV from about 16 000 columns on (12 000
# work; one thread and dgemm work): wider rows form the same upper triangle block by block.
ONE_GRAM_MAX_COLUMNS = 12000


def gram_form(dims):
    return "one_gram" if sum(dims) <= ONE_GRAM_MAX_COLUMNS else "upper_blocks"


def cka_matrix(x, dims, dtype):
    z = x.astype(dtype)
    z -= z.mean(axis=0)
    starts = np.cumsum([0] + dims)
    layers = len(dims)
    one_gram = gram_form(dims) == "one_gram"
    if one_gram:
        gram = z.T @ z  # NumPy sees z.T @ z and calls syrk: one triangle
    frob = np.empty((layers, layers))
    for i in range(layers):
        zi = z[:, starts[i]:starts[i + 1]]
        for j in range(i, layers):
            if one_gram:
                block = gram[starts[i]:starts[i + 1], starts[j]:starts[j + 1]]
            else:
                block = zi.T @ z[:, starts[j]:starts[j + 1]]  # syrk when j == i, else gemm
            frob[i, j] = frob[j, i] = np.sum(block.astype(np.float64) ** 2)
    norms = np.sqrt(np.diag(frob))
    return frob / np.outer(norms, norms)


def main():
    path, n, dims = sys.argv[1], int(sys.argv[2]), [int(d) for d in sys.argv[3].split(",")]
    x = np.fromfile(path, dtype=np.float32).reshape(n, sum(dims))
    print(f"numpy_version={np.__version__}")
    print(f"numpy_sgemm_gflops={gemm_gflops(np.float32):.1f}")
    print(f"numpy_dgemm_gflops={gemm_gflops(np.float64):.1f}")
    print(f"numpy_gram_form={gram_form(dims)}")
    for name, dtype in (("float64", np.float64), ("float32", np.float32)):
        result = cka_matrix(x, dims, dtype)
        best = min(_timed(lambda: cka_matrix(x, dims, dtype)) for _ in range(3))
        print(f"numpy_{name}_seconds={best:.4f}")
        print(f"numpy_{name}_matrix=" + ",".join(f"{v:.10f}" for v in result.ravel()))


if __name__ == "__main__":
    main()
