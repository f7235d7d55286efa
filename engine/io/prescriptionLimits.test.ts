/** The prescription's bounds of physical sense (prescription.ts LIMITS), each an error naming its JSON path. */
import { describe, expect, it } from 'vitest';
import { validatePrescription } from './json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';

type Lens = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const base = (): Lens => ({
  format: 'lens-studio/1',
  name: 'singlet',
  units: 'mm',
  object: { distance: 'infinity' },
  aperture: { type: 'EPD', value: 10 },
  fields: { type: 'angle', points: [{ x: 0, y: 0 }, { x: 0, y: 10 }] },
  wavelengths: { valuesUm: [0.4861327, 0.5875618, 0.6562725], primaryIndex: 1 },
  surfaces: [
    { type: 'standard', radius: 50, thickness: 4, material: 'N-BK7', stop: true, semiDiameter: 6 },
    { type: 'standard', radius: null, thickness: 95 },
  ],
});

function refused(edit: (p: Lens) => void, message: RegExp): void {
  const p = base();
  edit(p);
  expect(() => buildSystem(validatePrescription(p, 'lens.json'), GlassLibrary.builtin())).toThrow(message);
}

describe('prescription limits', () => {
  it('accepts the base lens and values at the edges of the ranges', () => {
    expect(() => buildSystem(validatePrescription(base()), GlassLibrary.builtin())).not.toThrow();
    const p = base();
    p.fields.points[1].y = 89.9;
    p.wavelengths.valuesUm = [0.1, 20];
    p.wavelengths.primaryIndex = 0;
    p.aperture = { type: 'imageFNumber', value: 1e4 };
    expect(() => validatePrescription(p)).not.toThrow();
  });

  it('field angles inside (−90°, 90°)', () => {
    refused((p) => (p.fields.points[1].y = 90), /lens\.json: fields\.points\[1\]\.y: field angle 90° is outside \(−90°, 90°\)/);
    refused((p) => (p.fields.points[1].x = -120), /fields\.points\[1\]\.x: field angle -120°/);
    // Heights are not angles.
    const p = base();
    p.fields = { type: 'paraxialImageHeight', points: [{ x: 0, y: 120 }] };
    expect(() => validatePrescription(p)).not.toThrow();
  });

  it('F-number, EPD, NA', () => {
    refused((p) => (p.aperture = { type: 'imageFNumber', value: 2e4 }), /aperture\.value: expected an F-number in \(0, 10000\], got 20000/);
    refused((p) => (p.aperture = { type: 'imageFNumber', value: -2 }), /aperture\.value: expected an F-number/);
    refused((p) => (p.aperture = { type: 'EPD', value: 1e7 }), /aperture\.value: expected an entrance-pupil diameter in \(0, 1000000\] mm/);
    refused((p) => (p.aperture = { type: 'EPD', value: 0 }), /aperture\.value: expected an entrance-pupil diameter/);
    refused((p) => ((p.object = { distance: 100 }), (p.aperture = { type: 'objectNA', value: 0 })), /aperture\.value: expected a numerical aperture > 0/);
    refused((p) => ((p.object = { distance: 100 }), (p.aperture = { type: 'objectNA', value: 1.2 })), /aperture\.value: a numerical aperture of 1\.2 needs an object-space index above it \(n = 1\)/);
  });

  it('radii and focal lengths', () => {
    refused((p) => (p.surfaces[0].radius = 1e-9), /surfaces\[0\]\.radius: \|radius\| below 1e-6 mm is not a surface/);
    refused((p) => (p.surfaces[1] = { type: 'paraxial', focalLength: -1e-8, thickness: 10 }), /surfaces\[1\]\.focalLength: \|focal length\| below 1e-6 mm/);
    refused((p) => (p.image = { radius: 1e-7 }), /image\.radius: \|radius\| below 1e-6 mm/);
  });

  it('wavelengths 0.1–20 µm with one weight each', () => {
    refused((p) => (p.wavelengths.valuesUm[2] = 656.3), /wavelengths\.valuesUm\[2\]: expected a wavelength from 0\.1 to 20 µm \(wavelengths are in µm, not nm\)/);
    refused((p) => (p.wavelengths.valuesUm[0] = 0.05), /wavelengths\.valuesUm\[0\]: expected a wavelength from 0\.1 to 20 µm/);
    refused((p) => (p.wavelengths.weights = [1, 2]), /wavelengths\.weights: expected one weight per wavelength \(3\), got 2/);
    refused((p) => (p.wavelengths.weights = [1, -1, 1]), /wavelengths\.weights\[1\]: expected a weight ≥ 0/);
  });

  it('asphere coefficients whose sag is not finite at the clear aperture', () => {
    refused(
      (p) => (p.surfaces[0] = { type: 'evenAsphere', radius: 50, thickness: 4, material: 'N-BK7', stop: true, semiDiameter: 6, asphere: [0, 1e300, 1e305] }),
      /surfaces\[0\]\.asphere: the sag is not finite at the clear semi-diameter 6 mm/,
    );
    // Large but finite there: fine.
    const p = base();
    p.surfaces[0] = { type: 'evenAsphere', radius: 50, thickness: 4, material: 'N-BK7', stop: true, semiDiameter: 6, asphere: [0, 1e-5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1e-60] };
    expect(() => buildSystem(validatePrescription(p), GlassLibrary.builtin())).not.toThrow();
  });

  it('at most 1,000 surfaces', () => {
    refused((p) => (p.surfaces = Array.from({ length: 1001 }, () => ({ type: 'standard', radius: null, thickness: 1 }))), /lens\.json: surfaces: more than 1000 surfaces/);
  });
});
