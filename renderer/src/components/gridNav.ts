/**
 * Spreadsheet navigation between the cells of a grid (the lens data editor): each navigable
 * element carries `data-nav-row` and `data-nav-col` and sits inside an element with
 * `data-nav-grid`. Moving up or down keeps the column and skips rows that have no cell there (a
 * coordinate break has no radius); moving left or right takes the next cell of the row.
 */

/** The grid position of a cell element, or null when it is not in a grid. */
export function navPosition(el: Element | null): { row: number; col: number } | null {
  if (!(el instanceof HTMLElement) || el.dataset.navRow === undefined || el.dataset.navCol === undefined) return null;
  return { row: Number(el.dataset.navRow), col: Number(el.dataset.navCol) };
}

function cellsOf(from: HTMLElement): HTMLElement[] {
  const grid = from.closest('[data-nav-grid]');
  return grid ? Array.from(grid.querySelectorAll<HTMLElement>('[data-nav-row][data-nav-col]')) : [];
}

/**
 * The cell `dRow` rows down (negative: up) or `dCol` columns right (negative: left) of `from`, or
 * null at the edge of the grid.
 */
export function neighbourCell(from: HTMLElement, dRow: number, dCol: number): HTMLElement | null {
  const here = navPosition(from);
  if (!here) return null;
  const cells = cellsOf(from).map((el) => ({ el, ...navPosition(el)! }));
  if (dRow !== 0) {
    const rows = [...new Set(cells.filter((c) => c.col === here.col).map((c) => c.row))].sort((a, b) => a - b);
    const k = rows.indexOf(here.row);
    const target = rows[k + Math.sign(dRow)];
    return target === undefined ? null : (cells.find((c) => c.row === target && c.col === here.col)?.el ?? null);
  }
  const cols = cells.filter((c) => c.row === here.row).sort((a, b) => a.col - b.col);
  const k = cols.findIndex((c) => c.col === here.col);
  return cols[k + Math.sign(dCol)]?.el ?? null;
}

/** Moves the focus from `from` to its neighbour; returns false at the edge (the focus stays). */
export function moveFocus(from: HTMLElement, dRow: number, dCol: number): boolean {
  const next = neighbourCell(from, dRow, dCol);
  if (!next) return false;
  next.focus();
  if (next instanceof HTMLInputElement) next.select();
  return true;
}

/** The grid cell at (row, col) under `grid`, if any. */
export function cellAt(grid: ParentNode, row: number, col: number): HTMLElement | null {
  return grid.querySelector<HTMLElement>(`[data-nav-row="${row}"][data-nav-col="${col}"]`);
}
