"""scikit-learn side of bench/kmeans.ts. Reads a little-endian float64 matrix written by the
TypeScript bench, times KMeans(n_init=10) per k (wall and CPU time of all threads) (and silhouette_score when a labels file is
given), prints one JSON object on stdout.
Each timing is the fastest of --repeat runs (the machine is shared; the minimum is the least noisy).
Usage: kmeans_bench.py MATRIX ROWS COLS --k 3 8 [--labels LABELS.int32] [--repeat 2]"""
import argparse, json, time
import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

parser = argparse.ArgumentParser()
parser.add_argument("matrix")
parser.add_argument("rows", type=int)
parser.add_argument("cols", type=int)
parser.add_argument("--k", type=int, nargs="*", default=[])
parser.add_argument("--labels")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--repeat", type=int, default=2)
args = parser.parse_args()

X = np.fromfile(args.matrix, dtype="<f8").reshape(args.rows, args.cols)
out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "kmeans": [], "silhouette": None}
# Warm-up: the first fit pays for thread-pool start and imports; not part of any timing.
KMeans(n_clusters=2, n_init=1, random_state=0).fit(X[: min(len(X), 5000)])
for k in args.k:
    seconds, cpu = float("inf"), float("inf")
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        km = KMeans(n_clusters=k, n_init=10, random_state=args.seed).fit(X)
        if time.perf_counter() - start < seconds:
            seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    out["kmeans"].append({"k": k, "ms": seconds * 1000, "cpuMs": cpu * 1000, "inertia": float(km.inertia_),
                          "iterations": int(km.n_iter_)})
if args.labels:
    labels = np.fromfile(args.labels, dtype="<i4")
    silhouette_score(X[:2000], labels[:2000])
    seconds = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        score = silhouette_score(X, labels)
        seconds = min(seconds, time.perf_counter() - start)
    out["silhouette"] = {"ms": seconds * 1000, "score": float(score)}
print(json.dumps(out))
