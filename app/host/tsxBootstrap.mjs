// Loads a TypeScript entry point through tsx in a fresh thread or process (worker_threads worker,
// Electron utility process), which do not inherit the parent's module loader hooks.
// The entry comes from workerData.entry (worker) or argv[2] (utility process), as a file URL.
import { register } from 'tsx/esm/api';
import { isMainThread, workerData } from 'node:worker_threads';

register();
// In an Electron utility process argv's layout differs from Node's: take the first file: URL.
const entry = !isMainThread && workerData && workerData.entry ? workerData.entry : process.argv.slice(1).find((a) => a.startsWith('file:'));
if (!entry) throw new Error('tsxBootstrap: no entry point given');
await import(entry);
