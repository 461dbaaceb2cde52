// BG/NBD "buy till you die" model: Fader, Hardie & Lee (2005), "Counting your customers the easy way".
// Pure numerics, no dependencies: lnΓ, the model's likelihood, a Nelder–Mead fit and the per-buyer forecasts.

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** One group of buyers sharing (x, tx, T): x repeat purchases, tx time of last purchase since first, T time since first (same unit, e.g. weeks). */
export interface BuyerGroup {
  x: number;
  tx: number;
  T: number;
  count: number;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  iterations: number;
  converged: boolean;
  buyers: number;
}

// Bound once: the likelihood loop runs ~10⁸ times in a fit, and a global `Math` lookup on each is ten times slower
// inside a vm context (as under jest).
const { exp, log, log1p } = Math;

// Lanczos approximation, g = 7, nine coefficients: relative error ~1e-15 for arguments >= 0.5.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(z) for z > 0. */
export function lnGamma(z: number): number {
  if (!(z > 0)) return Number.NaN;
  // Γ(z) = Γ(z + 1) / z keeps the approximation in its accurate range.
  if (z < 0.5) return lnGamma(z + 1) - log(z);
  const y = z - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (y + i);
  const t = y + 7.5;
  return HALF_LN_2PI + (y + 0.5) * log(t) - t + log(sum);
}

interface Prepared {
  xs: number[]; // distinct x values
  xIndex: Int32Array; // row -> position in xs
  tx: Float64Array;
  T: Float64Array;
  count: Float64Array;
}

function prepare(groups: readonly BuyerGroup[]): Prepared {
  const positions = new Map<number, number>();
  const xs: number[] = [];
  const n = groups.length;
  const p: Prepared = { xs, xIndex: new Int32Array(n), tx: new Float64Array(n), T: new Float64Array(n), count: new Float64Array(n) };
  groups.forEach((g, i) => {
    if (!Number.isInteger(g.x) || g.x < 0 || !(g.T > 0) || !(g.tx >= 0) || g.tx > g.T || !(g.count >= 0)) {
      throw new RangeError(`invalid buyer group ${JSON.stringify(g)}`);
    }
    let at = positions.get(g.x);
    if (at === undefined) {
      at = xs.length;
      positions.set(g.x, at);
      xs.push(g.x);
    }
    p.xIndex[i] = at;
    p.tx[i] = g.tx;
    p.T[i] = g.T;
    p.count[i] = g.count;
  });
  return p;
}

function evaluate({ r, alpha, a, b }: BgNbdParams, p: Prepared): number {
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return Number.NaN;
  // The lnΓ terms depend only on x, so they are computed once per distinct x, not per row.
  const head = new Float64Array(p.xs.length);
  const drop = new Float64Array(p.xs.length);
  const base = -lnGamma(r) + r * log(alpha) + lnGamma(a + b) - lnGamma(b);
  p.xs.forEach((x, i) => {
    head[i] = base + lnGamma(r + x) + lnGamma(b + x) - lnGamma(a + b + x);
    drop[i] = x > 0 ? log(a) - log(b + x - 1) : Number.NEGATIVE_INFINITY;
  });
  let total = 0;
  for (let i = 0; i < p.count.length; i++) {
    const c = p.count[i]!;
    if (c === 0) continue;
    const k = p.xIndex[i]!;
    const rx = r + p.xs[k]!;
    const a3 = -rx * log(alpha + p.T[i]!);
    const a4 = drop[k]! - rx * log(alpha + p.tx[i]!);
    total += c * (head[k]! + (a3 > a4 ? a3 + log1p(exp(a4 - a3)) : a4 + log1p(exp(a3 - a4))));
  }
  return total;
}

/** Sum over groups of count × the buyer's log-likelihood. */
export function logLikelihood(p: BgNbdParams, groups: readonly BuyerGroup[]): number {
  return evaluate(p, prepare(groups));
}

interface Vertex {
  x: number[];
  f: number;
}

// Nelder–Mead minimisation; non-finite values count as +∞ so the simplex walks away from them.
function nelderMead(f: (x: number[]) => number, start: number[], step: number, maxIter: number, tol: number) {
  const n = start.length;
  const value = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const simplex: Vertex[] = [{ x: start, f: value(start) }];
  for (let i = 0; i < n; i++) {
    const x = start.slice();
    x[i]! += step;
    simplex.push({ x, f: value(x) });
  }
  const toward = (from: number[], to: number[], t: number) => from.map((v, i) => v + t * (to[i]! - v));
  let iterations = 0;
  let converged = false;
  while (iterations < maxIter) {
    simplex.sort((p, q) => p.f - q.f);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    const size = Math.max(...simplex.map((v) => Math.max(...v.x.map((c, i) => Math.abs(c - best.x[i]!)))));
    if (worst.f - best.f <= tol * (1 + Math.abs(best.f)) && size <= 1e-7) {
      converged = true;
      break;
    }
    iterations++;
    const centroid = new Array<number>(n).fill(0);
    for (let j = 0; j < n; j++) simplex[j]!.x.forEach((c, i) => (centroid[i]! += c / n));
    const reflected = toward(centroid, worst.x, -1);
    const fr = value(reflected);
    if (fr < best.f) {
      const expanded = toward(centroid, worst.x, -2);
      const fe = value(expanded);
      simplex[n] = fe < fr ? { x: expanded, f: fe } : { x: reflected, f: fr };
    } else if (fr < simplex[n - 1]!.f) {
      simplex[n] = { x: reflected, f: fr };
    } else {
      const outside = fr < worst.f;
      const contracted = toward(centroid, outside ? reflected : worst.x, 0.5);
      const fc = value(contracted);
      if (fc < (outside ? fr : worst.f)) {
        simplex[n] = { x: contracted, f: fc };
      } else {
        for (let j = 1; j <= n; j++) {
          const x = toward(best.x, simplex[j]!.x, 0.5);
          simplex[j] = { x, f: value(x) };
        }
      }
    }
  }
  simplex.sort((p, q) => p.f - q.f);
  return { x: simplex[0]!.x, f: simplex[0]!.f, iterations, converged };
}

