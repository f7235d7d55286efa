/**
 * Derivatives of the entrance pupil (EPL, EPD) and of the object-space field with respect to one
 * lens parameter, from paraxial tangents (engine/trace/paraxialTangent.ts). Used by the real-ray
 * adjoint: paraxially aimed rays move when the pupil moves.
 */
import type { LensSystem } from './system.ts';
import type { ParamRef } from './params.ts';
import { entrancePupil, nImage, objectField, systemPower, type EntrancePupil, type ObjectField } from './pupil.ts';
import { paraxialAtImage, paraxialHeightAt } from '../trace/paraxial.ts';
import { paraxialTangent, dSignedIndexAfter } from '../trace/paraxialTangent.ts';

export interface PupilTangent {
  depl: number;
  depd: number;
  /** d(objectDistance)/dθ: 1 for the objectDistance parameter. */
  dd: number;
}

/** dEPL/dθ and dEPD/dθ. */
export function pupilTangent(system: LensSystem, p: ParamRef, pupil: EntrancePupil = entrancePupil(system)): PupilTangent {
  const w = system.primaryIndex;
  const n0 = system.nObject[w];
  const stop = system.stopIndex;
  const d = system.objectDistance;
  const dd = p.kind === 'objectDistance' && Number.isFinite(d) ? 1 : 0;
  const [A, , dA] = paraxialTangent(system, p, w, 1, 0, 0, 0, stop, true);
  const [B, , dB] = paraxialTangent(system, p, w, 0, 1, 0, 0, stop, true);
  const depl = (n0 * (dB * A - B * dA)) / (A * A);
  const { epd, epl } = pupil;
  let depd = 0;
  switch (system.apertureType) {
    case 'EPD':
      break;
    case 'imageFNumber': {
      const phi = systemPower(system, w);
      const [, , , dC] = paraxialTangent(system, p, w, 1, 0, 0, 0);
      const dphi = -dC;
      const nI = nImage(system, w);
      const dnI = Math.abs(dSignedIndexAfter(system, p, system.surfaces.length - 2, w));
      depd = epd * (dnI / nI - dphi / phi);
      break;
    }
    case 'objectNA':
      depd = (epd * (dd + depl)) / (d + epl);
      break;
    case 'floatByStop':
      if (Number.isFinite(d)) {
        const K = paraxialHeightAt(system, w, d, n0, stop);
        const [, , dK] = paraxialTangent(system, p, w, d, n0, dd, 0, stop, true);
        depd = epd * ((dd + depl) / (d + epl) - dK / K);
      } else {
        depd = (-epd * dA) / A;
      }
      break;
  }
  return { depl, depd, dd };
}

/** d(object field x, y)/dθ for field values (fx, fy) in system units. */
export function objectFieldTangent(
  system: LensSystem,
  fx: number,
  fy: number,
  p: ParamRef,
  pupil: EntrancePupil,
  pt: PupilTangent,
): [number, number] {
  const DEG = Math.PI / 180;
  const atInfinity = !Number.isFinite(system.objectDistance);
  switch (system.fieldType) {
    case 'angle':
      if (atInfinity) return [0, 0];
      return [-(pt.dd + pt.depl) * Math.tan(fx * DEG), -(pt.dd + pt.depl) * Math.tan(fy * DEG)];
    case 'objectHeight':
      return [0, 0];
    case 'paraxialImageHeight': {
      const w = system.primaryIndex;
      const n0 = system.nObject[w];
      let K: number, dK: number;
      if (atInfinity) {
        K = paraxialAtImage(system, w, -pupil.epl, n0)[0];
        dK = paraxialTangent(system, p, w, -pupil.epl, n0, -pt.depl, 0)[2];
      } else {
        const d = system.objectDistance;
        const L = d + pupil.epl;
        const u = -1 / L;
        const du = (pt.dd + pt.depl) / (L * L);
        K = paraxialAtImage(system, w, 1 + u * d, n0 * u)[0];
        dK = paraxialTangent(system, p, w, 1 + u * d, n0 * u, du * d + u * pt.dd, n0 * du)[2];
      }
      return [(-fx * dK) / (K * K), (-fy * dK) / (K * K)];
    }
  }
}

export type { ObjectField };
export { objectField };
