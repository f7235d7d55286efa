/**
 * The end-to-end task presets of lens-library/e2e/ (engine/io/e2eTask.ts schema) and the task file
 * reader: every preset validates and builds; the EDOF lens is dO's end2end_edof.txt; bad files get
 * errors that name the file and the line/column or JSON path.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtinTasks, loadTask, parseTask, TASK_DIR } from '../../app/node/e2eTask.ts';
import { parseDOLens } from '../../engine/io/dO.ts';
import { E2eTask, taskDepths } from '../../engine/io/e2eTask.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { getParam } from '../../engine/optics/params.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dOFile = path.resolve(root, '../shared/data/dO/end2end_edof.txt');

describe('task presets', () => {
  it('the built-in presets are edof and edof-wide, each valid, buildable, with variables that exist', () => {
    expect(builtinTasks()).toEqual(['edof', 'edof-wide']);
    for (const name of builtinTasks()) {
      const { task, lens } = loadTask(name);
      expect(task.name).toBe(name);
      const system = buildSystem(lens, GlassLibrary.builtin());
      for (const v of task.variables) expect(Number.isFinite(getParam(system, { kind: v.kind, surface: v.surface!, index: v.index }))).toBe(true);
      expect(task.variables.map((v) => [v.kind, v.surface, v.index])).toEqual([6, 7, 8, 9].map((i) => ['xy', 4, i])); // the plate's third-order terms
      const d = taskDepths(task);
      expect(d.eval).toBeGreaterThanOrEqual(5);
      expect(task.psf.sizePx % 2).toBe(1);
    }
    expect(taskDepths(loadTask('edof').task)).toMatchObject({ nearMm: 4500, farMm: 8000 });
    expect(taskDepths(loadTask('edof-wide').task)).toMatchObject({ nearMm: 1000, farMm: Infinity });
  });

  it("edof's lens is dO's end2end_edof.txt (doublet + XY-polynomial plate), carried as JSON", () => {
    const imported = parseDOLens(fs.readFileSync(dOFile), { fileName: 'end2end_edof.txt' }).prescription;
    for (const name of builtinTasks()) {
      const { lens } = loadTask(name);
      expect(lens.surfaces).toEqual(imported.surfaces);
      expect(lens.aperture).toEqual(imported.aperture);
      expect(lens.wavelengths).toEqual(imported.wavelengths);
    }
  });

  it('reads a user task file whose lens is a path relative to it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-task-'));
    const task = JSON.parse(fs.readFileSync(path.join(TASK_DIR, 'edof.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'lens.json'), JSON.stringify(task.lens));
    fs.writeFileSync(path.join(dir, 'mine.json'), JSON.stringify({ ...task, name: 'mine', lens: 'lens.json' }));
    const t = loadTask(path.join(dir, 'mine.json'));
    expect(t.task.name).toBe('mine');
    expect(t.lens.surfaces).toHaveLength(5);
    expect(t.lensSource).toBe(path.join(dir, 'lens.json'));
  });

  it('names the file and the line, or the JSON path, of a bad task', () => {
    const good = JSON.parse(fs.readFileSync(path.join(TASK_DIR, 'edof.json'), 'utf8'));
    expect(() => parseTask('{"format": "lens-studio-e2e-task/1",\n  "name": }', 'bad.json')).toThrow(/^bad\.json: malformed JSON at line 2, column 11/);
    expect(() => parseTask(JSON.stringify({ ...good, psf: { ...good.psf, sizePx: 40 } }), 't.json')).toThrow(/^t\.json: psf\.sizePx: expected an odd number of pixels/);
    expect(() => parseTask(JSON.stringify({ ...good, depths: { nearMm: 9000, farMm: 8000 } }), 't.json')).toThrow(/^t\.json: depths\.farMm: farMm must be at least nearMm/);
    expect(() => parseTask(JSON.stringify({ ...good, variables: [{ kind: 'xy', surface: 4, index: 6 }] }), 't.json')).toThrow(/^t\.json: variables\[0\]\.step/);
    expect(() => parseTask(JSON.stringify({ ...good, extra: 1 }), 't.json')).toThrow(/^t\.json: .*extra/);
    expect(() => parseTask(JSON.stringify({ ...good, lens: { ...good.lens, surfaces: [{ type: 'standard', radius: 10 }] } }), 't.json')).toThrow(/^t\.json: lens/);
    expect(() => loadTask('no-such-task')).toThrow(/no built-in task "no-such-task" \(built-in: edof, edof-wide/);
    expect(E2eTask.safeParse({ ...good, format: 'lens-studio-e2e-task/2' }).success).toBe(false);
  });
});
