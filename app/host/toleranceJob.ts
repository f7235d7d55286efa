/**
 * Tolerancing in the studio host (engine/tolerance/): the sensitivity table, then Monte Carlo trials
 * in small chunks with a turn of the event loop between them (so a stop request and other calls get
 * through), each chunk streamed as a `tolerance` event whose new values fill the histogram live.
 * Robust design (the current lens's curvatures, back focus compensated) streams `robust` events
 * per iteration and ends with the nominal-vs-robust comparison over the same Monte Carlo trials.
 */
import { firstOrder } from '../../engine/analysis/firstOrder.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import type { ToleranceSpec } from '../../engine/io/toleranceSpec.ts';
import { ToleranceSpec as ToleranceSpecSchema } from '../../engine/io/toleranceSpec.ts';
import { getParam, setParam } from '../../engine/optics/params.ts';
import { writeBack } from '../../engine/optics/writeBack.ts';
import { buildMeritProblem } from '../../engine/optimize/meritProblem.ts';
import { dampedLeastSquares } from '../../engine/optimize/dampedLeastSquares.ts';
import { variablesFromGroups } from '../../engine/optimize/variables.ts';
import { defaultToleranceSpec } from '../../engine/tolerance/defaults.ts';
import { mergeShards, runTrials, statistics, type Shard } from '../../engine/tolerance/monteCarlo.ts';
import { ToleranceError } from '../../engine/tolerance/perturbation.ts';
import { buildRobustProblem } from '../../engine/tolerance/robust.ts';
import { withNominalCompensators } from '../../engine/tolerance/nominalFocus.ts';
import { sensitivity } from '../../engine/tolerance/sensitivity.ts';
import { prepareTolerancing, type Tolerancing } from '../../engine/tolerance/setup.ts';
import { StudioError, type DesignComparison, type RobustEvent, type RobustRunOptions, type StudioEvent, type ToleranceEvent, type ToleranceRunOptions } from '../contract/studioApi.ts';
import { buildLensSystem, getGlassLibrary } from './engineIo.ts';
import { API_LIMITS, intOption, numberOption } from '../contract/apiLimits.ts';

const CHUNK = 20;
const ROBUST_SEED = 7919;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function checkSpec(spec: unknown): ToleranceSpec {
  const r = ToleranceSpecSchema.safeParse(spec);
  if (!r.success) throw new StudioError('BAD_REQUEST', `tolerances: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`);
  return r.data;
}

function prepare(prescription: Prescription, spec: ToleranceSpec, design: Parameters<typeof prepareTolerancing>[5] = []): Tolerancing {
  try {
    return prepareTolerancing(prescription, spec, getGlassLibrary(), { type: 'rms-spot' }, {}, design);
  } catch (e) {
    throw new StudioError(e instanceof ToleranceError ? 'BAD_REQUEST' : 'BAD_EDIT', (e as Error).message);
  }
}


export class ToleranceHost {
  private run: { id: string; abort: AbortController } | null = null;
  private robustRun: { id: string; abort: AbortController } | null = null;
  private counter = 0;
  private worst: Prescription | null = null;
  private robustDesign: Prescription | null = null;

  constructor(private readonly emit: (e: StudioEvent) => void) {}

  /** The lens's own tolerances, or the defaults. */
  spec(prescription: Prescription, which: 'lens' | 'defaults' = 'lens'): ToleranceSpec {
    if (which === 'lens' && prescription.tolerances) return prescription.tolerances;
    return defaultToleranceSpec(prescription, buildLensSystem(prescription));
  }

  /**
   * Starts sensitivity + Monte Carlo on `prescription`; resolves with the run id once set up.
   * @throws StudioError BUSY, BAD_REQUEST (spec, options), BAD_EDIT (a lens that cannot be built)
   */
  start(prescription: Prescription, options: ToleranceRunOptions): { runId: string } {
    if (this.run) throw new StudioError('BUSY', 'a tolerancing run is going on: stop it first');
    const spec = checkSpec(options.spec);
    const trials = intOption('monteCarlo', options.monteCarlo, 200, API_LIMITS.tolerance.monteCarlo);
    const seed = intOption('seed', options.seed, 1, API_LIMITS.tolerance.seed);
    if (options.threshold !== undefined) numberOption('threshold', options.threshold, 0, [Number.MIN_VALUE, Number.MAX_VALUE]);
    const tol = prepare(prescription, spec);
    const id = `tolerance-${++this.counter}`;
    const abort = new AbortController();
    this.run = { id, abort };
    this.worst = null;
    void this.go(id, abort.signal, tol, trials, seed, options.threshold).finally(() => {
      if (this.run?.id === id) this.run = null;
    });
    return { runId: id };
  }

