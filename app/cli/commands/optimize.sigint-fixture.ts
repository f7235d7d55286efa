/**
 * Test fixture (not a test): `lens-studio optimize` wired to a deliberately slow toy problem, so
 * that ./optimize.test.ts can interrupt it with SIGINT. Usage:
 *   node bin/run-ts.js app/cli/commands/optimize.sigint-fixture.ts optimize <lens> --default-merit --out <file>
 */
import { Command } from 'commander';
import { runMain } from '../errors.ts';
import { register } from './optimize.ts';
import { slowImageDistanceProblem } from './optimize.testProblems.ts';

const program = new Command().name('lens-studio').exitOverride();
register(program, slowImageDistanceProblem);
await runMain(() => program.parseAsync(process.argv));
