/**
 * Vignetting factors (OpticStudio's VDX, VDY, VCX, VCY): the pupil of a defined field's bundle is
 * reshaped, Px' = VDX + Px(1 − VCX), Py' = VDY + Py(1 − VCY), at launch (rayAiming.ts), in the
 * adjoint's launch (adjoint.ts) and for real aiming; analyses along the field do not use them.
 * Checked on the launch itself, against finite differences, and on a corpus file whose factors
 * OpticStudio set to fit the apertures.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { spotDiagram } from '../analysis/spot.ts';
import type { GlassLibrary } from '../materials/glassLibrary.ts';
import { getParam, setParam, type ParamRef } from '../optics/params.ts';
import type { LensSystem } from '../optics/system.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { fieldPointObjectField } from '../paraxial/pupil.ts';
import { applySolves } from '../paraxial/solves.ts';
import { traceAdjoint } from './adjoint.ts';
import { hexapolar } from './pupilSampling.ts';
import { launchContext, launchRays, traceFieldPoint } from './rayAiming.ts';
import { RayBatch, RayStatus } from './rayBatch.ts';
import { TraceRecord, traceBatch } from './realTrace.ts';
import { corpusGlassLibrary, dataDir, loadCorpusLens } from '../../test/corpus/corpus.ts';
import { cookeTriplet } from '../../test/helpers/solvedLenses.ts';

let library: GlassLibrary;
beforeAll(async () => {
  library = await corpusGlassLibrary();
});

const vignettedCooke = () => {
  const p = cookeTriplet();
  p.fields.points[2].vignetting = { vdx: 0.03, vdy: -0.12, vcx: 0.1, vcy: 0.3 };
  return p;
};

describe('vignetting factors', () => {
  it('reshape the bundle of their field at the entrance pupil, and only that field', () => {
    const system = buildSystem(vignettedCooke(), library);
    const ctx = launchContext(system);
    const r = ctx.pupil.epd / 2;
    const b = new RayBatch(3);
    for (const f of [1, 2]) {
      // Field angles tilt the rays; their crossing of the entrance-pupil plane z = EPL shows the pupil point.
      launchRays(system, fieldPointObjectField(system, f, ctx.pupil), [0, 1, 0], [0, 0, -1], b, ctx);
      const atPupil = (i: number): [number, number] => {
        const s = (ctx.pupil.epl - b.z[i]) / b.n[i];
        return [b.x[i] + s * b.l[i], b.y[i] + s * b.m[i]];
      };
      const v = f === 2 ? { vdx: 0.03, vdy: -0.12, vcx: 0.1, vcy: 0.3 } : { vdx: 0, vdy: 0, vcx: 0, vcy: 0 };
      const expected: [number, number][] = [[v.vdx, v.vdy], [v.vdx + (1 - v.vcx), v.vdy], [v.vdx, v.vdy - (1 - v.vcy)]];
      expected.forEach(([ex, ey], i) => {
        const [x, y] = atPupil(i);
        expect(x).toBeCloseTo(ex * r, 12);
        expect(y).toBeCloseTo(ey * r, 12);
      });
    }
  });

  it('are differentiated exactly: the adjoint of a vignetted bundle matches finite differences', () => {
    const system: LensSystem = buildSystem(vignettedCooke(), library);
    const { px, py } = hexapolar(3);
    const n = px.length;
    const wx = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const wy = Float64Array.from({ length: n }, (_, i) => Math.cos(2 * i + 1));
    const trace = (rec?: TraceRecord) => {
      const ctx = launchContext(system);
      const b = launchRays(system, fieldPointObjectField(system, 2, ctx.pupil), px, py, new RayBatch(n), ctx);
      return traceBatch(system, b, 0, { record: rec });
    };
    const loss = () => {
      const b = trace();
      let L = 0;
      for (let i = 0; i < n; i++) L += b.status[i] === RayStatus.OK ? wx[i] * b.x[i] + wy[i] * b.y[i] : NaN;
      return L;
    };
    const params: ParamRef[] = [{ kind: 'curvature', surface: 0 }, { kind: 'thickness', surface: 1 }, { kind: 'curvature', surface: 4 }];
    const rec = new TraceRecord(system.surfaces.length, n);
    trace(rec);
    const grad = traceAdjoint(system, rec, { fx: 0, fy: system.fieldY[2], px, py, field: 2 }, 0, { x: wx, y: wy }, params, new Float64Array(3));
    params.forEach((p, j) => {
      const v0 = getParam(system, p), h = p.kind === 'curvature' ? 1e-5 : 1e-4;
      const at = (v: number) => {
        setParam(system, p, v);
        applySolves(system);
        const l = loss();
        setParam(system, p, v0);
        return l;
      };
      const fd = (4 * ((at(v0 + h / 2) - at(v0 - h / 2)) / h) - (at(v0 + h) - at(v0 - h)) / (2 * h)) / 3;
      expect(Math.abs(grad[j] - fd) / Math.abs(fd), `${p.kind}@${p.surface}`).toBeLessThan(1e-6);
    });
  });

  it('as OpticStudio set them for US 583,336 ex. 2 (real ray aiming), fit the 17° and 24° marginal rays into the apertures', () => {
    const l = loadCorpusLens(path.join(dataDir, 'zmx', 'rayoptics__US00583336-2-scaled.zmx'), library);
    const withFactors = buildSystem(l.prescription, library);
    const bare = structuredClone(l.prescription);
    for (const f of bare.fields.points) delete f.vignetting;
    const without = buildSystem(bare, library);
    // The four marginal rays (just inside the pupil edge) pass the apertures with the factors only.
    const edge = 0.99;
    const marginal = (s: LensSystem, f: number) => Array.from(traceFieldPoint(s, f, 1, [0, 0, edge, -edge], [edge, -edge, 0, 0]).status);
    for (const f of [1, 2]) {
      expect(marginal(withFactors, f)).toEqual([RayStatus.OK, RayStatus.OK, RayStatus.OK, RayStatus.OK]);
      expect(marginal(without, f).some((s) => s !== RayStatus.OK)).toBe(true);
    }
    // Spot diagrams lose fewer rays (OpticStudio's factors fit the four marginal rays only).
    const lost = (s: LensSystem, f: number) => 127 - spotDiagram(s, f, 1).validCount;
    for (const f of [1, 2]) expect(lost(withFactors, f)).toBeLessThan(lost(without, f));
    // The on-axis field has no factors: its spot is the same.
    expect(spotDiagram(withFactors, 0, 1).rmsRadius).toBe(spotDiagram(without, 0, 1).rmsRadius);
  });
});
