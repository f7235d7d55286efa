/**
 * End-to-end benchmarks (issues 5 and 13), on the TensorFlow.js backend that `initTfBackend` picks:
 * - e2e_step_ms: one joint step on the library Cooke triplet (5 × 5 real-ray PSF grid, 21 px PSFs,
 *   10 hexapolar rings, RGB, 5 µm pixels; 4 patches of 64 px; U-Net 3 levels 8-16-32), with its
 *   optics share (PSFs, rendering and their adjoints);
 * - e2e_wiener_ms: the Wiener deconvolution forward + backward (image, PSF and log κ gradients) of
 *   a batch of 4 × 64² × 3 channels with the edof preset's 41-px PSFs (128-point FFTs), one thread,
 *   as CPU time (what one idle core takes, also on a shared machine); e2e_wiener_wall_ms wall time;
 * - e2e_edof_step_ms: one joint step of the edof preset (9 object distances, Wiener + U-Net, lens
 *   step every `lensEvery` steps with accumulated gradients), CPU time averaged over whole lens
 *   periods (one thread: wasm without threads), e2e_edof_step_wall_ms its wall-time median, and
 *   e2e_edof_wiener_step_ms the same before the U-Net starts (Wiener alone); *_optics_share the
 *   share of optics (PSFs through depth, rendering, their adjoints, the lens step) in wall time.
 * Medians of several steps after warm-up steps, unless said otherwise.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadSystemFile } from '../../app/cli/loadLens.ts';
import { loadTask } from '../../app/node/e2eTask.ts';
import { initTfBackend } from '../../app/node/tfBackend.ts';
import { deadLeavesScenes } from '../../engine/e2e/dataset.ts';
import { NetworkTrainer } from '../../engine/e2e/network.ts';
import { E2eRun } from '../../engine/e2e/train.ts';
import { buildUNet } from '../../engine/e2e/unet.ts';
import { WienerDeconvolver } from '../../engine/e2e/wiener.ts';
import { depthsInDiopters } from '../../engine/imaging/depthPsf.ts';
import { sensorForLens } from '../../engine/imaging/lensPsf.ts';
import { Rng } from '../../engine/imaging/prng.ts';
import { makeSensor } from '../../engine/imaging/sensor.ts';
import { taskDepths } from '../../engine/io/e2eTask.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { variablesFromGroups, variablesFromSpec } from '../../engine/optimize/variables.ts';

const root = path.resolve(import.meta.dirname, '../..');
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

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

/** CPU time (user + system) of this process, ms: on a shared machine, what one idle core would take. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export function benchWiener(): { e2e_wiener_ms: number; e2e_wiener_wall_ms: number } {
  const P = 64;
  const K = loadTask('edof').task.psf.sizePx;
  const C = 3;
  const rng = new Rng(1);
  const w = new WienerDeconvolver(P, K, C, 'gradient');
  const psf = Float64Array.from({ length: C * K * K }, () => rng.next());
  const inputs = Array.from({ length: 4 }, () => Float64Array.from({ length: P * P * C }, () => rng.next()));
  const g = inputs.map(() => Float64Array.from({ length: P * P * C }, () => rng.normal()));
  const wall: number[] = [];
  const cpu: number[] = [];
  // 10 warm-up calls: until then the JIT is still compiling (on a second thread, whose CPU time
  // the process's count includes); training runs thousands of calls
  for (let i = 0; i < 40; i++) {
    const t0 = performance.now();
    const c0 = cpuMs();
    const { context } = w.forward(inputs, [psf, psf, psf, psf], -3);
    w.backward(context, g);
    if (i >= 10) {
      wall.push(performance.now() - t0);
      cpu.push(cpuMs() - c0);
    }
  }
  return { e2e_wiener_ms: Number(median(cpu).toFixed(2)), e2e_wiener_wall_ms: Number(median(wall).toFixed(2)) };
}

export async function benchEdofStep(): Promise<Record<string, number>> {
  tf.env().set('PROD', true);
  await initTfBackend();
  const { task, lens } = loadTask('edof');
  const system = buildSystem(lens, GlassLibrary.builtin());
  const s = task.sensor;
  const sensor = makeSensor({ pixelPitchUm: s.pixelPitchUm, width: s.widthPx, height: s.heightPx, mode: 'rgb', wavelengthsUm: Array.from(system.wavelengthsUm), wavelengthWeights: Array.from(system.wavelengthWeights), primaryIndex: system.primaryIndex, fullWellElectrons: s.fullWellElectrons, readNoiseElectrons: s.readNoiseElectrons });
  const variables = variablesFromSpec(system, task.variables.map(({ step: _s, ...v }) => v));
  variables.push({ kind: 'thickness', surface: system.surfaces.length - 2, lower: task.focus!.lower!, upper: task.focus!.upper!, scale: 1 });
  const d = taskDepths(task);
  const depths = depthsInDiopters(d.nearMm, d.farMm, d.train);
  const data = deadLeavesScenes({ channels: 3, size: 256, trainCount: 8, heldOutCount: 1 });
  const time = (networkStart: number) => {
    const trainer = new NetworkTrainer(buildUNet({ channels: 3, seed: 1, levels: task.defaults?.unetLevels ?? 3, baseFilters: task.defaults?.unetFilters ?? 8 }), { kind: 'l1', ssimWeight: 0.1, margin: task.defaults?.margin ?? 0 }, 1e-3);
    const run = new E2eRun(buildSystem(lens, GlassLibrary.builtin()), variables, sensor, trainer, data, {
      steps: 12,
      batch: task.defaults?.batch ?? 4,
      patch: task.defaults?.patch ?? 64,
      margin: task.defaults?.margin ?? 0,
      lensRates: [...task.variables.map((v) => v.step), task.focus!.step],
      lensEvery: task.defaults?.lensEvery ?? 1,
      networkStart,
      depthsMm: depths,
      psf: { nx: 1, ny: 1, psfSize: task.psf.sizePx, pupil: { type: 'grid', n: task.psf.pupilGrid ?? 48 } },
      recon: { kind: 'wiener+unet' },
    });
    const ms: number[] = [];
    const cpu: number[] = [];
    const optics: number[] = [];
    for (let i = 0; i < 12; i++) {
      const c0 = cpuMs();
      const p = run.runStep();
      const c = cpuMs() - c0;
      if (p.phase !== 'joint') throw new Error('benchmark step was not a joint step');
      if (i >= 2) {
        ms.push(p.stepMs);
        cpu.push(c);
        optics.push(p.opticsMs);
      }
    }
    trainer.dispose();
    run.recon.dispose();
    // sums over whole lens periods (the lens steps every lensEvery steps)
    return { ms: median(ms), cpu: cpu.reduce((a, b) => a + b, 0) / cpu.length, share: optics.reduce((a, b) => a + b, 0) / ms.reduce((a, b) => a + b, 0) };
  };
  const full = time(0);
  const wienerOnly = time(1000);
  return {
    e2e_edof_step_ms: Number(full.cpu.toFixed(1)),
    e2e_edof_step_wall_ms: Number(full.ms.toFixed(1)),
    e2e_edof_optics_share: Number(full.share.toFixed(3)),
    e2e_edof_wiener_step_ms: Number(wienerOnly.cpu.toFixed(1)),
    e2e_edof_wiener_optics_share: Number(wienerOnly.share.toFixed(3)),
  };
}
