/**
 * Coordinate breaks (Zemax COORDBRK): the frame change p' = Rᵀ(p − D) (order 0: decenter, then
 * tilts about x, y, z) or p' = Rᵀp − D (order 1: tilts about z, y, x, then decenter), d' = Rᵀd,
 * its rotation matrix and the matrix's derivatives with respect to the three tilts (for the
 * adjoint, adjointCoordinateBreak.ts). Tilts in radians, decenters in mm.
 */
import type { Surface } from '../optics/system.ts';
import type { RayBatch } from './rayBatch.ts';

/** Rotation matrix (row-major, columns = new axes in old coordinates) of a coordinate break. */
export function coordinateBreakRotation(surf: Surface, out = new Float64Array(9)): Float64Array {
  const ca = Math.cos(surf.tiltX), sa = Math.sin(surf.tiltX);
  const cb = Math.cos(surf.tiltY), sb = Math.sin(surf.tiltY);
  const cg = Math.cos(surf.tiltZ), sg = Math.sin(surf.tiltZ);
  // Rx = [1 0 0; 0 ca −sa; 0 sa ca], Ry = [cb 0 sb; 0 1 0; −sb 0 cb], Rz = [cg −sg 0; sg cg 0; 0 0 1],
  // multiplied out (no allocation: this runs for every break of every trace).
  if (surf.order === 0) {
    // R = Rx·Ry·Rz
    out[0] = cb * cg; out[1] = -cb * sg; out[2] = sb;
    out[3] = sa * sb * cg + ca * sg; out[4] = -sa * sb * sg + ca * cg; out[5] = -sa * cb;
    out[6] = -ca * sb * cg + sa * sg; out[7] = ca * sb * sg + sa * cg; out[8] = ca * cb;
  } else {
    // R = Rz·Ry·Rx
    out[0] = cg * cb; out[1] = cg * sb * sa - sg * ca; out[2] = cg * sb * ca + sg * sa;
    out[3] = sg * cb; out[4] = sg * sb * sa + cg * ca; out[5] = sg * sb * ca - cg * sa;
    out[6] = -sb; out[7] = cb * sa; out[8] = cb * ca;
  }
  return out;
}

const cbRot = new Float64Array(9);

/**
 * Moves the batch into the frame after a coordinate break.
 * Order 0: origin decentred by (dx, dy) then axes rotated R = Rx·Ry·Rz: p' = Rᵀ(p − D), d' = Rᵀ d.
 * Order 1: axes rotated R = Rz·Ry·Rx then decentred along the new axes: p' = Rᵀ p − D.
 */
export function applyCoordinateBreak(surf: Surface, b: RayBatch): void {
  const r = coordinateBreakRotation(surf, cbRot);
  const dx = surf.decenterX, dy = surf.decenterY;
  const pre = surf.order === 0;
  for (let i = 0; i < b.size; i++) {
    let x = b.x[i], y = b.y[i];
    const z = b.z[i];
    if (pre) {
      x -= dx;
      y -= dy;
    }
    let nx = r[0] * x + r[3] * y + r[6] * z;
    let ny = r[1] * x + r[4] * y + r[7] * z;
    const nz = r[2] * x + r[5] * y + r[8] * z;
    if (!pre) {
      nx -= dx;
      ny -= dy;
    }
    b.x[i] = nx;
    b.y[i] = ny;
    b.z[i] = nz;
    const l = b.l[i], m = b.m[i], n = b.n[i];
    b.l[i] = r[0] * l + r[3] * m + r[6] * n;
    b.m[i] = r[1] * l + r[4] * m + r[7] * n;
    b.n[i] = r[2] * l + r[5] * m + r[8] * n;
  }
}

/** d(R)/d(angle) for the coordinate-break rotation, by composition of analytic factors. */
export function rotationDerivatives(surf: Surface): Float64Array[] {
  const ca = Math.cos(surf.tiltX), sa = Math.sin(surf.tiltX);
  const cb = Math.cos(surf.tiltY), sb = Math.sin(surf.tiltY);
  const cg = Math.cos(surf.tiltZ), sg = Math.sin(surf.tiltZ);
  const rx = [1, 0, 0, 0, ca, -sa, 0, sa, ca], drx = [0, 0, 0, 0, -sa, -ca, 0, ca, -sa];
  const ry = [cb, 0, sb, 0, 1, 0, -sb, 0, cb], dry = [-sb, 0, cb, 0, 0, 0, -cb, 0, -sb];
  const rz = [cg, -sg, 0, sg, cg, 0, 0, 0, 1], drz = [-sg, -cg, 0, cg, -sg, 0, 0, 0, 0];
  const mul = (a: number[], b: number[]): number[] => {
    const r = new Array<number>(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) r[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
    return r;
  };
  if (surf.order === 0) {
    return [Float64Array.from(mul(mul(drx, ry), rz)), Float64Array.from(mul(mul(rx, dry), rz)), Float64Array.from(mul(mul(rx, ry), drz))];
  }
  // R = Rz·Ry·Rx
  return [Float64Array.from(mul(mul(rz, ry), drx)), Float64Array.from(mul(mul(rz, dry), rx)), Float64Array.from(mul(mul(drz, ry), rx))];
}
