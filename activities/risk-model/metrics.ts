/** Model quality as the agency reports it: AUC and lift at the top k against a random selection. */

/**
 * Area under the ROC curve: the chance that a random positive scores above a random negative
 * (ties count half), computed from ranks (Mann–Whitney U). NaN without both classes.
 */
export function auc(scores: readonly number[], labels: readonly (boolean | number)[]): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const avgRank = (i + j) / 2 + 1; // ranks are 1-based
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!]) {
        positives += 1;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface Lift {
  k: number;
  positivesInTopK: number;
  /** Share of positives among the top k. */
  precision: number;
  /** Share of positives in the whole population: what a random selection of k finds on average. */
  baseRate: number;
  /** precision / baseRate; NaN when there are no positives. */
  lift: number;
}

/** How many more positives the k highest scores hold than k picked at random would. */
export function liftAtK(scores: readonly number[], labels: readonly (boolean | number)[], k: number): Lift {
  const n = scores.length;
  const top = Math.min(k, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let hits = 0;
  for (let i = 0; i < top; i++) if (labels[order[i]!]) hits++;
  let positives = 0;
  for (const label of labels) if (label) positives++;
  const baseRate = n ? positives / n : 0;
  const precision = top ? hits / top : 0;
  return { k: top, positivesInTopK: hits, precision, baseRate, lift: baseRate > 0 ? precision / baseRate : Number.NaN };
}
