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
import { RECON_KINDS } from '../../../engine/io/e2eTask.ts';
import { E2eConfigError, runE2e, type E2eRunConfig } from '../../node/e2eRun.ts';
import type { BackendChoice } from '../../node/tfBackend.ts';
import { CliError } from '../errors.ts';
import { collect } from '../loadLens.ts';
import { interruptOnSigint, signalExitCode } from '../interrupt.ts';
import { parseVary } from '../optimizeArgs.ts';
import { terminalText, writeErr, writeOut } from '../terminal.ts';

interface E2eFlags {
  task?: string;
  lens?: string;
  images?: string;
  evalImages?: string;
  holdout?: string;
  deadLeaves?: boolean;
  depths?: string;
  trainDepths?: string;
  evalDepths?: string;
  recon?: string;
  wienerPrior?: string;
  unetSensorInput?: boolean;
  netSchedule?: string;
  mixDeadLeaves?: string;
  seeds: string;
  steps?: string;
  warmup?: string;
  patch?: string;
  evalPatch?: string;
  margin?: string;
  batch?: string;
  lensEvery?: string;
  networkStart?: string;
  out: string;
  vary: string;
  focus: boolean;
  netLr?: string;
  lensLr: string;
  loss?: string;
  ssimWeight?: string;
  pixelPitch: string;
  mono?: boolean;
  psfSize: string;
  fieldGrid: string;
  rings: string;
  unetLevels?: string;
  unetFilters?: string;
  seed: string;
  noise: boolean;
  eval?: string;
  backend: string;
  resume?: boolean;
  checkpointEvery: string;
  baseline: boolean;
  sequential: boolean;
  sequentialIterations?: string;
  wienerBounds: boolean;
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

const opt = <T>(v: string | undefined, f: (s: string) => T): T | undefined => (v === undefined ? undefined : f(v));

/** `--depths 4500,8000` or `1000,inf` (mm): the near and far object distances. */
export function parseDepths(v: string): { nearMm: number; farMm: number } {
  const parts = v.split(',').map((s) => s.trim().toLowerCase());
  const vals = parts.map((s) => (s === 'inf' || s === 'infinity' || s === '∞' ? Infinity : Number(s)));
  if (vals.length !== 2 || vals.some((x) => !(x > 0))) throw new CliError(`--depths: expected two object distances in mm, "near,far" (far may be inf), got "${v}"`, 2);
  return { nearMm: Math.min(vals[0], vals[1]), farMm: Math.max(vals[0], vals[1]) };
}

/**
 * The flags as a run configuration (flags a task preset can set stay undefined when not given).
 * @throws CliError (exit code 2) naming the first bad flag
 */
export function parseE2eFlags(o: E2eFlags): E2eRunConfig {
  if (o.images && o.deadLeaves) throw new CliError('give either --images <dir> or --dead-leaves, not both', 2);
  if (!o.task && !o.lens) throw new CliError('give --lens <file> or --task <name|file>', 2);
  const psfSize = int('psf-size', o.psfSize, 1);
  if (psfSize % 2 === 0) throw new CliError(`--psf-size: expected an odd number of pixels, got ${psfSize}`, 2);
  if (o.loss !== undefined && o.loss !== 'l1' && o.loss !== 'mse' && o.loss !== 'psnr') throw new CliError(`--loss: expected l1, mse or psnr, got "${o.loss}"`, 2);
  if (o.recon !== undefined && !(RECON_KINDS as readonly string[]).includes(o.recon)) throw new CliError(`--recon: expected ${RECON_KINDS.join(', ')}, got "${o.recon}"`, 2);
  if (o.holdout !== undefined && o.holdout !== 'photos' && o.holdout !== 'regions') throw new CliError(`--holdout: expected regions or photos, got "${o.holdout}"`, 2);
  if (o.netSchedule !== undefined && o.netSchedule !== 'constant' && o.netSchedule !== 'cosine') throw new CliError(`--net-schedule: expected constant or cosine, got "${o.netSchedule}"`, 2);
  if (o.wienerPrior !== undefined && o.wienerPrior !== 'flat' && o.wienerPrior !== 'gradient') throw new CliError(`--wiener-prior: expected flat or gradient, got "${o.wienerPrior}"`, 2);
  if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(o.backend)) throw new CliError(`--backend: expected auto, tensorflow, wasm or cpu, got "${o.backend}"`, 2);
  const patch = opt(o.patch, (v) => int('patch', v, 16));
  const unetLevels = opt(o.unetLevels, (v) => int('unet-levels', v, 1));
  if (patch !== undefined && !o.task && patch % unetSizeMultiple(unetLevels ?? 3) !== 0) {
    throw new CliError(`--patch: ${patch} is not a multiple of ${unetSizeMultiple(unetLevels ?? 3)}, which a ${unetLevels ?? 3}-level U-Net needs`, 2);
  }
  return {
    task: o.task,
    lens: o.lens,
    glassDirs: o.glassDir,
    images: o.images,
    evalImages: o.evalImages,
    holdout: o.holdout as E2eRunConfig['holdout'],
    depths: opt(o.depths, parseDepths),
    trainDepths: opt(o.trainDepths, (v) => int('train-depths', v, 1)),
    evalDepths: opt(o.evalDepths, (v) => int('eval-depths', v, 2)),
    recon: o.recon as E2eRunConfig['recon'],
    wienerPrior: o.wienerPrior as E2eRunConfig['wienerPrior'],
    unetSensorInput: o.unetSensorInput,
    netSchedule: o.netSchedule as E2eRunConfig['netSchedule'],
    mixDeadLeaves: opt(o.mixDeadLeaves, (v) => {
      const f = Number(v);
      if (!(Number.isFinite(f) && f >= 0 && f < 1)) throw new CliError(`--mix-dead-leaves: expected a fraction in [0, 1), got "${v}"`, 2);
      return f;
    }),
    steps: opt(o.steps, (v) => int('steps', v, 0)),
    warmup: opt(o.warmup, (v) => int('warmup', v, 0)),
    patch,
    evalPatch: opt(o.evalPatch, (v) => int('eval-patch', v, 16)),
    margin: opt(o.margin, (v) => int('margin', v, 0)),
    batch: opt(o.batch, (v) => int('batch', v, 1)),
    lensEvery: opt(o.lensEvery, (v) => int('lens-every', v, 1)),
    networkStart: opt(o.networkStart, (v) => int('network-start', v, 0)),
    out: o.out,
    vary: parseVary(o.vary),
    focus: o.focus,
    netLr: opt(o.netLr, (v) => pos('net-lr', v)),
    lensLr: pos('lens-lr', o.lensLr, true),
    loss: o.loss as E2eRunConfig['loss'],
    ssimWeight: opt(o.ssimWeight, (v) => pos('ssim-weight', v, true)),
    pixelPitchUm: pos('pixel-pitch', o.pixelPitch),
    mono: o.mono === true,
    psfSize,
    fieldGrid: int('field-grid', o.fieldGrid, 1),
    rings: int('rings', o.rings, 1),
    unetLevels,
    unetFilters: opt(o.unetFilters, (v) => int('unet-filters', v, 1)),
    seed: int('seed', o.seed, 0),
    seeds: int('seeds', o.seeds, 1),
    noise: o.noise,
    evalCount: opt(o.eval, (v) => int('eval', v, 1)),
    backend: o.backend as BackendChoice,
    resume: o.resume === true,
    checkpointEvery: int('checkpoint-every', o.checkpointEvery, 0),
    nominal: o.baseline,
    sequential: o.sequential,
    sequentialIterations: opt(o.sequentialIterations, (v) => int('sequential-iterations', v, 0)),
    wienerBounds: o.wienerBounds,
  };
}

