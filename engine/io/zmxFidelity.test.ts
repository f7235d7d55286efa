/**
 * What .zmx export and import keep: apertures and obscurations, ray aiming (RAIM), the
 * paraxial-focus image solve (MAZH), and glasses with the catalogs they come from (GCAT).
 */
import { describe, expect, it } from 'vitest';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import type { Prescription, SurfaceSpec } from './prescription.ts';
import { encodeUtf16Le } from './text.ts';
import { parseZmx } from './zmx.ts';
import { writeZmx, ZmxWriteError } from './zmxWrite.ts';

const library = GlassLibrary.builtin();
const resolveGlass = (name: string, catalogs: string[]) => library.find(name, { catalogOrder: catalogs }) !== undefined;
const roundTrip = (p: Prescription, warnings: string[] = []) =>
  parseZmx(encodeUtf16Le(writeZmx(p, { glassLibrary: library, warnings })), { fileName: 'rt.zmx', resolveGlass });

function lens(surfaces: SurfaceSpec[], extra: Partial<Prescription> = {}): Prescription {
  return {
    format: 'lens-studio/1', name: 'fidelity', units: 'mm', object: { distance: 'infinity' },
    aperture: { type: 'EPD', value: 10 }, fields: { type: 'angle', points: [{ x: 0, y: 0 }, { x: 0, y: 5 }] },
    wavelengths: { valuesUm: [0.4861327, 0.5875618, 0.6562725], primaryIndex: 1 },
    surfaces, ...extra,
  };
}

describe('.zmx apertures and obscurations', () => {
  const shapes: Partial<SurfaceSpec>[] = [
    { semiDiameter: 10 },
    { semiDiameter: 10, obscuration: 2.5 },
    { obscuration: 3 },
    { aperture: { shape: 'rectangular', halfWidthX: 4, halfWidthY: 2, decenterX: 0.5, decenterY: -1 } },
    { aperture: { shape: 'rectangular', halfWidthX: 1, halfWidthY: 3, obscuration: true } },
    { aperture: { shape: 'elliptical', halfWidthX: 5, halfWidthY: 3, decenterY: 0.25 } },
    { aperture: { shape: 'elliptical', halfWidthX: 1.5, halfWidthY: 1, obscuration: true, decenterX: -0.5 } },
    { aperture: { shape: 'circular', minRadius: 1, maxRadius: 6, decenterX: 0.2 } },
    { aperture: { shape: 'circular', minRadius: 0.5, maxRadius: 2, obscuration: true } },
  ];
  const keyword = ['CLAP 0 10 0', 'CLAP 2.5 10 0', 'OBSC 0 3 0', 'SQAP 4 2 0', 'SQOB 1 3 0', 'ELAP 5 3 0', 'ELOB 1.5 1 0', 'CLAP 1 6 0', 'OBSC 0.5 2 0'];

  it('writes each shape with its OpticStudio keyword (and OBDC) and reads it back unchanged', () => {
    shapes.forEach((shape, k) => {
      const p = lens([{ type: 'standard', radius: 40, thickness: 4, material: 'N-BK7', stop: true, ...shape } as SurfaceSpec, { type: 'standard', radius: -40, thickness: 40 }], {
        image: { radius: null, ...shape } as Prescription['image'],
      });
      const text = writeZmx(p, { glassLibrary: library });
      expect(text).toContain(`  ${keyword[k]}\r\n`);
      const back = roundTrip(p).prescription;
      expect(back.surfaces[0]).toEqual(p.surfaces[0]);
      const { radius: _r, ...imageShape } = p.image!;
      expect(back.image).toEqual(imageShape);
    });
  });

  it('reads OBSC, SQAP with OBDC and an annular CLAP in lens units, and refuses a surface with two apertures', () => {
    const file = [
      'VERS 190513 0 0', 'MODE SEQ', 'UNIT IN X W X CM MR CPMM', 'ENPD 0.5', 'GCAT SCHOTT', 'FTYP 0 0 1 1 0 0 0', 'XFLN 0', 'YFLN 0', 'WAVM 1 0.55 1', 'PWAV 1',
      'SURF 0', '  DISZ INFINITY',
      'SURF 1', '  STOP', '  CURV 0.1', '  DISZ 0.2', '  GLAS N-BK7 0 0 1.5168 64.17', '  OBSC 0 0.1 0',
      'SURF 2', '  CURV -0.1', '  DISZ 4', '  SQAP 0.3 0.2 0', '  OBDC 0 -0.05',
      'SURF 3', '  DISZ 0', '  CLAP 0.05 0.5 0',
    ];
    const { prescription: p, warnings } = parseZmx(new TextEncoder().encode(file.join('\r\n')), { fileName: 'in.zmx' });
    expect(warnings).toEqual([]);
    expect(p.surfaces[0].obscuration).toBeCloseTo(2.54, 12);
    expect(p.surfaces[1].aperture).toEqual({ shape: 'rectangular', halfWidthX: 0.3 * 25.4, halfWidthY: 0.2 * 25.4, decenterY: -0.05 * 25.4 });
    expect(p.image?.semiDiameter).toBeCloseTo(12.7, 12);
    expect(p.image?.obscuration).toBeCloseTo(1.27, 12);
    const both = lens([{ type: 'standard', radius: 40, thickness: 4, semiDiameter: 8, aperture: { shape: 'elliptical', halfWidthX: 2, halfWidthY: 1 } }]);
    expect(() => writeZmx(both)).toThrow(ZmxWriteError);
    expect(() => writeZmx(both)).toThrow(/surfaces\[0\]: an `aperture` together with `semiDiameter`/);
  });
});

