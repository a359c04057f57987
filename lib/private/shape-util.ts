import { SHAPES } from './generated/shapes';
import { PRIMITIVE_SHAPES, PrimitiveShape, Shape, ShapeRef } from './shape-types';

const PRIMITIVES: ReadonlySet<string> = new Set(PRIMITIVE_SHAPES);

/**
 * Whether a shape reference names a primitive leaf (`'string'`, `'number'`, ...) rather than an entry of `SHAPES`.
 */
export function isPrimitive(ref: ShapeRef): ref is PrimitiveShape {
  return PRIMITIVES.has(ref);
}

/**
 * The shape a reference stands for: the primitive name itself, or the `SHAPES` entry.
 *
 * @throws when `ref` is neither a primitive nor a key of `SHAPES`
 */
export function shapeOf(ref: ShapeRef): Shape | PrimitiveShape {
  if (isPrimitive(ref)) return ref;
  if (!Object.prototype.hasOwnProperty.call(SHAPES, ref)) {
    throw new Error(`Unknown shape '${ref}': it is not in lib/private/generated/shapes.ts (regenerate it, or fix the reference)`);
  }
  return SHAPES[ref];
}

/**
 * The candidate closest to `name`, for "did you mean" messages: compared case-insensitively by
 * Damerau-Levenshtein distance (optimal string alignment: insertions, deletions, substitutions and
 * transpositions of adjacent letters each count 1).
 *
 * Only a candidate within `max(1, floor(name.length / 3))` edits qualifies; among equally close
 * candidates the first in `candidates` wins.
 *
 * @returns the best candidate, or `undefined` when none is close enough
 */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  const maxDistance = Math.max(1, Math.floor(name.length / 3));
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Optimal string alignment distance (restricted Damerau-Levenshtein). */
function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  // d[i][j] = distance between a[0..i) and b[0..j)
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
