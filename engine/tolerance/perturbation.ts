/**
 * The perturbation model: a nominal lens and a tolerance spec turned into one "template" lens whose
 * parameters, moved by linear (or, for radii, closed-form) maps, give every perturbed lens exactly.
 *
 * Geometry (the conventions of OpticStudio's tolerancing; all inserted surfaces are ordinary
 * coordinate breaks of the prescription format, so a perturbed lens is written out as a plain
 * prescription):
 * - Surface decenter / tilt (TSDX, TSDY, TSTX, TSTY) of surface s: a coordinate break before s
 *   (order 0: decenter, then tilt about x, then y — about the surface vertex), s itself with
 *   thickness 0, then the inverse break (order 1, every value negated) carrying s's thickness. Only
 *   surface s moves; the rest of the lens stays where it was.
 * - Element decenter / tilt (TEDX, TEDY, TETX, TETY) of surfaces a..b: a break before a (order 0,
 *   about a's vertex); a..b keep their thicknesses except b, whose thickness becomes −T (T = the
 *   element's axial length, Σ t_a..t_{b−1}) so the frame returns to a's vertex; then the inverse
 *   break (order 1, negated) with thickness T + t_b. The element moves rigidly.
 * - Image tilt (TSTX/TSTY on the image plane): a break just before the image (order 0).
 * - Radius (TRAD ± mm; TFRN ± fringes): curvature c = 1/(R + ΔR); for fringes, the conic's sag at
 *   the clear semi-aperture r changes by F·λ/2 (one fringe = λ/2 of sag, double-pass test):
 *   c' = 2 z' / (r² + (1+k) z'²), z' = z(c, r) + F λ / 2, exact for a conic.
 * - Thickness (TTHI): the gap after surface s (the back focus for the last surface).
 * - Index and Abbe number (TIND Δnd, TABB % of Vd): the glass after s becomes an offset glass of
 *   its own (engine/materials/offsetGlass.ts), so every element's melt varies independently.
 * - Irregularity (TIRR, F fringes): the surface is written in the implicit XY-polynomial form
 *   (c(1+k)/2) z² − z + g(x, y) = 0 with g = c r²/2 (the same conic exactly) and g gains
 *   a_A ρ² cos 2θ + a_S (6ρ⁴ − 6ρ²), ρ = r/r_clear, with a_A = Fλ/8 and a_S = Fλ/6: each term has
 *   a peak-to-valley of Fλ/4, half the fringes' λ/2·F. For a sphere |∇| of the implicit function
 *   is 1 on the surface, so g's change is the departure along the normal — what a test plate sees.
 * Solves are frozen at their nominal values (the compensators take their place).
 */
import type { Compensator, ToleranceOperand, ToleranceOperandType, ToleranceSpec } from '../io/toleranceSpec.ts';
import { DEFAULT_TEST_WAVELENGTH_UM } from '../io/toleranceSpec.ts';
import type { Prescription } from '../io/prescription.ts';
import type { GlassResolver, LensSystem } from '../optics/system.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { getParam, paramLabel, setParam, type ParamRef } from '../optics/params.ts';
import { writeBack } from '../optics/writeBack.ts';
import { isTunableGlass } from '../materials/offsetGlass.ts';
import { conicSag } from '../trace/sag.ts';
import { buildTemplate, ToleranceError, type DofSpec } from './template.ts';

export { ToleranceError };
import { drawingSemiDiameters } from '../analysis/layout.ts';

const DEG = Math.PI / 180;

/** A design parameter (robust design varies these): a prescription surface's curvature, etc. */
export interface DesignVariable {
  kind: 'curvature' | 'thickness' | 'conic' | 'asphere';
  /** 0-based prescription surface. */
  surface: number;
  /** Asphere coefficient index (0 = A2). */
  index?: number;
}

/** One degree of freedom: a tolerance operand, a compensator or a design variable, in its unit. */
export interface Dof {
  readonly type: ToleranceOperandType | 'backFocus' | 'design';
  /** 0-based prescription surface (the image plane is surfaces.length). */
  readonly surface: number;
  readonly lastSurface?: number;
  /** e.g. "TSDX 3", "TEDX 3-5" (surfaces numbered from 1). */
  readonly label: string;
  /** Indices into the model's `params` and the coefficient of each per unit internal increment u. */
  readonly refs: readonly number[];
  readonly coefs: readonly number[];
  /** The internal increment u(δ) for δ in spec units, and du/dδ. */
  internal(delta: number): number;
  dInternal(delta: number): number;
}

