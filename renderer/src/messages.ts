/**
 * Engine and file messages in the words of the lens data editor. The engine names a surface by
 * its 0-based JSON path ("surfaces[2].thickness: …"); the editor numbers rows from 1 (object = OBJ,
 * first surface = 1, as OpticStudio), so a message says "Surface 3 thickness: …" and carries the
 * cell it is about, which the editor highlights. A .zmx warning's "SURF n" is already the row number.
 */

/** Prescription fields → the editor's cell (test id prefix) and the column's name. */
const FIELDS: Record<string, { cell: string; label: string }> = {
  type: { cell: 'type', label: 'type' },
  comment: { cell: 'comment', label: 'comment' },
  radius: { cell: 'radius', label: 'radius' },
  thickness: { cell: 'thickness', label: 'thickness' },
  material: { cell: 'material', label: 'glass' },
  glass: { cell: 'material', label: 'glass' },
  semiDiameter: { cell: 'semidiameter', label: 'semi-diameter' },
  'semi-diameter': { cell: 'semidiameter', label: 'semi-diameter' },
  conic: { cell: 'conic', label: 'conic' },
  asphere: { cell: 'params', label: 'asphere terms' },
  focalLength: { cell: 'params', label: 'focal length' },
  xy: { cell: 'params', label: 'XY terms' },
  decenterX: { cell: 'decenterX', label: 'decenter x' },
  decenterY: { cell: 'decenterY', label: 'decenter y' },
  tiltX: { cell: 'tiltX', label: 'tilt x' },
  tiltY: { cell: 'tiltY', label: 'tilt y' },
  tiltZ: { cell: 'tiltZ', label: 'tilt z' },
};

export interface LocatedMessage {
  /** The message with surfaces numbered as in the editor. */
  text: string;
  /** 0-based surface index the message is about (the editor row is surface + 1). */
  surface?: number;
  /** The editor cell's test id, e.g. "thickness-2", when the message names a field. */
  cellId?: string;
}

/**
 * Rewrites `surfaces[i].field` paths as "surface i+1 field" and finds the cell the message is
 * about: its first JSON path, else a "surface N field" or a .zmx "SURF N" the message names.
 */
export function locateMessage(message: string): LocatedMessage {
  let surface: number | undefined;
  let cellId: string | undefined;
  const note = (i: number, field: string | undefined) => {
    if (surface !== undefined) return;
    surface = i;
    const f = field ? (FIELDS[field] ?? FIELDS[field.toLowerCase()]) : undefined;
    if (f) cellId = `${f.cell}-${i}`;
  };
  let text = message.replace(/surfaces\[(\d+)\](?:\.([A-Za-z]+))?(?:\[\d+\])?/g, (_, n: string, field: string | undefined) => {
    const i = Number(n);
    note(i, field);
    const label = field ? (FIELDS[field]?.label ?? field) : '';
    return `surface ${i + 1}${label ? ` ${label}` : ''}`;
  });
  // "surface 3 radius: …" at the start reads better capitalised, as the editor's row names.
  text = text.replace(/^surface (\d+)/, 'Surface $1');
  if (surface === undefined) {
    const named = /\bsurface (\d+)(?: (radius|thickness|material|glass|semi-diameter|semiDiameter|conic|asphere|comment|type))?/i.exec(text);
    if (named) note(Number(named[1]) - 1, named[2]);
  }
  if (surface === undefined) {
    const surf = /\bSURF (\d+)\b/.exec(text);
    if (surf && Number(surf[1]) > 0) note(Number(surf[1]) - 1, undefined);
  }
  return { text, surface, cellId };
}
