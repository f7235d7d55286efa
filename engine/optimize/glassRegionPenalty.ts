/**
 * The glass-region penalty: one residual per varied model glass, √w times its distance outside the
 * catalogs' glass region on the scaled glass map (u, v) = (Vd, nd / 0.01) (glassChoice.ts), with
 * exact derivatives with respect to that glass's nd and Vd.
 */
import type { ParamRef } from '../optics/params.ts';
import type { LensSystem } from '../optics/system.ts';
import { hullDistance, type GlassHull } from './glassChoice.ts';
import type { ResidualBlock } from './operands/operand.ts';

/** One penalty block per varied nd (paired with the same glass's Vd variable, if any). */
export function glassRegionBlocks(system: LensSystem, params: readonly ParamRef[], hull: GlassHull, weight: number): ResidualBlock[] {
  const blocks: ResidualBlock[] = [];
  params.forEach((p, jn) => {
    if (p.kind !== 'nd') return;
    const jv = params.findIndex((q) => q.kind === 'vd' && system.surfaces[q.surface].material === system.surfaces[p.surface].material);
    const glass = () => system.surfaces[p.surface].material as unknown as { nd: number; vd: number };
    const sw = Math.sqrt(weight);
    blocks.push({
      label: `GLASS s${p.surface + 1}`,
      count: 1,
      target: 0,
      weight,
      value: () => hullDistance(hull, glass().vd, glass().nd / 0.01).d,
      eval(r, J, off) {
        const g = glass();
        const h = hullDistance(hull, g.vd, g.nd / 0.01);
        r[off] = sw * h.d;
        if (J) {
          J[off * params.length + jn] = (sw * h.dv) / 0.01;
          if (jv >= 0) J[off * params.length + jv] = sw * h.du;
        }
      },
    });
  });
  return blocks;
}
