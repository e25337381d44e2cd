"""pandas + scikit-learn side of bench/whole-command.ts, one whole process per call.
  kmeans CSV K SEED : read_csv + StandardScaler + KMeans(K, n_init=10); prints the inertia.
  clean CSV         : read_csv + the cleaning the project does on the mission schema (exact, identifier
                      and feature duplicates, missing values and median imputation, distinct counts,
                      IQR outliers, skewness); prints the time of that work alone (start-up excluded).
Prints one JSON object on stdout."""
import json, sys, time
import pandas as pd

FEATURES = ["Avg_Credit_Limit", "Total_Credit_Cards", "Total_visits_bank", "Total_visits_online", "Total_calls_made"]


def kmeans(path, k, seed):
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler
    df = pd.read_csv(path)
    X = StandardScaler().fit_transform(df[FEATURES].to_numpy(dtype=float))
    km = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(X)
    return {"inertia": float(km.inertia_)}


def clean(path):
    start = time.perf_counter()
    df = pd.read_csv(path)
    read = time.perf_counter() - start
    exact = int(df.duplicated().sum())
    repeated_ids = int(df["Sl_No"].duplicated().sum())
    feature_dupes = int(df[FEATURES].duplicated().sum())
    distinct = {c: int(df[c].nunique()) for c in df.columns}
    missing = df.isna().sum()
    X = df[FEATURES].fillna(df[FEATURES].median())
    q1, q3 = X.quantile(0.25), X.quantile(0.75)
    iqr = q3 - q1
    outliers = ((X < q1 - 1.5 * iqr) | (X > q3 + 1.5 * iqr)).sum()
    skew = X.skew()
    total = time.perf_counter() - start
    return {"readMs": read * 1000, "ms": total * 1000, "rows": len(df), "exact": exact, "repeatedIds": repeated_ids,
            "featureDuplicates": feature_dupes, "distinct": distinct, "missing": int(missing.sum()),
            "outliers": {c: int(v) for c, v in outliers.items()}, "skew": {c: float(v) for c, v in skew.items()}}


if __name__ == "__main__":
    mode = sys.argv[1]
    out = kmeans(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])) if mode == "kmeans" else clean(sys.argv[2])
    print(json.dumps(out))
