/**
 * REAL_IMAGE_HEIGHT: y of the real chief ray (pupil centre) of a field on the image surface at the
 * operand's wavelength (default primary), mm, differentiated by the real-ray adjoint. A lost chief
 * ray gives the residual √w·1000.
 */
import { traceRaysWithJacobian } from '../../trace/rayJacobian.ts';
import { LOST_RAY_RESIDUAL, scalarOperand, wavelengthOf } from './operand.ts';

const CENTRE = new Float64Array(1);

export const REAL_IMAGE_HEIGHT = scalarOperand<'REAL_IMAGE_HEIGHT'>({
  label: (o) => `REAY f${o.field + 1}`,
  undefinedResidual: LOST_RAY_RESIDUAL * 1e3,
  evaluate(system, o, params, wantGradient) {
    const t = traceRaysWithJacobian(system, o.field, wavelengthOf(system, o), CENTRE, CENTRE, params, wantGradient);
    if (!t.ok[0]) return { value: NaN };
    return { value: t.y[0], gradient: t.jy && (() => t.jy!) };
  },
});
