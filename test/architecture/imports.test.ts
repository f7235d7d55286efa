/**
 * The source tree keeps DESIGN.md's layering (see importGraph.ts for the rules): no import cycle,
 * engine/ folders import only folders above them, engine/ never imports app/, renderer/ or Node,
 * the contract is browser-safe and takes engine types only, app/host and app/cli never import each
 * other, renderer/ imports only the contract. The checker itself is tested on small synthetic
 * graphs, so a new violation is known to fail the test.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import {
  applyAllowlist,
  checkImports,
  findCycles,
  importsOf,
  importSpecifiers,
  readImportGraph,
  type AllowedViolation,
  type ImportGraph,
} from './importGraph.ts';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * Violations that exist today in parts of the tree being reorganised on other branches (issue 10),
 * listed exactly so that nothing new slips in. Remove each entry when its edge is gone: the test
 * fails on an entry that no longer occurs.
 */
const ALLOWED: AllowedViolation[] = [];

describe('the import structure of engine/, app/ and renderer/', () => {
  const graph = readImportGraph(root, ['engine', 'app', 'renderer']);

  it('reads the source files and their imports', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get('engine/paraxial/buildSystem.ts')).toContainEqual({ to: 'engine/optics/system.ts', typeOnly: false });
    expect(graph.has('app/electron/bootstrap.mjs')).toBe(true);
  });

  it('has no violation beyond the listed ones, and every listed one still occurs', () => {
    const { unexpected, stale } = applyAllowlist(checkImports(graph), ALLOWED);
    expect(unexpected.map((v) => `${v.rule}: ${v.from} → ${v.to} (${v.message})`)).toEqual([]);
    expect(stale.map((a) => `no longer occurs, remove from ALLOWED: ${a.from} → ${a.to}`)).toEqual([]);
  });
});

