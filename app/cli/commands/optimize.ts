/**
 * `lens-studio optimize <lens> [--merit spec.json | --default-merit] [--vary groups] [--iterations N]
 * [--algorithm dls|adam] --out result.json`: optimizes a lens on its merit function with a progress
 * bar; Ctrl-C stops and still writes the best lens so far. The machinery is in ../optimizeRun.ts;
 * the lens-side least-squares problem is engine/optimize/meritProblem.ts's buildMeritProblem.
 */
import type { Command } from 'commander';
import { buildMeritProblem } from '../../../engine/optimize/meritProblem.ts';
import { registerOptimize } from '../optimizeRun.ts';

export function register(program: Command): void {
  registerOptimize(program, buildMeritProblem);
}
