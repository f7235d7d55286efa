/**
 * ZERNIKE: one Zernike coefficient (waves) of a field's wavefront at the operand's wavelength
 * (default primary): Fringe (University of Arizona, unit peak; default) or Standard (Noll, unit
 * RMS) term `term`, from an area-weighted least-squares fit (engine/wave/zernike.ts), with its
 * exact gradient dc = G·dW through the real-ray adjoint (engine/wave/opdGradient.ts). A lost chief
 * ray gives the residual √w·1000.
 */
import { zernikeGradient } from '../../wave/opdGradient.ts';
import { scalarOperand, wavelengthOf } from './operand.ts';

export const ZERNIKE = scalarOperand<'ZERNIKE'>({
  label: (o) => `Z${o.term}${(o.basis ?? 'fringe') === 'fringe' ? '' : ' Noll'} f${o.field + 1}`,
  undefinedResidual: 1e3,
  evaluate(system, o, params, wantGradient) {
    const g = zernikeGradient(system, o.field, wavelengthOf(system, o), o.basis ?? 'fringe', o.term, wantGradient ? params : [], { rings: o.rings, arms: o.arms });
    if (!g.ok) return { value: NaN };
    return { value: g.value, gradient: wantGradient ? () => g.gradient : undefined };
  },
});
