/**
 * Solves and pickups (engine/io/solves.ts, solves.ts): each one's condition holds after building,
 * from independent checks (the paraxial rays traced again, sags evaluated again); their total
 * derivatives (solveChain) and the real-ray adjoint through them match central finite differences;
 * write-back keeps them; bad solves are refused by name.
 */
import { describe, expect, it } from 'vitest';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { getParam, readParams, setParam, type ParamRef } from '../optics/params.ts';
import { sagAt } from '../optics/sag.ts';
import { SystemError, type LensSystem } from '../optics/system.ts';
import { writeBack, writeSolvedValues } from '../optics/writeBack.ts';
import type { Prescription } from '../io/prescription.ts';
import { parsePrescriptionJson, stringifyPrescription } from '../io/json.ts';
import { traceAdjoint } from '../trace/adjoint.ts';
import { hexapolar } from '../trace/pupilSampling.ts';
import { aimAtStop, launchContext, launchRays } from '../trace/rayAiming.ts';
import { RayBatch, RayStatus } from '../trace/rayBatch.ts';
import { TraceRecord, traceBatch } from '../trace/realTrace.ts';
import { variablesFromFlags, variablesFromGroups } from '../optimize/variables.ts';
import { buildSystem } from './buildSystem.ts';
import { objectField } from './pupil.ts';
import { applySolves, solveChain, solveOf } from './solves.ts';
import { cookeTriplet, cookeWithSolves, finiteCookeWithSolves, paraxialRays } from '../../test/helpers/solvedLenses.ts';

const glass = GlassLibrary.builtin();
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('solves and pickups hold after building', () => {
  it('angle, F-number, height, edge-thickness solves and every pickup (object at infinity)', () => {
    const p = cookeWithSolves();
    const system = buildSystem(p, glass);
    const { marginal, chief, slopeAfter } = paraxialRays(system);
    const solves = p.surfaces.map((s) => s.solves);
    const angle = (s: { type: string; angle?: number } | undefined) => (s && 'angle' in s ? s.angle! : NaN);
    expect(rel(slopeAfter(chief.nuAfter, 0), angle(solves[0]?.radius))).toBeLessThan(1e-12);
    expect(rel(slopeAfter(marginal.nuAfter, 1), angle(solves[1]?.radius))).toBeLessThan(1e-12);
    // F/5.1 on the last surface: the marginal ray leaves at −1/(2·5.1), so EFL = 5.1 × EPD.
    expect(rel(slopeAfter(marginal.nuAfter, 5), -1 / (2 * 5.1))).toBeLessThan(1e-12);
    const [s0, s1, s3, s4] = [system.surfaces[0], system.surfaces[1], system.surfaces[3], system.surfaces[4]];
    expect(s1.thickness).toBe(1.8 * s0.thickness + 0.14);
    const edge = solves[3]?.thickness as { thickness: number };
    expect(rel(s3.thickness + sagAt(s4, 5) - sagAt(s3, 5), edge.thickness)).toBeLessThan(1e-12);
    expect(s3.k).toBe(-1 * system.surfaces[2].k + 0.1);
    const chiefHeight = (solves[4]?.thickness as { height: number }).height;
    expect(Math.abs(chief.y[5] - chiefHeight)).toBeLessThan(1e-12);
    expect(Math.abs(marginal.y[6])).toBeLessThan(1e-12);
    // The glass pickup shares the source's model glass.
    expect(s4.material).toBe(s0.material);
    expect(s4.nAfter[1]).toBe(s0.nAfter[1]);
  });

  it('solves that feed each other through the pupil settle at their fixed point (object at 600 mm)', () => {
    const p = finiteCookeWithSolves();
    const system = buildSystem(p, glass);
    const { marginal } = paraxialRays(system);
    expect(rel(marginal.y[2], (p.surfaces[1].solves!.thickness as { height: number }).height)).toBeLessThan(1e-12);
    expect(Math.abs(marginal.y[6] - 0.2)).toBeLessThan(1e-12);
    expect(system.surfaces[0].c).toBe(-0.85 * system.surfaces[5].c);
    // Applying again moves nothing beyond round-off (a fixed point found by Newton's method).
    const before = readParams(system, system.solves.map((s) => s.target));
    applySolves(system);
    readParams(system, system.solves.map((s) => s.target)).forEach((v, i) => expect(rel(v, before[i])).toBeLessThan(1e-15));
  });

  it('imageSolve "paraxialFocus" is the marginal-ray-height solve with height 0 on the last thickness', () => {
    const a = cookeTriplet();
    a.imageSolve = 'paraxialFocus';
    const b = cookeTriplet();
    b.surfaces[5].solves = { thickness: { type: 'marginalRayHeight' } };
    expect(buildSystem(a, glass).surfaces[5].thickness).toBe(buildSystem(b, glass).surfaces[5].thickness);
    expect(solveOf(buildSystem(a, glass), { kind: 'thickness', surface: 5 })?.where).toBe('imageSolve');
  });
});

