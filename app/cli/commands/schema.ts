/** `lens-studio schema`: prints the JSON Schema of the lens-studio/1 prescription format. */
import type { Command } from 'commander';
import { z } from 'zod';
import { Prescription } from '../../../engine/io/prescription.ts';

export function register(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of the lens-studio/1 prescription format')
    .action(() => {
      const schema = z.toJSONSchema(Prescription, { unrepresentable: 'any' });
      process.stdout.write(`${JSON.stringify({ title: 'Lens Studio prescription (lens-studio/1)', ...schema }, null, 2)}\n`);
    });
}
