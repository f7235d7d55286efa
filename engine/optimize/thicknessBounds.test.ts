/**
 * Thickness bounds that hold (thicknessBounds.ts): a Cooke triplet optimized with the default
 * merit's centre and edge bounds never ends with a gap or an edge below its bound (edges measured
 * independently, at the automatic semi-diameters the layout draws); the projection raises a knife edge to its
 * bound and leaves a lens that meets it alone; bounds on fixed thicknesses are reported.
 */
import { describe, expect, it } from 'vitest';
import { automaticSemiDiameters } from '../analysis/layout.ts';
import type { DefaultMerit } from '../io/meritSpecSchema.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { sagAt } from '../optics/sag.ts';
import type { LensSystem } from '../optics/system.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { cookeTriplet } from '../../test/helpers/solvedLenses.ts';
import { buildMeritProblem } from './meritProblem.ts';
import { runOptimizer } from './run.ts';

const glass = GlassLibrary.builtin();
const BOUNDS: DefaultMerit = { glassMin: 1.5, glassEdgeMin: 1.0, airMin: 0.5, airEdgeMin: 0.5 };

/** Edge thickness after surface s at the larger drawn semi-diameter, computed apart from the merit. */
function edge(system: LensSystem, s: number): number {
  const sd = automaticSemiDiameters(system);
  const h = Math.max(sd[s], sd[s + 1]);
  return system.surfaces[s].thickness + sagAt(system.surfaces[s + 1], h) - sagAt(system.surfaces[s], h);
}

/** The Cooke triplet with its radii 3 % off, radii and thicknesses varying (the image distance too). */
function perturbed() {
  const p = cookeTriplet();
  p.surfaces.forEach((s) => {
    s.variables = { radius: true, thickness: true };
    if ('radius' in s && s.radius) s.radius *= 1.03;
  });
  return p;
}

describe('thickness bounds', () => {
  for (const algorithm of ['dls', 'adam'] as const) {
    it(`hold at the end of a Cooke triplet optimization (${algorithm})`, async () => {
      const system = buildSystem(perturbed(), glass);
      const mp = buildMeritProblem(system, { defaultMerit: BOUNDS, operands: [{ type: 'EFL', target: 50 }] });
      const r = await runOptimizer(mp.problem, mp.x0, { algorithm, iterations: algorithm === 'dls' ? 60 : 300 });
      expect(r.merit).toBeLessThan(r.initialMerit / 100);
      const out = buildSystem(mp.apply(r.x), glass);
      for (let s = 0; s < 5; s++) {
        const isGlass = out.surfaces[s].material.name !== 'AIR';
        expect(out.surfaces[s].thickness, `centre after surface ${s + 1}`).toBeGreaterThanOrEqual(isGlass ? BOUNDS.glassMin! : BOUNDS.airMin!);
        expect(edge(out, s), `edge after surface ${s + 1}`).toBeGreaterThanOrEqual((isGlass ? BOUNDS.glassEdgeMin! : BOUNDS.airEdgeMin!) - 1e-12);
      }
      expect(mp.violations(r.x)).toEqual([]);
    });
  }

  it('the projection raises a knife edge to its bound and leaves a lens that meets it alone', () => {
    const p = cookeTriplet();
    p.surfaces[0].variables = { thickness: true };
    p.surfaces[0].thickness = 1.6; // centre above glassMin, edge far below glassEdgeMin
    const system = buildSystem(p, glass);
    expect(edge(system, 0)).toBeLessThan(0.5);
    const mp = buildMeritProblem(system, { defaultMerit: BOUNDS });
    const x = Float64Array.from(mp.x0);
    mp.problem.project!(x);
    const raised = buildSystem(mp.apply(x), glass);
    expect(edge(raised, 0)).toBeGreaterThanOrEqual(1.0);
    expect(edge(raised, 0)).toBeLessThan(1.0 + 1e-9);
    const again = Float64Array.from(x);
    mp.problem.project!(again);
    expect(again).toEqual(x);
  });

  it('report the bounds of fixed thicknesses that are not met', () => {
    const p = cookeTriplet();
    p.surfaces[1].variables = { radius: true };
    const system = buildSystem(p, glass);
    const mp = buildMeritProblem(system, { defaultMerit: { glassMin: 4, airEdgeMin: 0.5 } });
    const v = mp.violations(mp.x0);
    expect(v.map((b) => b.label)).toEqual(['CT s1', 'CT s3', 'CT s5']);
    expect(v[0]).toMatchObject({ kind: 'lower', bound: 4, value: p.surfaces[0].thickness });
  });
});
