import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file under ../shared (the data and references every CI run has beside the repo). */
export function sharedPath(relative: string): string {
  return fileURLToPath(new URL(`../../../shared/${relative}`, import.meta.url));
}

export const MISSION_CSV = sharedPath('data/credit-card-customer-data.csv');
export const CC_GENERAL_CSV = sharedPath('data/cc-general.csv');
export const MALL_CSV = sharedPath('data/mall-customers.csv');

export interface SklearnReference {
  clean_rows: number;
  features: string[];
  scaler: { mean: number[]; std_ddof0: number[] };
  kmeans: {
    by_k: { k: number; inertia: number; silhouette?: number }[];
    k3_segments_by_size: { size: number; mean: number[]; median: number[] }[];
  };
  gmm: { k3_sizes_desc: number[]; k3_mean_loglik_per_sample: number; k3_bic: number; k3_aic: number; k3_ari_vs_kmeans: number };
  kmedoids: { k3_total_deviation: number; k3_sizes_desc: number[]; k3_ari_vs_kmeans: number };
}

export function loadReference(mode: 'all-customers' | 'notebook'): SklearnReference {
  return JSON.parse(
    readFileSync(sharedPath(`reference/credit-card-customer-data.${mode}.sklearn.json`), 'utf8'),
  ) as SklearnReference;
}
