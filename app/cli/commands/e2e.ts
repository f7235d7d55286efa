/**
 * `lens-studio e2e --lens <file> [--images DIR | --dead-leaves] [--steps N] [--patch 64] [--batch 4]
 * --out DIR`: designs a lens and an image-reconstruction network together (end-to-end) and reports
 * how the pair compares with the initial lens plus a network trained alone. The machinery is in
 * ../e2eRun.ts; the engine side in engine/e2e/.
 */
import type { Command } from 'commander';
import { e2eCommand, type E2eCommandOptions } from '../e2eRun.ts';
import { collect } from '../loadLens.ts';
import { interruptOnSigint, signalExitCode } from '../interrupt.ts';

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
    .action(async (opts: E2eCommandOptions) => {
      const sigint = interruptOnSigint(() => process.stderr.write('\nstopping after this step and saving a checkpoint… (Ctrl-C again to quit now)\n'));
      try {
        if ((await e2eCommand(opts, sigint.signal)) === 'cancelled') process.exitCode = signalExitCode(sigint.received() ?? 'SIGINT');
      } finally {
        sigint.dispose();
      }
    });
}
