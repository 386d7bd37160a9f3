/**
 * Logistic regression in plain TypeScript: standardised inputs, an L2 penalty on the weights (not
 * the intercept), fitted by Newton's method (iteratively reweighted least squares). With ~20
 * features the Hessian is 20×20, so each iteration is one pass over the rows and one small solve.
 */

export interface LogisticModel {
  featureNames: readonly string[];
  /** Standardisation learned on the training rows: x' = (x − mean) / std. */
  means: number[];
  stds: number[];
  intercept: number;
  /** One per feature, on the standardised scale. */
  weights: number[];
}

export interface FitOptions {
  /** L2 penalty on the weights. */
  l2?: number;
  maxIterations?: number;
  /** Stop when no coefficient moves more than this. */
  tolerance?: number;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Mean and standard deviation per column; a constant column gets std 1 (it then carries no weight). */
export function standardisation(rows: readonly number[][], width: number): { means: number[]; stds: number[] } {
  const means = new Array<number>(width).fill(0);
  const sq = new Array<number>(width).fill(0);
  for (const row of rows) for (let j = 0; j < width; j++) means[j]! += row[j]!;
  for (let j = 0; j < width; j++) means[j]! /= Math.max(1, rows.length);
  for (const row of rows) for (let j = 0; j < width; j++) sq[j]! += (row[j]! - means[j]!) ** 2;
  const stds = sq.map((s) => {
    const sd = Math.sqrt(s / Math.max(1, rows.length));
    return sd > 1e-12 ? sd : 1;
  });
  return { means, stds };
}

/** Solves A x = b for a symmetric positive-definite A (Cholesky). */
export function solveSpd(a: number[][], b: number[]): number[] {
  const n = b.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (sum <= 0) throw new Error('Matrix is not positive definite');
        L[i]![i] = Math.sqrt(sum);
      } else {
        L[i]![j] = sum / L[j]![j]!;
      }
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= L[i]![k]! * y[k]!;
    y[i] = sum / L[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= L[k]![i]! * x[k]!;
    x[i] = sum / L[i]![i]!;
  }
  return x;
}

/** Fits the model on rows (feature vectors) and 0/1 labels. */
export function fitLogistic(featureNames: readonly string[], rows: readonly number[][], labels: readonly number[], options: FitOptions = {}): LogisticModel {
  if (rows.length !== labels.length) throw new RangeError('rows and labels differ in length');
  if (rows.length === 0) throw new RangeError('no training rows');
  const width = featureNames.length;
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-8;
  const { means, stds } = standardisation(rows, width);
  const p = width + 1; // coefficient 0 is the intercept
  const beta = new Array<number>(p).fill(0);
  const x = new Array<number>(p).fill(0);
  x[0] = 1;
  for (let iter = 0; iter < maxIterations; iter++) {
    const grad = new Array<number>(p).fill(0);
    const hess = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      let z = beta[0]!;
      for (let j = 0; j < width; j++) {
        x[j + 1] = (row[j]! - means[j]!) / stds[j]!;
        z += beta[j + 1]! * x[j + 1]!;
      }
      const mu = sigmoid(z);
      const w = Math.max(mu * (1 - mu), 1e-10);
      const r = labels[i]! - mu;
      for (let a = 0; a < p; a++) {
        grad[a]! += r * x[a]!;
        const wa = w * x[a]!;
        const ha = hess[a]!;
        for (let b = 0; b <= a; b++) ha[b]! += wa * x[b]!;
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) hess[b]![a] = hess[a]![b]!;
    for (let a = 1; a < p; a++) {
      grad[a]! -= l2 * beta[a]!;
      hess[a]![a]! += l2;
    }
    const step = solveSpd(hess, grad);
    let moved = 0;
    for (let a = 0; a < p; a++) {
      beta[a]! += step[a]!;
      moved = Math.max(moved, Math.abs(step[a]!));
    }
    if (moved < tolerance) break;
  }
  return { featureNames: [...featureNames], means, stds, intercept: beta[0]!, weights: beta.slice(1) };
}

/** The predicted probability for one feature vector. */
export function predict(model: LogisticModel, row: readonly number[]): number {
  let z = model.intercept;
  for (let j = 0; j < model.weights.length; j++) z += model.weights[j]! * ((row[j]! - model.means[j]!) / model.stds[j]!);
  return sigmoid(z);
}