  private async go(runId: string, signal: AbortSignal, tol: Tolerancing, trials: number, seed: number, threshold?: number): Promise<void> {
    const base = { type: 'tolerance' as const, runId };
    try {
      const ev = tol.evaluator;
      const D = tol.model.operands.length;
      const nominal = ev.evaluate(new Float64Array(D)).value;
      const nominalAsDesigned = ev.evaluateFixed(new Float64Array(D), new Float64Array(tol.model.compensators.length));
      const head = { nominal, nominalAsDesigned, criterion: 'RMS spot radius (centroid), mm', compensators: tol.model.compensators.map((d) => d.label) };
      this.emit({ ...base, phase: 'started', ...head, total: trials, done: 0 } satisfies ToleranceEvent);
      await turn();
      const s = sensitivity(ev, tol.limits);
      this.emit({
        ...base,
        phase: 'sensitivity',
        ...head,
        sensitivity: {
          rows: s.rows.map((r) => ({ label: r.label, operand: r.operand, surface: r.surface, limitMinus: r.limitMinus, limitPlus: r.limitPlus, criterionMinus: r.criterionMinus, criterionPlus: r.criterionPlus, linearMinus: r.linearMinus, linearPlus: r.linearPlus })),
          worstFirst: s.worstFirst,
          rssChange: s.rssChange,
          estimatedCriterion: s.estimatedCriterion,
          exactMs: s.exactMs,
          linearMs: s.linearMs,
        },
      });
      const parts: Shard[] = [];
      for (let a = 0; a < trials && !signal.aborted; a += CHUNK) {
        await turn();
        if (signal.aborted) break;
        const shard = runTrials(ev, tol.sampled, seed, trials, a, Math.min(trials, a + CHUNK));
        parts.push(shard);
        this.emit({ ...base, phase: 'progress', values: shard.values, done: shard.end, total: trials });
      }
      if (parts.length === 0) {
        this.emit({ ...base, phase: signal.aborted ? 'stopped' : 'finished', ...head, done: 0, total: trials });
        return;
      }
      const all = mergeShards(parts);
      if (all.worst) this.worst = { ...tol.model.prescription(all.worst.delta, all.worst.comp), name: `${tol.model.nominal.name} (Monte Carlo worst trial #${all.worst.trial})` };
      const st = statistics(all, threshold ?? 1.25 * nominal);
      this.emit({ ...base, phase: signal.aborted ? 'stopped' : 'finished', ...head, done: all.end, total: trials, statistics: { ...st } });
    } catch (e) {
      this.emit({ ...base, phase: 'failed', message: (e as Error).message });
    }
  }

  async stop(runId: string): Promise<void> {
    if (this.run?.id === runId) this.run.abort.abort();
  }

  /** The worst trial of the last finished run. @throws StudioError NOT_FOUND before any run */
  worstTrial(): Prescription {
    if (!this.worst) throw new StudioError('NOT_FOUND', 'no Monte Carlo run yet: run one first');
    return this.worst;
  }

  /**
   * Starts robust design on `prescription`'s curvatures (back focus compensated, EFL held).
   * @throws StudioError BUSY, BAD_REQUEST, BAD_EDIT
   */
  startRobust(prescription: Prescription, options: RobustRunOptions): { runId: string } {
    if (this.robustRun) throw new StudioError('BUSY', 'a robust design run is going on: stop it first');
    const spec = checkSpec(options.spec);
    const samples = intOption('samples', options.samples, 8, API_LIMITS.robust.samples);
    const iterations = intOption('iterations', options.iterations, 10, API_LIMITS.robust.iterations);
    const trials = intOption('monteCarlo', options.monteCarlo, 100, API_LIMITS.robust.monteCarlo);
    if (options.quantile !== undefined && !(typeof options.quantile === 'number' && options.quantile > 0 && options.quantile < 1)) throw new StudioError('BAD_REQUEST', `quantile: expected a number between 0 and 1, got ${options.quantile}`);
    const system = buildLensSystem(prescription);
    const vars = variablesFromGroups(system, ['curvatures']);
    if (vars.length === 0) throw new StudioError('BAD_EDIT', 'the lens has no curvature to vary');
    const tol = prepare(prescription, spec, vars.map((v) => ({ kind: 'curvature' as const, surface: v.surface })));
    const id = `robust-${++this.counter}`;
    const abort = new AbortController();
    this.robustRun = { id, abort };
    this.robustDesign = null;
    void this.goRobust(id, abort.signal, prescription, spec, tol, vars, samples, iterations, trials, options.quantile).finally(() => {
      if (this.robustRun?.id === id) this.robustRun = null;
    });
    return { runId: id };
  }

