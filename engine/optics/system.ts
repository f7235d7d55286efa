/**
 * The lens system: a prescription resolved into numbers the tracer reads directly.
 *
 * Conventions (see ../shared/oracles/README.md): lengths in mm, wavelengths in µm, angles in
 * degrees in the prescription and radians here. Surface 1's vertex is at z = 0 of the object-space
 * frame and light travels towards +z. Each surface has its own local frame; a surface's thickness
 * moves the frame along its local z to the next vertex; a coordinate break changes the frame.
 * `surfaces` lists the real surfaces followed by the image surface (always last).
 *
 * Indices: `nAfter[s][w]` is the (positive) index of the medium after surface s at wavelength w;
 * for a mirror the medium after is the medium before. `direction[s]` is +1 or −1, the sign of the
 * propagation direction after surface s along the local z (it flips at every mirror); paraxial
 * optics uses the signed index n·direction, the usual convention for folded systems.
 */
import type { Material, MaterialReference } from '../materials/material.ts';
import { AIR } from '../materials/material.ts';
import type { MaterialRef, Prescription, SurfaceSpec } from '../io/prescription.ts';
import { clipShapes, type ClipShape } from './aperture.ts';

/** Anything that turns a prescription material into a Material (engine/materials/glassLibrary.ts). */
export interface GlassResolver {
  resolve(ref: MaterialReference | undefined, catalogOrder?: readonly string[]): Material;
}

export type SurfaceKind = 'standard' | 'evenAsphere' | 'xyPolynomial' | 'coordinateBreak' | 'paraxial';

/** One surface, resolved. Fields that do not apply to a kind are 0 / empty. */
export interface Surface {
  readonly kind: SurfaceKind;
  /** Curvature 1/R, 1/mm (0 for a plane). */
  c: number;
  /** Conic constant k. */
  k: number;
  /** Even-asphere coefficients [A2, A4, ...] of r², r⁴, ... */
  asphere: Float64Array;
  /** XY polynomial: b (1/mm) and a_{j,i} in dO order. */
  xyB: number;
  xy: Float64Array;
  /** Distance to the next vertex along local z, mm. */
  thickness: number;
  /** Coordinate break: decenter (mm), tilts (radians), order 0 or 1. */
  decenterX: number;
  decenterY: number;
  tiltX: number;
  tiltY: number;
  tiltZ: number;
  order: 0 | 1;
  /** Paraxial (ideal thin lens) focal length, mm. */
  focalLength: number;
  readonly mirror: boolean;
  readonly stop: boolean;
  /** Clear semi-aperture, mm; Infinity when rays are not clipped here. */
  semiDiameter: number;
  /** Further aperture and obscuration shapes (aperture.ts); empty for most surfaces. */
  readonly clips: readonly ClipShape[];
  /** The medium after the surface (for a mirror, the medium before). */
  material: Material;
  /** Index of the medium after this surface, per wavelength. */
  nAfter: Float64Array;
  /** +1 or −1: propagation direction along local z after this surface. */
  direction: number;
  /** Prescription surface index (0-based; the image surface has index surfaces.length). */
  readonly specIndex: number;
  readonly comment?: string;
}

export type FieldType = 'angle' | 'objectHeight' | 'paraxialImageHeight';

export interface LensSystem {
  readonly name: string;
  /** The prescription this system was built from (not modified by the tracer). */
  readonly prescription: Prescription;
  /** Real surfaces, then the image surface (last). */
  readonly surfaces: Surface[];
  /** Object distance from the object plane to surface 1's vertex, mm; Infinity for an object at infinity. */
  objectDistance: number;
  readonly objectMaterial: Material;
  /** Object-space index per wavelength. */
  readonly nObject: Float64Array;
  readonly wavelengthsUm: Float64Array;
  readonly wavelengthWeights: Float64Array;
  readonly primaryIndex: number;
  readonly fieldType: FieldType;
  /** Field points (x, y) in degrees (angle) or mm (heights), and weights. */
  readonly fieldX: Float64Array;
  readonly fieldY: Float64Array;
  readonly fieldWeights: Float64Array;
  readonly apertureType: Prescription['aperture']['type'];
  apertureValue: number;
  readonly rayAiming: 'paraxial' | 'real';
  readonly imageSolve: 'none' | 'paraxialFocus';
  /** Index into `surfaces` of the aperture stop. */
  readonly stopIndex: number;
  readonly glassCatalogs: readonly string[];
}

const DEG = Math.PI / 180;

/** Thrown for a prescription that is valid JSON but not a buildable system; names the surface. */
export class SystemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SystemError';
  }
}

function isMirror(ref: MaterialRef | undefined): boolean {
  return typeof ref === 'string' && ref.toUpperCase() === 'MIRROR';
}

