/** The offset glass: stated nd and Vd, the base glass at zero offset, exact index derivatives. */
import { describe, expect, it } from 'vitest';
import { GlassLibrary } from './glassLibrary.ts';
import { abbeNumber, LAMBDA_D_UM } from './material.ts';
import { OffsetGlass, isTunableGlass } from './offsetGlass.ts';
import { ModelGlass } from './modelGlass.ts';

const lib = GlassLibrary.builtin();
const bk7 = lib.resolve({ name: 'N-BK7', catalog: 'SCHOTT' });

describe('OffsetGlass', () => {
  it('is the base glass at zero offset and has the stated nd and Vd otherwise', () => {
    const zero = new OffsetGlass(bk7, 0, 0);
    for (const lam of [0.4, 0.5876, 0.7, 1.0]) expect(zero.index(lam)).toBeCloseTo(bk7.index(lam), 15);
    const g = new OffsetGlass(bk7, 0.0015, -0.7);
    expect(g.index(LAMBDA_D_UM)).toBeCloseTo(bk7.index(LAMBDA_D_UM) + 0.0015, 15);
    expect(abbeNumber(g)).toBeCloseTo(abbeNumber(bk7) - 0.7, 11);
    expect(g.name).toBe(bk7.name);
  });

  it('has exact derivatives with respect to nd and Vd (central differences)', () => {
    const g = new OffsetGlass(bk7, 0.001, 0.3);
    const h = 1e-4, hv = 1e-2; // steps at the scale of nd (~1.5) and Vd (~64)
    for (const lam of [0.4861, 0.6563, 0.9]) {
      const dnd = (g.withNdVd(g.nd + h, g.vd).index(lam) - g.withNdVd(g.nd - h, g.vd).index(lam)) / (2 * h);
      const dvd = (g.withNdVd(g.nd, g.vd + hv).index(lam) - g.withNdVd(g.nd, g.vd - hv).index(lam)) / (2 * hv);
      expect(Math.abs(g.dIndexDnd(lam) - dnd) / Math.abs(dnd)).toBeLessThan(1e-8);
      expect(Math.abs(g.dIndexDvd(lam) - dvd) / Math.abs(dvd)).toBeLessThan(1e-6);
      expect(Math.abs(g.dIndexDvd(lam))).toBeGreaterThan(1e-6);
    }
  });

  it('is resolved from {glass, offset} and is tunable, as model glasses are', () => {
    const g = lib.resolve({ glass: { name: 'N-BK7', catalog: 'SCHOTT' }, offset: { nd: 0.002, vd: 1 } });
    expect(g).toBeInstanceOf(OffsetGlass);
    expect(isTunableGlass(g)).toBe(true);
    expect(isTunableGlass(new ModelGlass(1.5, 60))).toBe(true);
    expect(isTunableGlass(bk7)).toBe(false);
    expect(() => new OffsetGlass(bk7, 0, -100)).toThrow(/not positive/);
    expect(() => new OffsetGlass(lib.resolve(null), 0.001, 0)).toThrow(/dispersive/);
  });
});
