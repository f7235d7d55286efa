/**
 * `npm run bench [-- --json]`: prints the project's benchmark figures (not timed tests).
 * Each figure comes from a module in test/bench/; missing modules are reported, not faked.
 */
import { benchRefresh, benchTrace } from './trace.ts';

const json = process.argv.includes('--json');
const results: Record<string, unknown> = {};
const log = (msg: string) => {
  if (!json) process.stdout.write(`${msg}\n`);
  else process.stderr.write(`${msg}\n`);
};

async function optional(name: string, file: string, fn: (mod: Record<string, unknown>) => Promise<Record<string, unknown>> | Record<string, unknown>) {
  try {
    const mod = (await import(file)) as Record<string, unknown>;
    Object.assign(results, await fn(mod));
  } catch (err) {
    results[`${name}_error`] = (err as Error).message.split('\n')[0];
  }
}

results.trace_rays_per_s = Math.round(benchTrace());
log(`trace_rays_per_s ${results.trace_rays_per_s}`);
results.refresh_ms = Number(benchRefresh().toFixed(3));
log(`refresh_ms ${results.refresh_ms}`);

await optional('real_aim', './aim.ts', async (m) => (m.benchRealAim as () => Record<string, number>)());
await optional('zmx_import', './zmx.ts', async (m) => ({ zmx_import_ms: await (m.benchZmxImport as () => number)() }));
await optional('gradient', './gradient.ts', async (m) => (m.benchGradient as () => Promise<Record<string, unknown>>)());
await optional('cooke_reoptimize', './optimize.ts', async (m) => (m.benchCookeReoptimize as () => Promise<Record<string, unknown>>)());
await optional('e2e', './e2e.ts', async (m) => (m.benchE2eStep as () => Promise<Record<string, unknown>>)());
await optional('e2e_wiener', './e2e.ts', async (m) => (m.benchWiener as () => Record<string, unknown>)());
await optional('e2e_edof', './e2e.ts', async (m) => (m.benchEdofStep as () => Promise<Record<string, unknown>>)());
await optional('studio', './studio.ts', async (m) => (m.benchStudioEditToFrame as () => Promise<Record<string, unknown>>)());
await optional('wave', './wave.ts', async (m) => (m.benchWave as () => Record<string, unknown>)());
await optional('tolerance', './tolerance.ts', async (m) => (m.benchTolerance as () => Promise<Record<string, unknown>>)());
await optional('deflectometry', './deflectometry.ts', async (m) => (m.benchDeflectometry as () => Promise<Record<string, unknown>>)());

if (json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
else for (const [k, v] of Object.entries(results)) process.stdout.write(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}\n`);
