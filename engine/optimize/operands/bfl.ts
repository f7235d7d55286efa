/** BFL: last vertex to the paraxial focus at the operand's wavelength (default primary), mm (analysis/firstOrder.ts). */
import { bfl } from '../../analysis/firstOrder.ts';
import { bflTangent } from '../../analysis/firstOrderTangent.ts';
import { gradientOf, scalarOperand, wavelengthOf } from './operand.ts';

export const BFL = scalarOperand<'BFL'>({
  label: () => 'BFL',
  evaluate(system, o, params) {
    const w = wavelengthOf(system, o);
    return { value: bfl(system, w), gradient: gradientOf(params, (p) => bflTangent(system, p, w)) };
  },
});
