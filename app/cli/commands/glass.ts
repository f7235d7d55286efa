/**
 * `lens-studio glass <name> [--catalog CAT] [--glass-dir DIR]... [--wavelengths λ,λ,...] [--json]`:
 * the refractive index of a glass at given wavelengths (µm; default F, d, C), its nd and Abbe
 * number Vd computed from the dispersion formula, and the catalog's stated nd and Vd.
 */
import { terminalJson, writeOut } from '../terminal.ts';
import type { Command } from 'commander';
import { CatalogGlass } from '../../../engine/materials/catalog.ts';
import { FORMULA_COEFFICIENT_COUNT, FORMULA_NAMES, FormulaGlass } from '../../../engine/materials/dispersion.ts';
import { UnknownGlassError } from '../../../engine/materials/glassLibrary.ts';
import {
  abbeNumber,
  LAMBDA_C_UM,
  LAMBDA_D_UM,
  LAMBDA_F_UM,
  type Material,
} from '../../../engine/materials/material.ts';
import { CliError } from '../errors.ts';
import { num, table } from '../format.ts';
import { collect, loadGlassLibrary } from '../loadLens.ts';

interface GlassOptions {
  catalog?: string;
  glassDir: string[];
  wavelengths?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('glass')
    .description('refractive index of a glass at given wavelengths, with nd and Abbe number Vd')
    .argument('<name>', 'glass name, e.g. N-BK7 or SCHOTT:N-BK7 (case-insensitive)')
    .option('--catalog <name>', 'look only in this catalog (e.g. SCHOTT)')
    .option('--glass-dir <dir>', 'folder of Zemax AGF catalogs, searched before the built-in table (repeatable)', collect, [])
    .option('--wavelengths <list>', 'comma-separated wavelengths in µm (default F, d, C: 0.4861327,0.5875618,0.6562725)')
    .option('--json', 'print one JSON object')
    .action(async (name: string, opts: GlassOptions) => {
      const wavelengths = parseWavelengths(opts.wavelengths);
      const library = await loadGlassLibrary(opts.glassDir);
      let glass: Material;
      try {
        glass = library.resolve(opts.catalog ? { name, catalog: opts.catalog } : name);
      } catch (err) {
        if (err instanceof UnknownGlassError) throw new CliError(err.message);
        throw err;
      }
      const report = glassReport(glass, wavelengths);
      if (opts.json) process.stdout.write(`${terminalJson(report)}\n`);
      else writeOut(`${formatGlassReport(report)}\n`);
    });
}

/** Parses "0.4861,0.5876" into wavelengths in µm. @throws CliError (exit 2) for anything else */
export function parseWavelengths(text: string | undefined): number[] {
  if (text === undefined) return [LAMBDA_F_UM, LAMBDA_D_UM, LAMBDA_C_UM];
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  const bad = parts.findIndex((s, i) => s === '' || !Number.isFinite(values[i]) || values[i] <= 0);
  if (bad >= 0) throw new CliError(`--wavelengths: "${parts[bad]}" is not a wavelength in µm (e.g. 0.4861,0.5876,0.6563)`, 2);
  return values;
}

/** What `lens-studio glass --json` prints. Indices are relative to air. */
export interface GlassReport {
  name: string;
  catalog: string | null;
  formula: number | null;
  formula_name: string | null;
  coefficients: number[] | null;
  range_um: [number, number] | null;
  wavelengths_um: number[];
  n: number[];
  /** True where λ lies outside the catalog's range of validity. */
  outside_range: boolean[];
  nd: number;
  vd: number | null;
  catalog_nd: number | null;
  catalog_vd: number | null;
  glass_code: string | null;
}

/** n at each wavelength, nd and Vd from the formula, and the catalog's own data. @throws RangeError where n is undefined */
export function glassReport(glass: Material, wavelengths: number[]): GlassReport {
  const formula = glass instanceof FormulaGlass ? glass : undefined;
  const cat = glass instanceof CatalogGlass ? glass : undefined;
  const range = formula?.rangeUm;
  const vd = abbeNumber(glass);
  return {
    name: glass.name,
    catalog: glass.catalog ?? null,
    formula: formula?.formula ?? null,
    formula_name: formula ? FORMULA_NAMES[formula.formula] : null,
    coefficients: formula ? Array.from(formula.coefficients) : null,
    range_um: range ? [range[0], range[1]] : null,
    wavelengths_um: wavelengths,
    n: wavelengths.map((w) => glass.index(w)),
    outside_range: wavelengths.map((w) => (range ? w < range[0] || w > range[1] : false)),
    nd: glass.index(LAMBDA_D_UM),
    vd: Number.isFinite(vd) ? vd : null,
    catalog_nd: cat?.nd ?? null,
    catalog_vd: cat?.vd ?? null,
    glass_code: cat?.glassCode ?? null,
  };
}

/** The readable form of a glass report. */
export function formatGlassReport(r: GlassReport): string {
  const out: string[] = [];
  const where = r.catalog ? `${r.catalog}:${r.name}` : r.name;
  const formula = r.formula ? `formula ${r.formula} (${r.formula_name})` : r.catalog === 'MODEL' ? 'model glass (nd, Vd)' : '';
  const range = r.range_um ? `, valid ${r.range_um[0]}–${r.range_um[1]} µm` : '';
  out.push(`${where}${formula ? `  ${formula}` : ''}${range}`);
  out.push('');
  out.push(
    table(
      ['λ µm', 'n'],
      r.wavelengths_um.map((w, i) => [String(w), `${r.n[i].toFixed(8)}${r.outside_range[i] ? '  (outside the catalog range)' : ''}`]),
    ),
  );
  out.push('');
  const stated = (v: number | null, digits: number) => (v === null ? '' : `   (catalog ${num(v, digits)})`);
  out.push(`nd  ${r.nd.toFixed(6)}${stated(r.catalog_nd, 7)}    at ${LAMBDA_D_UM} µm`);
  out.push(`Vd  ${r.vd === null ? '∞ (no dispersion)' : r.vd.toFixed(4)}${stated(r.catalog_vd, 7)}    (nd − 1)/(nF − nC)`);
  if (r.glass_code) out.push(`glass code ${r.glass_code}`);
  if (r.coefficients && r.formula) {
    out.push(`coefficients ${r.coefficients.slice(0, FORMULA_COEFFICIENT_COUNT[r.formula]).join(' ')}`);
  }
  return out.join('\n');
}
