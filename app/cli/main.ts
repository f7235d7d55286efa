/**
 * The `lens-studio` command line. Each subcommand lives in app/cli/commands/<name>.ts and exports
 * `register(program)`. Errors are printed as one readable line (no stack trace) and exit non-zero.
 */
import { Command } from 'commander';
import { runMain } from './errors.ts';
import { setStrictInputs } from './loadLens.ts';
import * as commands from './commands/index.ts';

const STRICT_HELP = 'unknown keys in JSON inputs (lens, merit spec, rig, session) are errors, not warnings';

const program = new Command();
program
  .name('lens-studio')
  .description('Lens Studio: differentiable float64 sequential ray tracing and lens design')
  .showHelpAfterError()
  // Options after a subcommand belong to it (e.g. `tolerance merge ... --out` vs `tolerance --out`).
  .enablePositionalOptions()
  .option('--strict', STRICT_HELP)
  .hook('preAction', (_program, action) => setStrictInputs(program.opts().strict === true || action.opts().strict === true));

for (const command of Object.values(commands)) command.register(program);

/** `--strict` is accepted after every (sub)command too (`lens-studio analyze lens.json --strict`). */
function addStrict(cmd: Command): void {
  if (cmd.commands.length === 0) cmd.option('--strict', STRICT_HELP);
  for (const sub of cmd.commands) addStrict(sub);
}
for (const cmd of program.commands) addStrict(cmd);

await runMain(() => program.parseAsync(process.argv));