function curvatureOf(radius: number | null | undefined): number {
  return radius === null || radius === undefined ? 0 : 1 / radius;
}

/**
 * Assembles a LensSystem from a validated prescription as written: solves (a paraxial-focus image
 * distance) are not applied yet. Most callers want engine/paraxial/buildSystem.ts's
 * `buildSystem`, which applies them; solves need the paraxial trace, a layer above this one.
 * @param glass resolves material references (the glass library, with the user's catalogs)
 * @throws SystemError naming the surface for an unknown glass, a missing stop setting, etc.
 */
export function assembleSystem(p: Prescription, glass: GlassResolver): LensSystem {
  const catalogs = p.glassCatalogs ?? [];
  const wavelengthsUm = Float64Array.from(p.wavelengths.valuesUm);
  const nw = wavelengthsUm.length;
  if (p.wavelengths.primaryIndex >= nw) {
    throw new SystemError(`wavelengths.primaryIndex: ${p.wavelengths.primaryIndex} is out of range (${nw} wavelengths)`);
  }
  const resolve = (ref: MaterialRef | undefined, where: string): Material => {
    try {
      return glass.resolve(ref, catalogs);
    } catch (err) {
      throw new SystemError(`${where}.material: ${(err as Error).message}`);
    }
  };
  const indices = (m: Material, where: string): Float64Array => {
    const n = new Float64Array(nw);
    for (let w = 0; w < nw; w++) {
      n[w] = m.index(wavelengthsUm[w]);
      if (!Number.isFinite(n[w]) || n[w] <= 0) {
        throw new SystemError(`${where}: ${m.name} has no valid index at ${wavelengthsUm[w]} µm (got ${n[w]})`);
      }
    }
    return n;
  };

  const objectMaterial = p.object.material === undefined ? AIR : resolve(p.object.material, 'object');
  const nObject = indices(objectMaterial, 'object.material');
  let current = objectMaterial;
  let currentN = nObject;
  let direction = 1;
  const surfaces: Surface[] = [];
  let stopIndex = -1;

  const make = (spec: SurfaceSpec | null, i: number): Surface => {
    const where = spec ? `surfaces[${i}]` : 'image';
    const matRef = spec && 'material' in spec ? spec.material : undefined;
    const mirror = isMirror(matRef);
    if (mirror) direction = -direction;
    else if (spec && matRef !== undefined) {
      current = resolve(matRef, where);
      currentN = indices(current, `${where}.material`);
    } else if (spec && spec.type !== 'coordinateBreak' && matRef === undefined) {
      current = AIR;
      currentN = indices(AIR, where);
    }
    const base: Surface = {
      kind: spec ? spec.type : 'standard',
      c: 0,
      k: 0,
      asphere: new Float64Array(0),
      xyB: 0,
      xy: new Float64Array(0),
      thickness: spec ? spec.thickness : 0,
      decenterX: 0,
      decenterY: 0,
      tiltX: 0,
      tiltY: 0,
      tiltZ: 0,
      order: 0,
      focalLength: 0,
      mirror,
      stop: spec?.stop === true,
      semiDiameter: (spec ? spec.semiDiameter : p.image?.semiDiameter) ?? Infinity,
      clips: spec ? clipShapes(spec.obscuration, spec.aperture) : clipShapes(p.image?.obscuration, p.image?.aperture),
      material: current,
      nAfter: currentN,
      direction,
      specIndex: i,
      comment: spec?.comment,
    };
    if (!spec) {
      base.c = curvatureOf(p.image?.radius);
      return base;
    }
    switch (spec.type) {
      case 'standard':
        base.c = curvatureOf(spec.radius);
        base.k = spec.conic ?? 0;
        break;
      case 'evenAsphere':
        base.c = curvatureOf(spec.radius);
        base.k = spec.conic ?? 0;
        base.asphere = Float64Array.from(spec.asphere);
        checkAsphereSag(base.asphere, base.semiDiameter, where);
        break;
      case 'xyPolynomial':
        base.xyB = spec.b ?? 0;
        base.xy = Float64Array.from(spec.xy);
        break;
      case 'coordinateBreak':
        base.decenterX = spec.decenterX ?? 0;
        base.decenterY = spec.decenterY ?? 0;
        base.tiltX = (spec.tiltX ?? 0) * DEG;
        base.tiltY = (spec.tiltY ?? 0) * DEG;
        base.tiltZ = (spec.tiltZ ?? 0) * DEG;
        base.order = spec.order ?? 0;
        break;
      case 'paraxial':
        base.focalLength = spec.focalLength;
        break;
    }
    return base;
  };

  p.surfaces.forEach((spec, i) => {
    const s = make(spec, i);
    if (s.stop) {
      if (stopIndex >= 0) throw new SystemError(`surfaces[${i}].stop: surfaces[${stopIndex}] is already the stop`);
      if (s.kind === 'coordinateBreak') throw new SystemError(`surfaces[${i}].stop: a coordinate break cannot be the stop`);
      stopIndex = i;
    }
    surfaces.push(s);
  });
  surfaces.push(make(null, p.surfaces.length));
  if (stopIndex < 0) {
    // No stop flagged: the first non-coordinate-break surface is the stop (as Zemax does with surface 1).
    stopIndex = surfaces.findIndex((s) => s.kind !== 'coordinateBreak');
  }

  const fieldPts = p.fields.points;
  const fieldType = p.fields.type;
  const objectDistance = p.object.distance === 'infinity' ? Infinity : p.object.distance;
  if (fieldType === 'objectHeight' && !Number.isFinite(objectDistance)) {
    throw new SystemError('fields.type: objectHeight fields need an object at a finite distance');
  }
  if (p.aperture.type === 'objectNA' && !Number.isFinite(objectDistance)) {
    throw new SystemError('aperture.type: objectNA needs an object at a finite distance');
  }
  const nPrimary = nObject[p.wavelengths.primaryIndex];
  if (p.aperture.type === 'objectNA' && p.aperture.value !== undefined && !(p.aperture.value < nPrimary)) {
    throw new SystemError(`aperture.value: a numerical aperture of ${p.aperture.value} needs an object-space index above it (n = ${nPrimary})`);
  }
  if (p.aperture.type !== 'floatByStop' && (p.aperture.value === undefined || !(p.aperture.value > 0))) {
    throw new SystemError(`aperture.value: ${p.aperture.type} needs a positive value`);
  }
  if (p.aperture.type === 'floatByStop' && !Number.isFinite(surfaces[stopIndex].semiDiameter)) {
    throw new SystemError(`surfaces[${stopIndex}].semiDiameter: floatByStop aperture needs the stop's semi-diameter`);
  }
  const system: LensSystem = {
    name: p.name,
    prescription: p,
    surfaces,
    objectDistance,
    objectMaterial,
    nObject,
    wavelengthsUm,
    wavelengthWeights: Float64Array.from(p.wavelengths.weights ?? p.wavelengths.valuesUm.map(() => 1)),
    primaryIndex: p.wavelengths.primaryIndex,
    fieldType,
    fieldX: Float64Array.from(fieldPts.map((f) => f.x)),
    fieldY: Float64Array.from(fieldPts.map((f) => f.y)),
    fieldWeights: Float64Array.from(fieldPts.map((f) => f.weight ?? 1)),
    apertureType: p.aperture.type,
    apertureValue: p.aperture.value ?? surfaces[stopIndex].semiDiameter,
    rayAiming: p.rayAiming ?? 'paraxial',
    imageSolve: p.imageSolve ?? 'none',
    stopIndex,
    glassCatalogs: catalogs,
  };
  return system;
}

