import { describe, expect, it } from 'vitest';
import { Rng } from './prng.ts';
import { addSensorNoise, makeSensor, pixelCenterMm, sensorHalfSizeMm } from './sensor.ts';

const lens = { wavelengthsUm: [0.48, 0.55, 0.65], primaryIndex: 1 };

describe('sensor model', () => {
  it('RGB takes the longest, primary and shortest wavelengths; mono integrates them all', () => {
    const rgb = makeSensor({ ...lens, pixelPitchUm: 5, width: 10, height: 8, mode: 'rgb' });
    expect(rgb.channels.map((c) => c.wavelengthsUm[0])).toEqual([0.65, 0.55, 0.48]);
    const mono = makeSensor({ ...lens, wavelengthWeights: [1, 2, 1], pixelPitchUm: 5, width: 10, height: 8, mode: 'mono' });
    expect(mono.channels).toHaveLength(1);
    expect(mono.channels[0].weights).toEqual([1, 2, 1]);
    expect(() => makeSensor({ wavelengthsUm: [0.55], primaryIndex: 0, pixelPitchUm: 5, width: 4, height: 4, mode: 'rgb' })).toThrow(/at least 3 wavelengths/);
    expect(() => makeSensor({ ...lens, pixelPitchUm: 0, width: 4, height: 4, mode: 'rgb' })).toThrow(/pixelPitchUm/);
  });

  it('pixel centres are symmetric about the axis with +y up', () => {
    const s = makeSensor({ ...lens, pixelPitchUm: 4, width: 4, height: 3, mode: 'mono' });
    expect(pixelCenterMm(s, 0, 0)).toEqual([-0.006, 0.004]);
    expect(pixelCenterMm(s, 2, 3)).toEqual([0.006, -0.004]);
    expect(sensorHalfSizeMm(s)).toEqual([0.008, 0.006]);
  });

  it('Poisson–Gaussian noise has variance v/Nfw + (σr/Nfw)² and zero mean', () => {
    const s = makeSensor({ ...lens, pixelPitchUm: 4, width: 4, height: 3, mode: 'mono', fullWellElectrons: 1000, readNoiseElectrons: 10 });
    const n = 40000;
    const v = 0.25;
    const img = new Float64Array(n).fill(v);
    addSensorNoise(img, s, new Rng(1));
    let m = 0, q = 0;
    for (const x of img) m += x;
    m /= n;
    for (const x of img) q += (x - m) ** 2;
    q /= n - 1;
    const expected = v / 1000 + (10 / 1000) ** 2;
    expect(Math.abs(m - v)).toBeLessThan(5 * Math.sqrt(expected / n));
    expect(Math.abs(q / expected - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    const clean = new Float64Array(4).fill(0.3);
    addSensorNoise(clean, { ...s, fullWellElectrons: Infinity }, new Rng(1));
    expect(Array.from(clean)).toEqual([0.3, 0.3, 0.3, 0.3]);
  });
});
