/** CENTER_THICKNESS: the thickness after `surface` (glass or air alike), mm; a solved thickness moves with every parameter. */
import { dThickness } from '../../paraxial/paraxialTangent.ts';
import { gradientOf, scalarOperand } from './operand.ts';

export const CENTER_THICKNESS = scalarOperand<'CENTER_THICKNESS'>({
  label: (o) => `CT s${o.surface + 1}`,
  evaluate(system, o, params) {
    return { value: system.surfaces[o.surface].thickness, gradient: gradientOf(params, (p) => dThickness(system, p, o.surface)) };
  },
});
