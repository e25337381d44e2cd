import type { DenseMatrix } from '../../src/common/matrix.js';

/** The textbook O(n^2) definition, written independently (scikit-learn's conventions). */
export function naiveSilhouette(X: DenseMatrix, labels: Int32Array): number {
  const n = X.rows;
  const distance = (i: number, j: number): number => {
    let s = 0;
    for (let f = 0; f < X.cols; f++) s += (X.data[i * X.cols + f] - X.data[j * X.cols + f]) ** 2;
    return Math.sqrt(s);
  };
  const clusters = [...new Set(labels)];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const mates = [...Array(n).keys()].filter((j) => labels[j] === labels[i] && j !== i);
    if (mates.length === 0) continue;
    const a = mates.reduce((s, j) => s + distance(i, j), 0) / mates.length;
    let b = Infinity;
    for (const c of clusters) {
      if (c === labels[i]) continue;
      const members = [...Array(n).keys()].filter((j) => labels[j] === c);
      b = Math.min(b, members.reduce((s, j) => s + distance(i, j), 0) / members.length);
    }
    const scale = Math.max(a, b);
    total += scale > 0 ? (b - a) / scale : 0;
  }
  return total / n;
}
