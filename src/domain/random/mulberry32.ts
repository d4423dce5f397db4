// Seeded random numbers for the Monte Carlo, the demonstration population and
// the benchmarks: the same seed gives the same draws on every machine. mulberry32 (Tommy Ettinger's public-domain 32-bit
// generator) is small, fast and good enough for sampling and synthetic data; it is
// not for cryptography.

export type Random = () => number

/** A generator of uniform numbers in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
