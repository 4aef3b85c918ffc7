"""The yardstick of `actdb bench ipr`: IPR the straightforward NumPy way.

Full float32 distance matrices (R x R, E x E, E x R, by the |a|^2 - 2ab + |b|^2 expansion, as the
official IPR code and prdc compute them), the k-th neighbour radius by np.partition, then the
membership tests. Usage: ipr_numpy.py DATA N_REF N_EVAL DIM K, where DATA holds the R rows then the
E rows as little-endian float32. Prints name=value lines.
"""
import sys
import time

import numpy as np


def squared_distances(a, b):
    aa = np.einsum("ij,ij->i", a, a)
    bb = np.einsum("ij,ij->i", b, b)
    return aa[:, None] - 2 * (a @ b.T) + bb[None, :]


def main():
    path, n_ref, n_eval, dim, k = sys.argv[1], *map(int, sys.argv[2:6])
    data = np.fromfile(path, dtype="<f4").reshape(n_ref + n_eval, dim)
    r, e = data[:n_ref], data[n_ref:]
    start = time.perf_counter()
    radii_r = np.partition(squared_distances(r, r), k, axis=1)[:, k]
    radii_e = np.partition(squared_distances(e, e), k, axis=1)[:, k]
    d_er = squared_distances(e, r)
    precision = (d_er <= radii_r[None, :]).any(axis=1).mean()
    recall = (d_er <= radii_e[:, None]).any(axis=0).mean()
    seconds = time.perf_counter() - start
    print(f"numpy_ipr_seconds={seconds:.6g}")
    print(f"numpy_precision={precision:.6g}")
    print(f"numpy_recall={recall:.6g}")


if __name__ == "__main__":
    main()