/** Free parameters of the two solved lenses. */
const FREE: Record<string, ParamRef[]> = {
  infinity: [
    { kind: 'curvature', surface: 2 },
    { kind: 'curvature', surface: 3 },
    { kind: 'curvature', surface: 4 },
    { kind: 'thickness', surface: 0 },
    { kind: 'thickness', surface: 2 },
    { kind: 'conic', surface: 2 },
    { kind: 'nd', surface: 0 },
    { kind: 'vd', surface: 0 },
  ],
  finite: [
    { kind: 'curvature', surface: 2 },
    { kind: 'curvature', surface: 5 },
    { kind: 'thickness', surface: 0 },
    { kind: 'thickness', surface: 3 },
    { kind: 'objectDistance', surface: 0 },
  ],
};
const LENSES: Record<string, () => Prescription> = { infinity: cookeWithSolves, finite: finiteCookeWithSolves };

/** A central-difference step per parameter kind (Richardson-extrapolated below). */
const stepOf = (p: ParamRef) => ({ curvature: 1e-5, conic: 1e-3, nd: 1e-5, vd: 1e-3, objectDistance: 1 })[p.kind as string] ?? 1e-4;

/** d f / d p by central differences with one Richardson extrapolation, solves re-applied. */
function fd(system: LensSystem, p: ParamRef, f: () => number): number {
  const v0 = getParam(system, p), h = stepOf(p);
  const at = (v: number) => {
    setParam(system, p, v);
    applySolves(system);
    const r = f();
    setParam(system, p, v0);
    applySolves(system);
    return r;
  };
  const d1 = (at(v0 + h) - at(v0 - h)) / (2 * h), d2 = (at(v0 + h / 2) - at(v0 - h / 2)) / h;
  return (4 * d2 - d1) / 3;
}