/** A cli-progress bar on stderr for one training run. */
function progressBar(label: string, total: number) {
  const bar = new cliProgress.SingleBar(
    {
      format: `${terminalText(label)} |{bar}| {value}/{total} | loss {loss} | PSNR {psnr} dB | EFL {efl} | {eta_formatted}`,
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
    .description('design a lens together with its image reconstruction (Wiener filter and/or U-Net), against the nominal and an optics-only design')
    .option('--task <name|file>', 'task preset: a built-in name (edof, edof-wide) or a JSON file (lens, depths, variables, sensor, defaults)')
    .option('--lens <file>', 'starting lens (.json, .zmx, dO .txt); with --task, replaces the task\'s lens')
    .option('--images <dir>', 'train on random crops of the PNG/JPEG photographs in this folder (every fifth is held out unless --eval-images)')
    .option('--eval-images <dir>', 'held-out photographs the report evaluates on (never trained on)')
    .option('--holdout <split>', 'without --eval-images: regions (a band on the right of every photograph, the default) or photos (every fifth photograph)')
    .option('--dead-leaves', 'train on procedural dead-leaves images (the default)')
    .option('--mix-dead-leaves <fraction>', 'with --images: draw this fraction of the training crops from dead-leaves images (0 ≤ f < 1; default: the task\'s, else 0)')
    .option('--depths <near,far>', 'object distances in mm, e.g. 4500,8000 or 1000,inf (default: the task\'s, else the lens\'s own)')
    .option('--train-depths <n>', 'training object distances, equally spaced in diopters (default 9)')
    .option('--eval-depths <n>', 'held-out object distances, both ends included (default 5)')
    .option('--recon <kind>', 'reconstruction: wiener, unet or wiener+unet (default: the task\'s, else unet)')
    .option('--unet-sensor-input', 'wiener+unet: the U-Net also sees the raw sensor image beside the Wiener stage (default: the task\'s, else off)')
    .option('--no-unet-sensor-input', 'wiener+unet: the U-Net sees the Wiener stage alone')
    .option('--net-schedule <s>', 'network learning-rate schedule: constant, or cosine (warm-up, then cosine decay to 5 % of --net-lr) (default: the task\'s, else constant)')
    .option('--wiener-prior <p>', 'Wiener regulariser: gradient (1/f² image spectrum) or flat (default gradient)')
    .option('--seeds <n>', 'repeat the study with seeds seed, seed+1, ... and pool the paired differences', '1')
    .option('--steps <n>', 'training steps per arm and seed (default: the task\'s, else 300)')
    .option('--warmup <n>', 'reconstruction-only steps before the lens moves (default: 10 % of the steps)')
    .option('--patch <px>', 'training patch size (default 64)')
    .option('--eval-patch <px>', 'held-out patch size (default: the training patch)')
    .option('--margin <px>', 'border left out of the loss and the scores (default 0)')
    .option('--batch <n>', 'patches per step (default 4)')
    .option('--lens-every <n>', 'steps between lens updates, gradients accumulated (default 1)')
    .option('--network-start <n>', 'step at which the U-Net starts; before it the reconstruction is the Wiener filter alone (default 0)')
    .requiredOption('--out <dir>', 'output folder (lenses, network weights, report, images, checkpoints)')
    .option('--vary <groups>', 'lens variables without a task: curvatures,thicknesses,conics,aspheres,glass', 'curvatures')
    .option('--no-focus', 'without a task: keep the image distance fixed (by default it varies with the lens)')
    .option('--net-lr <rate>', 'network Adam learning rate (default 1e-3)')
    .option('--lens-lr <rate>', 'without a task: lens Adam step per iteration, as the paraxial focus shift (mm) each variable would cause', '1e-3')
    .option('--loss <kind>', 'pixel loss: l1, mse, or psnr (minus the mean per-image PSNR / 10 dB, the held-out metric) (default: the task\'s, else l1)')
    .option('--ssim-weight <w>', 'weight of (1 − SSIM) in the loss (default 0.1)')
    .option('--pixel-pitch <um>', 'without a task: sensor pixel pitch, µm', '5')
    .option('--mono', 'monochrome sensor (all wavelengths in one channel); default RGB from three wavelengths')
    .option('--psf-size <px>', 'without a task: PSF window, pixels (odd)', '21')
    .option('--field-grid <n>', 'without a task: field nodes per sensor axis for the PSF grid', '5')
    .option('--rings <n>', 'without a task: hexapolar pupil rings per PSF', '10')
    .option('--unet-levels <n>', 'U-Net resolution levels (default 3)')
    .option('--unet-filters <n>', 'U-Net filters at full resolution, doubling per level (default 8)')
    .option('--seed <n>', 'seed of data, noise and initialisation', '1')
    .option('--no-noise', 'noiseless sensor')
    .option('--eval <n>', 'held-out patches per seed, each at every held-out distance (default 24)')
    .option('--backend <name>', 'TensorFlow.js backend: auto, tensorflow, wasm or cpu', 'auto')
    .option('--resume', 'continue from the checkpoints in --out')
    .option('--checkpoint-every <n>', 'save a checkpoint every n steps (0: only at the end)', '50')
    .option('--no-baseline', 'skip arm (a), the nominal lens')
    .option('--no-sequential', 'skip arm (b), the lens optimized by optics alone')
    .option('--no-wiener-bounds', 'skip the report\'s linear-reconstruction bounds of each arm\'s lens (Wiener with the depth-averaged and the true-depth PSF, first seed)')
    .option('--sequential-iterations <n>', 'damped-least-squares iterations of arm (b) (default 40)')
    .option('--glass-dir <dir>', 'folder of Zemax AGF catalogs (repeatable)', collect, [])
    .action(async (flags: E2eFlags) => {
      const config = parseE2eFlags(flags);
      const sigint = interruptOnSigint(() => process.stderr.write('\nstopping after this step and saving a checkpoint… (Ctrl-C again to quit now)\n'));
      let bar: ReturnType<typeof progressBar> | null = null;
      try {
        const outcome = await runE2e(
          config,
          {
            log: (line) => writeErr(`${bar ? '\n' : ''}${line}\n`),
            runStart: (label, total, step) => {
              bar = progressBar(label, total);
              bar.update(step);
            },
            progress: (p) => bar?.update(p.step, p),
            runEnd: () => {
              bar?.stop();
              bar = null;
            },
            summary: (text) => writeOut(`${text}\n`),
          },
          sigint.signal,
        );
        if (outcome === 'cancelled') process.exitCode = signalExitCode(sigint.received() ?? 'SIGINT');
      } catch (err) {
        if (err instanceof E2eConfigError) throw new CliError(err.message, 2);
        throw err;
      } finally {
        sigint.dispose();
      }
    });
}
