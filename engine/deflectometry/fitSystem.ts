/**
 * The lens system the self-calibration differentiates: the lens under test behind two identity
 * surfaces that carry the rigid motion of the incoming rays.
 *
 *   surface 0: a plane of air at the lens origin, the aperture stop (so the entrance pupil is fixed
 *              and the adjoint's paraxial-aiming terms vanish: EPD given, EPL = 0, field 0);
 *   surface 1: a coordinate break, always at zero; its decenters and tilts are the generators of
 *              rigid motions of the incoming rays, whose adjoints give the pose derivatives;
 *   surfaces 2…: the lens (clear apertures removed, so a fit never vignettes a used pixel);
 *   image:     a plane at the lens's last thickness (rays are followed as straight lines from it).
 *
 * The trace runs at the single rig wavelength with no image solve. Lens surfaces must refract
 * (no mirrors, coordinate breaks or paraxial surfaces). With `asphereTerms` > 0, standard
 * surfaces become even aspheres with A2 = 0 and `asphereTerms` free coefficients A4, A6, ...
 * (A2 is left out: it duplicates the curvature).
 */
import type { Prescription, SurfaceSpec } from '../io/prescription.ts';
import type { ParamRef } from '../optics/params.ts';
import type { GlassResolver, LensSystem } from '../optics/system.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { SceneError } from './scene.ts';

/** Index of the first lens surface in the fit system. */
export const FIT_LENS_OFFSET = 2;
/** Index of the rigid-motion coordinate break. */
export const FIT_CB = 1;

/** The coordinate-break parameters of the rigid-motion generators, in this order. */
export const RIGID_GENERATORS: readonly ParamRef[] = [
  { kind: 'decenterX', surface: FIT_CB },
  { kind: 'decenterY', surface: FIT_CB },
  { kind: 'tiltX', surface: FIT_CB },
  { kind: 'tiltY', surface: FIT_CB },
  { kind: 'tiltZ', surface: FIT_CB },
];

export interface FitSystem {
  readonly system: LensSystem;
  /** The fit prescription (writing values back into it gives the fitted lens). */
  readonly prescription: Prescription;
  /** Number of lens surfaces. */
  readonly lensSurfaces: number;
}

/**
 * Builds the fit system from a lens prescription.
 * @param wavelengthUm the rig wavelength
 * @param asphereTerms number of free even-asphere terms (A4, A6, ...) per surface, 0 for none
 * @throws SceneError naming the surface for a mirror, coordinate break or paraxial surface;
 *   SystemError for an unknown glass
 */
export function buildFitSystem(lens: Prescription, glass: GlassResolver, wavelengthUm: number, asphereTerms = 0): FitSystem {
  const surfaces: SurfaceSpec[] = [
    { type: 'standard', radius: null, thickness: 0, material: null, stop: true, comment: 'deflectometry: stop at the lens origin' },
    { type: 'coordinateBreak', thickness: 0, comment: 'deflectometry: rigid-motion generators (always zero)' },
  ];
  lens.surfaces.forEach((s, i) => {
    if (s.type === 'coordinateBreak' || s.type === 'paraxial') {
      throw new SceneError(`lens under test: surfaces[${i}] is a ${s.type === 'paraxial' ? 'paraxial surface' : 'coordinate break'}; only real refracting surfaces can be measured`);
    }
    if (typeof s.material === 'string' && s.material.toUpperCase() === 'MIRROR') {
      throw new SceneError(`lens under test: surfaces[${i}] is a mirror (refractive lenses only)`);
    }
    const { stop: _stop, semiDiameter: _sd, variables: _v, ...rest } = s;
    let spec: SurfaceSpec = rest as SurfaceSpec;
    if (asphereTerms > 0 && (spec.type === 'standard' || spec.type === 'evenAsphere')) {
      const old = spec.type === 'evenAsphere' ? spec.asphere : [];
      const asphere = Array.from({ length: Math.max(old.length, asphereTerms + 1) }, (_, k) => old[k] ?? 0);
      spec = { ...spec, type: 'evenAsphere', asphere };
    }
    surfaces.push(spec);
  });
  const prescription: Prescription = {
    ...lens,
    object: { distance: 'infinity' },
    aperture: { type: 'EPD', value: 25.4 },
    fields: { type: 'angle', points: [{ x: 0, y: 0 }] },
    wavelengths: { valuesUm: [wavelengthUm], primaryIndex: 0 },
    rayAiming: 'paraxial',
    imageSolve: 'none',
    surfaces,
    image: undefined,
  };
  return { system: buildSystem(prescription, glass), prescription, lensSurfaces: lens.surfaces.length };
}

/**
 * The fitted lens as a prescription: the original lens with the fit system's curvatures,
 * thicknesses and asphere coefficients written back (radius = 1/c, null for c = 0).
 */
export function fittedPrescription(original: Prescription, fit: FitSystem): Prescription {
  const surfaces = original.surfaces.map((s, i): SurfaceSpec => {
    const f = fit.system.surfaces[i + FIT_LENS_OFFSET];
    if (s.type !== 'standard' && s.type !== 'evenAsphere') return { ...s, thickness: f.thickness };
    const radius = f.c === 0 ? null : 1 / f.c;
    if (f.kind === 'evenAsphere' && f.asphere.some((a) => a !== 0)) {
      return { ...s, type: 'evenAsphere', radius, thickness: f.thickness, asphere: Array.from(f.asphere) };
    }
    return { ...s, radius, thickness: f.thickness };
  });
  return { ...original, surfaces };
}
