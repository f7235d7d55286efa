/**
 * The operand table: every operand type of the merit spec and its definition, one file each.
 *
 * Adding an operand (MTF, a tolerance criterion, ...):
 *   1. its schema entry in engine/io/meritSpecSchema.ts (a zod object in the `Operand` union; the
 *      file formats live in io/, below everything here);
 *   2. one file in this folder exporting its {@link OperandDefinition} — for a single value, a
 *      `scalarOperand({ label, evaluate })` with the value and its exact gradient;
 *   3. one line in the table below (it is typed by the schema's operand types, so a type with no
 *      entry does not compile), and a sample in operands.test.ts, which checks every registered
 *      operand's derivatives against finite differences.
 */
import type { Operand, OperandType } from '../../io/meritSpecSchema.ts';
import type { ParamRef } from '../../optics/params.ts';
import type { LensSystem } from '../../optics/system.ts';
import { BFL } from './bfl.ts';
import { CENTER_THICKNESS } from './centerThickness.ts';
import { DISTORTION } from './distortion.ts';
import { EDGE_THICKNESS } from './edgeThickness.ts';
import { EFL } from './efl.ts';
import { FNO } from './fno.ts';
import type { OperandDefinition, ResidualBlock } from './operand.ts';
import { REAL_IMAGE_HEIGHT } from './realImageHeight.ts';
import { RMS_SPOT } from './rmsSpot.ts';
import { TOTAL_TRACK } from './totalTrack.ts';
import { WAVEFRONT_RMS } from './wavefrontRms.ts';
import { ZERNIKE } from './zernike.ts';
import { assertSolvedListed } from '../solveJacobian.ts';

/** Every operand type → its definition. */
export const OPERANDS: { readonly [T in OperandType]: OperandDefinition<T> } = {
  EFL,
  FNO,
  BFL,
  TOTAL_TRACK,
  RMS_SPOT,
  REAL_IMAGE_HEIGHT,
  DISTORTION,
  CENTER_THICKNESS,
  EDGE_THICKNESS,
  WAVEFRONT_RMS,
  ZERNIKE,
};

/**
 * The residual block of one spec operand, differentiated over `params`, each varied alone: they
 * must include the system's solved parameters (engine/optimize/solveJacobian.ts chains them).
 * @throws Error when a solved parameter is missing from `params`
 */
export function operandBlock(system: LensSystem, o: Operand, params: readonly ParamRef[]): ResidualBlock {
  assertSolvedListed(system, params);
  const def = OPERANDS[o.type] as OperandDefinition<OperandType>;
  return { ...def.block(system, o as never, params), source: o };
}
