/**
 * The joint training loop on a tiny configuration: the lens gradient of the whole pipeline
 * (rendering → network → loss → adjoints), the penalty gradient, phases, baseline runs and exact
 * resumption.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initTfBackend } from '../../app/node/tfBackend.ts';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { variablesFromGroups, type Variable } from '../../engine/optimize/variables.ts';
import { deadLeavesScenes, targetOf, type PlacedScene } from '../../engine/e2e/dataset.ts';
import { NetworkTrainer } from '../../engine/e2e/network.ts';
import { renderImage } from '../../engine/imaging/render.ts';
import { makeSensor } from '../../engine/imaging/sensor.ts';
import { E2eRun, focusScales, type E2eOptions } from '../../engine/e2e/train.ts';
import { firstOrder } from '../../engine/analysis/firstOrder.ts';
import { buildUNet, loadWeights, serializeWeights } from '../../engine/e2e/unet.ts';

tf.env().set('PROD', true);
await initTfBackend('wasm');

const root = path.resolve(import.meta.dirname, '../..');
const cookeJson = fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8');
const data = deadLeavesScenes({ channels: 3, size: 48, trainCount: 3, heldOutCount: 2 });
const tiny: Partial<E2eOptions> = { batch: 2, patch: 16, psf: { nx: 3, ny: 3, psfSize: 11, pupil: { type: 'hexapolar', rings: 6 } } };

function setup(opts: Partial<E2eOptions> & { steps: number }, residual = true, lossKind: 'l1' | 'mse' = 'l1') {
  const system = buildSystem(parsePrescriptionJson(cookeJson), GlassLibrary.builtin());
  const sensor = makeSensor({ pixelPitchUm: 5, width: 5120, height: 5120, mode: 'rgb', wavelengthsUm: Array.from(system.wavelengthsUm), primaryIndex: system.primaryIndex });
  const variables: Variable[] = [...variablesFromGroups(system, ['curvatures']), { kind: 'thickness', surface: 5, lower: 1, upper: 100, scale: 1 }];
  const trainer = new NetworkTrainer(buildUNet({ channels: 3, seed: 2, levels: 2, baseFilters: 4, residual }), { kind: lossKind, ssimWeight: 0 }, 1e-3);
  const run = new E2eRun(system, variables, sensor, trainer, data, { ...tiny, ...opts });
  return { system, variables, trainer, run };
}

describe('joint end-to-end training', () => {
  it('the pipeline lens gradient (tfjs loss gradient → adjoints) matches finite differences of the image loss', () => {
    // Identity network (residual U-Net at initialisation) and MSE: L = mean (blurred − truth)², which
    // the test recomputes in float64 for the finite differences. Steps of 1e-9 in curvature move rays
    // by ~1e-7 mm, below the scale where rays cross the splat's pixel-centre kinks.
    const { run } = setup({ steps: 1, noise: false, penalty: { eflWeight: 0, boundaryWeight: 0 } }, true, 'mse');
    const ex: PlacedScene[] = run.sampleBatch();
    const g = run.batchLoss(ex, { updateNetwork: false, lensGradient: true }).gradient!;
    const P = 16;
    const p = 0.005;
    const loss64 = () => {
      let s = 0;
      let n = 0;
      for (const e of ex) {
        const img = renderImage(e.scene.data, run.psfGrid(), { x0Mm: e.xMm - 7.5 * p, y0Mm: e.yMm + 7.5 * p, pitchMm: p }, { width: P, height: P, tile: P });
        const t = targetOf(e, P).data;
        for (let i = 0; i < img.length; i++, n++) s += (img[i] - t[i]) ** 2;
      }
      return s / n;
    };
    const x0 = run.getState().x;
    x0.forEach((v, j) => {
      const h = j < 6 ? 1e-9 : 1e-7;
      run.setLensVariables(x0.map((u, k) => (k === j ? u + h : u)));
      const lp = loss64();
      run.setLensVariables(x0.map((u, k) => (k === j ? u - h : u)));
      const lm = loss64();
      const fd = (lp - lm) / (2 * h);
      // the network's input gradient is float32 (≈1e-7 relative per pixel); differences carry ~1e-7 too
      expect(Math.abs(g[j] - fd)).toBeLessThanOrEqual(1e-5 * Math.abs(fd));
    });
    run.setLensVariables(x0);
  });

  it('adds the exact gradient of the EFL and thickness penalties', () => {
    const a = setup({ steps: 1, noise: false, penalty: { eflWeight: 0, boundaryWeight: 0 } }).run;
    const b = setup({ steps: 1, noise: false, penalty: { eflWeight: 10, boundaryWeight: 5, airMin: 45 } }).run; // the image distance (≈42 mm) violates airMin
    const ex = a.sampleBatch();
    const x = a.getState().x.map((v, j) => (j === 0 ? v * 1.01 : v)); // EFL off target
    a.setLensVariables(x);
    b.setLensVariables(x);
    const ga = a.batchLoss(ex, { updateNetwork: false, lensGradient: true }).gradient!;
    const rb = b.batchLoss(ex, { updateNetwork: false, lensGradient: true });
    expect(rb.penalty).toBeGreaterThan(0.1);
    expect(rb.penalty).toBeCloseTo(b.penaltyValue(), 12);
    x.forEach((v, j) => {
      const h = Math.abs(v) * 1e-6;
      b.setLensVariables(x.map((u, k) => (k === j ? u + h : u)));
      const pp = b.penaltyValue();
      b.setLensVariables(x.map((u, k) => (k === j ? u - h : u)));
      const pm = b.penaltyValue();
      const fd = (pp - pm) / (2 * h);
      expect(Math.abs(rb.gradient![j] - ga[j] - fd)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(fd)));
    });
  });

  it('warm-up steps leave the lens alone, joint steps move it, a baseline run never does', async () => {
    const { run } = setup({ steps: 4, warmupSteps: 2 });
    const x0 = run.getState().x;
    const phases: string[] = [];
    const xs: number[][] = [];
    await run.run({ onProgress: (p) => void (phases.push(p.phase), xs.push(p.lens.map((v) => v.value))) });
    expect(phases).toEqual(['warmup', 'warmup', 'joint', 'joint']);
    expect(xs[1]).toEqual(x0);
    expect(xs[3]).not.toEqual(x0);
    const base = setup({ steps: 3, trainLens: false }).run;
    await base.run();
    expect(base.getState().x).toEqual(x0);
  });

  it('resumes exactly from saved state (lens, lens moments, data stream, network and its optimizer)', async () => {
    const straight = setup({ steps: 4, warmupSteps: 1 });
    const losses: number[] = [];
    await straight.run.run({ onProgress: (p) => void losses.push(p.loss) });
    const first = setup({ steps: 4, warmupSteps: 1 });
    const resumedLosses: number[] = [];
    first.run.runStep();
    first.run.runStep();
    const state = JSON.parse(JSON.stringify(first.run.getState()));
    const weights = serializeWeights(first.trainer.model);
    const opt = await first.trainer.saveOptimizerState();
    const second = setup({ steps: 4, warmupSteps: 1 });
    loadWeights(second.trainer.model, weights.specs, weights.data);
    await second.trainer.loadOptimizerState(opt.specs, opt.data);
    second.run.setState(state);
    await second.run.run({ onProgress: (p) => void resumedLosses.push(p.loss) });
    expect(resumedLosses).toEqual(losses.slice(2));
    expect(second.run.getState().x).toEqual(straight.run.getState().x);
  });

  it('scales lens variables so that each step moves the paraxial focus by the same amount', () => {
    const { system, variables } = setup({ steps: 0 });
    const scales = focusScales(system, variables);
    expect(scales[6]).toBeCloseTo(1, 7); // the image distance moves the defocus one for one (central differences: ~1e-8)
    const defocus = () => firstOrder(system).bfl - system.surfaces[5].thickness;
    const d0 = defocus();
    for (let j = 0; j < 6; j++) {
      const c = system.surfaces[j].c;
      system.surfaces[j].c = c + 1e-3 * scales[j];
      expect(Math.abs(defocus() - d0)).toBeCloseTo(1e-3, 5); // 1 µm of focus shift
      system.surfaces[j].c = c;
      expect(scales[j]).toBeLessThan(2e-3); // curvatures of this 50 mm lens: ~EFL⁻² per mm of focus
    }
  });

  it('evaluates the fixed held-out set reproducibly', () => {
    const { run } = setup({ steps: 0 });
    const held = run.heldOut(3);
    const a = run.evaluate(held, 1);
    const b = run.evaluate(run.heldOut(3), 1);
    expect(b.psnr).toBe(a.psnr);
    expect(a.perExample).toHaveLength(3);
    expect(a.images).toHaveLength(1);
    // the untrained residual network is the identity: restored = blurred
    expect(a.psnr).toBeCloseTo(a.blurredPsnr, 10);
    expect(a.blurredPsnr).toBeGreaterThan(10);
    expect(a.blurredPsnr).toBeLessThan(40);
  });
});
