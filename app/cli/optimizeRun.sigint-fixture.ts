/**
 * Test fixture (not a test): `lens-studio optimize` wired to a deliberately slow toy problem, so
 * that app/cli/optimizeRun.test.ts can interrupt it with SIGINT. Usage:
 *   node bin/run-ts.js app/cli/optimizeRun.sigint-fixture.ts optimize <lens> --default-merit --out <file>
 */
import { Command } from 'commander';
import { runMain } from './errors.ts';
import { registerOptimize } from './optimizeRun.ts';
import { slowImageDistanceProblem } from './optimizeRun.testProblems.ts';

const program = new Command().name('lens-studio').exitOverride();
registerOptimize(program, slowImageDistanceProblem);
await runMain(() => program.parseAsync(process.argv));