export interface PerturbationModel {
  /** The nominal prescription, solves frozen. */
  readonly nominal: Prescription;
  /** The nominal written with every break, XY form and offset glass the spec needs. */
  readonly template: Prescription;
  /** The template's system; `apply` changes it in place. */
  readonly system: LensSystem;
  /** The template parameters the degrees of freedom move, and their nominal values. */
  readonly params: readonly ParamRef[];
  readonly base: Float64Array;
  readonly operands: readonly Dof[];
  readonly compensators: readonly Dof[];
  /** Design variables (internal units: 1/mm, mm, unitless), and their offsets from nominal, applied by `apply`. */
  readonly design: readonly Dof[];
  readonly designOffsets: Float64Array;
  /** Clear semi-apertures used for fringes, per prescription surface (mm). */
  readonly semiApertures: Float64Array;
  /**
   * Sets the system to the lens with operand perturbations δ and compensator offsets c (spec units).
   * @throws SystemError / RangeError for an impossible lens (e.g. Vd ≤ 0)
   */
  apply(delta: ArrayLike<number>, comp: ArrayLike<number>): void;
  /** ∂(params)/∂(dofs) at (δ, c): row-major params × dofs, for `operands`, `compensators` or `design`. */
  paramJacobian(delta: ArrayLike<number>, comp: ArrayLike<number>, which: 'operands' | 'compensators' | 'design'): Float64Array;
  /** The perturbed lens as a prescription (to write out or analyse afresh). */
  prescription(delta: ArrayLike<number>, comp: ArrayLike<number>): Prescription;
}

function dofLabel(d: DofSpec): string {
  if (d.type === 'backFocus') return 'back focus';
  if (d.type === 'design') return paramLabel({ kind: d.designKind!, surface: d.surface, index: d.index });
  return d.lastSurface !== undefined ? `${d.type} ${d.surface + 1}-${d.lastSurface + 1}` : `${d.type} ${d.surface + 1}`;
}

/** Freezes the paraxial image solve at its current value. */
function freezeSolves(p: Prescription, glass: GlassResolver): Prescription {
  if ((p.imageSolve ?? 'none') === 'none') return p;
  const sys = buildSystem(p, glass);
  const out = writeBack(sys);
  out.imageSolve = 'none';
  return out;
}

/**
 * Builds the perturbation model of a lens and a tolerance spec.
 * @throws ToleranceError naming the operand (a surface that does not exist, TIND on air, TIRR on an
 *   even asphere, TRAD on a plane, overlapping elements, ...)
 */
