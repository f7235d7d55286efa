/**
 * `lens-studio e2e --lens <file> [--images DIR | --dead-leaves] [--steps N] [--patch 64] [--batch 4]
 * --out DIR`: designs a lens and an image-reconstruction network together (end-to-end) and reports
 * how the pair compares with the initial lens plus a network trained alone. This file parses the
 * flags and draws the progress bars; the run itself is app/node/e2eRun.ts, the engine side
 * engine/imaging/ and engine/e2e/.
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { E2eProgress } from '../../../engine/e2e/train.ts';
import { unetSizeMultiple } from '../../../engine/e2e/unet.ts';
import { runE2e, type E2eRunConfig } from '../../node/e2eRun.ts';
import type { BackendChoice } from '../../node/tfBackend.ts';
import { CliError } from '../errors.ts';
import { collect } from '../loadLens.ts';
import { interruptOnSigint, parseVary } from '../optimizeRun.ts';

interface E2eFlags {
  lens: string;
  images?: string;
  deadLeaves?: boolean;
  steps: string;
  warmup?: string;
  patch: string;
  batch: string;
  out: string;
  vary: string;
  focus: boolean;
  netLr: string;
  lensLr: string;
  loss: string;
  ssimWeight: string;
  pixelPitch: string;
  mono?: boolean;
  psfSize: string;
  fieldGrid: string;
  rings: string;
  unetLevels: string;
  unetFilters: string;
  seed: string;
  noise: boolean;
  eval: string;
  backend: string;
  resume?: boolean;
  checkpointEvery: string;
  baseline: boolean;
  glassDir: string[];
}

function int(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${name}: expected a whole number ≥ ${min}, got "${v}"`, 2);
  return n;
}

function pos(name: string, v: string, allowZero = false): number {
  const n = Number(v);
  if (!(Number.isFinite(n) && (allowZero ? n >= 0 : n > 0))) throw new CliError(`--${name}: expected a ${allowZero ? 'non-negative' : 'positive'} number, got "${v}"`, 2);
  return n;
}

/**
 * The flags as a run configuration.
 * @throws CliError (exit code 2) naming the first bad flag
 */
export function parseE2eFlags(o: E2eFlags): E2eRunConfig {
  if (o.images && o.deadLeaves) throw new CliError('give either --images <dir> or --dead-leaves, not both', 2);
  const steps = int('steps', o.steps, 0);
  const warmup = o.warmup === undefined ? Math.round(steps / 10) : int('warmup', o.warmup, 0);
  const patch = int('patch', o.patch, 16);
  const psfSize = int('psf-size', o.psfSize, 1);
  if (psfSize % 2 === 0) throw new CliError(`--psf-size: expected an odd number of pixels, got ${psfSize}`, 2);
  const unetLevels = int('unet-levels', o.unetLevels, 1);
  if (patch % unetSizeMultiple(unetLevels) !== 0) throw new CliError(`--patch: ${patch} is not a multiple of ${unetSizeMultiple(unetLevels)}, which a ${unetLevels}-level U-Net needs`, 2);
  if (o.loss !== 'l1' && o.loss !== 'mse') throw new CliError(`--loss: expected l1 or mse, got "${o.loss}"`, 2);
  if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(o.backend)) throw new CliError(`--backend: expected auto, tensorflow, wasm or cpu, got "${o.backend}"`, 2);
  return {
    lens: o.lens,
    glassDirs: o.glassDir,
    images: o.images,
    steps,
    warmup: Math.min(warmup, steps),
    patch,
    batch: int('batch', o.batch, 1),
    out: o.out,
    vary: parseVary(o.vary),
    focus: o.focus,
    netLr: pos('net-lr', o.netLr),
    lensLr: pos('lens-lr', o.lensLr, true),
    loss: { kind: o.loss, ssimWeight: pos('ssim-weight', o.ssimWeight, true) },
    pixelPitchUm: pos('pixel-pitch', o.pixelPitch),
    mono: o.mono === true,
    psfSize,
    fieldGrid: int('field-grid', o.fieldGrid, 1),
    rings: int('rings', o.rings, 1),
    unetLevels,
    unetFilters: int('unet-filters', o.unetFilters, 1),
    seed: int('seed', o.seed, 0),
    noise: o.noise,
    evalCount: int('eval', o.eval, 1),
    backend: o.backend as BackendChoice,
    resume: o.resume === true,
    checkpointEvery: int('checkpoint-every', o.checkpointEvery, 0),
    baseline: o.baseline,
  };
}