const fromLog = (v: number[]): BgNbdParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) });

/** Maximum-likelihood fit by Nelder–Mead over log-parameters, restarted from the best point until it stops improving. */
export function fitBgNbd(groups: readonly BuyerGroup[], options: { maxIterations?: number; tolerance?: number } = {}): BgNbdFit {
  const maxIterations = options.maxIterations ?? 5000;
  const tolerance = options.tolerance ?? 1e-10;
  const data = prepare(groups);
  const buyers = data.count.reduce((s, c) => s + c, 0);
  if (buyers === 0) throw new RangeError('no buyers to fit');
  const meanT = data.T.reduce((s, T, i) => s + T * data.count[i]!, 0) / buyers;
  const negLL = (v: number[]) => -evaluate(fromLog(v), data);
  let point = [0, Math.log(meanT > 0 ? meanT : 1), 0, 0];
  let best = Number.POSITIVE_INFINITY;
  let iterations = 0;
  let converged = false;
  // A fresh simplex around the best point escapes the collapsed simplices Nelder–Mead can stall in.
  for (let restart = 0; restart < 10 && iterations < maxIterations; restart++) {
    const run = nelderMead(negLL, point, restart === 0 ? 0.5 : 0.1, maxIterations - iterations, tolerance);
    iterations += run.iterations;
    const gained = best - run.f;
    point = run.x;
    best = Math.min(best, run.f);
    converged = run.converged && gained <= tolerance * (1 + Math.abs(run.f));
    if (converged || !run.converged) break;
  }
  if (!Number.isFinite(best)) throw new RangeError('BG/NBD likelihood is not finite anywhere the fit searched');
  return { params: fromLog(point), logLikelihood: -best, iterations, converged, buyers };
}

/** ln of the odds that a buyer with x > 0 has dropped out: a/(b+x−1) · ((α+T)/(α+tx))^(r+x). */
function lnDeadOdds({ r, alpha, a, b }: BgNbdParams, x: number, tx: number, T: number): number {
  if (x <= 0) return Number.NEGATIVE_INFINITY;
  return Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
}

export function probabilityAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  return 1 / (1 + Math.exp(lnDeadOdds(p, x, tx, T)));
}

/** P(no purchase in (T, T+h]) = (1 − P(alive)) + P(alive) · ((α+T)/(α+T+h))^(r+x). */
export function probabilityNoPurchase(p: BgNbdParams, x: number, tx: number, T: number, h: number): number {
  const alive = probabilityAlive(p, x, tx, T);
  const quiet = Math.exp(-(p.r + x) * Math.log1p(h / (p.alpha + T)));
  return 1 - alive + alive * quiet;
}

/**
 * Conditional expected number of purchases in (T, T+h] (paper eq. 10). With z = h/(α+T+h), Euler's transformation
 * (1−z)^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z) = (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z) gives a series whose terms
 * shrink like n^(a−r−x−2) zⁿ, so it converges even for z near 1, and factoring (a−1) out of it removes the
 * removable singularity of the paper's form at a = 1.
 */
export function expectedPurchases(p: BgNbdParams, x: number, tx: number, T: number, h: number): number {
  if (h <= 0) return 0;
  const { r, alpha, a, b } = p;
  const z = h / (alpha + T + h);
  const lnOneMinusZ = -Math.log1p(h / (alpha + T));
  const A = a + b - 1 - r;
  const B = a - 1;
  const C = a + b + x - 1;
  // U = (₂F₁(A, B; C; z) − 1) / B, summed term by term.
  // Terms may pass near zero while A + n or B + n changes sign, so stopping waits until the ratio has settled below 1.
  const settled = Math.max(0, -A, -B) + 1;
  let term = (A * z) / C;
  let U = term;
  for (let n = 1; n < 1_000_000; n++) {
    const ratio = ((A + n) * (B + n) * z) / ((C + n) * (n + 1));
    term *= ratio;
    U += term;
    if (n > settled && Math.abs(ratio) < 1 && Math.abs(term) <= 1e-16 * Math.abs(U)) break;
  }
  const e = B * lnOneMinusZ;
  const oneMinusPowOverB = Math.abs(e) < 1e-12 ? -lnOneMinusZ * (1 + e / 2) : -Math.expm1(e) / B;
  const ifAlive = C * (oneMinusPowOverB - Math.exp(e) * U);
  return ifAlive * probabilityAlive(p, x, tx, T);
}

/** Median time after T until the next purchase if the buyer is still alive: (α+T)(2^(1/(r+x)) − 1). */
export function medianWaitIfAlive(p: BgNbdParams, x: number, T: number): number {
  return (p.alpha + T) * Math.expm1(Math.LN2 / (p.r + x));
}
