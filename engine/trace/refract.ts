/**
 * Bending rays at a surface, for the real-ray trace (realTrace.ts): the surface normal of each
 * kind, vector refraction and reflection (d' = μ d + (cos t − μ cos i) N, μ = n/n',
 * cos t = sqrt(1 − μ²(1 − cos² i)); d' = d − 2 cos i N), and the ideal thin lens. Total internal
 * reflection flags the ray (RayStatus.TIR). Directions are unit vectors in the surface's frame.
 */
import { idealLensPath } from './idealLensPath.ts';
import type { Surface } from '../optics/system.ts';
import { RayBatch, RayStatus } from './rayBatch.ts';
import { asphereSagDr2, xyPolynomial } from './sag.ts';

/**
 * Unit surface normal at the ray's intersection (oriented towards +z local), written to out.
 * Conic: ∝ (−c x, −c y, 1 − c(1+k) z); asphere: ∝ (−∂z/∂x, −∂z/∂y, 1); XY: ∝ (−g_x, −g_y, 1 − 2bz).
 */
export function surfaceNormal(surf: Surface, x: number, y: number, z: number, out: Float64Array): Float64Array {
  let nx = 0, ny = 0, nz = 1;
  switch (surf.kind) {
    case 'standard':
      nx = -surf.c * x;
      ny = -surf.c * y;
      nz = 1 - surf.c * (1 + surf.k) * z;
      break;
    case 'evenAsphere': {
      const r2 = x * x + y * y;
      const q = 1 - (1 + surf.k) * surf.c * surf.c * r2;
      const d = surf.c / (2 * Math.sqrt(q)) + asphereSagDr2(surf.asphere, r2);
      nx = -2 * d * x;
      ny = -2 * d * y;
      break;
    }
    case 'xyPolynomial':
      xyPolynomial(surf.xy, x, y, out);
      nx = -out[1];
      ny = -out[2];
      nz = 1 - 2 * surf.xyB * z;
      break;
    default:
      break;
  }
  const inv = 1 / Math.sqrt(nx * nx + ny * ny + nz * nz);
  out[0] = nx * inv;
  out[1] = ny * inv;
  out[2] = nz * inv;
  return out;
}

const nrm = new Float64Array(3);

export function refract(surf: Surface, b: RayBatch, s: number, n1: number, n2: number): void {
  const { x, y, z, l, m, n, status } = b;
  const mu = n1 / n2;
  const mirror = surf.mirror;
  for (let i = 0; i < b.size; i++) {
    if (status[i] !== RayStatus.OK) continue;
    surfaceNormal(surf, x[i], y[i], z[i], nrm);
    let Nx = nrm[0], Ny = nrm[1], Nz = nrm[2];
    let cosI = l[i] * Nx + m[i] * Ny + n[i] * Nz;
    if (cosI < 0) {
      Nx = -Nx;
      Ny = -Ny;
      Nz = -Nz;
      cosI = -cosI;
    }
    if (mirror) {
      const k2 = 2 * cosI;
      l[i] -= k2 * Nx;
      m[i] -= k2 * Ny;
      n[i] -= k2 * Nz;
      continue;
    }
    const rad = 1 - mu * mu * (1 - cosI * cosI);
    if (rad < 0) {
      b.lose(i, s, RayStatus.TIR);
      continue;
    }
    const g = Math.sqrt(rad) - mu * cosI;
    l[i] = mu * l[i] + g * Nx;
    m[i] = mu * m[i] + g * Ny;
    n[i] = mu * n[i] + g * Nz;
  }
}

/**
 * Ideal thin lens (Zemax PARAXIAL) at the plane z = 0: direction tangents change as
 * tan' = tan − h/f in x and y (exact imaging of every ray through the front focal point), and the
 * optical path gains the ideal lens's term (idealLensPath.ts) for its object-side conjugate.
 * @param vO object-side vergence 1/z_O, 1/mm (0: collimated input; paraxial/rays.ts); n1, n2 the indices around
 */
export function bendParaxial(surf: Surface, b: RayBatch, vO: number, n1: number, n2: number): void {
  const f = surf.focalLength;
  for (let i = 0; i < b.size; i++) {
    if (b.status[i] !== RayStatus.OK) continue;
    const dl = b.l[i], dm = b.m[i], dn = b.n[i];
    const tx = dl / dn - b.x[i] / f;
    const ty = dm / dn - b.y[i] / f;
    const inv = Math.sign(dn) / Math.sqrt(1 + tx * tx + ty * ty);
    b.l[i] = tx * inv;
    b.m[i] = ty * inv;
    b.n[i] = inv;
    b.opl[i] += idealLensPath(b.x[i], b.y[i], dl, dm, dn, b.l[i], b.m[i], inv, f, vO, n1, n2);
  }
}
