/**
 * Surface apertures and obscurations, resolved for the tracer: a list of shapes per surface, in
 * the surface's local frame (mm). A ray passes a surface when its intersection (x, y) lies inside
 * every aperture shape and outside every obscuration shape (a point on a boundary passes both).
 * The clear semi-diameter (`semiDiameter`) is kept apart (the tracer's fast path); these are the
 * prescription's `obscuration` (a centred disc) and `aperture` (engine/io/prescription.ts
 * SurfaceAperture: OpticStudio's circular, rectangular and elliptical apertures and obscurations
 * with decenter).
 */
import type { SurfaceAperture } from '../io/prescription.ts';

export type ApertureShape = 'circular' | 'rectangular' | 'elliptical';

/** One aperture or obscuration shape. */
export interface ClipShape {
  readonly shape: ApertureShape;
  /** true: blocks rays inside the shape; false: blocks rays outside it. */
  readonly obscuration: boolean;
  /** circular: maxRadius; rectangular / elliptical: half width in x. mm. */
  readonly a: number;
  /** circular: maxRadius; rectangular / elliptical: half width in y. mm. */
  readonly b: number;
  /** circular: minRadius (0 for a disc). mm. */
  readonly minRadius: number;
  readonly decenterX: number;
  readonly decenterY: number;
}

/**
 * The shapes of a surface from its prescription `obscuration` (semi-diameter of a centred
 * circular obscuration, mm) and `aperture`; empty when it has neither.
 */
export function clipShapes(obscuration: number | undefined, aperture: SurfaceAperture | undefined): ClipShape[] {
  const out: ClipShape[] = [];
  if (obscuration !== undefined) {
    out.push({ shape: 'circular', obscuration: true, a: obscuration, b: obscuration, minRadius: 0, decenterX: 0, decenterY: 0 });
  }
  if (aperture) {
    const common = { obscuration: aperture.obscuration === true, decenterX: aperture.decenterX ?? 0, decenterY: aperture.decenterY ?? 0 };
    if (aperture.shape === 'circular') {
      out.push({ shape: 'circular', a: aperture.maxRadius, b: aperture.maxRadius, minRadius: aperture.minRadius ?? 0, ...common });
    } else {
      out.push({ shape: aperture.shape, a: aperture.halfWidthX, b: aperture.halfWidthY, minRadius: 0, ...common });
    }
  }
  return out;
}

/** Whether the point (x, y) (mm, local frame) lies strictly inside the shape (ignoring its role). */
function strictlyInside(c: ClipShape, x: number, y: number): boolean {
  const u = x - c.decenterX, v = y - c.decenterY;
  switch (c.shape) {
    case 'circular': {
      const r2 = u * u + v * v;
      return r2 < c.a * c.a && r2 > c.minRadius * c.minRadius;
    }
    case 'rectangular':
      return Math.abs(u) < c.a && Math.abs(v) < c.b;
    case 'elliptical': {
      const p = u / c.a, q = v / c.b;
      return p * p + q * q < 1;
    }
  }
}

/** Whether the point lies outside the shape (its boundary excluded). */
function strictlyOutside(c: ClipShape, x: number, y: number): boolean {
  const u = x - c.decenterX, v = y - c.decenterY;
  switch (c.shape) {
    case 'circular': {
      const r2 = u * u + v * v;
      return r2 > c.a * c.a || r2 < c.minRadius * c.minRadius;
    }
    case 'rectangular':
      return Math.abs(u) > c.a || Math.abs(v) > c.b;
    case 'elliptical': {
      const p = u / c.a, q = v / c.b;
      return p * p + q * q > 1;
    }
  }
}

/**
 * What the shapes do to a ray meeting the surface at (x, y): 0 it passes, 1 it falls outside an
 * aperture (vignetted), 2 it falls inside an obscuration (obscured).
 */
export function clipVerdict(shapes: readonly ClipShape[], x: number, y: number): 0 | 1 | 2 {
  for (const c of shapes) {
    if (c.obscuration ? strictlyInside(c, x, y) : strictlyOutside(c, x, y)) return c.obscuration ? 2 : 1;
  }
  return 0;
}