describe('.zmx ray aiming and the paraxial-focus image solve', () => {
  const doublet = (extra: Partial<Prescription> = {}) =>
    lens([{ type: 'standard', radius: 60, thickness: 6, material: 'N-BK7', stop: true }, { type: 'standard', radius: -45, thickness: 2, material: 'SF2' }, { type: 'standard', radius: -200, thickness: 90 }], { glassCatalogs: ['SCHOTT'], ...extra });

  it('writes RAIM (real: type 2) and reads types 1 and 2 as real aiming, 0 as paraxial', () => {
    expect(writeZmx(doublet({ rayAiming: 'real' }))).toContain('\r\nRAIM 0 2 1 1 0 0 0 0 0\r\n');
    expect(writeZmx(doublet())).toContain('\r\nRAIM 0 0 1 1 0 0 0 0 0\r\n');
    expect(roundTrip(doublet({ rayAiming: 'real' })).prescription.rayAiming).toBe('real');
    expect(roundTrip(doublet()).prescription.rayAiming).toBeUndefined();
    const text = writeZmx(doublet()).replace('RAIM 0 0', 'RAIM 0 1');
    expect(parseZmx(encodeUtf16Le(text), { fileName: 'r.zmx' }).prescription.rayAiming).toBe('real');
  });

  it('writes the solve as MAZH 0 0 after the solved DISZ, and reads it back as imageSolve', () => {
    const text = writeZmx(doublet({ imageSolve: 'paraxialFocus' }), { solvedLastThickness: 87.125 });
    expect(text).toContain('SURF 3\r\n  TYPE STANDARD\r\n  CURV -0.005\r\n  DISZ 87.125\r\n  MAZH 0 0\r\n');
    expect(text.match(/MAZH/g)).toHaveLength(1);
    const back = parseZmx(encodeUtf16Le(text), { fileName: 's.zmx' });
    expect(back.prescription.imageSolve).toBe('paraxialFocus');
    expect(back.prescription.surfaces[2].thickness).toBe(87.125);
    expect(back.warnings).toEqual([]);
    // Without the solve nothing is written; a solve with a pupil zone, or on another thickness, is warned.
    expect(writeZmx(doublet())).not.toContain('MAZH');
    const zone = parseZmx(encodeUtf16Le(text.replace('MAZH 0 0', 'MAZH 0 0.7')), { fileName: 's.zmx' });
    expect(zone.prescription.imageSolve).toBeUndefined();
    expect(zone.warnings).toEqual([expect.stringMatching(/^s\.zmx:\d+: SURF 3: MAZH 0 0\.7 \(marginal-ray-height thickness solve\) is only modelled as height 0, zone 0 on the last thickness/)]);
  });
});

