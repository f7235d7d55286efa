// Loads a TypeScript entry point through tsx in a fresh thread or process (worker_threads worker,
// Electron utility process), which do not inherit the parent's module loader hooks.
// The entry comes from workerData.entry (worker) or argv[2] (utility process), as a file URL.
import { register } from 'tsx/esm/api';
import { isMainThread, workerData } from 'node:worker_threads';

register();
const entry = !isMainThread && workerData && workerData.entry ? workerData.entry : process.argv[2];
if (!entry) throw new Error('tsxBootstrap: no entry point given');
await import(entry);
