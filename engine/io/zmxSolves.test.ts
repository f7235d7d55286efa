/**
 * Solves and pickups in .zmx files (zmxSolves.ts): every record read into `solves` (units scaled,
 * SURF numbers to indices), what is not modelled warned by file, line and SURF, and written back
 * so that .zmx → JSON → .zmx → JSON keeps them.
 */
import { describe, expect, it } from 'vitest';
import { cookeWithSolves } from '../../test/helpers/solvedLenses.ts';
import type { Prescription } from './prescription.ts';
import { parseZmx } from './zmx.ts';
import { writeZmx } from './zmxWrite.ts';

const bytes = (lines: string[]) => new TextEncoder().encode(lines.join('\r\n'));
const parse = (lines: string[]) => parseZmx(bytes(lines), { fileName: 't.zmx' });

/** A four-surface file (SURF 1–4 between object and image) with the given lines in each SURF block. */
function file(unit: string, blocks: string[][]): string[] {
  const out = ['VERS 190513 0 0', 'MODE SEQ', 'NAME solves', `UNIT ${unit} X W X CM MR CPMM`, 'ENPD 10', 'FTYP 0 0 2 1 0 0 0', 'XFLN 0 0', 'YFLN 0 5', 'WAVM 1 0.55 1', 'PWAV 1'];
  out.push('SURF 0', '  TYPE STANDARD', '  CURV 0.0', '  DISZ INFINITY');
  blocks.forEach((b, k) => out.push(`SURF ${k + 1}`, '  TYPE STANDARD', ...b.map((l) => `  ${l}`)));
  out.push(`SURF ${blocks.length + 1}`, '  TYPE STANDARD', '  CURV 0', '  DISZ 0');
  return out;
}

describe('.zmx solves and pickups', () => {
  it('reads curvature solves (angle, F-number, pickup), PZUP, MAZH and glass pickups, scaling lengths', () => {
    const { prescription: p, warnings } = parse(
      file('CM', [
        ['STOP', 'CURV 0.05 2 -0.01 0 0 ""', 'DISZ 0.5', 'GLAS N-BK7 0 0 1.5168 64.17'],
        ['CURV -0.01 3 0.2 0 0 ""', 'DISZ 1', 'PZUP 1 2 0.1 0'],
        ['CURV 0.02 4 1 -1 0.01 ""', 'DISZ 0.4', 'GLAS N-BK7 2 1 1.5168 64.17'],
        ['CURV -0.02 11 4.5 0 0 ""', 'DISZ 5', 'MAZH 0.1 0.7'],
      ]),
    );
    expect(warnings).toEqual([]);
    expect(p.surfaces.map((s) => s.solves)).toEqual([
      { radius: { type: 'marginalRayAngle', angle: -0.01 } },
      { radius: { type: 'chiefRayAngle', angle: 0.2 }, thickness: { type: 'pickup', surface: 0, scale: 2, offset: 1 } },
      // CURV offset 0.01 per cm = 0.001 per mm; the pickup is from SURF 1, index 0.
      { radius: { type: 'pickup', surface: 0, scale: -1, offset: 0.001 }, material: { type: 'pickup', surface: 0 } },
      { radius: { type: 'fNumber', fNumber: 4.5 }, thickness: { type: 'marginalRayHeight', height: 1, pupilZone: 0.7 } },
    ]);
  });

  it('warns, naming line and SURF, for what is not modelled, and keeps the written values', () => {
    const { prescription: p, warnings } = parse(
      file('MM', [
        ['STOP', 'CURV 0.05 7 0 0 0 ""', 'DISZ 5', 'GLAS N-BK7 2 0 1.5168 64.17'],
        ['CURV -0.01 0 0 0 0 ""', 'DISZ 10', 'PZUP 1 1 0 2'],
        ['CURV 0.02 1 0 0 0 ""', 'DISZ 4', 'MAZH 0 0.5'],
        ['TYPE EVENASPH', 'CURV -0.02', 'PARM 1 0.001', 'PPAR 1 3 1 0 0', 'DISZ 50'],
      ]),
    );
    expect(warnings).toEqual([
      't.zmx:18: SURF 1: CURV solve type 7 (aplanatic) is not modelled; the radius is kept as written',
      't.zmx:20: SURF 1: glass pickup from SURF 0 (the object, the image or no surface) is not modelled; the value is kept as written',
      't.zmx:25: SURF 2: PZUP from column 2 (another parameter) is not modelled; the thickness is kept as written',
      't.zmx:30: SURF 3: MAZH pupil zone 0.5 away from the image distance is not modelled; the paraxial marginal ray is used',
      't.zmx:36: SURF 4: PPAR: the pickup of parameter 1 from SURF 3 is not modelled; the parameter is kept as written',
    ]);
    expect(p.surfaces.map((s) => s.solves)).toEqual([undefined, undefined, { thickness: { type: 'marginalRayHeight' } }, undefined]);
    expect(p.surfaces.map((s) => s.thickness)).toEqual([5, 10, 4, 50]);
  });

  it('round-trips a lens with every solve: .zmx keeps what it can hold and says what it writes as values', () => {
    const p: Prescription = cookeWithSolves();
    const warnings: string[] = [];
    const text = writeZmx(p, { warnings });
    expect(warnings).toEqual([
      'surfaces[3].solves.thickness: the edge-thickness solve has no .zmx record here; written as its current thickness',
      'surfaces[3].solves.conic: the conic pickup has no .zmx record here; written as its current conic',
      'surfaces[4].solves.thickness: the chief-ray-height solve has no .zmx record here; written as its current thickness',
    ]);
    expect(text).toMatch(/SURF 2\r\n(?:.*\r\n)*?\s+CURV \S+ 2 \S+ 0 0 ""/);
    expect(text).toMatch(/SURF 6\r\n(?:.*\r\n)*?\s+CURV \S+ 11 5\.1 0 0 ""/);
    expect(text).toMatch(/SURF 5\r\n(?:.*\r\n)*?\s+GLAS ___BLANK 2 1 1\.62 60\.3/);
    const back = parseZmx(new TextEncoder().encode(text), { fileName: 'back.zmx' });
    expect(back.warnings).toEqual([]);
    const expected = p.surfaces.map((s) => s.solves && { ...s.solves });
    delete expected[3]!.thickness;
    delete expected[3]!.conic;
    delete expected[4]!.thickness;
    // The paraxial focus on the last thickness is written MAZH 0 0 and read as the image solve.
    delete expected[5]!.thickness;
    expect(back.prescription.imageSolve).toBe('paraxialFocus');
    expect(back.prescription.surfaces.map((s) => s.solves)).toEqual(expected.map((s) => (s && Object.keys(s).length ? s : undefined)));
    // Written again, the .zmx text is the same: nothing drifts in a round trip.
    expect(writeZmx(back.prescription)).toBe(writeZmx(parseZmx(new TextEncoder().encode(writeZmx(back.prescription)), { fileName: 'again.zmx' }).prescription));
  });
});
