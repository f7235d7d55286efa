/**
 * The import graph of the source tree and the layering rules it must keep (DESIGN.md, "The shape
 * of the program"):
 *
 * - engine/ never imports app/ or renderer/, nor Node built-ins (it runs unchanged in a browser);
 * - within engine/, a folder imports only itself and the folders listed above it in ENGINE_LAYERS
 *   (materials imports nothing of the engine; deflectometry may use everything above it);
 * - app/contract/ is browser-safe: no Node built-ins, engine types only (`import type`), nothing
 *   else of app/ and nothing of renderer/;
 * - app/host and app/cli never import each other;
 * - renderer/ imports only its own files, the contract (app/contract/) and packages;
 * - no import cycles, among any source files (type-only imports count: they are dependencies too).
 *
 * Test files (*.test.ts) are not sources: a test may reach across layers to check them. The graph
 * is read with a small scanner (comments stripped, static `import`/`export … from`, side-effect
 * imports and `import('…')`), which is enough for this code base's plain ES module syntax; an
 * import that names only types (`import type`, or every name marked `type`) is type-only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';

/** Engine folders from the top (imports nothing of the engine) down, as DESIGN.md lists them. */
export const ENGINE_LAYERS = [
  'materials',
  'io',
  'optics',
  'paraxial',
  'trace',
  'analysis',
  'wave',
  'optimize',
  'tolerance',
  'imaging',
  'e2e',
  'deflectometry',
] as const;

/** Where the StudioApi contract lives: the only part of app/ the renderer may import. */
export const CONTRACT_DIRS = ['app/contract/'];

/** One import of a source file. */
export interface Import {
  /** Repository path of a relative import (`engine/io/json.ts`), else the bare specifier (`zod`, `node:fs`). */
  to: string;
  /** The import names only types (erased at run time). */
  typeOnly: boolean;
}

/** Source files → what they import. */
export type ImportGraph = Map<string, Import[]>;

export interface Violation {
  rule: 'engine-imports-app' | 'engine-imports-node' | 'engine-layer' | 'engine-unknown-folder' | 'contract-imports' | 'host-cli' | 'renderer-imports' | 'cycle';
  from: string;
  to: string;
  message: string;
}

/** One allowed violation: an edge that exists today and is known, with the reason. */
export interface AllowedViolation {
  from: string;
  to: string;
  why: string;
}

const SOURCE = /\.(ts|tsx|mts|mjs)$/;
const TEST = /\.test\.(ts|tsx|mts|mjs)$/;

/** Removes comments (keeping strings and line breaks), so commented-out imports are not read. */
export function stripComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i], d = text[i + 1];
    if (c === '/' && d === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && d === '*') {
      i += 2;
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) out += text[i++] === '\n' ? '\n' : '';
      i += 2;
    } else if (c === "'" || c === '"' || c === '`') {
      const q = c;
      out += text[i++];
      while (i < text.length && text[i] !== q) {
        if (text[i] === '\\') out += text[i++];
        out += text[i++];
      }
      out += text[i++] ?? '';
    } else {
      out += text[i++];
    }
  }
  return out;
}

const STATIC = /(?:^|[;\n}])\s*(?:import|export)\s+(type\s+)?([\w*{}\s,$]*?)\s*\bfrom\s*(['"])([^'"\n]+)\3/g;
const SIDE_EFFECT = /(?:^|[;\n}])\s*import\s*(['"])([^'"\n]+)\1/g;
const DYNAMIC = /\bimport\(\s*(['"])([^'"\n]+)\1\s*\)/g;

/** One import as written: the specifier and whether it names only types. */
export interface ImportRef {
  spec: string;
  typeOnly: boolean;
}

/** The imports of a source text (static, then side-effect, then dynamic), comments ignored. */
export function importsOf(text: string): ImportRef[] {
  const code = stripComments(text);
  const out: ImportRef[] = [];
  for (const m of code.matchAll(STATIC)) {
    const named = /^\{([^}]*)\}$/.exec(m[2].trim());
    const names = named ? named[1].split(',').map((n) => n.trim()).filter(Boolean) : [];
    out.push({ spec: m[4], typeOnly: m[1] !== undefined || (names.length > 0 && names.every((n) => n.startsWith('type '))) });
  }
  for (const m of code.matchAll(SIDE_EFFECT)) out.push({ spec: m[2], typeOnly: false });
  for (const m of code.matchAll(DYNAMIC)) out.push({ spec: m[2], typeOnly: false });
  return out;
}

/** The module specifiers a source text imports, in the order of {@link importsOf}. */
export function importSpecifiers(text: string): string[] {
  return importsOf(text).map((r) => r.spec);
}

/** Reads the import graph of the source files under `dirs` (relative to `root`). */
export function readImportGraph(root: string, dirs: readonly string[]): ImportGraph {
  const graph: ImportGraph = new Map();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'dist' && !e.name.startsWith('.')) walk(rel);
      } else if (SOURCE.test(e.name) && !TEST.test(e.name) && !e.name.endsWith('.d.ts')) {
        const refs = importsOf(fs.readFileSync(path.join(root, rel), 'utf8'));
        graph.set(
          rel,
          refs.map((r) => ({ to: r.spec.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(rel), r.spec)) : r.spec, typeOnly: r.typeOnly })),
        );
      }
    }
  };
  for (const d of dirs) if (fs.existsSync(path.join(root, d))) walk(d);
  return graph;
}

