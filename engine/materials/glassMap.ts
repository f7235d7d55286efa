/**
 * The glass map (Abbe diagram): every catalog glass as a point (Vd, nd), as OpticStudio's Glass
 * Map plots it. nd is the index at the helium d line (587.5618 nm) and Vd = (nd − 1)/(nF − nC) the
 * Abbe number (F 486.1327 nm, C 656.2725 nm); a catalog's stated values are used where it gives
 * them, else both are computed from the glass's dispersion formula.
 */
import type { GlassCatalog } from './catalog.ts';
import { LAMBDA_D_UM, abbeNumber, type Material } from './material.ts';

/** A glass on the nd–Vd diagram. */
export interface GlassPoint {
  name: string;
  catalog: string;
  nd: number;
  vd: number;
}

/** nd and Vd of a material (computed from its dispersion at the d, F and C lines). */
export function glassPointOf(material: Material): { nd: number; vd: number } {
  return { nd: material.index(LAMBDA_D_UM), vd: abbeNumber(material) };
}

/**
 * The points of every glass of `catalogs`, in catalog order. A glass whose nd or Vd is not finite
 * (a formula that fails in the visible, say) is left out.
 */
export function glassMapPoints(catalogs: readonly GlassCatalog[]): GlassPoint[] {
  const out: GlassPoint[] = [];
  for (const catalog of catalogs) {
    for (const g of catalog.glasses) {
      let nd = g.nd;
      let vd = g.vd;
      if (nd === undefined || !Number.isFinite(nd) || vd === undefined || !Number.isFinite(vd)) {
        try {
          ({ nd, vd } = glassPointOf(g));
        } catch {
          continue;
        }
      }
      if (Number.isFinite(nd) && Number.isFinite(vd) && nd > 1) out.push({ name: g.name, catalog: catalog.name, nd, vd });
    }
  }
  return out;
}