describe('derivatives through the solves', () => {
  for (const [name, lens] of Object.entries(LENSES)) {
    it(`solveChain: total derivatives of every solved parameter match finite differences (${name})`, () => {
      const system = buildSystem(lens(), glass);
      const params = FREE[name];
      const chain = solveChain(system, params);
      expect(chain.refs.length).toBe(system.solves.length);
      chain.refs.forEach((q, u) => {
        params.forEach((p, j) => {
          const d = chain.D[u * params.length + j];
          const f = fd(system, p, () => getParam(system, q));
          const scale = Math.max(Math.abs(f), Math.abs(d), 1e-9 * Math.abs(getParam(system, q)) / stepOf(p));
          expect(Math.abs(d - f) / scale, `d(${q.kind}@${q.surface})/d(${p.kind}@${p.surface}): ${d} vs ${f}`).toBeLessThan(1e-6);
        });
      });
    });

    it(`real-ray adjoint with the solved parameters chained matches finite differences (${name})`, () => {
      const system = buildSystem(lens(), glass);
      const params = FREE[name];
      const { px, py } = hexapolar(3);
      const n = px.length;
      const wx = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
      const wy = Float64Array.from({ length: n }, (_, i) => Math.cos(2 * i + 1));
      const fy = system.fieldY[2];
      const trace = (rec?: TraceRecord) => {
        const ctx = launchContext(system);
        const b = launchRays(system, objectField(system, 0, fy, ctx.pupil), px, py, new RayBatch(n), ctx);
        return traceBatch(system, b, 0, { record: rec });
      };
      const loss = () => {
        const b = trace();
        let L = 0;
        for (let i = 0; i < n; i++) {
          expect(b.status[i]).toBe(RayStatus.OK);
          L += wx[i] * b.x[i] + wy[i] * b.y[i];
        }
        return L;
      };
      const rec = new TraceRecord(system.surfaces.length, n);
      trace(rec);
      const grad = traceAdjoint(system, rec, { fx: 0, fy, px, py }, 0, { x: wx, y: wy }, params, new Float64Array(params.length));
      params.forEach((p, j) => {
        const f = fd(system, p, loss);
        expect(Math.abs(grad[j] - f) / Math.max(Math.abs(f), Math.abs(grad[j]), 1e-6), `${p.kind}@${p.surface}: ${grad[j]} vs ${f}`).toBeLessThan(1e-6);
      });
    });
  }
});

