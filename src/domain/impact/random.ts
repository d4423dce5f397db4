// Drawing the Monte Carlo's inputs between their bounds, from a seeded generator.

import type { Random } from '../random/mulberry32.ts'

export { mulberry32, type Random } from '../random/mulberry32.ts'

export type Distribution = 'uniform' | 'triangular' | 'pert'
export const distributions: readonly Distribution[] = ['uniform', 'triangular', 'pert']

/** A standard normal draw (Box-Muller; the second value is discarded to keep the stream simple). */
function normal(random: Random): number {
  let u = random()
  while (u === 0) u = random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
}

/** A Gamma(shape, 1) draw for shape ≥ 1 (Marsaglia and Tsang 2000). */
function gamma(shape: number, random: Random): number {
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    let x: number
    let v: number
    do {
      x = normal(random)
      v = 1 + c * x
    } while (v <= 0)
    v = v * v * v
    const u = random()
    if (u < 1 - 0.0331 * x * x * x * x) return d * v
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v
  }
}

/**
 * A draw between `low` and `high` (low ≤ mode ≤ high). When the range is
 * collapsed the value is returned without consuming any random number.
 */
export function draw(distribution: Distribution, low: number, mode: number, high: number, random: Random): number {
  if (!(high > low)) return low
  const width = high - low
  switch (distribution) {
    case 'uniform':
      return low + width * random()
    case 'triangular': {
      // Inverse of the triangular distribution's CDF.
      const u = random()
      const split = (mode - low) / width
      return u < split ? low + Math.sqrt(u * width * (mode - low)) : high - Math.sqrt((1 - u) * width * (high - mode))
    }
    case 'pert': {
      // Beta-PERT with the usual weight of 4 on the mode: Beta(α, β) from two Gamma draws.
      const alpha = 1 + (4 * (mode - low)) / width
      const beta = 1 + (4 * (high - mode)) / width
      const a = gamma(alpha, random)
      const b = gamma(beta, random)
      return low + (width * a) / (a + b)
    }
  }
}
