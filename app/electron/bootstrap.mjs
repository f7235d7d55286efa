// Electron main-process entry: registers tsx so the TypeScript main process runs without a build
// step (`electron app/electron/bootstrap.mjs`), then loads main.ts.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
