/**
 * Knee of a decreasing curve: the point farthest below the chord from the first to the last point,
 * after scaling both axes to [0, 1] (the "kneedle" idea without smoothing, enough for 10 points).
 * Returns the x of the knee, or null when the curve is too short or has no bend.
 */
export function kneeOf(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length < 3 || xs.length !== ys.length) return null;
  const x0 = xs[0];
  const x1 = xs[xs.length - 1];
  const yMax = Math.max(...ys);
  const yMin = Math.min(...ys);
  if (x1 === x0 || yMax === yMin) return null;
  let best = -Infinity;
  let knee: number | null = null;
  for (let i = 1; i < xs.length - 1; i++) {
    const x = (xs[i] - x0) / (x1 - x0);
    const y = (ys[i] - yMin) / (yMax - yMin);
    // For a decreasing curve the chord runs from (0, 1) to (1, 0); distance below it is 1 - x - y.
    const below = 1 - x - y;
    if (below > best) {
      best = below;
      knee = xs[i];
    }
  }
  return best > 0.05 ? knee : null;
}
