#!/usr/bin/env node
// The `lens-studio` command: loads the TypeScript CLI through tsx (no build step needed).
import { register } from 'tsx/esm/api';

register();
await import('../app/cli/main.ts');
