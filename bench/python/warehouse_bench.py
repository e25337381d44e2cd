"""scikit-learn side of bench/warehouse.ts: read_csv of the same table exported to CSV, z-scoring
with StandardScaler (population std), KMeans(n_clusters=K, n_init=10, random_state=0) on the
five mission features. Prints one JSON object: times, peak memory, best inertia and sorted sizes.
Usage: warehouse_bench.py CSV --k 4"""
import argparse, json, resource, time
import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

FEATURES = ["Avg_Credit_Limit", "Total_Credit_Cards", "Total_visits_bank", "Total_visits_online", "Total_calls_made"]
parser = argparse.ArgumentParser()
parser.add_argument("csv")
parser.add_argument("--k", type=int, default=4)
args = parser.parse_args()

start = time.perf_counter()
frame = pd.read_csv(args.csv)
read_s = time.perf_counter() - start
X = StandardScaler().fit_transform(frame[FEATURES].to_numpy(dtype=np.float64))
fit_start = time.perf_counter()
km = KMeans(n_clusters=args.k, n_init=10, random_state=0).fit(X)
fit_s = time.perf_counter() - fit_start
sizes = sorted(np.bincount(km.labels_, minlength=args.k).tolist(), reverse=True)
print(json.dumps({
    "sklearn": sklearn.__version__, "pandas": pd.__version__, "rows": int(len(frame)),
    "readCsvSeconds": read_s, "fitSeconds": fit_s, "totalSeconds": time.perf_counter() - start,
    "peakMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "inertia": float(km.inertia_), "sizes": sizes, "iterations": int(km.n_iter_),
}))
