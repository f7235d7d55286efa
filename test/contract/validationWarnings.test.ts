/**
 * Validation warnings reach the studio (issue 12 items 6, 7): a lens opened in the studio with a
 * misspelt key, or wavelengths outside a glass's catalogued range, carries the warnings in its
 * snapshot; the range warnings follow the edits.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudioSession } from '../../app/host/studioSession.ts';
import { repoRoot } from './studioContract.ts';

const session = () => new StudioSession({ libraryDir: path.join(repoRoot, 'lens-library'), stateDir: null, mode: 'in-process', engineThread: 'main' });
const cooke = async () => JSON.parse(await readFile(path.join(repoRoot, 'lens-library/cooke-triplet.json'), 'utf8'));

describe('validation warnings in the studio', () => {
  it('an unknown key is a warning with the closest known key', async () => {
    const lens = await cooke();
    lens.surfaces[1].semiDiamter = 5;
    const snap = await session().openFile('typo.json', new TextEncoder().encode(JSON.stringify(lens)));
    expect(snap.warnings).toContain('surfaces[1].semiDiamter: unknown key — did you mean semiDiameter?');
  });

  it('wavelengths outside a glass range are warned about, and the warning follows the edits', async () => {
    const s = session();
    const lens = await cooke();
    lens.wavelengths = { valuesUm: [0.5875618, 2.9], primaryIndex: 0 };
    lens.glassCatalogs = ['SCHOTT'];
    lens.surfaces = lens.surfaces.map((x: { material?: unknown }) => (x.material ? { ...x, material: 'N-SK16' } : x));
    const snap = await s.openFile('ir.json', new TextEncoder().encode(JSON.stringify(lens)));
    expect(snap.warnings.join('\n')).toMatch(/^N-SK16 \(SCHOTT\) at surfaces\[0\], surfaces\[2\], surfaces\[4\]: 2\.9 µm is outside its catalogued range/m);
    const back = await s.edit({ op: 'setSystem', field: 'wavelengths', value: { valuesUm: [0.5875618], primaryIndex: 0 } });
    expect(back.warnings.filter((w) => /catalogued range/.test(w))).toEqual([]);
  });
});
