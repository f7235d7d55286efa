/**
 * Default tolerances (`lens-studio tolerance --defaults`): typical precision-grade shop limits, all
 * sampled from the normal distribution (±limit = ±2σ):
 *
 * | operand | limit | on |
 * |---|---|---|
 * | TFRN radius | ±1 fringe at 632.8 nm over the clear aperture | every refracting or reflecting surface |
 * | TIRR irregularity | ±0.25 fringe | every sphere / conic / plane |
 * | TTHI thickness | ±0.05 mm | every gap except the back focus when it is a compensator |
 * | TSDX, TSDY surface decenter | ±0.02 mm | every curved surface |
 * | TSTX, TSTY surface tilt | ±1 arcmin | every surface |
 * | TEDX, TEDY element decenter | ±0.02 mm | every element (singlet or cemented group) |
 * | TETX, TETY element tilt | ±1 arcmin | every element |
 * | TIND index | ±0.001 | every glass |
 * | TABB Abbe number | ±0.8 % | every glass |
 * | TSTX, TSTY image tilt | ±1 arcmin | the image plane |
 *
 * Dummy surfaces (the same index on both sides, e.g. a stop in air), coordinate breaks and ideal
 * paraxial surfaces get none. The back focus is the compensator. An element is a run of surfaces
 * from one with air before and glass after to the next with air (or a mirror) after.
 */
import type { Prescription } from '../io/prescription.ts';
import { DEFAULT_TEST_WAVELENGTH_UM, TOLERANCE_FORMAT, type ToleranceOperand, type ToleranceSpec } from '../io/toleranceSpec.ts';
import type { LensSystem } from '../optics/system.ts';
import { indexBefore } from '../optics/system.ts';

export const DEFAULT_LIMITS = {
  fringes: 1,
  irregularityFringes: 0.25,
  thicknessMm: 0.05,
  decenterMm: 0.02,
  tiltDeg: 1 / 60,
  index: 0.001,
  abbePercent: 0.8,
} as const;

/** Elements of a lens: [first, last] surface index pairs (0-based, inclusive). */
export function findElements(system: LensSystem): [number, number][] {
  const out: [number, number][] = [];
  const n = system.surfaces.length - 1; // real surfaces
  const w = system.primaryIndex;
  let start = -1;
  for (let s = 0; s < n; s++) {
    const surf = system.surfaces[s];
    if (surf.kind === 'coordinateBreak' || surf.kind === 'paraxial' || surf.mirror) {
      start = -1;
      continue;
    }
    const before = indexBefore(system, s, w);
    const after = surf.nAfter[w];
    if (start < 0 && before === 1 && after !== 1) start = s;
    else if (start >= 0 && after === 1) {
      out.push([start, s]);
      start = -1;
    }
  }
  return out;
}

/**
 * The default tolerance spec of a lens (module docs).
 * @param system the nominal lens built from `prescription`
 */
export function defaultToleranceSpec(prescription: Prescription, system: LensSystem): ToleranceSpec {
  const L = DEFAULT_LIMITS;
  const ops: ToleranceOperand[] = [];
  const n = prescription.surfaces.length;
  const w = system.primaryIndex;
  const pm = (type: ToleranceOperand['type'], surface: number, limit: number, extra: Partial<ToleranceOperand> = {}): ToleranceOperand => ({ type, surface, min: -limit, max: limit, ...extra });
  const glassy = (s: number) => {
    const spec = prescription.surfaces[s];
    return 'material' in spec && spec.material !== undefined && spec.material !== null && !system.surfaces[s].mirror && system.surfaces[s].nAfter[w] !== 1;
  };
  for (let s = 0; s < n; s++) {
    const spec = prescription.surfaces[s];
    const surf = system.surfaces[s];
    if (spec.type === 'coordinateBreak' || spec.type === 'paraxial') continue;
    const dummy = !surf.mirror && indexBefore(system, s, w) === surf.nAfter[w];
    if (!dummy) {
      const curved = spec.type === 'xyPolynomial' || (spec as { radius: number | null }).radius !== null;
      if (spec.type === 'standard' || spec.type === 'evenAsphere') ops.push(pm('TFRN', s, L.fringes));
      if (spec.type === 'standard') ops.push(pm('TIRR', s, L.irregularityFringes));
      if (curved) ops.push(pm('TSDX', s, L.decenterMm), pm('TSDY', s, L.decenterMm));
      ops.push(pm('TSTX', s, L.tiltDeg), pm('TSTY', s, L.tiltDeg));
    }
    if (s < n - 1) ops.push(pm('TTHI', s, L.thicknessMm));
    if (glassy(s)) ops.push(pm('TIND', s, L.index), pm('TABB', s, L.abbePercent));
  }
  for (const [a, b] of findElements(system)) {
    ops.push(pm('TEDX', a, L.decenterMm, { lastSurface: b }), pm('TEDY', a, L.decenterMm, { lastSurface: b }));
    ops.push(pm('TETX', a, L.tiltDeg, { lastSurface: b }), pm('TETY', a, L.tiltDeg, { lastSurface: b }));
  }
  ops.push(pm('TSTX', n, L.tiltDeg), pm('TSTY', n, L.tiltDeg));
  return { format: TOLERANCE_FORMAT, testWavelengthUm: DEFAULT_TEST_WAVELENGTH_UM, operands: ops, compensators: [{ type: 'backFocus' }] };
}
