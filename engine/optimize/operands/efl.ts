/** EFL: effective focal length at the operand's wavelength (default primary), mm (analysis/firstOrder.ts). */
import { efl } from '../../analysis/firstOrder.ts';
import { eflTangent } from '../../analysis/firstOrderTangent.ts';
import { gradientOf, scalarOperand, wavelengthOf } from './operand.ts';

export const EFL = scalarOperand<'EFL'>({
  label: () => 'EFL',
  evaluate(system, o, params) {
    const w = wavelengthOf(system, o);
    return { value: efl(system, w), gradient: gradientOf(params, (p) => eflTangent(system, p, w)) };
  },
});
