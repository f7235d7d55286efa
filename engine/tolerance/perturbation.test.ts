/**
 * The perturbation geometry, checked independently of how the template is built:
 * - a perturbed Cooke triplet traces exactly like the same perturbations written by hand as
 *   coordinate breaks (OpticStudio's TSDX/TSTX and TEDX/TETX convention);
 * - surface and element tilts/decenters are rigid motions of the right surfaces about the right
 *   vertex (global surface frames), and nothing else moves;
 * - fringes of power change the sag at the clear aperture by F·λ/2; irregularity adds the stated
 *   Zernike departures along the normal; index and Abbe offsets give the stated nd and Vd.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import type { Prescription, SurfaceSpec } from '../io/prescription.ts';
import type { ToleranceOperand, ToleranceSpec } from '../io/toleranceSpec.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { abbeNumber, LAMBDA_D_UM } from '../materials/material.ts';
import type { LensSystem } from '../optics/system.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { surfaceFrames } from '../analysis/layout.ts';
import { objectField } from '../paraxial/pupil.ts';
import { hexapolar } from '../trace/pupilSampling.ts';
import { RayBatch, RayStatus } from '../trace/rayBatch.ts';
import { launchContext, launchRays } from '../trace/rayAiming.ts';
import { traceBatch } from '../trace/realTrace.ts';
import { conicSag, xySag } from '../trace/sag.ts';
import { buildPerturbationModel, ToleranceError } from './perturbation.ts';

const root = path.resolve(import.meta.dirname, '../..');
const lens = (name: string): Prescription => parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library', `${name}.json`), 'utf8'));
const glass = GlassLibrary.builtin();
const spec = (operands: ToleranceOperand[]): ToleranceSpec => ({ operands, compensators: [] });
const op = (type: ToleranceOperand['type'], surface: number, extra: Partial<ToleranceOperand> = {}): ToleranceOperand => ({ type, surface, min: -1, max: 1, ...extra });

/** Image intercepts of a hexapolar bundle, every field and wavelength. */
function intercepts(system: LensSystem): number[] {
  const ctx = launchContext(system);
  const pupil = hexapolar(4);
  const out: number[] = [];
  for (let f = 0; f < system.fieldY.length; f++) {
    for (let w = 0; w < system.wavelengthsUm.length; w++) {
      const b = launchRays(system, objectField(system, system.fieldX[f], system.fieldY[f], ctx.pupil), pupil.px, pupil.py, new RayBatch(pupil.px.length), ctx);
      traceBatch(system, b, w);
      for (let i = 0; i < b.size; i++) {
        expect(b.status[i]).toBe(RayStatus.OK);
        out.push(b.x[i], b.y[i]);
      }
    }
  }
  return out;
}

const DEG = Math.PI / 180;
const rotX = (a: number) => [1, 0, 0, 0, Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a)];
const rotY = (a: number) => [Math.cos(a), 0, Math.sin(a), 0, 1, 0, -Math.sin(a), 0, Math.cos(a)];
const mul = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  const r = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) r[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j];
  return r;
};
const apply = (m: ArrayLike<number>, v: ArrayLike<number>) => [0, 1, 2].map((i) => m[i * 3] * v[0] + m[i * 3 + 1] * v[1] + m[i * 3 + 2] * v[2]);

