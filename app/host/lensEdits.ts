/**
 * Applying a StudioApi `LensEdit` to a prescription: a pure function returning a new, schema-valid
 * prescription, or throwing a `StudioError('BAD_EDIT')` that names the surface (1-based, as lens
 * data editors number them) and the field. The input prescription is never modified.
 */
import { validatePrescription, PrescriptionError } from '../../engine/io/json.ts';
import type { Prescription, SurfaceSpec } from '../../engine/io/prescription.ts';
import { StudioError, type LensEdit } from '../contract/studioApi.ts';

const SURFACE_TYPES = ['standard', 'evenAsphere', 'xyPolynomial', 'coordinateBreak', 'paraxial'] as const;

/** Type-specific parameters settable with setSurface, beyond the common ones. */
const TYPE_FIELDS: Record<string, string[]> = {
  coordinateBreak: ['decenterX', 'decenterY', 'tiltX', 'tiltY', 'tiltZ', 'order'],
  paraxial: ['focalLength'],
  xyPolynomial: ['b', 'xy'],
};

function bad(message: string): never {
  throw new StudioError('BAD_EDIT', message);
}

/** A human label for the undo menu, e.g. "Surface 3 radius". */
export function editLabel(edit: LensEdit): string {
  switch (edit.op) {
    case 'setSurface':
      return `Surface ${edit.index + 1} ${edit.field}`;
    case 'setVariable':
      return `Surface ${edit.index + 1} ${edit.param} variable`;
    case 'setVariables':
      return 'Variables';
    case 'varyAll':
      return `${edit.on ? 'Vary' : 'Fix'} all ${edit.param === 'radius' ? 'radii' : edit.param === 'thickness' ? 'thicknesses' : 'conics'}`;
    case 'setSolve':
      return `Surface ${edit.index + 1} ${edit.param} ${edit.solve ? 'solve' : 'solve removed'}`;
    case 'insertSurface':
      return `Insert surface ${edit.index + 1}`;
    case 'deleteSurface':
      return `Delete surface ${edit.index + 1}`;
    case 'setSystem':
      return `System ${edit.field}`;
    case 'replace':
      return edit.label ?? 'Replace lens';
  }
}

function checkIndex(p: Prescription, index: unknown, allowEnd = false): number {
  const n = p.surfaces.length;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > (allowEnd ? n : n - 1)) {
    bad(`surface index ${String(index)} is out of range (the lens has ${n} surfaces)`);
  }
  return index;
}

/** Converts a surface to another type, keeping what both types share. */
function convertSurface(s: SurfaceSpec, type: string): SurfaceSpec {
  if (!(SURFACE_TYPES as readonly string[]).includes(type)) {
    bad(`unknown surface type "${type}" (expected one of ${SURFACE_TYPES.join(', ')})`);
  }
  if (s.type === type) return s;
  const common = {
    thickness: s.thickness,
    ...(s.comment !== undefined && { comment: s.comment }),
    ...(s.stop !== undefined && { stop: s.stop }),
    ...(s.semiDiameter !== undefined && { semiDiameter: s.semiDiameter }),
  };
  const material = 'material' in s ? s.material : undefined;
  const radius = 'radius' in s ? s.radius : null;
  const conic = 'conic' in s ? s.conic : undefined;
  switch (type) {
    case 'standard':
      return { type: 'standard', radius, ...(conic !== undefined && { conic }), material, ...common };
    case 'evenAsphere':
      return { type: 'evenAsphere', radius, ...(conic !== undefined && { conic }), asphere: [0, 0, 0], material, ...common };
    case 'xyPolynomial':
      return { type: 'xyPolynomial', b: radius ? 1 / (2 * radius) : 0, xy: [0], material, ...common };
    case 'coordinateBreak':
      return { type: 'coordinateBreak', ...common };
    default:
      return { type: 'paraxial', focalLength: 100, material, ...common };
  }
}

/** Names a non-finite number by value ("NaN is not a finite number"): clearer than a schema message. */
function checkFinite(value: unknown, what: string): void {
  const values = Array.isArray(value) ? value : [value];
  for (const v of values) if (typeof v === 'number' && !Number.isFinite(v)) bad(`${what}: ${v} is not a finite number`);
}

