/**
 * FNO: paraxial image-space F-number EFL/EPD at the primary wavelength, as first-order data's `fno`
 * (analysis/firstOrder.ts). The operand's `wavelength` is not used: the entrance pupil is defined at
 * the primary wavelength.
 */
import { fno } from '../../analysis/firstOrder.ts';
import { fnoTangent } from '../../analysis/firstOrderTangent.ts';
import { entrancePupil } from '../../paraxial/pupil.ts';
import { gradientOf, scalarOperand } from './operand.ts';

export const FNO = scalarOperand<'FNO'>({
  label: () => 'FNO',
  evaluate(system, _o, params) {
    const pupil = entrancePupil(system);
    return { value: fno(system, pupil), gradient: gradientOf(params, (p) => fnoTangent(system, p, pupil)) };
  },
});
