/**
 * OpticStudio-like default merit function as residual blocks: the RMS spot radius of every
 * field × wavelength (weight W · field weight · wavelength weight / (Σ field weights · Σ wavelength
 * weights), Gaussian quadrature, operands/rmsSpot.ts), plus the centre- and edge-thickness bounds
 * of glass and air that the spec sets (operands/centerThickness.ts, operands/edgeThickness.ts; edges
 * at the real semi-diameters, where the real chief and pupil-edge rays of every field reach, as the
 * layout draws them). Coordinate breaks and mirrors get no thickness bounds. thicknessBounds.ts
 * makes them hold for the thicknesses that vary.
 */
import type { MeritSpec } from '../io/meritSpecSchema.ts';
import type { ParamRef } from '../optics/params.ts';
import type { LensSystem } from '../optics/system.ts';
import { resolveDefaultMerit } from './meritSpec.ts';
import { operandBlock } from './operands/index.ts';
import type { ResidualBlock } from './operands/operand.ts';
import { spotBlock } from './operands/rmsSpot.ts';

/** The default merit's blocks for the spec's `defaultMerit` settings. */
export function defaultMeritBlocks(system: LensSystem, spec: MeritSpec, params: readonly ParamRef[]): ResidualBlock[] {
  const d = resolveDefaultMerit(spec.defaultMerit);
  const blocks: ResidualBlock[] = [];
  const fsum = system.fieldWeights.reduce((a, v) => a + v, 0) || 1;
  const wsum = system.wavelengthWeights.reduce((a, v) => a + v, 0) || 1;
  for (let f = 0; f < system.fieldY.length; f++) {
    for (let w = 0; w < system.wavelengthsUm.length; w++) {
      const weight = (d.weight * system.fieldWeights[f] * system.wavelengthWeights[w]) / (fsum * wsum);
      if (weight === 0) continue;
      const label = `RMS f${f + 1} w${w + 1}`;
      const source = { type: 'RMS_SPOT' as const, field: f, wavelength: w, reference: d.reference, rings: d.rings, arms: d.arms, weight };
      blocks.push({ ...spotBlock(system, null, params, { field: f, wavelength: w, reference: d.reference, rings: d.rings, arms: d.arms, weight, label, symmetry: d.symmetry }), source });
    }
  }
  const last = system.surfaces.length - 2;
  for (let s = 0; s <= last; s++) {
    const surf = system.surfaces[s];
    if (surf.kind === 'coordinateBreak' || surf.mirror) continue;
    const glass = surf.material.name !== 'AIR';
    const min = glass ? d.glassMin : d.airMin;
    const max = glass ? d.glassMax : d.airMax;
    const edgeMin = glass ? d.glassEdgeMin : d.airEdgeMin;
    const bw = d.boundaryWeight;
    if (min !== undefined) blocks.push(operandBlock(system, { type: 'CENTER_THICKNESS', surface: s, target: min, kind: 'lower', weight: bw }, params));
    if (max !== undefined) blocks.push(operandBlock(system, { type: 'CENTER_THICKNESS', surface: s, target: max, kind: 'upper', weight: bw }, params));
    if (edgeMin !== undefined && s < last) blocks.push(operandBlock(system, { type: 'EDGE_THICKNESS', surface: s, target: edgeMin, kind: 'lower', weight: bw, heightFrom: 'realRays' }, params));
  }
  return blocks;
}