describe('perturbation geometry', () => {
  it('a perturbed Cooke triplet traces exactly like the hand-built prescription with coordinate breaks', () => {
    const p = lens('cooke-triplet');
    const model = buildPerturbationModel(
      p,
      spec([op('TSDY', 2), op('TSTX', 2), op('TEDX', 4, { lastSurface: 5 }), op('TETY', 4, { lastSurface: 5 }), op('TSTX', 6)]),
      glass,
    );
    const delta = [0.05, 0.3, 0.03, 0.2, 0.1];
    model.apply(delta, []);
    const s = p.surfaces;
    const cb = (extra: Partial<SurfaceSpec & { type: 'coordinateBreak' }>, thickness: number): SurfaceSpec => ({ type: 'coordinateBreak', thickness, ...extra });
    const hand: Prescription = {
      ...p,
      surfaces: [
        s[0],
        s[1],
        cb({ decenterY: 0.05, tiltX: 0.3 }, 0),
        { ...s[2], thickness: 0 },
        cb({ order: 1, decenterY: -0.05, tiltX: -0.3 }, s[2].thickness),
        s[3],
        cb({ decenterX: 0.03, tiltY: 0.2 }, 0),
        s[4],
        { ...s[5], thickness: -s[4].thickness },
        cb({ order: 1, decenterX: -0.03, tiltY: -0.2 }, s[4].thickness + s[5].thickness),
        cb({ tiltX: 0.1 }, 0),
      ],
    };
    const a = intercepts(model.system);
    const b = intercepts(buildSystem(hand, glass));
    expect(a.length).toBe(b.length);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-12);
    // And the perturbation really moved the image (not a vacuous comparison).
    const nominal = intercepts(buildSystem(p, glass));
    expect(Math.max(...a.map((v, i) => Math.abs(v - nominal[i])))).toBeGreaterThan(1e-3);
  });

  it('a surface tilt/decenter rotates and shifts that surface about its vertex and moves nothing else', () => {
    const p = lens('double-gauss');
    const model = buildPerturbationModel(p, spec([op('TSDX', 2), op('TSDY', 2), op('TSTX', 2), op('TSTY', 2)]), glass);
    const nominal = surfaceFrames(buildSystem(p, glass));
    const [dx, dy, tx, ty] = [0.07, -0.04, 0.5, -0.8];
    model.apply([dx, dy, tx, ty], []);
    const frames = surfaceFrames(model.system);
    const real = model.system.surfaces.map((s, i) => (s.kind === 'coordinateBreak' ? -1 : i)).filter((i) => i >= 0);
    expect(real.length).toBe(nominal.length);
    real.forEach((ti, s) => {
      const f = frames[ti], g = nominal[s];
      if (s === 2) {
        const R = mul(rotX(tx * DEG), rotY(ty * DEG));
        const origin = [g.origin[0] + dx, g.origin[1] + dy, g.origin[2]];
        for (let k = 0; k < 3; k++) expect(f.origin[k]).toBeCloseTo(origin[k], 12);
        for (let k = 0; k < 9; k++) expect(f.axes[k]).toBeCloseTo(R[k], 12);
      } else {
        for (let k = 0; k < 3; k++) expect(f.origin[k]).toBeCloseTo(g.origin[k], 12);
        for (let k = 0; k < 9; k++) expect(f.axes[k]).toBeCloseTo(g.axes[k], 12);
      }
    });
  });

  it('an element tilt/decenter moves the element rigidly about its first vertex, and a thickness inside it changes its length', () => {
    const p = lens('double-gauss');
    const model = buildPerturbationModel(p, spec([op('TEDX', 2, { lastSurface: 4 }), op('TEDY', 2, { lastSurface: 4 }), op('TETX', 2, { lastSurface: 4 }), op('TETY', 2, { lastSurface: 4 }), op('TTHI', 2)]), glass);
    const [dx, dy, tx, ty, dt] = [0.03, 0.05, -0.4, 0.6, 0.2];
    const moved = structuredClone(p);
    moved.surfaces[2].thickness += dt;
    const nominal = surfaceFrames(buildSystem(moved, glass));
    model.apply([dx, dy, tx, ty, dt], []);
    const frames = surfaceFrames(model.system);
    const real = model.system.surfaces.map((s, i) => (s.kind === 'coordinateBreak' ? -1 : i)).filter((i) => i >= 0);
    const R = mul(rotX(tx * DEG), rotY(ty * DEG));
    const pivot = nominal[2].origin;
    real.forEach((ti, s) => {
      const f = frames[ti], g = nominal[s];
      let origin = Array.from(g.origin), axes = Array.from(g.axes);
      if (s >= 2 && s <= 4) {
        const rel = apply(R, [g.origin[0] - pivot[0], g.origin[1] - pivot[1], g.origin[2] - pivot[2]]);
        origin = [pivot[0] + dx + rel[0], pivot[1] + dy + rel[1], pivot[2] + rel[2]];
        axes = mul(R, g.axes);
      }
      for (let k = 0; k < 3; k++) expect(f.origin[k]).toBeCloseTo(origin[k], 11);
      for (let k = 0; k < 9; k++) expect(f.axes[k]).toBeCloseTo(axes[k], 12);
    });
  });

  it('one fringe of power changes the sag at the clear semi-aperture by λ/2 exactly', () => {
    const p = lens('double-gauss');
    const model = buildPerturbationModel(p, { testWavelengthUm: 0.6328, operands: [op('TFRN', 0), op('TFRN', 3), op('TFRN', 6, { semiAperture: 9 })], compensators: [] }, glass);
    for (const F of [1, -2.5]) {
      model.apply([F, F, F], []);
      for (const [j, s] of [0, 3, 6].entries()) {
        const r = j === 2 ? 9 : model.semiApertures[s];
        const ti = model.params[model.operands[j].refs[0]].surface;
        const c0 = p.surfaces[s].type === 'standard' && p.surfaces[s].radius !== null ? 1 / p.surfaces[s].radius! : 0;
        const dz = conicSag(model.system.surfaces[ti].c, 0, r * r) - conicSag(c0, 0, r * r);
        expect(Math.abs(dz - (F * 0.6328e-3) / 2)).toBeLessThan(1e-13); // sags of ~5 mm: round-off ~1e-15
      }
    }
  });

  it('irregularity is half Zernike astigmatism, half Zernike spherical along the normal, on an exact XY form of the sphere', () => {
    const p = lens('double-gauss');
    const model = buildPerturbationModel(p, { testWavelengthUm: 0.6328, operands: [op('TIRR', 2)], compensators: [] }, glass);
    const s = model.system.surfaces.find((q) => q.kind === 'xyPolynomial')!;
    const R = 37.68262, r0 = model.semiApertures[2];
    const sphere = (x: number, y: number) => conicSag(1 / R, 0, x * x + y * y);
    for (const [x, y] of [[3, 4], [-10, 2], [0, r0 * 0.9]]) expect(xySag(s.xyB, s.xy, x, y)).toBeCloseTo(sphere(x, y), 13);
    const F = 2;
    model.apply([F], []);
    const lam = 0.6328e-3;
    for (const [rho, th] of [[0.3, 0.2], [0.7, 1.1], [1, 2.5], [0.95, -0.7]]) {
      const x = rho * r0 * Math.cos(th), y = rho * r0 * Math.sin(th);
      // Departure along the sphere's normal: the sag difference times cos(slope angle) to first order.
      const cosSlope = Math.sqrt(1 - (x * x + y * y) / (R * R));
      const along = (xySag(s.xyB, s.xy, x, y) - sphere(x, y)) * cosSlope;
      const expected = ((F * lam) / 8) * rho * rho * Math.cos(2 * th) + ((F * lam) / 6) * (6 * rho ** 4 - 6 * rho * rho);
      expect(Math.abs(along - expected)).toBeLessThan(2e-3 * (F * lam) / 2);
    }
  });

  it('index and Abbe tolerances offset that element’s glass alone, to the stated nd and Vd', () => {
    const p = lens('double-gauss');
    // Surfaces 6 and 8 hold the same catalog glass (N-SK16 after surface 7 and 9): only one varies.
    const model = buildPerturbationModel(p, spec([op('TIND', 7), op('TABB', 7)]), glass);
    const nominal = buildSystem(p, glass);
    model.apply([0.002, -1.5], []);
    const ti = model.params[model.operands[0].refs[0]].surface;
    const g = model.system.surfaces[ti].material;
    const g0 = nominal.surfaces[7].material;
    expect(g.index(LAMBDA_D_UM)).toBeCloseTo(g0.index(LAMBDA_D_UM) + 0.002, 14);
    expect(abbeNumber(g)).toBeCloseTo(abbeNumber(g0) * (1 - 0.015), 10);
    const other = model.system.surfaces.find((q, i) => i !== ti && q.kind !== 'coordinateBreak' && q.material.name === g0.name)!;
    expect(other.material.index(LAMBDA_D_UM)).toBe(g0.index(LAMBDA_D_UM));
  });

  it('rejects operands that do not fit the lens, naming them', () => {
    const p = lens('double-gauss');
    expect(() => buildPerturbationModel(p, spec([op('TIND', 1)]), glass)).toThrow(ToleranceError);
    expect(() => buildPerturbationModel(p, spec([op('TIND', 1)]), glass)).toThrow(/operands\[0\] \(TIND\).*not a glass/);
    expect(() => buildPerturbationModel(p, spec([op('TRAD', 3)]), glass)).toThrow(/plane.*TFRN/);
    expect(() => buildPerturbationModel(p, spec([op('TSDX', 40)]), glass)).toThrow(/surface 40 does not exist/);
    expect(() => buildPerturbationModel(p, spec([op('TEDX', 0, { lastSurface: 2 }), op('TEDY', 2, { lastSurface: 4 })]), glass)).toThrow(/overlap/);
    const asph = lens('edmund-47-728-asphere');
    const si = asph.surfaces.findIndex((s) => s.type === 'evenAsphere');
    expect(() => buildPerturbationModel(asph, spec([op('TIRR', si)]), glass)).toThrow(/irregularity needs a standard/);
  });
});
