/**
 * Entrance pupil and object-space field geometry, from the paraxial trace at the primary wavelength.
 *
 * EPL is the entrance-pupil position measured from surface 1 (+ behind it): with the stop heights
 * A (ray y=1, Nu=0) and B (ray y=0, Nu=1) of two paraxial rays launched at surface 1,
 *   EPL = n₀ · B / A,
 * the point where the paraxial chief ray (the ray through the stop centre) crosses the axis.
 * EPD follows the aperture type: EPD given; image F/# (EPD = EFL / F#, the infinite-conjugate
 * definition, as OpticStudio's "Image Space F/#"); object NA (EPD = 2 (d + EPL) tan(asin(NA/n₀)));
 * float by stop size (the stop's semi-diameter imaged back into object space).
 */
import type { FieldVignetting, LensSystem } from '../optics/system.ts';
import { SystemError, maxField } from '../optics/system.ts';
import { paraxialAtImage, paraxialHeightAt, signedIndexAfter } from './paraxial.ts';
import { chiefRayStart, type ParaxialStart } from './rays.ts';

export interface EntrancePupil {
  /** Entrance-pupil position from surface 1, mm. */
  epl: number;
  /** Entrance-pupil diameter, mm. */
  epd: number;
}

/** Paraxial power of the whole system at wavelength w, 1/mm (φ = −C of the system matrix). */
export function systemPower(system: LensSystem, w: number): number {
  return -paraxialAtImage(system, w, 1, 0)[1];
}

/**
 * Entrance pupil at the primary wavelength.
 * @throws SystemError when the stop is not imaged into object space (A = 0), or EPD is not positive
 */
export function entrancePupil(system: LensSystem): EntrancePupil {
  const w = system.primaryIndex;
  const n0 = system.nObject[w];
  const stop = system.stopIndex;
  const a = paraxialHeightAt(system, w, 1, 0, stop);
  const b = paraxialHeightAt(system, w, 0, 1, stop);
  if (a === 0 || !Number.isFinite(a)) throw new SystemError(`the stop (surface ${stop + 1}) has no image in object space`);
  const epl = (n0 * b) / a;
  const d = system.objectDistance;
  let epd: number;
  switch (system.apertureType) {
    case 'EPD':
      epd = system.apertureValue;
      break;
    case 'imageFNumber': {
      const phi = systemPower(system, w);
      if (phi === 0) throw new SystemError('aperture: an image F-number needs a system with optical power (afocal here)');
      epd = Math.abs(nImage(system, w) / phi) / system.apertureValue;
      break;
    }
    case 'objectNA': {
      const na = system.apertureValue;
      if (na >= n0) throw new SystemError(`aperture.value: object NA ${na} is not below the object-space index ${n0}`);
      epd = 2 * Math.abs(d + epl) * Math.tan(Math.asin(na / n0));
      break;
    }
    case 'floatByStop': {
      const sd = system.surfaces[stop].semiDiameter;
      if (Number.isFinite(d)) {
        // Ray from the axial object point with unit slope: height at the stop per unit slope.
        const k = paraxialHeightAt(system, w, d, n0, stop);
        epd = (2 * sd * Math.abs(d + epl)) / Math.abs(k);
      } else {
        epd = (2 * sd) / Math.abs(a);
      }
      break;
    }
  }
  if (!(epd > 0) || !Number.isFinite(epd)) throw new SystemError(`aperture: entrance-pupil diameter is not positive (${epd})`);
  return { epl, epd };
}

/** Positive index of image space at wavelength w. */
export function nImage(system: LensSystem, w: number): number {
  return Math.abs(signedIndexAfter(system, system.surfaces.length - 2, w));
}

/**
 * A field point in object space: for an object at infinity the direction tangents (tan θx, tan θy);
 * for a finite object the object point (x, y) in mm. Converts paraxial-image-height fields with the
 * paraxial chief-ray magnification at the primary wavelength.
 */
export interface ObjectField {
  readonly atInfinity: boolean;
  /** tan θ (infinite object) or object height in mm (finite object). */
  readonly x: number;
  readonly y: number;
  /** The vignetting factors of the field point this is, applied to every ray launched for it. */
  readonly vignetting?: FieldVignetting;
}

/**
 * The object-space field of defined field point f (fields.points[f]), with its vignetting factors:
 * what a ray bundle of that field (spot, fan, layout, ray operand) is launched from. Analyses along
 * the field (distortion, field curvature, field plots) use {@link objectField}, without them.
 */
export function fieldPointObjectField(system: LensSystem, f: number, pupil?: EntrancePupil): ObjectField {
  const field = objectField(system, system.fieldX[f], system.fieldY[f], pupil);
  const vignetting = system.fieldVignetting[f];
  return vignetting ? { ...field, vignetting } : field;
}

/**
 * Object-space field for field values (fx, fy) in the system's field units
 * (degrees for angle, mm for heights).
 */
export function objectField(system: LensSystem, fx: number, fy: number, pupil?: EntrancePupil): ObjectField {
  const atInfinity = !Number.isFinite(system.objectDistance);
  const DEG = Math.PI / 180;
  switch (system.fieldType) {
    case 'angle':
      if (atInfinity) return { atInfinity, x: Math.tan(fx * DEG), y: Math.tan(fy * DEG) };
      {
        // The chief ray from the object plane through the entrance-pupil centre at that angle.
        const { epl } = pupil ?? entrancePupil(system);
        const l = system.objectDistance + epl;
        return { atInfinity, x: -l * Math.tan(fx * DEG), y: -l * Math.tan(fy * DEG) };
      }
    case 'objectHeight':
      return { atInfinity, x: fx, y: fy };
    case 'paraxialImageHeight': {
      const k = imageHeightPerField(system, pupil);
      return { atInfinity, x: fx / k, y: fy / k };
    }
  }
}

/**
 * Paraxial image height per unit object field at wavelength w (default primary): per unit tan θ for
 * an object at infinity, per mm of object height (the magnification) for a finite object.
 */
export function imageHeightPerField(system: LensSystem, pupil?: EntrancePupil, w = system.primaryIndex): number {
  const { epl } = pupil ?? entrancePupil(system);
  return paraxialAtImage(system, w, ...chiefRayStart(system, epl, w))[0];
}

/**
 * The paraxial chief ray at surface 1 of the largest field, taken as a +y field (the chief ray of
 * Seidel sums and the Lagrange invariant).
 */
export function maxFieldChiefRayStart(system: LensSystem, pupil: EntrancePupil, w: number): ParaxialStart {
  return chiefRayStart(system, pupil.epl, w, objectField(system, 0, maxField(system), pupil).y);
}