/**
 * Checks that an even asphere's polynomial Σ A_{2i} r^{2i} is finite at the clear semi-diameter
 * (coefficients like 1e300 overflow there and would turn every ray's sag into ±Infinity / NaN).
 * @throws SystemError naming the surface
 */
function checkAsphereSag(asphere: Float64Array, semiDiameter: number, where: string): void {
  if (!Number.isFinite(semiDiameter)) return;
  const r2 = semiDiameter * semiDiameter;
  let power = r2;
  let sum = 0;
  for (let i = 0; i < asphere.length; i++) {
    if (asphere[i] !== 0) sum += asphere[i] * power;
    power *= r2;
  }
  if (!Number.isFinite(sum)) {
    throw new SystemError(`${where}.asphere: the sag is not finite at the clear semi-diameter ${semiDiameter} mm (the coefficients overflow there)`);
  }
}

/** Index of the medium before surface s at wavelength w (positive). */
export function indexBefore(system: LensSystem, s: number, w: number): number {
  return s === 0 ? system.nObject[w] : system.surfaces[s - 1].nAfter[w];
}

/** Propagation direction (+1/−1 along local z) before surface s. */
export function directionBefore(system: LensSystem, s: number): number {
  return s === 0 ? 1 : system.surfaces[s - 1].direction;
}

/** The largest radial field value (degrees or mm, as the field type), used to normalise fields. */
export function maxField(system: LensSystem): number {
  let m = 0;
  for (let i = 0; i < system.fieldX.length; i++) m = Math.max(m, Math.hypot(system.fieldX[i], system.fieldY[i]));
  return m;
}
