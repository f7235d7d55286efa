/**
 * The PSNR-against-object-distance chart of an end-to-end report (Vega-Lite through ./chartPng.ts):
 * restored PSNR (solid) and sensor-image PSNR (dashed) per arm, averaged over patches and seeds; x in
 * diopters (far at the left, so equal steps are equal defocus), ticks labelled in metres.
 */
import type { TopLevelSpec } from 'vega-lite';
import { vegaLitePng } from './chartPng.ts';
import type { ArmName, PhaseOutcome } from './e2eReport.ts';

const ARM_LABEL: Record<ArmName, string> = { nominal: '(a) nominal', sequential: '(b) sequential', joint: '(c) joint' };
const ARM_COLOR: Record<ArmName, string> = { nominal: '#d9331f', sequential: '#1a73d9', joint: '#1a991f' };

/** Rows of the chart: one per arm, object distance and series (restored / sensor). */
export function psnrDepthRows(outcomes: readonly PhaseOutcome[], depthsMm: readonly number[]): { arm: string; series: string; diopters: number; psnr: number }[] {
  const rows: { arm: string; series: string; diopters: number; psnr: number }[] = [];
  for (const arm of ['nominal', 'sequential', 'joint'] as const) {
    const all = outcomes.filter((o) => o.arm === arm).flatMap((o) => o.eval.perExample);
    if (all.length === 0) continue;
    for (const z of depthsMm) {
      const at = all.filter((e) => e.depthMm === z);
      if (at.length === 0) continue;
      const mean = (k: 'psnr' | 'blurredPsnr') => at.reduce((s, e) => s + e[k], 0) / at.length;
      const diopters = Number.isFinite(z) ? 1000 / z : 0;
      rows.push({ arm: ARM_LABEL[arm], series: 'restored', diopters, psnr: mean('psnr') });
      rows.push({ arm: ARM_LABEL[arm], series: 'sensor image', diopters, psnr: mean('blurredPsnr') });
    }
  }
  return rows.filter((r) => Number.isFinite(r.psnr));
}

/** The chart as PNG bytes. */
export async function psnrDepthPlot(outcomes: readonly PhaseOutcome[], depthsMm: readonly number[]): Promise<Uint8Array> {
  const rows = psnrDepthRows(outcomes, depthsMm);
  const arms = (['nominal', 'sequential', 'joint'] as const).filter((a) => rows.some((r) => r.arm === ARM_LABEL[a]));
  const ticks = [...new Set(depthsMm.map((z) => (Number.isFinite(z) ? 1000 / z : 0)))].sort((a, b) => a - b);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Held-out PSNR through depth',
    width: 520,
    height: 280,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: {
        field: 'diopters', type: 'quantitative', title: 'object distance (m)', scale: { zero: false, nice: false },
        axis: { values: ticks, labelExpr: "datum.value == 0 ? '∞' : format(1 / datum.value, '.3~r')" },
      },
      y: { field: 'psnr', type: 'quantitative', title: 'PSNR (dB)', scale: { zero: false } },
      color: { field: 'arm', type: 'nominal', title: null, scale: { domain: arms.map((a) => ARM_LABEL[a]), range: arms.map((a) => ARM_COLOR[a]) } },
      strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: ['restored', 'sensor image'], range: [[1, 0], [6, 4]] } },
      detail: { field: 'series' },
    },
  };
  return vegaLitePng(spec);
}
