/**
 * Lens pictures for end-to-end reports, as SVG rasterised by ./chartPng.ts: y–z sections of the
 * lenses of the arms (surface profiles and a meridional ray fan of the on-axis field,
 * engine/analysis/layout.ts), and a map of an XY plate's departure z(x, y) over its clear aperture
 * (blue below, red above zero, with its largest |z| in µm), which shows what the joint design did
 * to the plate.
 */
import { layoutRays, surfaceProfiles } from '../../engine/analysis/layout.ts';
import { createImage, type FloatImage } from '../../engine/imaging/image.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { xySag } from '../../engine/trace/sag.ts';
import { svgDocument, svgImage, svgText, svgToPng } from './chartPng.ts';

const INK = '#262626';
const RAY = '#1a73d9';

const polyline = (pts: [number, number][], color: string, width: number) =>
  pts.length > 1 ? `<polyline fill="none" stroke="${color}" stroke-width="${width}" points="${pts.map(([x, y]) => `${x.toFixed(2)},${y.toFixed(2)}`).join(' ')}"/>` : '';

/** One y–z section per lens, stacked, with a label each; isotropic scale. PNG bytes. */
export function layoutImage(lenses: readonly { label: string; system: LensSystem }[], width = 900): Uint8Array {
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
  const scale = (width - 40) / (zMax - zMin || 1);
  const rowH = Math.ceil(2 * yMax * scale) + 44;
  const parts: string[] = [];
  sections.forEach((s, i) => {
    const cy = i * rowH + 26 + yMax * scale;
    const X = (z: number) => 20 + (z - zMin) * scale;
    const Y = (y: number) => cy - y * scale;
    parts.push(`<text x="24" y="${i * rowH + 16}" font-size="14" fill="${INK}">${svgText(lenses[i].label)}</text>`);
    const { points, valid, nRays, pointsPerRay } = s.rays;
    for (let r = 0; r < nRays; r++) {
      let run: [number, number][] = [];
      for (let k = 0; k < pointsPerRay; k++) {
        const a = r * pointsPerRay + k;
        if (!valid[a]) {
          parts.push(polyline(run, RAY, 1));
          run = [];
          continue;
        }
        run.push([X(points[3 * a + 2]), Y(points[3 * a + 1])]);
      }
      parts.push(polyline(run, RAY, 1));
    }
    for (const p of s.profiles) {
      for (const sign of [1, -1]) {
        let run: [number, number][] = [];
        for (let k = 0; k < p.r.length; k++) {
          if (!Number.isFinite(p.z[k])) {
            parts.push(polyline(run, INK, 1.5));
            run = [];
            continue;
          }
          run.push([X(p.z[k]), Y(sign * p.r[k])]);
        }
        parts.push(polyline(run, INK, 1.5));
      }
    }
  });
  return svgToPng(svgDocument(width, rowH * sections.length, `<rect width="100%" height="100%" fill="white"/>${parts.join('')}`));
}

/** The departure z(x, y) (mm) of XY-polynomial surface `s` over its clear aperture, as a colour map. PNG bytes. */
export function plateSagImage(system: LensSystem, s: number, size = 240): Uint8Array {
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
  const map: FloatImage = createImage(size, size, 3);
  map.data.fill(1);
  for (let k = 0; k < size * size; k++) {
    const v = z[k];
    if (!Number.isFinite(v)) continue;
    const t = peak > 0 ? v / peak : 0;
    map.data[3 * k] = t > 0 ? 1 : 1 + t;
    map.data[3 * k + 1] = 1 - Math.abs(t);
    map.data[3 * k + 2] = t < 0 ? 1 : 1 - t;
  }
  const caption = `<text x="6" y="17" font-size="13" fill="${INK}">max |z| ${(peak * 1000).toFixed(2)} µm</text>`;
  return svgToPng(svgDocument(size, size + 24, `<rect width="100%" height="100%" fill="white"/>${caption}${svgImage(map, 0, 24, false)}`));
}
