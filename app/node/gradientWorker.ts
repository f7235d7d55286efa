/** Worker side of gradientWorkers.ts: a share of the pupil grid, traced and differentiated. */
import { parentPort } from 'node:worker_threads';
import type { Prescription } from '../../engine/io/prescription.ts';
import type { ParamRef } from '../../engine/optics/params.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { fieldPointObjectField } from '../../engine/paraxial/pupil.ts';
import { RayBatch, RayStatus } from '../../engine/trace/rayBatch.ts';
import { TraceRecord, traceBatch } from '../../engine/trace/realTrace.ts';
import { launchContext, launchRays } from '../../engine/trace/rayAiming.ts';
import { traceAdjoint } from '../../engine/trace/adjoint.ts';
import { gridOnPupil } from '../../engine/trace/spotGradient.ts';

let system: LensSystem;
let params: ParamRef[];
let f = 0, w = 0;
let px: Float64Array, py: Float64Array;
let batch: RayBatch;
let rec: TraceRecord;

parentPort!.on('message', (msg: { type: string; [k: string]: unknown }) => {
  if (msg.type === 'init') {
    system = buildSystem(msg.prescription as Prescription, GlassLibrary.builtin());
    params = msg.params as ParamRef[];
    f = msg.f as number;
    w = msg.w as number;
    const all = gridOnPupil(msg.grid as number);
    const parts = msg.parts as number, part = msg.part as number;
    const per = Math.ceil(all.px.length / parts);
    px = all.px.slice(part * per, (part + 1) * per);
    py = all.py.slice(part * per, (part + 1) * per);
    // Buffers are allocated once and reused by every evaluation.
    batch = new RayBatch(px.length);
    rec = new TraceRecord(system.surfaces.length, px.length);
    parentPort!.postMessage('ready');
  } else if (msg.type === 'forward') {
    const ctx = launchContext(system);
    launchRays(system, fieldPointObjectField(system, f, ctx.pupil), px, py, batch, ctx);
    traceBatch(system, batch, w, { record: rec });
    let sx = 0, sy = 0, n = 0;
    for (let i = 0; i < batch.size; i++) {
      if (batch.status[i] !== RayStatus.OK) continue;
      sx += batch.x[i];
      sy += batch.y[i];
      n++;
    }
    parentPort!.postMessage({ sx, sy, n });
  } else if (msg.type === 'adjoint') {
    const cx = msg.cx as number, cy = msg.cy as number, N = msg.n as number;
    const ax = new Float64Array(batch.size), ay = new Float64Array(batch.size);
    let value = 0;
    for (let i = 0; i < batch.size; i++) {
      if (batch.status[i] !== RayStatus.OK) continue;
      const dx = batch.x[i] - cx, dy = batch.y[i] - cy;
      value += dx * dx + dy * dy;
      ax[i] = (2 * dx) / N;
      ay[i] = (2 * dy) / N;
    }
    const gradient = new Float64Array(params.length);
    traceAdjoint(system, rec, { fx: system.fieldX[f], fy: system.fieldY[f], px, py, field: f }, w, { x: ax, y: ay }, params, gradient);
    parentPort!.postMessage({ value, gradient });
  }
});