export function buildPerturbationModel(prescription: Prescription, spec: ToleranceSpec, glass: GlassResolver, designVariables: readonly DesignVariable[] = []): PerturbationModel {
  const nominal = freezeSolves(prescription, glass);
  const n = nominal.surfaces.length;
  const lambdaTest = spec.testWavelengthUm ?? DEFAULT_TEST_WAVELENGTH_UM;
  const opSpecs: DofSpec[] = spec.operands.map((o: ToleranceOperand, i) => ({ type: o.type, surface: o.surface, lastSurface: o.lastSurface, wavelengthUm: o.wavelengthUm, semiAperture: o.semiAperture, where: `operands[${i}] (${o.type})` }));
  const compList: Compensator[] = spec.compensators ?? [{ type: 'backFocus' }];
  const compSpecs: DofSpec[] = compList.map((c, i) => ({ type: c.type, surface: c.type === 'backFocus' ? n - 1 : c.surface!, lastSurface: c.lastSurface, where: `compensators[${i}] (${c.type})` }));
  const designSpecs: DofSpec[] = designVariables.map((v, i) => ({ type: 'design', designKind: v.kind, surface: v.surface, index: v.index, where: `variables[${i}] (${v.kind})` }));
  const all = [...opSpecs, ...compSpecs];

  const { template, realIndex, carrier, breakBefore, elementBreaks, imageCb, elementList, xyForm } = buildTemplate(nominal, all);
  const system = buildSystem(template, glass);

  // ---- parameters and degrees of freedom ----
  const params: ParamRef[] = [];
  const keyOf = (p: ParamRef) => `${p.kind}:${p.surface}:${p.index ?? ''}`;
  const paramIndex = new Map<string, number>();
  const ref = (p: ParamRef): number => {
    const key = keyOf(p);
    let i = paramIndex.get(key);
    if (i === undefined) {
      i = params.length;
      params.push(p);
      paramIndex.set(key, i);
    }
    return i;
  };
  const semiApertures = drawingSemiDiameters(buildSystem(nominal, glass));
  const elementOf = (s: number): [number, number] | undefined => elementList.find(([a, b]) => s >= a && s <= b);
  const thicknessRefs = (s: number): [number[], number[]] => {
    const refs: number[] = [], coefs: number[] = [];
    const el = elementOf(s);
    if (el && s === el[1]) {
      refs.push(ref({ kind: 'thickness', surface: elementBreaks.get(el[0])![1] }));
      coefs.push(1);
    } else {
      refs.push(ref({ kind: 'thickness', surface: carrier[s] }));
      coefs.push(1);
      if (el) {
        refs.push(ref({ kind: 'thickness', surface: carrier[el[1]] }), ref({ kind: 'thickness', surface: elementBreaks.get(el[0])![1] }));
        coefs.push(-1, 1);
      }
    }
    return [refs, coefs];
  };
  const linear = (refs: number[], coefs: number[]) => ({ refs, coefs, internal: (d: number) => d, dInternal: () => 1 });

  const makeDof = (d: DofSpec): Dof => {
    const s = d.surface;
    const label = dofLabel(d);
    const base = { type: d.type, surface: s, lastSurface: d.lastSurface, label };
    if (d.type === 'design') {
      if (s >= n) throw new ToleranceError(`${d.where}: surface ${s} does not exist`);
      const kind = nominal.surfaces[s].type;
      switch (d.designKind!) {
        case 'thickness': {
          const [refs, coefs] = thicknessRefs(s);
          return { ...base, ...linear(refs, coefs) };
        }
        case 'curvature': {
          if (kind !== 'standard' && kind !== 'evenAsphere') throw new ToleranceError(`${d.where}: surface ${s} (${kind}) has no curvature`);
          if (!xyForm.has(s)) return { ...base, ...linear([ref({ kind: 'curvature', surface: realIndex[s] })], [1]) };
          const kp1 = 1 + ((nominal.surfaces[s] as { conic?: number }).conic ?? 0);
          const si = realIndex[s];
          return { ...base, ...linear([ref({ kind: 'xyB', surface: si }), ref({ kind: 'xy', surface: si, index: 3 }), ref({ kind: 'xy', surface: si, index: 5 })], [kp1 / 2, 0.5, 0.5]) };
        }
        case 'conic':
          if (xyForm.has(s)) throw new ToleranceError(`${d.where}: the conic of surface ${s} cannot vary with an irregularity (TIRR) tolerance on it`);
          if (kind !== 'standard' && kind !== 'evenAsphere') throw new ToleranceError(`${d.where}: surface ${s} (${kind}) has no conic`);
          return { ...base, ...linear([ref({ kind: 'conic', surface: realIndex[s] })], [1]) };
        case 'asphere':
          if (kind !== 'evenAsphere') throw new ToleranceError(`${d.where}: surface ${s} is not an even asphere`);
          return { ...base, ...linear([ref({ kind: 'asphere', surface: realIndex[s], index: d.index ?? 0 })], [1]) };
      }
    }
    switch (d.type) {
      case 'backFocus':
      case 'TTHI': {
        if (s >= n) throw new ToleranceError(`${d.where}: the image plane has no thickness`);
        const [refs, coefs] = thicknessRefs(s);
        return { ...base, ...linear(refs, coefs) };
      }
      case 'TSDX':
      case 'TSDY':
      case 'TSTX':
      case 'TSTY': {
        const kind = d.type === 'TSDX' ? 'decenterX' : d.type === 'TSDY' ? 'decenterY' : d.type === 'TSTX' ? 'tiltX' : 'tiltY';
        const f = d.type === 'TSTX' || d.type === 'TSTY' ? DEG : 1;
        if (s === n) return { ...base, ...linear([ref({ kind, surface: imageCb })], [f]) };
        const [c1, c2] = breakBefore.get(s)!;
        return { ...base, ...linear([ref({ kind, surface: c1 }), ref({ kind, surface: c2 })], [f, -f]) };
      }
      case 'TEDX':
      case 'TEDY':
      case 'TETX':
      case 'TETY': {
        const kind = d.type === 'TEDX' ? 'decenterX' : d.type === 'TEDY' ? 'decenterY' : d.type === 'TETX' ? 'tiltX' : 'tiltY';
        const f = d.type === 'TETX' || d.type === 'TETY' ? DEG : 1;
        const [e1, e2] = elementBreaks.get(s)!;
        return { ...base, ...linear([ref({ kind, surface: e1 }), ref({ kind, surface: e2 })], [f, -f]) };
      }
      case 'TRAD':
      case 'TFRN': {
        const isXY = xyForm.has(s);
        const nomSpec = nominal.surfaces[s] as { radius: number | null; conic?: number };
        const c0 = nomSpec.radius === null ? 0 : 1 / nomSpec.radius;
        const kp1 = 1 + (nomSpec.conic ?? 0);
        const refs = isXY ? [ref({ kind: 'xyB', surface: realIndex[s] }), ref({ kind: 'xy', surface: realIndex[s], index: 3 }), ref({ kind: 'xy', surface: realIndex[s], index: 5 })] : [ref({ kind: 'curvature', surface: realIndex[s] })];
        const coefs = isXY ? [kp1 / 2, 0.5, 0.5] : [1];
        if (d.type === 'TRAD') {
          const R0 = 1 / c0;
          return { ...base, refs, coefs, internal: (dR) => 1 / (R0 + dR) - c0, dInternal: (dR) => -1 / ((R0 + dR) * (R0 + dR)) };
        }
        const r = d.semiAperture ?? semiApertures[s];
        if (!(r > 0)) throw new ToleranceError(`${d.where}: surface ${s} has no clear aperture (set semiAperture)`);
        const halfLambda = ((d.wavelengthUm ?? lambdaTest) * 1e-3) / 2;
        const z0 = conicSag(c0, kp1 - 1, r * r);
        if (!Number.isFinite(z0)) throw new ToleranceError(`${d.where}: surface ${s}'s sag is undefined at the clear semi-aperture ${r} mm`);
        const cOf = (z: number) => (2 * z) / (r * r + kp1 * z * z);
        return {
          ...base,
          refs,
          coefs,
          internal: (F) => cOf(z0 + F * halfLambda) - c0,
          dInternal: (F) => {
            const z = z0 + F * halfLambda;
            const q = r * r + kp1 * z * z;
            return (halfLambda * 2 * (r * r - kp1 * z * z)) / (q * q);
          },
        };
      }
      case 'TIND':
        return { ...base, ...linear([ref({ kind: 'nd', surface: realIndex[s] })], [1]) };
      case 'TABB': {
        const m = system.surfaces[realIndex[s]].material;
        if (!isTunableGlass(m)) throw new ToleranceError(`${d.where}: the glass after surface ${s} cannot be offset`);
        return { ...base, ...linear([ref({ kind: 'vd', surface: realIndex[s] })], [m.vd / 100]) };
      }
      case 'TIRR': {
        const r = d.semiAperture ?? semiApertures[s];
        if (!(r > 0)) throw new ToleranceError(`${d.where}: surface ${s} has no clear aperture (set semiAperture)`);
        const lam = (d.wavelengthUm ?? lambdaTest) * 1e-3;
        const aA = lam / 8, aS = lam / 6; // per fringe
        const r2 = r * r, r4 = r2 * r2;
        const si = realIndex[s];
        const refs = [3, 5, 10, 12, 14].map((index) => ref({ kind: 'xy', surface: si, index }));
        // g += aA (x² − y²)/r² + aS (6 (x² + y²)²/r⁴ − 6 (x² + y²)/r²)
        const coefs = [-aA / r2 - (6 * aS) / r2, aA / r2 - (6 * aS) / r2, (6 * aS) / r4, (12 * aS) / r4, (6 * aS) / r4];
        return { ...base, ...linear(refs, coefs) };
      }
    }
  };
  const operands = opSpecs.map(makeDof);
  const compensators = compSpecs.map(makeDof);
  const design = designSpecs.map(makeDof);
  const designOffsets = new Float64Array(design.length);
  const base = Float64Array.from(params, (p) => getParam(system, p));
  const P = params.length;
  const values = new Float64Array(P);
  const written = Float64Array.from(base);

  const compose = (delta: ArrayLike<number>, comp: ArrayLike<number>): Float64Array => {
    if (delta.length !== operands.length) throw new RangeError(`expected ${operands.length} operand values, got ${delta.length}`);
    if (comp.length !== compensators.length) throw new RangeError(`expected ${compensators.length} compensator values, got ${comp.length}`);
    values.set(base);
    const add = (d: Dof, v: number) => {
      if (v === 0) return;
      const u = d.internal(v);
      for (let e = 0; e < d.refs.length; e++) values[d.refs[e]] += d.coefs[e] * u;
    };
    operands.forEach((d, j) => add(d, delta[j]));
    compensators.forEach((d, j) => add(d, comp[j]));
    design.forEach((d, j) => add(d, designOffsets[j]));
    return values;
  };

  const model: PerturbationModel = {
    nominal,
    template,
    system,
    params,
    base,
    operands,
    compensators,
    design,
    designOffsets,
    semiApertures,
    apply(delta, comp) {
      const v = compose(delta, comp);
      for (let i = 0; i < P; i++) {
        if (v[i] === written[i]) continue;
        setParam(system, params[i], v[i]);
        written[i] = v[i];
      }
    },
    paramJacobian(delta, comp, which) {
      const dofs = which === 'operands' ? operands : which === 'compensators' ? compensators : design;
      const vals = which === 'operands' ? delta : which === 'compensators' ? comp : designOffsets;
      const D = dofs.length;
      const out = new Float64Array(P * D);
      dofs.forEach((d, j) => {
        const du = d.dInternal(vals[j]);
        for (let e = 0; e < d.refs.length; e++) out[d.refs[e] * D + j] += d.coefs[e] * du;
      });
      return out;
    },
    prescription(delta, comp) {
      model.apply(delta, comp);
      return writeBack(system, template);
    },
  };
  return model;
}