function setSurfaceField(s: SurfaceSpec, field: string, value: unknown, all: SurfaceSpec[], index: number): SurfaceSpec {
  const out = { ...s } as Record<string, unknown>;
  // ±Infinity is a legal radius (a plane); every other non-finite number is refused by name.
  if (!(field === 'radius' && (value === Infinity || value === -Infinity))) checkFinite(value, `surface ${index + 1} ${field}`);
  switch (field) {
    case 'type':
      return convertSurface(s, String(value));
    case 'radius':
      if (!('radius' in s)) bad(`surface ${index + 1} is a ${s.type} surface and has no radius`);
      if (value === null || value === Infinity || value === -Infinity) out.radius = null;
      else if (typeof value === 'number' && value === 0) bad(`surface ${index + 1} radius: 0 is not a surface (leave it empty or "Infinity" for a plane)`);
      else out.radius = value;
      break;
    case 'material':
      if (s.type === 'coordinateBreak') bad(`surface ${index + 1} is a coordinate break and has no material`);
      if (value === null || value === undefined || (typeof value === 'string' && /^\s*(air)?\s*$/i.test(value))) out.material = null;
      else out.material = typeof value === 'string' ? value.trim() : value;
      break;
    case 'asphere':
      if (s.type === 'standard') return { ...(convertSurface(s, 'evenAsphere') as object), asphere: value } as SurfaceSpec;
      if (s.type !== 'evenAsphere') bad(`surface ${index + 1} is a ${s.type} surface and has no asphere terms`);
      out.asphere = value;
      break;
    case 'conic':
      if (!('radius' in s)) bad(`surface ${index + 1} is a ${s.type} surface and has no conic`);
      if (value === undefined || value === null) delete out.conic;
      else out.conic = value;
      break;
    case 'stop':
      if (value === true) for (let i = 0; i < all.length; i++) if (i !== index) delete (all[i] as { stop?: boolean }).stop;
      if (value) out.stop = true;
      else delete out.stop;
      break;
    case 'semiDiameter':
    case 'comment':
      if (value === undefined || value === null || value === '') delete out[field];
      else out[field] = value;
      break;
    case 'thickness':
      out.thickness = value;
      break;
    default: {
      const own = TYPE_FIELDS[s.type] ?? [];
      if (!own.includes(field)) bad(`surface ${index + 1}: a ${s.type} surface has no "${field}"`);
      if (value === undefined || value === null) delete out[field];
      else out[field] = value;
    }
  }
  return out as SurfaceSpec;
}

/** The solve that sets a parameter of surface i ("radius"/"curvature", "thickness", "conic"), if any. */
function solveOfParam(p: Prescription, i: number, param: string): string | undefined {
  const s = p.surfaces[i];
  const key = param === 'curvature' ? 'radius' : param;
  const solve = (s.solves as Record<string, { type: string } | undefined> | undefined)?.[key];
  if (solve) return solve.type;
  if (key === 'thickness' && i === p.surfaces.length - 1 && p.imageSolve === 'paraxialFocus') return 'image solve';
  return undefined;
}

/** Sets or clears one variable flag of surface `index`, with optional bounds (in place on a clone). */
function setFlag(p: Prescription, index: unknown, param: unknown, on: unknown, lower?: unknown, upper?: unknown): void {
  const i = checkIndex(p, index);
  if (typeof param !== 'string' || !param) bad(`surface ${i + 1}: a variable needs a parameter name`);
  const s = p.surfaces[i];
  const solved = on ? solveOfParam(p, i, param) : undefined;
  if (solved) bad(`surface ${i + 1} ${param} is set by a ${solved}; remove the solve to vary it`);
  for (const [name, v] of [['lower', lower], ['upper', upper]] as const) {
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) bad(`surface ${i + 1} ${param} ${name} bound: ${String(v)} is not a finite number`);
  }
  const vars = { ...(s.variables ?? {}) };
  if (on) vars[param] = lower === undefined && upper === undefined ? true : { ...(lower !== undefined && { lower: lower as number }), ...(upper !== undefined && { upper: upper as number }) };
  else delete vars[param];
  if (Object.keys(vars).length) s.variables = vars;
  else delete s.variables;
}

