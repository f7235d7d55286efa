/**
 * The host's analysis bundle options: the field plots only when asked (and then the engine's
 * numbers), the report left out when asked (the Field plots panel's own request), and option
 * values of the wrong type refused with the option's name.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeAnalysis } from '../../app/host/analysisBundle.ts';
import { loadSystemFile } from '../../app/cli/loadLens.ts';
import { fieldPlots } from '../../engine/analysis/fieldPlots.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('computeAnalysis options', () => {
  it('computes the report but no field plots by default; only the field plots when asked', async () => {
    const { system } = await loadSystemFile(path.join(repoRoot, 'lens-library/double-gauss.json'));
    const full = await computeAnalysis(system, 1, { spotRings: 2, fanPoints: 9 });
    expect(full.report?.paraxial.efl).toBeGreaterThan(0);
    expect(full.fieldPlots).toBeNull();
    const only = await computeAnalysis(system, 2, { spots: false, fans: false, layout: false, report: false, fieldPlots: true });
    expect(only.report).toBeNull();
    expect(only.spots).toEqual([]);
    expect(only.fans).toEqual([]);
    expect(only.layout).toBeNull();
    expect(only.errors).toEqual([]);
    expect(only.fieldPlots).toEqual(fieldPlots(system));
    expect(Object.keys(only.timingsMs).sort()).toEqual(['fieldPlots']);
  });

  it('refuses a report option that is not true or false', async () => {
    const { system } = await loadSystemFile(path.join(repoRoot, 'lens-library/cooke-triplet.json'));
    await expect(computeAnalysis(system, 1, { report: 'no' as unknown as boolean })).rejects.toThrow(/report: expected true or false/);
  });
});
