/**
 * Lens pictures for end-to-end reports: y–z sections of the lenses of the arms (surface profiles
 * and a meridional ray fan of the on-axis field, engine/analysis/layout.ts), and a map of an XY
 * plate's departure z(x, y) over its clear aperture (blue below, red above zero, the largest |z| in
 * µm written on it), which shows what the joint design did to the plate.
 */
import { layoutRays, surfaceProfiles } from '../../engine/analysis/layout.ts';
import { createImage, type FloatImage } from '../../engine/imaging/image.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { xySag } from '../../engine/trace/sag.ts';
import { drawLine, drawText } from './e2ePlots.ts';

const INK = [0.15, 0.15, 0.15];
const RAY = [0.1, 0.45, 0.85];

/** One y–z section per lens, stacked, with a label each; isotropic scale. */
export function layoutImage(lenses: readonly { label: string; system: LensSystem }[], width = 900): FloatImage {
  const sections = lenses.map(({ system }) => ({ profiles: surfaceProfiles(system), rays: layoutRays(system, { fieldIndex: 0, wavelengthIndex: system.primaryIndex, nRays: 9, plane: 'yz' }) }));
  let zMin = Infinity;
  let zMax = -Infinity;
  let yMax = 0;
  for (const s of sections) {
    for (const p of s.profiles) {
      for (const z of p.z) if (Number.isFinite(z)) ((zMin = Math.min(zMin, z)), (zMax = Math.max(zMax, z)));
      yMax = Math.max(yMax, p.semiDiameter || 0);
    }
  }
  zMin -= 5;
  const scale = (width - 40) / (zMax - zMin);
  const rowH = Math.ceil(2 * yMax * scale) + 40;
  const img = createImage(width, rowH * sections.length, 3);
  img.data.fill(1);
  sections.forEach((s, i) => {
    const cy = i * rowH + 20 + yMax * scale;
    const X = (z: number) => 20 + (z - zMin) * scale;
    const Y = (y: number) => cy - y * scale;
    drawText(img, lenses[i].label, 24, i * rowH + 4, INK);
    const { points, valid, nRays, pointsPerRay } = s.rays;
    for (let r = 0; r < nRays; r++) {
      for (let k = 1; k < pointsPerRay; k++) {
        const a = r * pointsPerRay + k - 1;
        if (!valid[a] || !valid[a + 1]) continue;
        drawLine(img, X(points[3 * a + 2]), Y(points[3 * a + 1]), X(points[3 * (a + 1) + 2]), Y(points[3 * (a + 1) + 1]), RAY);
      }
    }
    for (const p of s.profiles) {
      for (let k = 1; k < p.r.length; k++) {
        if (!Number.isFinite(p.z[k - 1]) || !Number.isFinite(p.z[k])) continue;
        drawLine(img, X(p.z[k - 1]), Y(p.r[k - 1]), X(p.z[k]), Y(p.r[k]), INK);
        drawLine(img, X(p.z[k - 1]), Y(-p.r[k - 1]), X(p.z[k]), Y(-p.r[k]), INK);
      }
    }
  });
  return img;
}

/** The departure z(x, y) (mm) of XY-polynomial surface `s` over its clear aperture, as a colour map. */
export function plateSagImage(system: LensSystem, s: number, size = 240): FloatImage {
  const surf = system.surfaces[s];
  const R = Number.isFinite(surf.semiDiameter) ? surf.semiDiameter : 1;
  const z = new Float64Array(size * size).fill(NaN);
  let peak = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const x = ((j + 0.5) / size) * 2 * R - R;
      const y = R - ((i + 0.5) / size) * 2 * R;
      if (x * x + y * y > R * R) continue;
      const v = xySag(surf.xyB, surf.xy, x, y);
      z[i * size + j] = v;
      if (Number.isFinite(v)) peak = Math.max(peak, Math.abs(v));
    }
  }
  const img = createImage(size, size + 24, 3);
  img.data.fill(1);
  for (let k = 0; k < size * size; k++) {
    const v = z[k];
    if (!Number.isFinite(v)) continue;
    const t = peak > 0 ? v / peak : 0;
    const p = (k + 24 * size) * 3; // below the caption strip
    img.data[p] = t > 0 ? 1 : 1 + t;
    img.data[p + 1] = 1 - Math.abs(t);
    img.data[p + 2] = t < 0 ? 1 : 1 - t;
  }
  drawText(img, `max ${(peak * 1000).toFixed(2)} um`, 6, 5, INK);
  return img;
}
