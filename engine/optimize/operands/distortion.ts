/**
 * DISTORTION: (y − y_ref)/y_ref of the real chief ray of a field at the operand's wavelength
 * (default primary), in % (or as a fraction with `percent: false`), where y_ref = K·F is the
 * paraxial image height: K the image height per unit object field at that wavelength
 * (paraxial/pupil.ts imageHeightPerField), F the field's object-space y (tan θ or mm).
 * Derivative: the real chief ray's by the adjoint, K's and F's by paraxial tangents. A lost chief
 * ray gives the residual √w·100.
 */
import type { ParamRef } from '../../optics/params.ts';
import { imageHeightPerField, objectField, entrancePupil } from '../../paraxial/pupil.ts';
import { imageHeightPerFieldTangent, objectFieldTangent, pupilTangent } from '../../paraxial/pupilTangent.ts';
import { traceRaysWithJacobian } from '../../trace/rayJacobian.ts';
import { scalarOperand, wavelengthOf } from './operand.ts';

const CENTRE = new Float64Array(1);

export const DISTORTION = scalarOperand<'DISTORTION'>({
  label: (o) => `DIST f${o.field + 1}`,
  undefinedResidual: 100,
  evaluate(system, o, params, wantGradient) {
    const w = wavelengthOf(system, o);
    const scale = o.percent === false ? 1 : 100;
    const t = traceRaysWithJacobian(system, o.field, w, CENTRE, CENTRE, params, wantGradient, false);
    if (!t.ok[0]) return { value: NaN };
    const fx = system.fieldX[o.field], fy = system.fieldY[o.field];
    const pupil = entrancePupil(system);
    const F = objectField(system, fx, fy, pupil).y;
    const K = imageHeightPerField(system, pupil, w);
    const yRef = K * F;
    const y = t.y[0];
    const value = (scale * (y - yRef)) / yRef;
    const jy = t.jy;
    if (!jy) return { value };
    const gradient = () =>
      Float64Array.from(params, (p: ParamRef, j) => {
        const pt = pupilTangent(system, p, pupil);
        const dK = imageHeightPerFieldTangent(system, p, pupil, pt, w);
        const dF = objectFieldTangent(system, fx, fy, p, pupil, pt)[1];
        const dRef = dK * F + K * dF;
        return (scale * (jy[j] * yRef - y * dRef)) / (yRef * yRef);
      });
    return { value, gradient };
  },
});
