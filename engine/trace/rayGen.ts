/**
 * The old name of rayAiming.ts, kept only for engine/analysis/opd.ts, which the wave-optics
 * branch rewrites (issue 10): delete this file once that rewrite imports rayAiming.ts.
 */
export { launchContext, launchRays, aimAtStop, traceField, type LaunchContext } from './rayAiming.ts';
