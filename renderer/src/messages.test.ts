import { describe, expect, it } from 'vitest';
import { locateMessage } from './messages.ts';

describe('locateMessage', () => {
  it('numbers surfaces from 1 as the editor does and finds the cell of a JSON path', () => {
    const m = locateMessage('surfaces[2].thickness: surfaces 3 and 4 cross on the axis (gap -0.1000 mm)');
    expect(m.text).toBe('Surface 3 thickness: surfaces 3 and 4 cross on the axis (gap -0.1000 mm)');
    expect(m.surface).toBe(2);
    expect(m.cellId).toBe('thickness-2');
  });
  it('names the glass column for a material path and keeps the rest of the message', () => {
    const m = locateMessage('lens.json: surfaces[0].material: unknown glass "N-SK166" (searched SCHOTT); did you mean N-SK16?');
    expect(m.text).toBe('lens.json: surface 1 glass: unknown glass "N-SK166" (searched SCHOTT); did you mean N-SK16?');
    expect(m.cellId).toBe('material-0');
  });
  it('locates a misspelt key by its surface only', () => {
    const m = locateMessage('surfaces[4].semiDiamter: unknown key — did you mean semiDiameter?');
    expect(m.text).toBe('Surface 5 semiDiamter: unknown key — did you mean semiDiameter?');
    expect(m.surface).toBe(4);
    expect(m.cellId).toBeUndefined();
  });
  it('reads messages that already count from 1 and .zmx SURF numbers', () => {
    expect(locateMessage('surface 3 radius: 0 is not a surface').cellId).toBe('radius-2');
    const z = locateMessage('x.zmx:42: SURF 5: CLAP minimum radius 1 (annular aperture) ignored');
    expect(z.surface).toBe(4);
    expect(z.text).toBe('x.zmx:42: SURF 5: CLAP minimum radius 1 (annular aperture) ignored');
    expect(locateMessage('x.zmx:12: SURF 0: a curved object surface is not modelled').surface).toBeUndefined();
  });
  it('leaves messages without a surface alone', () => {
    expect(locateMessage('field 2, 0.55 µm: 3 of 127 rays lost')).toEqual({ text: 'field 2, 0.55 µm: 3 of 127 rays lost', surface: undefined, cellId: undefined });
  });
});