describe('.zmx glasses and GCAT', () => {
  const hikariF2 = { name: 'F2', catalog: 'HIKARI', formula: 1, coefficients: [2.545002, -0.001337396, 0.02801151, -0.0005417021, 0.0001501754, -3.617071e-6] };

  it('lists the catalogs actually used, so a glass comes back from its own catalog (HIKARI F2, not SCHOTT F2)', () => {
    const p = lens([{ type: 'standard', radius: 50, thickness: 5, material: hikariF2, stop: true }, { type: 'standard', radius: -50, thickness: 45, material: 'SCHOTT:N-BK7' }, { type: 'standard', radius: -200, thickness: 40 }], { glassCatalogs: ['SCHOTT', 'OHARA'] });
    const warnings: string[] = [];
    const text = writeZmx(p, { glassLibrary: library, warnings });
    expect(warnings).toEqual([]);
    expect(text).toContain('\r\nGCAT HIKARI SCHOTT\r\n');
    expect(text).toMatch(/GLAS F2 0 0 1\.6200\d+ 36\.33\d+/);
    const back = parseZmx(encodeUtf16Le(text), { fileName: 'g.zmx', resolveGlass }).prescription;
    expect(back.glassCatalogs).toEqual(['HIKARI', 'SCHOTT']);
    const original = library.resolve(hikariF2);
    const again = library.resolve(back.surfaces[0].type === 'standard' ? back.surfaces[0].material : undefined, back.glassCatalogs);
    for (const w of [0.4, 0.4861327, 0.5875618, 0.6562725, 0.9]) expect(again.index(w)).toBe(original.index(w));
    expect(library.find('F2', { catalogOrder: ['SCHOTT'] })!.index(0.4)).not.toBe(original.index(0.4));
  });

  it('writes a glass of no catalog, and one that GCAT would shadow, as model glasses with a warning', () => {
    const odd = { name: 'MYGLASS', formula: 2, coefficients: [1.04, 0.006, 0.23, 0.02, 1.01, 103] };
    const p = lens([
      { type: 'standard', radius: 50, thickness: 5, material: 'SCHOTT:F2', stop: true },
      { type: 'standard', radius: -50, thickness: 3, material: 'HIKARI:F2' },
      { type: 'standard', radius: -80, thickness: 3, material: odd },
      { type: 'standard', radius: -200, thickness: 40 },
    ]);
    const warnings: string[] = [];
    const text = writeZmx(p, { glassLibrary: library, warnings });
    expect(text).toContain('\r\nGCAT SCHOTT HIKARI\r\n');
    expect(text.match(/GLAS ___BLANK 1 0/g)).toHaveLength(2);
    expect(warnings).toEqual([
      expect.stringMatching(/^surfaces\[1\]: glass HIKARI:F2 \(HIKARI\) shares its name with a glass of another catalog this lens uses, which GCAT would find first; written as a model glass \(nd = 1\.620040, Vd = 36\.3\d\d\), which changes the index by up to \d\.\de-\d at the system wavelengths$/),
      expect.stringMatching(/^surfaces\[2\]: glass MYGLASS is given by an inline dispersion formula that matches no catalog glass at hand; written as a model glass/),
    ]);
  });

  it('on import, warns when a glass name is in several catalogs with different indices and the file has no GCAT', () => {
    const p = lens([{ type: 'standard', radius: 50, thickness: 5, material: 'SCHOTT:F2', stop: true }, { type: 'standard', radius: -50, thickness: 45 }]);
    const text = writeZmx(p, { glassLibrary: library });
    const matches = () => [{ catalog: 'CDGM', nd: 1.6129 }, { catalog: 'SCHOTT', nd: 1.62004 }];
    const noGcat = parseZmx(encodeUtf16Le(text.replace(/GCAT [^\r]*\r\n/, '')), { fileName: 'n.zmx', resolveGlass, glassMatches: matches });
    expect(noGcat.warnings).toEqual([
      expect.stringMatching(/^n\.zmx:\d+: SURF 1: glass F2 is in several catalogs, CDGM \(nd 1\.61290\), SCHOTT \(nd 1\.62004\), and the file has no GCAT to choose; CDGM's is used$/),
    ]);
    expect(parseZmx(encodeUtf16Le(text), { fileName: 'n.zmx', resolveGlass, glassMatches: matches }).warnings).toEqual([]);
    const same = () => [{ catalog: 'SCHOTT', nd: 1.62004 }, { catalog: 'HIKARI', nd: 1.62004 }];
    expect(parseZmx(encodeUtf16Le(text.replace(/GCAT [^\r]*\r\n/, '')), { fileName: 'n.zmx', resolveGlass, glassMatches: same }).warnings).toEqual([]);
  });
});
