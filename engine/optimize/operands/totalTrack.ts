/** TOTAL_TRACK: surface 1's vertex to the image plane along the axis (Σ thicknesses), mm. */
import { totalTrack } from '../../analysis/firstOrder.ts';
import { totalTrackTangent } from '../../analysis/firstOrderTangent.ts';
import { gradientOf, scalarOperand } from './operand.ts';

export const TOTAL_TRACK = scalarOperand<'TOTAL_TRACK'>({
  label: () => 'TOTAL_TRACK',
  evaluate(system, _o, params) {
    return { value: totalTrack(system), gradient: gradientOf(params, (p) => totalTrackTangent(system, p)) };
  },
});