describe('solves in files and editors', () => {
  it('write-back keeps the solves and writes their current values; JSON round trips keep them', () => {
    const p = cookeWithSolves();
    const system = buildSystem(p, glass);
    const solved = writeSolvedValues(system, p);
    expect(solved.surfaces[5].thickness).toBe(system.surfaces[5].thickness);
    expect(solved.surfaces[4].thickness).toBe(system.surfaces[4].thickness);
    expect((solved.surfaces[3] as { conic?: number }).conic).toBe(system.surfaces[3].k);
    expect((solved.surfaces[4] as { material?: unknown }).material).toEqual((p.surfaces[0] as { material?: unknown }).material);
    // Unsolved numbers keep their written form exactly.
    expect(solved.surfaces[3].thickness).not.toBe(p.surfaces[3].thickness);
    expect((solved.surfaces[2] as { radius: number }).radius).toBe((p.surfaces[2] as { radius: number }).radius);
    const back = writeBack(system);
    expect(back.surfaces.map((s) => s.solves)).toEqual(p.surfaces.map((s) => s.solves));
    const again = parsePrescriptionJson(stringifyPrescription(solved));
    expect(again.surfaces.map((s) => s.solves)).toEqual(p.surfaces.map((s) => s.solves));
    // Rebuilt from the written values, the solves settle where they were (to round-off).
    const rebuilt = buildSystem(again, glass);
    rebuilt.surfaces.forEach((s, i) => expect(rel(s.thickness, system.surfaces[i].thickness)).toBeLessThan(1e-14));
  });

  it('a solved parameter cannot also vary: the groups skip it, a flag names it', () => {
    const p = cookeWithSolves();
    const system = buildSystem(p, glass);
    const groups = variablesFromGroups(system, ['curvatures', 'thicknesses', 'conics']);
    for (const v of groups) expect(solveOf(system, v)).toBeUndefined();
    expect(groups.some((v) => v.kind === 'curvature' && v.surface === 2)).toBe(true);
    p.surfaces[5].variables = { thickness: true };
    expect(() => variablesFromFlags(buildSystem(p, glass))).toThrow(/surfaces\[5\]\.variables\.thickness: surface 6's thickness is set by a solve \(surfaces\[5\]\.solves\.thickness, marginalRayHeight\)/);
  });

  it('bad solves are refused with the surface and the field named', () => {
    const bad = (edit: (p: Prescription) => void): string => {
      const p = cookeTriplet();
      edit(p);
      try {
        buildSystem(p, glass);
      } catch (e) {
        expect(e).toBeInstanceOf(SystemError);
        return (e as Error).message;
      }
      throw new Error('expected a SystemError');
    };
    expect(bad((p) => (p.surfaces[2].solves = { radius: { type: 'pickup', surface: 9 } }))).toBe('surfaces[2].solves.radius.surface: surface 9 does not exist (there are 6; indices start at 0)');
    expect(bad((p) => (p.surfaces[2].solves = { thickness: { type: 'pickup', surface: 2 } }))).toBe('surfaces[2].solves.thickness.surface: a surface cannot pick up its own thickness');
    expect(
      bad((p) => {
        p.surfaces[1].solves = { thickness: { type: 'pickup', surface: 2 } };
        p.surfaces[2].solves = { thickness: { type: 'pickup', surface: 1 } };
      }),
    ).toMatch(/^surfaces\[1\]\.solves\.thickness: pickups form a loop/);
    expect(bad((p) => (p.surfaces[1].solves = { thickness: { type: 'marginalRayHeight', pupilZone: 0.7 } }))).toMatch(/pupilZone: a real-ray \(pupil-zone\) height solve is supported on the last thickness only/);
    expect(bad((p) => (p.surfaces[3].solves = { thickness: { type: 'edgeThickness', thickness: 1 } }))).toMatch(/^surfaces\[3\]\.solves\.thickness: give heightMm/);
    expect(
      bad((p) => {
        p.fields = { type: 'angle', points: [{ x: 0, y: 0 }] };
        p.surfaces[0].solves = { radius: { type: 'chiefRayAngle', angle: 0.1 } };
      }),
    ).toMatch(/^surfaces\[0\]\.solves\.radius: a chief-ray solve needs an off-axis field/);
  });
});

describe('the real-ray (pupil-zone) marginal-ray-height solve', () => {
  const zoneLens = (aiming: 'paraxial' | 'real', imageRadius?: number) => {
    const p = cookeTriplet();
    p.rayAiming = aiming;
    if (imageRadius) p.image = { radius: imageRadius };
    p.surfaces[5].solves = { thickness: { type: 'marginalRayHeight', height: 0, pupilZone: 0.7 } };
    return p;
  };

  for (const [aiming, radius] of [['paraxial', undefined], ['real', undefined], ['paraxial', -80]] as const) {
    it(`puts the real 0.7-zone ray on axis at the image (${aiming} aiming${radius ? ', curved image' : ''}), with exact derivatives`, () => {
      const system = buildSystem(zoneLens(aiming, radius), glass);
      const ctx = launchContext(system);
      const zone = aiming === 'real' ? undefined : Float64Array.of(0.7);
      // Independent check: the tracer's own launch (with real aiming when set) of the 0.7 zone.
      const b = new RayBatch(1);
      if (zone) launchRays(system, objectField(system, 0, 0, ctx.pupil), [0], zone, b, ctx);
      else {
        const aimed = aimAtStop(system, objectField(system, 0, 0, ctx.pupil), system.primaryIndex, [0], [0.7], ctx);
        launchRays(system, objectField(system, 0, 0, ctx.pupil), aimed.px, aimed.py, b, ctx);
      }
      traceBatch(system, b, system.primaryIndex);
      expect(Math.abs(b.y[0])).toBeLessThan(1e-12);
      // The paraxial focus differs: the real zone focus carries the lens's spherical aberration.
      const paraxial = cookeTriplet();
      paraxial.imageSolve = 'paraxialFocus';
      if (radius) paraxial.image = { radius };
      expect(Math.abs(system.surfaces[5].thickness - buildSystem(paraxial, glass).surfaces[5].thickness)).toBeGreaterThan(1e-3);
      const params: ParamRef[] = [{ kind: 'curvature', surface: 1 }, { kind: 'curvature', surface: 4 }, { kind: 'thickness', surface: 2 }];
      const chain = solveChain(system, params);
      params.forEach((p, j) => {
        const f = fd(system, p, () => system.surfaces[5].thickness);
        const d = chain.D[j];
        expect(Math.abs(d - f) / Math.max(Math.abs(f), 1e-9), `${p.kind}@${p.surface}: ${d} vs ${f}`).toBeLessThan(1e-7);
      });
    });
  }
});
