/**
 * Benchmark of one joint end-to-end step (issue 5): a batch of 4 patches of 64 × 64 px rendered
 * through the library Cooke triplet (real-ray PSF grid 5 × 5 nodes, 21 px PSFs, 10 hexapolar rings,
 * RGB, 5 µm pixels), U-Net (3 levels, 8-16-32) forward and backward, the lens gradient (rendering,
 * splat and real-ray adjoints, merit penalties) and both Adam updates, on the TensorFlow.js backend
 * that `initTfBackend` picks. Reports the median of 10 steps after 3 warm-up steps, and the share of
 * the step spent in optics (PSFs, rendering and their adjoints).
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadSystemFile } from '../../app/cli/loadLens.ts';
import { sensorForLens } from '../../engine/imaging/lensPsf.ts';
import { initTfBackend } from '../../app/node/tfBackend.ts';
import { deadLeavesScenes } from '../../engine/e2e/dataset.ts';
import { NetworkTrainer } from '../../engine/e2e/network.ts';
import { E2eRun } from '../../engine/e2e/train.ts';
import { buildUNet } from '../../engine/e2e/unet.ts';
import { variablesFromGroups } from '../../engine/optimize/variables.ts';

const root = path.resolve(import.meta.dirname, '../..');

export async function benchE2eStep(): Promise<{ e2e_step_ms: number; e2e_optics_share: number; e2e_backend: string }> {
  tf.env().set('PROD', true);
  const backend = await initTfBackend();
  const { system } = await loadSystemFile(path.join(root, 'lens-library/cooke-triplet.json'));
  const { sensor } = sensorForLens(system, 5, false);
  const variables = [...variablesFromGroups(system, ['curvatures']), { kind: 'thickness' as const, surface: system.surfaces.length - 2, lower: 0.5, upper: Infinity, scale: 1 }];
  const data = deadLeavesScenes({ channels: 3, size: 192, trainCount: 8, heldOutCount: 1 });
  const trainer = new NetworkTrainer(buildUNet({ channels: 3, seed: 1 }), { kind: 'l1', ssimWeight: 0.1 }, 1e-3);
  const run = new E2eRun(system, variables, sensor, trainer, data, { steps: 13, batch: 4, patch: 64 });
  const steps: { ms: number; optics: number }[] = [];
  for (let i = 0; i < 13; i++) {
    const p = run.runStep();
    if (p.phase !== 'joint') throw new Error('benchmark step was not a joint step');
    if (i >= 3) steps.push({ ms: p.stepMs, optics: p.opticsMs });
  }
  trainer.dispose();
  steps.sort((a, b) => a.ms - b.ms);
  const mid = steps[Math.floor(steps.length / 2)];
  return { e2e_step_ms: Number(mid.ms.toFixed(1)), e2e_optics_share: Number((mid.optics / mid.ms).toFixed(3)), e2e_backend: backend.name };
}