const NODE_BUILTINS = new Set(builtinModules);
const isNodeBuiltin = (spec: string) => spec.startsWith('node:') || NODE_BUILTINS.has(spec.split('/')[0]);
const isLocal = (target: string) => /^(engine|app|renderer|test|lens-library)\//.test(target);

/** The layering violations of a graph (cycles excluded: see findCycles). */
export function layerViolations(graph: ImportGraph): Violation[] {
  const out: Violation[] = [];
  const add = (rule: Violation['rule'], from: string, to: string, message: string) => out.push({ rule, from, to, message });
  for (const [from, imports] of graph) {
    const seen = new Set<string>();
    for (const { to, typeOnly } of imports) {
      if (seen.has(`${to} ${typeOnly}`)) continue;
      seen.add(`${to} ${typeOnly}`);
      if (from.startsWith('engine/')) {
        if (to.startsWith('app/') || to.startsWith('renderer/')) add('engine-imports-app', from, to, 'engine/ never imports app/ or renderer/');
        else if (!isLocal(to) && isNodeBuiltin(to)) add('engine-imports-node', from, to, 'engine/ runs in a browser: no Node built-ins');
        else if (to.startsWith('engine/')) {
          const a = from.split('/')[1], b = to.split('/')[1];
          const ia = (ENGINE_LAYERS as readonly string[]).indexOf(a), ib = (ENGINE_LAYERS as readonly string[]).indexOf(b);
          if (ia < 0 || ib < 0) add('engine-unknown-folder', from, to, `engine/${ia < 0 ? a : b} is not in ENGINE_LAYERS (DESIGN.md's order): place it`);
          else if (ib > ia) add('engine-layer', from, to, `engine/${a} may import only folders above it; ${b} is below`);
        }
      }
      if (CONTRACT_DIRS.some((c) => from.startsWith(c))) {
        if (!isLocal(to) && isNodeBuiltin(to)) add('contract-imports', from, to, 'the contract is browser-safe: no Node built-ins');
        else if (to.startsWith('engine/') && !typeOnly) add('contract-imports', from, to, 'the contract takes engine types only (import type)');
        else if ((to.startsWith('app/') && !CONTRACT_DIRS.some((c) => to.startsWith(c))) || to.startsWith('renderer/')) {
          add('contract-imports', from, to, 'the contract imports nothing else of app/ and nothing of renderer/');
        }
      }
      if ((from.startsWith('app/host/') && to.startsWith('app/cli/')) || (from.startsWith('app/cli/') && to.startsWith('app/host/'))) {
        add('host-cli', from, to, 'app/host and app/cli never import each other');
      }
      if (from.startsWith('renderer/') && isLocal(to) && !to.startsWith('renderer/') && !CONTRACT_DIRS.some((c) => to.startsWith(c))) {
        add('renderer-imports', from, to, `renderer/ imports only its own files and ${CONTRACT_DIRS.join(', ')}`);
      }
    }
  }
  return out;
}

/**
 * Import cycles: every strongly connected component of more than one file (or a file importing
 * itself), each reported as one cycle through it, e.g. [a, b, c, a].
 */
export function findCycles(graph: ImportGraph): string[][] {
  // Tarjan's strongly connected components, iterative.
  const index = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>();
  const stack: string[] = [];
  const sccs: string[][] = [];
  let next = 0;
  const edges = (v: string) => [...new Set((graph.get(v) ?? []).map((i) => i.to))].filter((w) => graph.has(w));
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: [string, number][] = [[root, 0]];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const top = work[work.length - 1];
      const [v, k] = top;
      const out = edges(v);
      if (k < out.length) {
        top[1]++;
        const w = out[k];
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const u = work[work.length - 1][0];
        low.set(u, Math.min(low.get(u)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== v);
        if (scc.length > 1 || edges(v).includes(v)) sccs.push(scc);
      }
    }
  }
  // One concrete cycle per component: a shortest path back to its first file.
  return sccs.map((scc) => {
    const members = new Set(scc);
    const start = [...scc].sort()[0];
    const prev = new Map<string, string>();
    const queue = [start];
    const seen = new Set([start]);
    while (queue.length) {
      const v = queue.shift()!;
      for (const w of edges(v)) {
        if (!members.has(w)) continue;
        if (w === start) {
          const cycle = [start];
          for (let x = v; x !== start; x = prev.get(x)!) cycle.splice(1, 0, x);
          cycle.push(start);
          return cycle;
        }
        if (!seen.has(w)) {
          seen.add(w);
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    return [start, start];
  });
}

/** Every violation: layering rules, then one 'cycle' violation per cycle (from → first step). */
export function checkImports(graph: ImportGraph): Violation[] {
  return [
    ...layerViolations(graph),
    ...findCycles(graph).map((c): Violation => ({ rule: 'cycle', from: c[0], to: c[1], message: `import cycle: ${c.join(' → ')}` })),
  ];
}

/**
 * Splits violations against an allowlist.
 * @returns the violations not allowed, and the allowlist entries that no longer occur (stale)
 */
export function applyAllowlist(violations: readonly Violation[], allowed: readonly AllowedViolation[]): { unexpected: Violation[]; stale: AllowedViolation[] } {
  const key = (a: { from: string; to: string }) => `${a.from} → ${a.to}`;
  const allowedKeys = new Set(allowed.map(key));
  const present = new Set(violations.map(key));
  return {
    unexpected: violations.filter((v) => !allowedKeys.has(key(v))),
    stale: allowed.filter((a) => !present.has(key(a))),
  };
}
