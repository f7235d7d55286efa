/**
 * Wave-optics benchmarks (issue 14), Cooke triplet from the lens library, one thread:
 * - mtf_ms: FFT MTF (tangential and sagittal curves) of 3 fields × 3 wavelengths with a 64² pupil
 *   grid and 2× padding (128² FFT), including the ray trace of every pupil sample;
 * - wavefront_grad_ms: the RMS wavefront error of the 3 fields (primary wavelength, the
 *   WAVEFRONT_RMS operand's default 12 × 24 quadrature) and its exact gradient with respect to
 *   every curvature (one recorded trace + one adjoint pass per field).
 * Best of several runs after a warm-up.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import type { ParamRef } from '../../engine/optics/params.ts';
import { diffractionPsf } from '../../engine/wave/psf.ts';
import { fftMtf } from '../../engine/wave/mtf.ts';
import { wavefrontRmsGradient } from '../../engine/wave/opdGradient.ts';
import { launchContext } from '../../engine/trace/rayAiming.ts';

const root = path.resolve(import.meta.dirname, '../..');

export function benchWave(runs = 7): Record<string, number> {
  const system = buildSystem(parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8')), GlassLibrary.builtin());
  const nf = system.fieldY.length, nw = system.wavelengthsUm.length;
  const mtfOnce = () => {
    const ctx = launchContext(system);
    let checksum = 0;
    for (let f = 0; f < nf; f++) {
      for (let w = 0; w < nw; w++) {
        const c = fftMtf(diffractionPsf(system, f, { wavelengths: [w], pupilSamples: 64, padding: 2, autoSample: false, ctx }));
        checksum += c.tangential[10] + c.sagittal[10];
      }
    }
    return checksum;
  };
  const params: ParamRef[] = [];
  system.surfaces.forEach((s, i) => {
    if (i < system.surfaces.length - 1 && s.kind === 'standard' && s.c !== 0) params.push({ kind: 'curvature', surface: i });
  });
  const gradOnce = () => {
    const ctx = launchContext(system);
    let checksum = 0;
    for (let f = 0; f < nf; f++) checksum += wavefrontRmsGradient(system, f, system.primaryIndex, params, { ctx }).gradient[0];
    return checksum;
  };
  const best = (fn: () => number) => {
    fn();
    let t = Infinity;
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      fn();
      t = Math.min(t, performance.now() - t0);
    }
    return Number(t.toFixed(2));
  };
  return { mtf_ms: best(mtfOnce), wavefront_grad_ms: best(gradOnce), wavefront_grad_parameters: params.length };
}
