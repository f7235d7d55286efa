import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initTfBackend } from './tfBackend.ts';
import { loadCheckpoint, readCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { NetworkTrainer } from '../../engine/e2e/network.ts';
import { buildUNet, serializeWeights, unetConfig } from '../../engine/e2e/unet.ts';

tf.env().set('PROD', true);
await initTfBackend('wasm');

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ls-ckpt-'));

describe('e2e checkpoints', () => {
  const cfg = unetConfig({ channels: 1, seed: 3, levels: 2, baseFilters: 4 });
  const sharp = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
  const blurred = tf.avgPool(sharp, 3, 1, 'same') as tf.Tensor4D;
  const loss = { kind: 'l1' as const, ssimWeight: 0 };

  it('resumes training exactly: weights, optimizer moments and run state', async () => {
    const dir = tmp();
    const a = new NetworkTrainer(buildUNet(cfg), loss, 1e-2);
    for (let i = 0; i < 3; i++) a.step(blurred, sharp, { update: true, inputGradient: false });
    await saveCheckpoint(dir, cfg, a.model, 3, { trainer: a, state: { lens: [0.1, 0.2] } });
    for (let i = 0; i < 2; i++) a.step(blurred, sharp, { update: true, inputGradient: false });
    const { meta, trainer: b } = await loadCheckpoint(dir, (m) => new NetworkTrainer(m, loss, 1e-2));
    expect(meta.step).toBe(3);
    expect(meta.state).toEqual({ lens: [0.1, 0.2] });
    for (let i = 0; i < 2; i++) b!.step(blurred, sharp, { update: true, inputGradient: false });
    expect(Array.from(serializeWeights(b!.model).data)).toEqual(Array.from(serializeWeights(a.model).data));
    // a later save replaces the binaries of the earlier step
    await saveCheckpoint(dir, cfg, a.model, 5, { trainer: a });
    expect(fs.readdirSync(dir).sort()).toEqual(['checkpoint.json', 'optimizer-000005.bin', 'weights-000005.bin']);
  });

  it('reports a missing, foreign or truncated checkpoint by file name', async () => {
    const dir = tmp();
    expect(() => readCheckpoint(dir)).toThrow(/checkpoint.json: no checkpoint here/);
    fs.writeFileSync(path.join(dir, 'checkpoint.json'), '{"format": "other"}');
    expect(() => readCheckpoint(dir)).toThrow(/format is "other"/);
    const m = buildUNet(cfg);
    await saveCheckpoint(dir, cfg, m, 0);
    const bin = path.join(dir, 'weights-000000.bin');
    fs.truncateSync(bin, 100);
    await expect(loadCheckpoint(dir)).rejects.toThrow(/weights-000000.bin: expected \d+ bytes/);
  });
});
