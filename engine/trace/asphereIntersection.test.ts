/**
 * Named edge case of the even-asphere intersection: a strong conic (k = −20) whose polynomial
 * cancels most of it, as on the last lenses of a phone camera. Newton from the base conic's root
 * can then converge to a farther crossing of the polynomial's continuation (a ray meeting the
 * surface at 2.9 mm instead of 2.2 mm); the traced intersection must be the first crossing along
 * the ray, found here independently by a fine scan and bisection.
 */
import { describe, expect, it } from 'vitest';
import type { Prescription } from '../io/prescription.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { RayBatch, RayStatus } from './rayBatch.ts';
import { traceBatch } from './realTrace.ts';
import { asphereSag } from './sag.ts';

// Surface 11 of the Largan phone lens (lens-library/cellphone-largan-us11940605-ex2.json).
const R = -3.6338, K = -20;
const ASPH = [0, -0.02721, 0.028341, -0.018703, 0.0065928, -0.0016661, 0.0002357, -0.000012301];
const ASPH64 = Float64Array.from(ASPH);
const GAP = 1.1164;

function system() {
  const p: Prescription = {
    format: 'lens-studio/1', name: 'strong asphere', units: 'mm', object: { distance: 'infinity' },
    aperture: { type: 'EPD', value: 2 }, fields: { type: 'angle', points: [{ x: 0, y: 0 }] },
    wavelengths: { valuesUm: [0.5875618], primaryIndex: 0 },
    surfaces: [
      { type: 'standard', radius: null, thickness: GAP, stop: true },
      { type: 'evenAsphere', radius: R, conic: K, asphere: ASPH, thickness: 1, material: { model: { nd: 1.639, vd: 23.5 } } },
      { type: 'standard', radius: null, thickness: 1 },
    ],
  };
  return buildSystem(p, GlassLibrary.builtin());
}

/** z − sag(r) along the ray from the start (x0, y0, −GAP) in the asphere's frame. */
function F(x0: number, y0: number, d: number[], t: number): number {
  const x = x0 + t * d[0], y = y0 + t * d[1], z = -GAP + t * d[2];
  const r2 = x * x + y * y, c = 1 / R;
  const q = 1 - (1 + K) * c * c * r2;
  return q > 0 ? z - ((c * r2) / (1 + Math.sqrt(q)) + asphereSag(ASPH64, r2)) : NaN;
}

describe('even-asphere intersection', () => {
  it('is the first crossing along the ray, not a farther root of the polynomial (strong conic, k = −20)', () => {
    const s = system();
    let farther = 0;
    for (let k = 0; k <= 20; k++) {
      const m = 0.3 + 0.003 * k;
      const d = [-0.072, m, Math.sqrt(1 - 0.072 * 0.072 - m * m)];
      const b = new RayBatch(1);
      [b.x[0], b.y[0], b.z[0], b.l[0], b.m[0], b.n[0], b.opl[0], b.status[0], b.lostAt[0]] = [0.1723, 2.1218, 0, d[0], d[1], d[2], 0, RayStatus.OK, -1];
      traceBatch(s, b, 0, { firstSurface: 1, lastSurface: 1 });
      expect(b.status[0]).toBe(RayStatus.OK);
      // Independent: the first sign change of F on a fine grid, then bisection.
      let lo = 0, hi = NaN;
      for (let t = 0.001; t < 4; t += 0.001) {
        if (F(0.1723, 2.1218, d, t) * F(0.1723, 2.1218, d, 0) <= 0) {
          hi = t;
          break;
        }
        lo = t;
      }
      for (let it = 0; it < 100; it++) {
        const mid = (lo + hi) / 2;
        if (F(0.1723, 2.1218, d, mid) * F(0.1723, 2.1218, d, lo) <= 0) hi = mid;
        else lo = mid;
      }
      const t = (lo + hi) / 2;
      expect(Math.abs(b.y[0] - (2.1218 + t * d[1])), `m = ${m}`).toBeLessThan(1e-9);
      // A second crossing farther along exists (what Newton from the base conic may find).
      for (let u = t + 0.05; u < 4; u += 0.001) if (F(0.1723, 2.1218, d, u) * F(0.1723, 2.1218, d, t + 0.01) < 0) {
        farther++;
        break;
      }
    }
    expect(farther).toBeGreaterThan(15);
  });
});
