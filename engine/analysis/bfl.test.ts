/**
 * BFL when coordinate breaks come before the image: measured from the last surface that is not a
 * coordinate break, so splitting the last air space with a break (even a tilting one, a no-op in
 * the unfolded paraxial model) leaves it unchanged; its derivative against finite differences.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import type { Prescription } from '../io/prescription.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { getParam, setParam, type ParamRef } from '../optics/params.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { applySolves } from '../paraxial/solves.ts';
import { bfl, bflSurface } from './firstOrder.ts';
import { bflTangent } from './firstOrderTangent.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dg = (): Prescription => parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/double-gauss.json'), 'utf8'));
const glass = GlassLibrary.builtin();

/** The Double Gauss with its last air space split by a coordinate break (tilt in degrees). */
function split(tilt: number): Prescription {
  const p = dg();
  const last = p.surfaces.length - 1;
  const t = p.surfaces[last].thickness;
  p.surfaces = [...p.surfaces.slice(0, last), { ...p.surfaces[last], thickness: 0.4 * t }, { type: 'coordinateBreak', tiltX: tilt, thickness: 0.6 * t }];
  return p;
}

describe('BFL with coordinate breaks before the image', () => {
  it('is measured from the last lens surface, not from a trailing coordinate break', () => {
    const plain = buildSystem(dg(), glass);
    for (const tilt of [0, 3]) {
      const system = buildSystem(split(tilt), glass);
      expect(bflSurface(system)).toBe(system.surfaces.length - 3);
      expect(Math.abs(bfl(system) - bfl(plain))).toBeLessThan(1e-12 * bfl(plain));
    }
    expect(bflSurface(plain)).toBe(plain.surfaces.length - 2);
  });

  it('its derivative matches central finite differences, through the break thickness too', () => {
    const system = buildSystem(split(0), glass);
    const n = system.surfaces.length;
    const params: ParamRef[] = [{ kind: 'thickness', surface: n - 2 }, { kind: 'thickness', surface: n - 3 }, { kind: 'curvature', surface: n - 3 }, { kind: 'thickness', surface: 2 }];
    for (const p of params) {
      const v0 = getParam(system, p);
      const h = p.kind === 'curvature' ? 1e-6 : 1e-4;
      const at = (v: number) => {
        setParam(system, p, v);
        applySolves(system);
        const b = bfl(system);
        setParam(system, p, v0);
        applySolves(system);
        return b;
      };
      const fd = (at(v0 + h) - at(v0 - h)) / (2 * h);
      const d = bflTangent(system, p);
      expect(Math.abs(d - fd), `${p.kind}@${p.surface}: ${d} vs ${fd}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
  });
});
