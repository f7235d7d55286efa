/**
 * Derivatives of the entrance pupil (EPL, EPD) and of the object-space field with respect to one
 * lens parameter, from paraxial tangents (paraxialTangent.ts). Used by the real-ray adjoint:
 * paraxially aimed rays move when the pupil moves.
 */
import type { LensSystem } from '../optics/system.ts';
import type { ParamRef } from '../optics/params.ts';
import { entrancePupil, imageHeightPerField, nImage, systemPower, type EntrancePupil } from './pupil.ts';
import { paraxialHeightAt } from './paraxial.ts';
import { paraxialTangent, dSignedIndexAfter } from './paraxialTangent.ts';
import { chiefRayStart, chiefRayStartTangent } from './rays.ts';

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
      const K = imageHeightPerField(system, pupil);
      const dK = imageHeightPerFieldTangent(system, p, pupil, pt);
      return [(-fx * dK) / (K * K), (-fy * dK) / (K * K)];
    }
  }
}

/** d(imageHeightPerField)/dθ at wavelength w (default primary); see pupil.ts. */
export function imageHeightPerFieldTangent(system: LensSystem, p: ParamRef, pupil: EntrancePupil, pt: PupilTangent, w = system.primaryIndex): number {
  const start = chiefRayStart(system, pupil.epl, w);
  const dStart = chiefRayStartTangent(system, pupil.epl, w, pt);
  return paraxialTangent(system, p, w, start[0], start[1], dStart[0], dStart[1])[2];
}
