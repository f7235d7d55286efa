import { describe, expect, it } from 'vitest';
import { AimGrid } from './aimGrid.ts';

/** The linear scan AimGrid replaces: least squared distance, ties to the earliest added. */
function scan(items: { tx: number; ty: number }[], tx: number, ty: number) {
  let best = Infinity, nb: { tx: number; ty: number } | null = null;
  for (const a of items) {
    const d = (a.tx - tx) ** 2 + (a.ty - ty) ** 2;
    if (d < best) {
      best = d;
      nb = a;
    }
  }
  return nb;
}

describe('AimGrid', () => {
  it('returns the linear scan’s nearest item (random, clustered, duplicate and far-outside targets)', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (const cell of [0.05, 0.7, 3]) {
      const grid = new AimGrid<{ tx: number; ty: number }>(cell);
      const items: { tx: number; ty: number }[] = [];
      for (let k = 0; k < 400; k++) {
        const p = k % 50 === 0 ? { tx: 40 * (rnd() - 0.5), ty: 40 * (rnd() - 0.5) } : k % 7 === 0 && items.length ? { ...items[items.length - 1] } : { tx: 4 * (rnd() - 0.5), ty: 4 * (rnd() - 0.5) };
        // Query before adding, as aimRays does.
        for (const q of [p, { tx: p.tx + 0.01, ty: p.ty }, { tx: 100, ty: -3 }]) expect(grid.nearest(q.tx, q.ty)?.item ?? null).toBe(scan(items, q.tx, q.ty));
        grid.add(p);
        items.push(p);
      }
    }
  });

  it('is empty-safe and rejects a bad cell size', () => {
    expect(new AimGrid(1).nearest(0, 0)).toBeNull();
    expect(() => new AimGrid(0)).toThrow(/cell size/);
    expect(() => new AimGrid(Number.NaN)).toThrow(/cell size/);
  });
});
