/**
 * EDGE_THICKNESS: the axial distance between `surface` and the next surface at radial height h,
 *   ET = t + sag_{s+1}(h) − sag_s(h)  (mm, engine/optics/sag.ts sagAt),
 * with h = `heightMm`, else the larger semi-diameter of the two surfaces: each one's clear
 * semi-aperture where set, else the height the rays reach there, from
 * - `heightFrom: "paraxialRays"` (default): |marginal| + |chief| paraxial ray heights (largest
 *   field); dh/dθ from the paraxial tangents of the two rays;
 * - `heightFrom: "realRays"`: the largest height of the real chief and pupil-edge rays of every
 *   field (engine/trace/edgeRays.ts, the semi-diameter the layout draws); dh/dθ from one adjoint
 *   pass seeded where that ray crosses the surface.
 * When h moves with the lens, the derivative carries (slope_{s+1}(h) − slope_s(h))·dh/dθ. Where a
 * surface does not reach h (beyond a hemisphere) its sag, slope and derivatives count as 0.
 */
import type { ParamRef } from '../../optics/params.ts';
import { maxField, type LensSystem } from '../../optics/system.ts';
import { traceParaxial } from '../../paraxial/paraxial.ts';
import { dThickness, paraxialTangent } from '../../paraxial/paraxialTangent.ts';
import { entrancePupil, objectField, type EntrancePupil } from '../../paraxial/pupil.ts';
import { objectFieldTangent, pupilTangent } from '../../paraxial/pupilTangent.ts';
import { chiefRayStart, chiefRayStartTangent, marginalRayStart, marginalRayStartTangent } from '../../paraxial/rays.ts';
import { realHeight, realHeightGradient, traceEdgeRays, type FieldEdgeRays, type RealHeight } from '../../trace/edgeRays.ts';
import { dSagAt, sagAt, sagSlopeAt } from '../../trace/sag.ts';
import { scalarOperand } from './operand.ts';

/** Where the edge height comes from: fixed, the paraxial rays on surface k, or a real ray. */
type EdgeHeight =
  | { h: number; from: 'fixed' }
  | { h: number; from: 'paraxial'; surface: number; ym: number; yc: number; pupil: EntrancePupil; F: number }
  | { h: number; from: 'real'; rays: FieldEdgeRays[]; at: RealHeight };

function paraxialEdgeHeight(system: LensSystem, s: number): EdgeHeight & { from: 'paraxial' } {
  const w = system.primaryIndex;
  const pupil = entrancePupil(system);
  const F = objectField(system, 0, maxField(system), pupil).y;
  const mr = traceParaxial(system, w, ...marginalRayStart(system, pupil.epd, pupil.epl, w)).y;
  const cr = traceParaxial(system, w, ...chiefRayStart(system, pupil.epl, w, F)).y;
  const k = Math.abs(mr[s]) + Math.abs(cr[s]) >= Math.abs(mr[s + 1]) + Math.abs(cr[s + 1]) ? s : s + 1;
  return { h: Math.abs(mr[k]) + Math.abs(cr[k]), from: 'paraxial', surface: k, ym: mr[k], yc: cr[k], pupil, F };
}

/** The larger of the two surfaces' semi-diameters: clear apertures where set, else the real rays. */
function realEdgeHeight(system: LensSystem, s: number): EdgeHeight {
  const sd = (k: number) => system.surfaces[k].semiDiameter;
  let rays: FieldEdgeRays[] | null = null;
  const heights = [s, s + 1].map((k): EdgeHeight | null => {
    if (Number.isFinite(sd(k))) return { h: sd(k), from: 'fixed' };
    rays ??= traceEdgeRays(system);
    const at = realHeight(rays, k);
    return at ? { h: at.h, from: 'real', rays, at } : null;
  });
  const [a, b] = heights;
  if (!a && !b) throw new Error(`EDGE_THICKNESS s${s + 1}: no real ray reaches the image to set the edge height`);
  return !b || (a && a.h >= b.h) ? a! : b;
}

/** The edge height after surface s when the operand gives none, mm. */
function edgeHeight(system: LensSystem, s: number, from: 'paraxialRays' | 'realRays'): EdgeHeight {
  if (from === 'realRays') return realEdgeHeight(system, s);
  const a = system.surfaces[s].semiDiameter, b = system.surfaces[s + 1]?.semiDiameter ?? Infinity;
  const sd = Math.max(Number.isFinite(a) ? a : 0, Number.isFinite(b) ? b : 0);
  return sd > 0 ? { h: sd, from: 'fixed' } : paraxialEdgeHeight(system, s);
}

/** dh/dθ of a paraxial edge height: sign(y_m) ẏ_m + sign(y_c) ẏ_c on its surface. */
function dParaxialEdgeHeight(system: LensSystem, e: EdgeHeight & { from: 'paraxial' }, p: ParamRef): number {
  const w = system.primaryIndex;
  const { pupil, F, surface: k } = e;
  const pt = pupilTangent(system, p, pupil);
  const dF = objectFieldTangent(system, 0, maxField(system), p, pupil, pt)[1];
  const m0 = marginalRayStart(system, pupil.epd, pupil.epl, w), dm0 = marginalRayStartTangent(system, pupil.epd, pupil.epl, w, pt);
  const c0 = chiefRayStart(system, pupil.epl, w, F), dc0 = chiefRayStartTangent(system, pupil.epl, w, pt, F, dF);
  const dym = paraxialTangent(system, p, w, m0[0], m0[1], dm0[0], dm0[1], k, true)[2];
  const dyc = paraxialTangent(system, p, w, c0[0], c0[1], dc0[0], dc0[1], k, true)[2];
  return Math.sign(e.ym) * dym + Math.sign(e.yc) * dyc;
}

const finiteOr0 = (v: number) => (Number.isFinite(v) ? v : 0);

export const EDGE_THICKNESS = scalarOperand<'EDGE_THICKNESS'>({
  label: (o) => `ET s${o.surface + 1}`,
  evaluate(system, o, params) {
    const s = o.surface;
    const e: EdgeHeight = o.heightMm !== undefined ? { h: o.heightMm, from: 'fixed' } : edgeHeight(system, s, o.heightFrom ?? 'paraxialRays');
    const a = system.surfaces[s], b = system.surfaces[s + 1];
    const h = e.h;
    const za = sagAt(a, h), zb = sagAt(b, h);
    const dSag = (surf: typeof a, z: number, k: number, p: ParamRef) => (p.surface === k && Number.isFinite(z) ? dSagAt(surf, h, p) : 0);
    return {
      value: a.thickness + finiteOr0(zb) - finiteOr0(za),
      gradient: () => {
        const slope = e.from === 'fixed' ? 0 : (Number.isFinite(zb) ? finiteOr0(sagSlopeAt(b, h)) : 0) - (Number.isFinite(za) ? finiteOr0(sagSlopeAt(a, h)) : 0);
        const dh = e.from === 'real' && slope !== 0 ? realHeightGradient(system, e.rays, e.at, params) : null;
        return Float64Array.from(params, (p, j) => {
          let d = dThickness(system, p, s) + dSag(b, zb, s + 1, p) - dSag(a, za, s, p);
          if (slope !== 0) d += slope * (e.from === 'paraxial' ? dParaxialEdgeHeight(system, e, p) : dh ? dh[j] : 0);
          return d;
        });
      },
    };
  },
});
