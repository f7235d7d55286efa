/**
 * Gradient benchmark (issue 4): dO's Double Gauss (US 2,532,751 as dO ships it), 10° field,
 * 587.6 nm, a 512×512 grid on the entrance pupil; forward trace plus the exact gradient of the
 * centroid RMS spot radius² with respect to every curvature, one thread; and that time over a
 * forward trace alone. Also the speed-up of the same gradient on 2 worker threads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadLensBytes } from '../../engine/io/loaders.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import type { ParamRef } from '../../engine/optics/params.ts';
import { spotGradient, gridOnPupil } from '../../engine/trace/spotGradient.ts';
import { SpotGradientPool } from '../../app/node/gradientWorkers.ts';

const root = path.resolve(import.meta.dirname, '../..');

export function dODoubleGauss(): LensSystem {
  const file = path.resolve(root, '../shared/data/dO/US02532751-1.txt');
  const lib = GlassLibrary.builtin();
  const { prescription } = loadLensBytes(path.basename(file), fs.readFileSync(file), {
    resolveGlass: (name, catalogs) => lib.find(name, { catalogOrder: catalogs }) !== undefined,
  });
  prescription.fields = { type: 'angle', points: [{ x: 0, y: 10 }] };
  prescription.wavelengths = { valuesUm: [0.5876], primaryIndex: 0 };
  return buildSystem(prescription, GlassLibrary.builtin());
}

export function curvatureParams(system: LensSystem): ParamRef[] {
  const out: ParamRef[] = [];
  system.surfaces.forEach((s, i) => {
    if (i < system.surfaces.length - 1 && (s.kind === 'standard' || s.kind === 'evenAsphere') && s.c !== 0) out.push({ kind: 'curvature', surface: i });
  });
  return out;
}

export async function benchGradient(runs = 5): Promise<Record<string, number>> {
  const system = dODoubleGauss();
  const params = curvatureParams(system);
  const { px, py } = gridOnPupil(512);
  let bestGrad = Infinity, bestFwd = Infinity;
  let valid = 0;
  for (let r = 0; r < runs; r++) {
    let t0 = performance.now();
    spotGradient(system, 0, 0, px, py, params, false);
    bestFwd = Math.min(bestFwd, performance.now() - t0);
    t0 = performance.now();
    const g = spotGradient(system, 0, 0, px, py, params, true);
    bestGrad = Math.min(bestGrad, performance.now() - t0);
    valid = g.validRays;
  }
  const timePool = async (threads: number) => {
    const pool = await SpotGradientPool.create(system.prescription, 0, 0, 512, params, threads);
    try {
      let best = Infinity;
      for (let r = 0; r < 4; r++) {
        const t0 = performance.now();
        await pool.run();
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    } finally {
      await pool.close();
    }
  };
  const best1 = await timePool(1);
  const best2 = await timePool(2);
  return {
    trace_grad_rays_per_s: Math.round(px.length / (bestGrad / 1000)),
    grad_over_forward: Number((bestGrad / bestFwd).toFixed(3)),
    grad_rays: px.length,
    grad_valid_rays: valid,
    grad_parameters: params.length,
    grad_workers_speedup_2_over_1: Number((best1 / best2).toFixed(3)),
  };
}
