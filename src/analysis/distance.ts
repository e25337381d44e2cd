export function squaredDistance(a: Float64Array, aBase: number, b: Float64Array, bBase: number, cols: number): number {
  let s = 0;
  for (let f = 0; f < cols; f++) {
    const diff = a[aBase + f] - b[bBase + f];
    s += diff * diff;
  }
  return s;
}

/**
 * Squared distances from row `base / cols` of `data` to each of the first `count` rows of
 * `points` (row-major, same `cols`), into `out[0..count)`. Four points share each sweep over the
 * row's columns, so the row is read once per four distances; each distance still adds its terms
 * in column order, so every value equals `squaredDistance` for the same pair bit for bit.
 */
export function squaredDistancesToPoints(
  data: Float64Array,
  base: number,
  points: Float64Array,
  count: number,
  cols: number,
  out: Float64Array,
): void {
  let p = 0;
  for (; p + 3 < count; p += 4) {
    const b0 = p * cols;
    const b1 = b0 + cols;
    const b2 = b1 + cols;
    const b3 = b2 + cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let f = 0; f < cols; f++) {
      const x = data[base + f];
      const d0 = x - points[b0 + f];
      const d1 = x - points[b1 + f];
      const d2 = x - points[b2 + f];
      const d3 = x - points[b3 + f];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    out[p] = s0;
    out[p + 1] = s1;
    out[p + 2] = s2;
    out[p + 3] = s3;
  }
  if (p + 1 < count) {
    const b0 = p * cols;
    const b1 = b0 + cols;
    let s0 = 0;
    let s1 = 0;
    for (let f = 0; f < cols; f++) {
      const x = data[base + f];
      const d0 = x - points[b0 + f];
      const d1 = x - points[b1 + f];
      s0 += d0 * d0;
      s1 += d1 * d1;
    }
    out[p] = s0;
    out[p + 1] = s1;
    p += 2;
  }
  if (p < count) out[p] = squaredDistance(data, base, points, p * cols, cols);
}
