/**
 * Nearest already-aimed ray to a stop target, by a uniform grid over the stop plane (realAim.ts
 * aimRays seeds each ray's Newton solve from its nearest aimed neighbour). A linear scan made aiming
 * O(n²): 47 s of a wave analysis with 128² pupil grids. The answer is the scan's: the least squared
 * distance, ties to the earliest added.
 */
export interface StopTarget {
  tx: number;
  ty: number;
}

export class AimGrid<T extends StopTarget> {
  private readonly cells = new Map<number, { item: T; order: number }[]>();
  private count = 0;
  private minCx = Infinity;
  private maxCx = -Infinity;
  private minCy = Infinity;
  private maxCy = -Infinity;

  /**
   * @param cell cell size in the stop plane, mm (about the spacing of the targets); > 0
   */
  constructor(private readonly cell: number) {
    if (!(cell > 0) || !Number.isFinite(cell)) throw new RangeError(`AimGrid: cell size must be a positive number, got ${cell}`);
  }

  private static key(cx: number, cy: number): number {
    return (cx + 1048576) * 2097152 + (cy + 1048576);
  }

  private cellOf(v: number): number {
    return Math.max(-1048575, Math.min(1048575, Math.floor(v / this.cell)));
  }

  add(item: T): void {
    const cx = this.cellOf(item.tx), cy = this.cellOf(item.ty);
    const k = AimGrid.key(cx, cy);
    let list = this.cells.get(k);
    if (!list) this.cells.set(k, (list = []));
    list.push({ item, order: this.count++ });
    if (cx < this.minCx) this.minCx = cx;
    if (cx > this.maxCx) this.maxCx = cx;
    if (cy < this.minCy) this.minCy = cy;
    if (cy > this.maxCy) this.maxCy = cy;
  }

  /** The nearest item to (tx, ty) and its squared distance, or null when empty. */
  nearest(tx: number, ty: number): { item: T; d2: number } | null {
    if (this.count === 0) return null;
    const cx = this.cellOf(tx), cy = this.cellOf(ty);
    const maxRing = Math.max(Math.abs(cx - this.minCx), Math.abs(cx - this.maxCx), Math.abs(cy - this.minCy), Math.abs(cy - this.maxCy));
    let best: T | null = null;
    let bestD = Infinity;
    let bestOrder = Infinity;
    const consider = (list: { item: T; order: number }[]) => {
      for (const { item, order } of list) {
        const d = (item.tx - tx) ** 2 + (item.ty - ty) ** 2;
        if (d < bestD || (d === bestD && order < bestOrder)) {
          bestD = d;
          best = item;
          bestOrder = order;
        }
      }
    };
    const visit = (ix: number, iy: number) => {
      const list = this.cells.get(AimGrid.key(ix, iy));
      if (list) consider(list);
    };
    for (let r = 0; r <= maxRing; r++) {
      // A sparse grid (a few targets far apart): once the rings would visit more cells than there
      // are items, scanning every item is cheaper, and gives the same answer.
      if (r > 0 && (2 * r + 1) ** 2 > 4 * this.count + 16) {
        for (const list of this.cells.values()) consider(list);
        break;
      }
      if (r === 0) visit(cx, cy);
      else {
        for (let i = -r; i <= r; i++) {
          visit(cx + i, cy - r);
          visit(cx + i, cy + r);
        }
        for (let j = -r + 1; j <= r - 1; j++) {
          visit(cx - r, cy + j);
          visit(cx + r, cy + j);
        }
      }
      // Every cell of ring r + 1 is at least r cells from the target; a tie there could still be
      // earlier in order, so stop only when strictly closer.
      const reach = r * this.cell;
      if (best !== null && bestD < reach * reach) break;
    }
    return best === null ? null : { item: best, d2: bestD };
  }
}
