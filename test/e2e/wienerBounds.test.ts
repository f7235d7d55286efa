/**
 * The linear-reconstruction bounds of a lens (engine/e2e/wienerBounds.ts) on a tiny configuration:
 * one object distance makes both PSF choices the same filter; the depth-averaged bound is the
 * product's own Wiener reconstruction at the bound's κ; the true-depth PSF beats the average when
 * the distances blur differently.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initTfBackend } from '../../app/node/tfBackend.ts';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { deadLeavesScenes } from '../../engine/e2e/dataset.ts';
import { NetworkTrainer } from '../../engine/e2e/network.ts';
import { makeSensor } from '../../engine/imaging/sensor.ts';
import { E2eRun, type E2eOptions } from '../../engine/e2e/train.ts';
import { buildIdentity } from '../../engine/e2e/unet.ts';

tf.env().set('PROD', true);
await initTfBackend('wasm');

const root = path.resolve(import.meta.dirname, '../..');
const cookeJson = fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8');
const data = deadLeavesScenes({ channels: 3, size: 64, trainCount: 2, heldOutCount: 3 });

function setup(depthsMm: number[], recon: E2eOptions['recon'] = {}, noise: { fullWellElectrons?: number; readNoiseElectrons?: number } = {}) {
  const system = buildSystem(parsePrescriptionJson(cookeJson), GlassLibrary.builtin());
  const sensor = makeSensor({ pixelPitchUm: 5, width: 2048, height: 2048, mode: 'rgb', wavelengthsUm: Array.from(system.wavelengthsUm), primaryIndex: system.primaryIndex, ...noise });
  const trainer = new NetworkTrainer(buildIdentity(3), { kind: 'mse', ssimWeight: 0 }, 1e-3);
  const run = new E2eRun(system, [], sensor, trainer, data, {
    steps: 0,
    batch: 2,
    patch: 32,
    margin: 4,
    trainLens: false,
    depthsMm,
    psf: { nx: 2, ny: 2, psfSize: 15, pupil: { type: 'hexapolar', rings: 6 } },
    recon: { kind: 'wiener', ...recon },
  });
  return { run, trainer };
}

describe('Wiener bounds of a lens', () => {
  it('are one filter at a single object distance', () => {
    const { run, trainer } = setup([1500]);
    const [avg, truth] = run.wienerBounds(run.heldOut(4));
    expect(avg.psf).toBe('depth-averaged');
    expect(truth.psf).toBe('true-depth');
    expect(truth.logK).toBe(avg.logK);
    expect(Math.abs(truth.psnr - avg.psnr)).toBeLessThan(1e-9);
    expect(avg.perDepth.map((d) => d.depthMm)).toEqual([1500]);
    trainer.dispose();
  });

  it('the depth-averaged bound is the product\'s Wiener reconstruction at that κ; the true-depth PSF does better across distances', async () => {
    const depths = [Infinity, 400];
    const { run, trainer } = setup(depths);
    const held = run.heldOut(4);
    const [avg, truth] = run.wienerBounds(held);
    expect(avg.perDepth.map((d) => d.depthMm)).toEqual(depths);
    expect(avg.psnr).toBeCloseTo((avg.perDepth[0].psnr + avg.perDepth[1].psnr) / 2, 9);
    // the reconstruction of the run, blend off (α = σ(−60)), at the bound's κ: same PSNR up to float32 output
    const { run: check, trainer: t2 } = setup(depths, { logK: avg.logK, mixLogit: -60 });
    const ev = check.evaluate(held, 0);
    expect(Math.abs(ev.psnr - avg.psnr)).toBeLessThan(1e-3);
    // and the κ is the best of its neighbours (a coarser κ scores lower)
    const { run: off } = setup(depths, { logK: avg.logK + 1, mixLogit: -60 });
    expect(off.evaluate(held, 0).psnr).toBeLessThanOrEqual(avg.psnr + 1e-3);
    // 400 mm is far out of focus for a lens set at infinity: its own PSF restores it better
    expect(truth.perDepth[1].psnr).toBeGreaterThan(avg.perDepth[1].psnr + 0.5);
    expect(truth.psnr).toBeGreaterThan(avg.psnr);
    // the async form (a host's) gives the same bounds, and nothing once aborted
    expect(await run.wienerBoundsAsync(held)).toEqual([avg, truth]);
    const ac = new AbortController();
    ac.abort();
    expect(await run.wienerBoundsAsync(held, ac.signal)).toBeNull();
    trainer.dispose();
    t2.dispose();
  });

  it('follows the best κ beyond the end of the grid (a noise-dominated sensor wants a strong low-pass)', () => {
    const noisy = { fullWellElectrons: 5, readNoiseElectrons: 20 };
    const { run, trainer } = setup([Infinity], {}, noisy);
    const held = run.heldOut(4);
    const [avg] = run.wienerBounds(held);
    expect(avg.logK).toBeGreaterThan(3); // past the grid (to 2) and its refinement (to 2.75)
    // the product's filter at the found κ and one step either side (blend off): the found κ is best
    const at = (logK: number) => {
      const { run: r, trainer: t } = setup([Infinity], { logK, mixLogit: -60 }, noisy);
      const p = r.evaluate(held, 0).psnr;
      t.dispose();
      return p;
    };
    expect(Math.abs(at(avg.logK) - avg.psnr)).toBeLessThan(1e-3);
    expect(at(avg.logK - 1)).toBeLessThan(avg.psnr);
    expect(at(avg.logK + 1)).toBeLessThan(avg.psnr);
    trainer.dispose();
  });
});
