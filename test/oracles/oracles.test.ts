/**
 * The three oracle lenses of ../shared/oracles (computed with optiland 0.6.0), reproduced from the
 * library prescriptions to the oracle's tolerance (|Δ| ≤ atol + rtol·|expected|).
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { firstOrder } from '../../engine/analysis/firstOrder.ts';
import { spotDiagram } from '../../engine/analysis/spot.ts';
import { rayFan } from '../../engine/analysis/rayFan.ts';
import { seidelSums } from '../../engine/analysis/seidel.ts';

const root = path.resolve(import.meta.dirname, '../..');
const oracleDir = path.resolve(root, '../shared/oracles');

const cases = [
  ['cooke_triplet.json', 'cooke-triplet.json'],
  ['double_gauss.json', 'double-gauss.json'],
  ['edmund_49_847.json', 'edmund-49-847.json'],
] as const;

function close(actual: number, expected: number, rtol: number, atol: number, what: string) {
  const err = Math.abs(actual - expected);
  if (!(err <= atol + rtol * Math.abs(expected))) {
    throw new Error(`${what}: got ${actual}, expected ${expected} (|Δ| = ${err.toExponential(3)})`);
  }
}

for (const [oracleFile, libFile] of cases) {
  describe(`oracle ${oracleFile}`, () => {
    const oracle = JSON.parse(fs.readFileSync(path.join(oracleDir, oracleFile), 'utf8'));
    const { rtol, atol } = oracle.tolerance;
    const p = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library', libFile), 'utf8'), libFile);
    const system = buildSystem(p, GlassLibrary.builtin());
    const exp = oracle.expected;

    it('reproduces the paraxial data', () => {
      const fo = firstOrder(system) as unknown as Record<string, number>;
      for (const [key, value] of Object.entries(exp.paraxial as Record<string, number>)) {
        expect(key in fo, `first-order key ${key}`).toBe(true);
        close(fo[key], value, rtol, atol, `paraxial.${key}`);
      }
    });

    it('reproduces the indices', () => {
      for (const [name, table] of Object.entries(exp.index as Record<string, Record<string, number>>)) {
        const s = system.surfaces.find((x) => x.material.name.toUpperCase() === name.toUpperCase());
        expect(s, `a surface made of ${name}`).toBeDefined();
        for (const [lam, n] of Object.entries(table)) close(s!.material.index(Number(lam)), n, 0, 1e-9, `n(${name}, ${lam})`);
      }
    });

    it('reproduces the spot radii', () => {
      for (let f = 0; f < system.fieldY.length; f++) {
        for (let w = 0; w < system.wavelengthsUm.length; w++) {
          const spot = spotDiagram(system, f, w);
          close(spot.rmsRadius!, exp.spot.rms_radius[f][w], rtol, atol, `rms[${f}][${w}]`);
          close(spot.geoRadius!, exp.spot.geo_radius[f][w], rtol, atol, `geo[${f}][${w}]`);
        }
      }
    });

    it('reproduces the ray fans', () => {
      const idx = (exp.ray_fan.pupil_coordinates as number[]).map((p) => Math.round((p + 1) * 128));
      for (let f = 0; f < system.fieldY.length; f++) {
        for (let w = 0; w < system.wavelengthsUm.length; w++) {
          const fan = rayFan(system, f, w);
          idx.forEach((i, k) => {
            close(fan.tangentialY[i], exp.ray_fan.tangential_y[f][w][k], rtol, atol, `tan[${f}][${w}][${k}]`);
            close(fan.sagittalX[i], exp.ray_fan.sagittal_x[f][w][k], rtol, atol, `sag[${f}][${w}][${k}]`);
          });
        }
      }
    });

    it('reproduces the Seidel sums', () => {
      const s = seidelSums(system) as unknown as Record<string, number>;
      for (const key of ['S1', 'S2', 'S3', 'S4', 'S5']) close(s[key], exp.seidel[key], rtol, atol, `seidel.${key}`);
    });
  });
}