/** A cli-progress bar on stderr for one training run. */
function progressBar(label: string, total: number) {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} |{bar}| {value}/{total} | loss {loss} | PSNR {psnr} dB | EFL {efl} | {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const payload = (p?: E2eProgress) => ({ loss: p ? p.loss.toFixed(4) : '-', psnr: p ? p.psnr.toFixed(2) : '-', efl: p ? p.efl.toFixed(3) : '-' });
  return {
    update(step: number, p?: E2eProgress) {
      if (!started) {
        bar.start(total, step, payload(p));
        started = true;
      } else bar.update(step, payload(p));
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export function register(program: Command): void {
  program
    .command('e2e')
    .description('optimize a lens jointly with an image-reconstruction network (TensorFlow.js U-Net)')
    .requiredOption('--lens <file>', 'starting lens (.json, .zmx, dO .txt)')
    .option('--images <dir>', 'train on random crops of the PNG/JPEG photographs in this folder')
    .option('--dead-leaves', 'train on procedural dead-leaves images (the default)')
    .option('--steps <n>', 'training steps per run (network updates, warm-up included)', '300')
    .option('--warmup <n>', 'network-only steps before the lens starts to move (default: 10 % of the steps)')
    .option('--patch <px>', 'training patch size', '64')
    .option('--batch <n>', 'patches per step', '4')
    .requiredOption('--out <dir>', 'output folder (lens, network weights, report, images, checkpoints)')
    .option('--vary <groups>', 'lens variables: curvatures,thicknesses,conics,aspheres,glass', 'curvatures')
    .option('--no-focus', 'keep the image distance fixed (by default it varies with the lens)')
    .option('--net-lr <rate>', 'network Adam learning rate', '1e-3')
    .option('--lens-lr <rate>', 'lens Adam step per iteration, as the paraxial focus shift (mm) each variable would cause', '1e-3')
    .option('--loss <kind>', 'pixel loss: l1 or mse', 'l1')
    .option('--ssim-weight <w>', 'weight of (1 − SSIM) in the loss', '0.1')
    .option('--pixel-pitch <um>', 'sensor pixel pitch, µm', '5')
    .option('--mono', 'monochrome sensor (all wavelengths in one channel); default RGB from three wavelengths')
    .option('--psf-size <px>', 'PSF window, pixels (odd)', '21')
    .option('--field-grid <n>', 'field nodes per sensor axis for the PSF grid', '5')
    .option('--rings <n>', 'hexapolar pupil rings per PSF', '10')
    .option('--unet-levels <n>', 'U-Net resolution levels', '3')
    .option('--unet-filters <n>', 'U-Net filters at full resolution (doubling per level)', '8')
    .option('--seed <n>', 'seed of data, noise and initialisation', '1')
    .option('--no-noise', 'noiseless sensor')
    .option('--eval <n>', 'held-out patches for the report', '24')
    .option('--backend <name>', 'TensorFlow.js backend: auto, tensorflow, wasm or cpu', 'auto')
    .option('--resume', 'continue from the checkpoints in --out')
    .option('--checkpoint-every <n>', 'save a checkpoint every n steps (0: only at the end)', '50')
    .option('--no-baseline', 'skip run (a), the network trained alone on the initial lens')
    .option('--glass-dir <dir>', 'folder of Zemax AGF catalogs (repeatable)', collect, [])
    .action(async (flags: E2eFlags) => {
      const config = parseE2eFlags(flags);
      const sigint = interruptOnSigint(() => process.stderr.write('\nstopping after this step and saving a checkpoint… (Ctrl-C again to quit now)\n'));
      let bar: ReturnType<typeof progressBar> | null = null;
      try {
        const outcome = await runE2e(
          config,
          {
            log: (line) => process.stderr.write(`${bar ? '\n' : ''}${line}\n`),
            runStart: (label, total, step) => {
              bar = progressBar(label, total);
              bar.update(step);
            },
            progress: (p) => bar?.update(p.step, p),
            runEnd: () => {
              bar?.stop();
              bar = null;
            },
            summary: (text) => process.stdout.write(`${text}\n`),
          },
          sigint.signal,
        );
        if (outcome === 'cancelled') process.exitCode = 130;
      } finally {
        sigint.dispose();
      }
    });
}
