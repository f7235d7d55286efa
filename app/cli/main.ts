/**
 * The `lens-studio` command line. Each subcommand lives in app/cli/commands/<name>.ts and exports
 * `register(program)`. Errors are printed as one readable line (no stack trace) and exit non-zero.
 */
import { Command } from 'commander';
import { runMain } from './errors.ts';
import * as commands from './commands/index.ts';

const program = new Command();
program
  .name('lens-studio')
  .description('Lens Studio: differentiable float64 sequential ray tracing and lens design')
  .showHelpAfterError()
  // Options after a subcommand belong to it (e.g. `tolerance merge ... --out` vs `tolerance --out`).
  .enablePositionalOptions();

for (const command of Object.values(commands)) command.register(program);

await runMain(() => program.parseAsync(process.argv));
