/**
 * WAVEFRONT_RMS: the RMS wavefront error of one field (waves at the operand's wavelength, default
 * primary; area-weighted, piston removed) over a Gauss–Legendre × uniform-angle pupil quadrature
 * (default 12 × 24), with its exact gradient by the real-ray adjoint with optical-path seeds
 * (engine/wave/opdGradient.ts). A lost chief ray (no reference sphere) gives the residual √w·1000.
 */
import { wavefrontRmsGradient } from '../../wave/opdGradient.ts';
import { scalarOperand, wavelengthOf } from './operand.ts';

export const WAVEFRONT_RMS = scalarOperand<'WAVEFRONT_RMS'>({
  label: (o) => `WFE f${o.field + 1}`,
  undefinedResidual: 1e3,
  evaluate(system, o, params, wantGradient) {
    const g = wavefrontRmsGradient(system, o.field, wavelengthOf(system, o), wantGradient ? params : [], { rings: o.rings, arms: o.arms });
    if (!g.ok) return { value: NaN };
    return { value: g.value, gradient: wantGradient ? () => g.gradient : undefined };
  },
});
