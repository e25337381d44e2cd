/**
 * The rows grouped by segment (a counting sort of the labels): `order` lists the rows of segment 0,
 * then of segment 1, and so on, ascending within each; segment s is `order[starts[s]..starts[s + 1])`.
 * Labels must be whole numbers in [0, k).
 */
export function rowsBySegment(labels: Int32Array, k: number): { order: Int32Array; starts: Int32Array } {
  const starts = new Int32Array(k + 1);
  for (let i = 0; i < labels.length; i++) starts[labels[i] + 1]++;
  for (let s = 0; s < k; s++) starts[s + 1] += starts[s];
  const next = starts.slice(0, k);
  const order = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) order[next[labels[i]]++] = i;
  return { order, starts };
}
