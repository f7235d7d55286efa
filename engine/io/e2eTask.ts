/**
 * End-to-end task presets (`"format": "lens-studio-e2e-task/1"`): plain JSON files naming a lens,
 * the object distances the camera must image, the lens variables with their Adam step sizes, the
 * sensor, the PSF sampling and the default training settings, so that `lens-studio e2e --task FILE`
 * reproduces a study and a user can copy and edit one. The built-in presets live in
 * lens-library/e2e/.
 *
 * Units: mm, µm for the pixel pitch; variable steps in the variable's own unit (curvature 1/mm,
 * XY coefficient a_{j,i} mm^(1−j), ...). Surfaces are 0-based, as in the prescription format.
 * `depths.farMm` may be "infinity". Training draws the object distance uniformly from `depths.train`
 * distances equally spaced in diopters (1/z) from far to near (both included); the held-out set
 * uses `depths.eval` such distances.
 */
import { z } from 'zod';
import { VariableSpec } from './meritSpecSchema.ts';
import { Prescription } from './prescription.ts';

export const E2E_TASK_FORMAT = 'lens-studio-e2e-task/1';

const finite = () => z.number().refine(Number.isFinite, { message: 'expected a finite number' });
const positive = () => finite().refine((v) => v > 0, { message: 'expected a number > 0' });
const count = (min: number, max: number) => z.number().int().min(min).max(max);

/** A lens variable with its Adam step (the typical change per step, in the variable's unit). */
export const TaskVariable = z.intersection(VariableSpec, z.object({ step: positive() }));

export const RECON_KINDS = ['wiener', 'unet', 'wiener+unet'] as const;
export type ReconKind = (typeof RECON_KINDS)[number];

/** Training defaults a task may set (each overridable on the command line). */
export const TaskDefaults = z.strictObject({
  recon: z.enum(RECON_KINDS).optional(),
  steps: count(0, 1_000_000).optional(),
  warmup: count(0, 1_000_000).optional(),
  patch: count(16, 1024).optional(),
  batch: count(1, 256).optional(),
  netLr: positive().optional(),
  loss: z.enum(['l1', 'mse', 'psnr']).optional(),
  ssimWeight: finite().refine((v) => v >= 0, { message: 'expected a number ≥ 0' }).optional(),
  unetLevels: count(1, 6).optional(),
  unetFilters: count(1, 256).optional(),
  lensEvery: count(1, 1000).optional(),
  networkStart: count(0, 1_000_000).optional(),
  holdout: z.enum(['photos', 'regions']).optional(),
  eval: count(1, 100_000).optional(),
  evalPatch: count(16, 2048).optional(),
  margin: count(0, 512).optional(),
  wienerPrior: z.enum(['flat', 'gradient']).optional(),
  /** 'wiener+unet': the U-Net also sees the raw sensor image beside the Wiener stage's output. */
  unetSensorInput: z.boolean().optional(),
  /** The network's learning-rate schedule: constant or cosine (warm-up, then cosine decay). */
  netSchedule: z.enum(['constant', 'cosine']).optional(),
  /** With photographs: the fraction of training crops drawn from dead-leaves images instead (0 ≤ f < 1). */
  mixDeadLeaves: finite().refine((v) => v >= 0 && v < 1, { message: 'expected a fraction in [0, 1)' }).optional(),
  sequentialIterations: count(0, 10_000).optional(),
});

/**
 * What a study of this task is expected to show (dB of held-out PSNR); the report says for each
 * whether the run met it. A paired aim is met when the mean difference reaches the figure and is
 * more than two standard errors from zero; `nominalRestoreDb` asks arm (a) (nominal lens + its
 * trained reconstruction) to beat its own sensor image by that much, paired per patch likewise.
 */
export const TaskAims = z.strictObject({
  jointVsNominalDb: finite().optional(),
  jointVsSequentialDb: finite().optional(),
  nominalRestoreDb: finite().optional(),
  /** Where the aims come from (a paper, a requirement). */
  source: z.string().optional(),
});

export const E2eTask = z.strictObject({
  format: z.literal(E2E_TASK_FORMAT),
  name: z.string().min(1),
  description: z.string().optional(),
  source: z.string().optional(),
  /** The lens: an inline prescription, or a path relative to the task file. */
  lens: z.union([Prescription, z.string().min(1)]),
  depths: z
    .strictObject({
      nearMm: positive(),
      farMm: z.union([positive(), z.literal('infinity')]),
      train: count(1, 64).optional(),
      eval: count(2, 64).optional(),
    })
    .refine((d) => d.farMm === 'infinity' || d.farMm >= d.nearMm, { message: 'farMm must be at least nearMm', path: ['farMm'] }),
  variables: z.array(TaskVariable).min(1),
  /** Vary the image distance (the last thickness) too, with this step (mm) and bounds. */
  focus: z.strictObject({ step: positive(), lower: finite().optional(), upper: finite().optional() }).optional(),
  sensor: z.strictObject({
    pixelPitchUm: positive(),
    widthPx: count(16, 100_000),
    heightPx: count(16, 100_000),
    mono: z.boolean().optional(),
    fullWellElectrons: positive().optional(),
    readNoiseElectrons: finite().refine((v) => v >= 0, { message: 'expected a number ≥ 0' }).optional(),
  }),
  psf: z.strictObject({
    sizePx: count(3, 255).refine((k) => k % 2 === 1, { message: 'expected an odd number of pixels' }),
    fieldGrid: count(1, 9).optional(),
    pupilGrid: count(4, 256).optional(),
  }),
  defaults: TaskDefaults.optional(),
  aims: TaskAims.optional(),
});

export type TaskVariable = z.infer<typeof TaskVariable>;
export type TaskDefaults = z.infer<typeof TaskDefaults>;
export type TaskAims = z.infer<typeof TaskAims>;
export type E2eTask = z.infer<typeof E2eTask>;

/** A task's depth range with its defaults filled in: near and far (Infinity allowed), mm. */
export function taskDepths(t: E2eTask): { nearMm: number; farMm: number; train: number; eval: number } {
  return { nearMm: t.depths.nearMm, farMm: t.depths.farMm === 'infinity' ? Infinity : t.depths.farMm, train: t.depths.train ?? 9, eval: t.depths.eval ?? 5 };
}
