"""scikit-learn side of bench/algorithms.ts. Reads a little-endian float64 matrix written by the
TypeScript bench, times GaussianMixture(k, covariance_type='full', random_state=SEED) (fastest of
--repeat fits) and prints one JSON object on stdout. With --kmedoids MATRIX ROWS K it also times
scikit-learn-extra's KMedoids(method='pam') when that package is installed (it usually is not).
Usage: gmm_bench.py MATRIX ROWS COLS --k 3 [--repeat 2] [--kmedoids MATRIX ROWS K]"""
import argparse, json, time
import numpy as np
import sklearn
from sklearn.mixture import GaussianMixture

parser = argparse.ArgumentParser()
parser.add_argument("matrix")
parser.add_argument("rows", type=int)
parser.add_argument("cols", type=int)
parser.add_argument("--k", type=int, default=3)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--repeat", type=int, default=2)
parser.add_argument("--kmedoids", nargs=3, metavar=("MATRIX", "ROWS", "K"))
args = parser.parse_args()

X = np.fromfile(args.matrix, dtype="<f8").reshape(args.rows, args.cols)
out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "gmm": None, "kmedoids": None}
# Warm-up: the first fit pays for imports and thread-pool start; not part of any timing.
GaussianMixture(2, random_state=0).fit(X[: min(len(X), 5000)])
seconds = float("inf")
for _ in range(args.repeat):
    start = time.perf_counter()
    g = GaussianMixture(args.k, covariance_type="full", reg_covar=1e-6, random_state=args.seed).fit(X)
    seconds = min(seconds, time.perf_counter() - start)
out["gmm"] = {"ms": seconds * 1000, "score": float(g.score(X)), "iterations": int(g.n_iter_), "converged": bool(g.converged_)}

if args.kmedoids:
    try:
        from sklearn_extra.cluster import KMedoids
    except ImportError:
        KMedoids = None
    if KMedoids is not None:
        path, rows, k = args.kmedoids[0], int(args.kmedoids[1]), int(args.kmedoids[2])
        M = np.fromfile(path, dtype="<f8").reshape(rows, args.cols)
        start = time.perf_counter()
        km = KMedoids(n_clusters=k, method="pam", init="build", random_state=args.seed).fit(M)
        out["kmedoids"] = {"ms": (time.perf_counter() - start) * 1000, "total_deviation": float(km.inertia_)}
print(json.dumps(out))
