/**
 * Spot diagrams: image-plane intercepts of a pupil sampling for one field and wavelength.
 *
 * Reference (default, as OpticStudio): the real chief ray (Px = Py = 0) of the primary wavelength,
 * for every wavelength; or the centroid of the traced rays. RMS radius = sqrt(mean(Δx² + Δy²)) over
 * valid rays (centre ray included); geometric radius = max sqrt(Δx² + Δy²). Lengths in mm, in the
 * image surface's local frame.
 */
import type { LensSystem } from '../optics/system.ts';
import { RayBatch, RayStatus } from '../trace/rayBatch.ts';
import { gridPupil, hexapolar, randomPupil, type PupilSamples } from '../trace/pupilSampling.ts';
import { launchContext, traceFieldPoint, type LaunchContext } from '../trace/rayAiming.ts';

export type SpotReference = 'chief' | 'centroid';
export type PupilPattern = 'hexapolar' | 'grid' | 'random';

export interface SpotOptions {
  pattern?: PupilPattern;
  /** Hexapolar rings (default 6), grid size, or random count. */
  density?: number;
  reference?: SpotReference;
  ctx?: LaunchContext;
}

export interface SpotDiagram {
  fieldIndex: number;
  wavelengthIndex: number;
  /** Intercepts relative to the reference point, mm. */
  x: Float64Array;
  y: Float64Array;
  /** 1 for a valid ray, 0 for a lost one. */
  valid: Uint8Array;
  /** Reference point (absolute image-plane coordinates), mm. */
  reference: [number, number];
  /** Centroid of the valid rays (absolute), mm; null when no ray is valid. */
  centroid: [number, number] | null;
  rmsRadius: number | null;
  geoRadius: number | null;
  validCount: number;
}

/** Pupil samples for a pattern and density. */
export function pupilPattern(pattern: PupilPattern = 'hexapolar', density = 6): PupilSamples {
  switch (pattern) {
    case 'hexapolar':
      return hexapolar(density);
    case 'grid':
      return gridPupil(density);
    case 'random':
      return randomPupil(density);
  }
}

/** Image-plane (x, y) of the real chief ray of field i at wavelength w (its bundle's centre ray, Px = Py = 0 through the field's vignetting factors), or null if it is lost. */
export function chiefRayIntercept(system: LensSystem, fieldIndex: number, w: number, ctx?: LaunchContext): [number, number] | null {
  const b = traceFieldPoint(system, fieldIndex, w, [0], [0], ctx);
  return b.status[0] === RayStatus.OK ? [b.x[0], b.y[0]] : null;
}

/** Computes the spot diagram of field `fieldIndex` at wavelength index `w`. */
export function spotDiagram(system: LensSystem, fieldIndex: number, w: number, opts: SpotOptions = {}): SpotDiagram {
  const ctx = opts.ctx ?? launchContext(system);
  const samples = pupilPattern(opts.pattern, opts.density);
  const b = traceFieldPoint(system, fieldIndex, w, samples.px, samples.py, ctx, new RayBatch(samples.px.length));
  return spotFromBatch(system, b, fieldIndex, w, opts.reference ?? 'chief', ctx);
}

/** Reduces a traced batch to spot statistics. */
export function spotFromBatch(system: LensSystem, b: RayBatch, fieldIndex: number, w: number, reference: SpotReference, ctx?: LaunchContext): SpotDiagram {
  const n = b.size;
  const valid = new Uint8Array(n);
  let cx = 0, cy = 0, count = 0;
  for (let i = 0; i < n; i++) {
    if (b.status[i] === RayStatus.OK) {
      valid[i] = 1;
      cx += b.x[i];
      cy += b.y[i];
      count++;
    }
  }
  const centroid: [number, number] | null = count > 0 ? [cx / count, cy / count] : null;
  let ref: [number, number] | null = reference === 'centroid' ? centroid : chiefRayIntercept(system, fieldIndex, system.primaryIndex, ctx);
  if (!ref) ref = centroid ?? [0, 0];
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let sum = 0, geo = 0;
  for (let i = 0; i < n; i++) {
    if (!valid[i]) continue;
    const dx = b.x[i] - ref[0], dy = b.y[i] - ref[1];
    x[i] = dx;
    y[i] = dy;
    const r2 = dx * dx + dy * dy;
    sum += r2;
    if (r2 > geo) geo = r2;
  }
  return {
    fieldIndex,
    wavelengthIndex: w,
    x,
    y,
    valid,
    reference: ref,
    centroid,
    rmsRadius: count > 0 ? Math.sqrt(sum / count) : null,
    geoRadius: count > 0 ? Math.sqrt(geo) : null,
    validCount: count,
  };
}
