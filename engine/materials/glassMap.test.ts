import { describe, expect, it } from 'vitest';
import { GlassLibrary } from './glassLibrary.ts';
import { glassMapPoints, glassPointOf } from './glassMap.ts';
import { ModelGlass } from './modelGlass.ts';

describe('glassMapPoints', () => {
  const points = glassMapPoints(GlassLibrary.builtin().catalogs());
  it('places N-BK7 at its catalog nd 1.5168, Vd 64.17', () => {
    const bk7 = points.find((p) => p.catalog === 'SCHOTT' && p.name === 'N-BK7')!;
    expect(bk7.nd).toBe(1.5168);
    expect(bk7.vd).toBe(64.17);
  });
  it('computes nd and Vd from the formula where the catalog states none (fused silica, Malitson 1965)', () => {
    const silica = points.find((p) => p.name === 'F_SILICA')!;
    // Malitson's Sellmeier: nd = 1.45846, Vd = 67.8 (Heraeus and Corning quote 1.4585 / 67.8).
    expect(silica.nd).toBeCloseTo(1.45846, 4);
    expect(silica.vd).toBeCloseTo(67.8, 1);
  });
  it('gives every glass a finite point in the optical-glass range', () => {
    expect(points.length).toBeGreaterThan(50);
    for (const p of points) {
      expect(p.nd).toBeGreaterThan(1.3);
      expect(p.nd).toBeLessThan(2.2);
      expect(p.vd).toBeGreaterThan(15);
      expect(p.vd).toBeLessThan(100);
    }
  });
  it('glassPointOf a model glass returns its nd and Vd', () => {
    const g = glassPointOf(new ModelGlass(1.6, 40));
    expect(g.nd).toBeCloseTo(1.6, 12);
    expect(g.vd).toBeCloseTo(40, 9);
  });
});