  private async goRobust(
    runId: string,
    signal: AbortSignal,
    prescription: Prescription,
    spec: ToleranceSpec,
    tol: Tolerancing,
    vars: ReturnType<typeof variablesFromGroups>,
    samples: number,
    iterations: number,
    trials: number,
    quantile: number | undefined,
  ): Promise<void> {
    const base = { type: 'robust' as const, runId };
    try {
      const system = buildLensSystem(prescription);
      const x0 = Float64Array.from(vars, (v) => getParam(system, v));
      // The nominal EFL is held (a constraint on the design itself).
      const efl0 = firstOrder(system).efl;
      const cons = buildMeritProblem(buildLensSystem(prescription), { operands: [{ type: 'EFL', target: efl0, weight: 1 }], variables: vars.map((v) => ({ kind: v.kind, surface: v.surface })) });
      const robust = buildRobustProblem(tol, { samples, seed: ROBUST_SEED, quantile, x0, lower: Float64Array.from(vars, (v) => v.lower), upper: Float64Array.from(vars, (v) => v.upper), scale: Float64Array.from(vars, (v) => v.scale), constraints: cons.problem });
      this.emit({ ...base, phase: 'started', iteration: 0, objective: NaN } satisfies RobustEvent);
      const result = await dampedLeastSquares(robust.problem, x0, {
        maxIterations: iterations,
        signal,
        onProgress: (e) => this.emit({ ...base, phase: 'progress', iteration: e.iteration, objective: e.merit }),
      });
      this.emit({ ...base, phase: 'comparing', iteration: result.iterations, objective: result.merit });
      await turn();
      vars.forEach((v, j) => setParam(system, v, result.x[j]));
      const unfocused: Prescription = { ...writeBack(system), name: `${prescription.name} (robust)` };
      // Written focused: the nominal back focus (and TTHI compensators) of the design applied.
      const design = withNominalCompensators(unfocused, prepare(unfocused, spec));
      // Time-sliced like the tolerancing run: the host answers other calls between chunks of trials.
      const compare = async (p: Prescription): Promise<DesignComparison> => {
        const t = prepare(p, spec);
        const nominal = t.evaluator.evaluate(new Float64Array(t.model.operands.length)).value;
        const parts: Shard[] = [];
        for (let a = 0; a < trials; a += CHUNK) {
          await turn();
          parts.push(runTrials(t.evaluator, t.sampled, 1, trials, a, Math.min(trials, a + CHUNK)));
        }
        const st = statistics(mergeShards(parts), null);
        return { nominal, mean: st.mean, p50: st.p50, p90: st.p90, p98: st.p98 };
      };
      const nominal = await compare(prescription);
      const robustCmp = await compare(design);
      this.robustDesign = design;
      this.emit({ ...base, phase: result.stopReason === 'cancelled' ? 'stopped' : 'finished', iteration: result.iterations, objective: result.merit, comparison: { nominal, robust: robustCmp, trials } });
    } catch (e) {
      this.emit({ ...base, phase: 'failed', iteration: 0, objective: NaN, message: (e as Error).message });
    }
  }

  async stopRobust(runId: string): Promise<void> {
    if (this.robustRun?.id === runId) this.robustRun.abort.abort();
  }

  /** The last robust design. @throws StudioError NOT_FOUND before any run */
  robustLens(): Prescription {
    if (!this.robustDesign) throw new StudioError('NOT_FOUND', 'no robust design yet: run one first');
    return this.robustDesign;
  }
}