/** The flags "vary all radii / thicknesses / conics" changes: every such parameter no solve sets. */
function varyAll(p: Prescription, param: unknown, on: unknown): void {
  if (param !== 'radius' && param !== 'thickness' && param !== 'conic') bad(`varyAll: "${String(param)}" is not radius, thickness or conic`);
  p.surfaces.forEach((s, i) => {
    const has =
      param === 'thickness' ? !(s.type === 'coordinateBreak' && s.thickness === 0) : 'radius' in s && (param === 'conic' || s.radius !== null);
    if (!has || (on && solveOfParam(p, i, param))) return;
    if (!!s.variables?.[param] !== !!on) setFlag(p, i, param, !!on);
  });
}

/** Sets or removes the solve of one parameter of surface `index`; it replaces that parameter's variable flag. */
function setSolve(p: Prescription, index: unknown, param: unknown, solve: unknown): void {
  const i = checkIndex(p, index);
  if (param !== 'radius' && param !== 'thickness' && param !== 'conic' && param !== 'material') bad(`surface ${i + 1}: "${String(param)}" has no solves (radius, thickness, conic or material)`);
  const s = p.surfaces[i];
  const solves: Record<string, unknown> = { ...(s.solves ?? {}) };
  if (solve === null || solve === undefined) delete solves[param];
  else solves[param] = structuredClone(solve);
  if (Object.keys(solves).length) s.solves = solves as typeof s.solves;
  else delete s.solves;
  if (solve && s.variables?.[param]) setFlag(p, i, param, false);
}

/**
 * Returns the prescription with `edit` applied.
 * @throws StudioError BAD_EDIT naming the surface and field, when the result is not a valid prescription
 */
export function applyEdit(p: Prescription, edit: LensEdit): Prescription {
  const next = structuredClone(p);
  switch (edit.op) {
    case 'setSurface': {
      const i = checkIndex(next, edit.index);
      next.surfaces[i] = setSurfaceField(next.surfaces[i], edit.field, edit.value, next.surfaces, i);
      break;
    }
    case 'setVariable':
      setFlag(next, edit.index, edit.param, edit.on, edit.lower, edit.upper);
      break;
    case 'setVariables':
      if (!Array.isArray(edit.changes)) bad('setVariables needs a list of changes');
      for (const c of edit.changes) setFlag(next, c.index, c.param, c.on, c.lower, c.upper);
      break;
    case 'varyAll':
      varyAll(next, edit.param, edit.on);
      break;
    case 'setSolve':
      setSolve(next, edit.index, edit.param, edit.solve);
      break;
    case 'insertSurface': {
      const i = checkIndex(next, edit.index, true);
      next.surfaces.splice(i, 0, edit.surface ? structuredClone(edit.surface) : { type: 'standard', radius: null, thickness: 0, material: null });
      break;
    }
    case 'deleteSurface': {
      const i = checkIndex(next, edit.index);
      if (next.surfaces.length <= 1) bad('the last surface cannot be deleted');
      next.surfaces.splice(i, 1);
      break;
    }
    case 'setSystem': {
      const allowed = ['name', 'aperture', 'fields', 'wavelengths', 'glassCatalogs', 'object', 'rayAiming', 'imageSolve', 'image', 'merit'];
      if (!allowed.includes(edit.field)) bad(`system field "${String(edit.field)}" cannot be edited`);
      const rec = next as unknown as Record<string, unknown>;
      if (edit.value === undefined || edit.value === null) {
        if (edit.field === 'name' || edit.field === 'aperture' || edit.field === 'fields' || edit.field === 'wavelengths' || edit.field === 'object') {
          bad(`${edit.field} cannot be removed`);
        }
        delete rec[edit.field];
      } else rec[edit.field] = structuredClone(edit.value);
      break;
    }
    case 'replace':
      return validate(structuredClone(edit.prescription), 'lens');
    default:
      bad(`unknown edit operation ${JSON.stringify((edit as { op?: unknown }).op)}`);
  }
  return validate(next, editLabel(edit));
}

function validate(p: unknown, what: string): Prescription {
  try {
    return validatePrescription(p, what);
  } catch (e) {
    if (e instanceof PrescriptionError) {
      // "Surface 3 radius: surfaces[2].radius: expected a finite number" → name the surface 1-based.
      const m = e.message.replace(/surfaces\[(\d+)\]\.?/g, (_, i) => `surface ${Number(i) + 1} `).replace(/ +:/g, ':');
      bad(m);
    }
    throw e;
  }
}