describe('the import checker', () => {
  /** A graph from lists of imports; 'type:x' is a type-only import of x. */
  const graphOf = (edges: Record<string, string[]>): ImportGraph =>
    new Map(Object.entries(edges).map(([from, to]) => [from, to.map((t) => (t.startsWith('type:') ? { to: t.slice(5), typeOnly: true } : { to: t, typeOnly: false }))]));
  const rules = (edges: Record<string, string[]>) => checkImports(graphOf(edges)).map((v) => `${v.rule} ${v.from} → ${v.to}`);

  it('reads static, type-only, multi-line, side-effect and dynamic imports, not commented ones', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../b.ts';",
      'import {',
      '  c,',
      '  type D,',
      "} from './c.ts';",
      "export { e } from './e.ts';",
      "export * from './f.ts';",
      "import './side.ts';",
      "const g = await import('./g.ts');",
      "// import { no } from './commented.ts';",
      "/* import { no } from './block.ts'; */",
      "const s = 'import { no } from \"./string.ts\"';",
      "import zod from 'zod';",
    ].join('\n');
    expect(importSpecifiers(text)).toEqual(['./a.ts', '../b.ts', './c.ts', './e.ts', './f.ts', 'zod', './side.ts', './g.ts']);
  });

  it('tells type-only imports from value imports', () => {
    const text = [
      "import type { A } from '../../engine/a.ts';",
      "import { type B, type C } from './b.ts';",
      "import {\n  D,\n  type E,\n} from './d.ts';",
      "export type * from './lab.ts';",
      "export { F } from 'pkg';",
      "import './style.css';",
      "const g = await import('../node/g.ts');",
      "export const h = 'not an import';",
    ].join('\n');
    expect(importsOf(text).map((r) => [r.spec, r.typeOnly])).toEqual([
      ['../../engine/a.ts', true],
      ['./b.ts', true],
      ['./d.ts', false],
      ['./lab.ts', true],
      ['pkg', false],
      ['./style.css', false],
      ['../node/g.ts', false],
    ]);
  });

  it('accepts a graph that keeps the rules', () => {
    expect(
      rules({
        'engine/io/prescription.ts': ['zod', 'engine/materials/material.ts'],
        'engine/optics/system.ts': ['engine/io/prescription.ts'],
        'engine/paraxial/paraxial.ts': ['engine/optics/system.ts'],
        'engine/deflectometry/rig.ts': ['engine/optimize/meritSpec.ts', 'engine/io/jsonText.ts'],
        'app/host/job.ts': ['engine/optics/system.ts', 'app/node/files.ts', 'node:fs', 'app/contract/studioApi.ts'],
        'app/contract/studioApi.ts': ['type:engine/io/prescription.ts', 'app/contract/wire.ts'],
        'app/cli/main.ts': ['commander', 'app/node/files.ts'],
        'renderer/src/a.tsx': ['react', 'renderer/src/b.ts', 'app/contract/studioApi.ts'],
      }),
    ).toEqual([]);
  });

  it('fails on an upward engine import, engine → app, engine → Node, an unknown folder', () => {
    expect(
      rules({
        'engine/io/prescription.ts': ['engine/optimize/meritSpec.ts'],
        'engine/trace/x.ts': ['app/node/files.ts', 'renderer/src/a.tsx', 'node:fs', 'path'],
        'engine/newthing/y.ts': ['engine/io/prescription.ts'],
      }),
    ).toEqual([
      'engine-layer engine/io/prescription.ts → engine/optimize/meritSpec.ts',
      'engine-imports-app engine/trace/x.ts → app/node/files.ts',
      'engine-imports-app engine/trace/x.ts → renderer/src/a.tsx',
      'engine-imports-node engine/trace/x.ts → node:fs',
      'engine-imports-node engine/trace/x.ts → path',
      'engine-unknown-folder engine/newthing/y.ts → engine/io/prescription.ts',
    ]);
  });

  it('fails on a contract that is not browser-safe or takes more than engine types', () => {
    expect(
      rules({
        'app/contract/api.ts': ['node:fs', 'os', 'engine/io/json.ts', 'type:engine/io/prescription.ts', 'app/node/files.ts', 'type:renderer/src/x.ts', 'app/contract/wire.ts'],
      }),
    ).toEqual([
      'contract-imports app/contract/api.ts → node:fs',
      'contract-imports app/contract/api.ts → os',
      'contract-imports app/contract/api.ts → engine/io/json.ts',
      'contract-imports app/contract/api.ts → app/node/files.ts',
      'contract-imports app/contract/api.ts → renderer/src/x.ts',
    ]);
  });

  it('fails on host ↔ cli and on the renderer importing anything but the contract', () => {
    expect(
      rules({
        'app/host/a.ts': ['app/cli/b.ts'],
        'app/cli/c.ts': ['app/host/d.ts'],
        'renderer/src/x.tsx': ['engine/io/prescription.ts', 'app/host/a.ts', 'app/contract/api.ts'],
      }),
    ).toEqual([
      'host-cli app/host/a.ts → app/cli/b.ts',
      'host-cli app/cli/c.ts → app/host/d.ts',
      'renderer-imports renderer/src/x.tsx → engine/io/prescription.ts',
      'renderer-imports renderer/src/x.tsx → app/host/a.ts',
    ]);
  });

  it('finds every cycle, within a folder too, and reports a path around it', () => {
    const g = graphOf({
      // The cycle this restructuring removed.
      'engine/io/prescription.ts': ['engine/optimize/meritSpec.ts'],
      'engine/optimize/meritSpec.ts': ['engine/optics/params.ts'],
      'engine/optics/params.ts': ['engine/optics/system.ts'],
      'engine/optics/system.ts': ['engine/optics/solves.ts', 'engine/io/prescription.ts'],
      'engine/optics/solves.ts': ['engine/trace/paraxial.ts'],
      'engine/trace/paraxial.ts': ['engine/optics/system.ts'],
      'app/a.ts': ['app/b.ts'],
      'app/b.ts': ['app/a.ts', 'app/c.ts'],
      'app/c.ts': [],
      'app/self.ts': ['app/self.ts'],
    });
    const cycles = findCycles(g);
    expect(cycles).toHaveLength(3);
    expect(cycles).toContainEqual(['app/a.ts', 'app/b.ts', 'app/a.ts']);
    expect(cycles).toContainEqual(['app/self.ts', 'app/self.ts']);
    const engine = cycles.find((c) => c[0].startsWith('engine/'))!;
    expect(engine[0]).toBe(engine[engine.length - 1]);
    for (let i = 0; i + 1 < engine.length; i++) expect(g.get(engine[i])!.map((e) => e.to)).toContain(engine[i + 1]);
    expect(checkImports(g).filter((v) => v.rule === 'cycle')).toHaveLength(3);
  });

  it('reports allowlisted violations as allowed and stale entries as stale', () => {
    const violations = checkImports(graphOf({ 'app/host/a.ts': ['app/cli/b.ts'], 'app/host/c.ts': ['app/cli/d.ts'] }));
    const { unexpected, stale } = applyAllowlist(violations, [
      { from: 'app/host/a.ts', to: 'app/cli/b.ts', why: 'known' },
      { from: 'app/host/gone.ts', to: 'app/cli/b.ts', why: 'fixed since' },
    ]);
    expect(unexpected.map((v) => v.from)).toEqual(['app/host/c.ts']);
    expect(stale.map((a) => a.from)).toEqual(['app/host/gone.ts']);
  });
});
