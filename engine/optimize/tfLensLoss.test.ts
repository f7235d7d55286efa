/**
 * A loss written in TensorFlow.js over real-ray intercepts receives, through the bridge, the same
 * gradient the engine computes itself (float32 tolerance).
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { readParams, type ParamRef } from '../optics/params.ts';
import { gridOnPupil, spotGradient } from '../trace/spotGradient.ts';
import { makeLensOp } from './tfBridge.ts';
import { imageIntercepts } from './lensFunction.ts';

describe('tfjs loss gradient through the lens op', () => {
  it('equals the engine gradient of the centroid RMS spot radius²', async () => {
    await tf.setBackend('cpu');
    const root = path.resolve(import.meta.dirname, '../..');
    const system = buildSystem(parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8')), GlassLibrary.builtin());
    const params: ParamRef[] = [0, 1, 2, 3, 4, 5].map((s) => ({ kind: 'curvature', surface: s }));
    params.push({ kind: 'thickness', surface: 5 });
    const { px, py } = gridOnPupil(16);
    const n = px.length;
    const base = readParams(system, params);
    const engine = spotGradient(system, 0, 1, px, py, params, true);

    const op = makeLensOp(imageIntercepts(system, params, 0, 1, px, py), { base });
    const loss = (p: tf.Tensor) =>
      tf.tidy(() => {
        const out = op(p);
        const x = out.slice(0, n), y = out.slice(n, n);
        const dx = x.sub(x.mean()), dy = y.sub(y.mean());
        return dx.square().add(dy.square()).mean() as tf.Scalar;
      });
    const g = tf.grad(loss)(tf.zeros([params.length]));
    const tfGrad = await g.data();
    const value = (await loss(tf.zeros([params.length])).data())[0];
    expect(engine.validRays).toBe(n);
    expect(Math.abs(value - engine.value) / engine.value).toBeLessThan(1e-3);
    const scale = Math.max(...engine.gradient.map(Math.abs));
    for (let j = 0; j < params.length; j++) {
      expect(Math.abs(tfGrad[j] - engine.gradient[j]) / scale, `parameter ${j}: tf ${tfGrad[j]} vs engine ${engine.gradient[j]}`).toBeLessThan(1e-3);
    }
  });
});
