import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, WireError } from '../../app/contract/studioWire.ts';

describe('studio wire codec', () => {
  it('keeps NaN, ±Infinity and −0 anywhere in a value', () => {
    const v = { a: NaN, b: [Infinity, -Infinity, -0, 0, 1.5], c: { d: { e: NaN } }, f: null, g: 'NaN' };
    const out = decodeFrame(encodeFrame(v)) as typeof v;
    expect(Number.isNaN(out.a)).toBe(true);
    expect(out.b[0]).toBe(Infinity);
    expect(out.b[1]).toBe(-Infinity);
    expect(Object.is(out.b[2], -0)).toBe(true);
    expect(Object.is(out.b[3], 0)).toBe(true);
    expect(Number.isNaN(out.c.d.e)).toBe(true);
    expect(out.f).toBeNull();
    expect(out.g).toBe('NaN'); // a string stays a string
  });

  it('carries typed arrays as binary attachments, bit for bit, with their type', () => {
    const f64 = Float64Array.of(Math.PI, NaN, -Infinity, 5e-324, -0, 1 / 3);
    const u8 = Uint8Array.of(0, 1, 255);
    const i32 = Int32Array.of(-5, 2 ** 31 - 1);
    const f32 = Float32Array.of(1.1, NaN);
    const frame = encodeFrame({ spots: [{ x: f64, valid: u8 }], i32, f32 });
    const json = new TextDecoder().decode(new Uint8Array(frame));
    // The numbers are not spelled out in the JSON part: they travel as bytes.
    expect(json).not.toContain('3.14159');
    const out = decodeFrame(frame) as { spots: { x: Float64Array; valid: Uint8Array }[]; i32: Int32Array; f32: Float32Array };
    expect(out.spots[0].x).toBeInstanceOf(Float64Array);
    expect(out.spots[0].valid).toBeInstanceOf(Uint8Array);
    expect(out.i32).toBeInstanceOf(Int32Array);
    expect(out.f32).toBeInstanceOf(Float32Array);
    const a = new Uint8Array(f64.buffer);
    const b = new Uint8Array(out.spots[0].x.buffer, out.spots[0].x.byteOffset, out.spots[0].x.byteLength);
    expect(Array.from(b)).toEqual(Array.from(a)); // identical bits, NaN payload included
    expect(Array.from(out.spots[0].valid)).toEqual([0, 1, 255]);
    expect(Array.from(out.i32)).toEqual([-5, 2 ** 31 - 1]);
    expect(out.f32[0]).toBe(Math.fround(1.1));
    expect(Number.isNaN(out.f32[1])).toBe(true);
  });

  it('encodes a view of part of a larger buffer as just that view', () => {
    const big = new Float64Array([1, 2, 3, 4, 5]);
    const view = big.subarray(1, 3);
    const out = decodeFrame(encodeFrame({ view })) as { view: Float64Array };
    expect(Array.from(out.view)).toEqual([2, 3]);
  });

  it('decodes from an unaligned byte offset (a pooled Node Buffer) by copying', () => {
    const frame = new Uint8Array(encodeFrame({ x: Float64Array.of(1.25, -2.5) }));
    const pool = new Uint8Array(frame.byteLength + 3);
    pool.set(frame, 3);
    const out = decodeFrame(pool.subarray(3)) as { x: Float64Array };
    expect(Array.from(out.x)).toEqual([1.25, -2.5]);
  });

  it('round-trips ArrayBuffer, empty arrays and Error objects', () => {
    const ab = Uint8Array.of(9, 8, 7).buffer;
    const out = decodeFrame(encodeFrame({ ab, empty: new Float64Array(0), err: new RangeError('bad') })) as {
      ab: ArrayBuffer;
      empty: Float64Array;
      err: Error;
    };
    expect(out.ab).toBeInstanceOf(ArrayBuffer);
    expect(Array.from(new Uint8Array(out.ab))).toEqual([9, 8, 7]);
    expect(out.empty).toBeInstanceOf(Float64Array);
    expect(out.empty.length).toBe(0);
    expect(out.err).toBeInstanceOf(Error);
    expect(out.err.message).toBe('bad');
    expect(out.err.name).toBe('RangeError');
  });

  it('does not confuse user keys that start with "$" with its own tags', () => {
    const v = { $num: 'Infinity', $bin: 0, $$x: 1, nested: [{ $undef: 1 }] };
    expect(decodeFrame(encodeFrame(v))).toEqual(v);
  });

  it('keeps undefined array slots and drops undefined properties, as JSON does for objects', () => {
    const out = decodeFrame(encodeFrame({ a: [1, undefined, 3], b: undefined })) as Record<string, unknown>;
    expect(out.a).toEqual([1, undefined, 3]);
    expect('b' in out).toBe(false);
  });

  it('rejects foreign and truncated frames with a WireError', () => {
    expect(() => decodeFrame(new Uint8Array([1, 2, 3]))).toThrow(WireError);
    expect(() => decodeFrame(new TextEncoder().encode('{"t":"req","id":1}'))).toThrow(/bad magic/);
    const frame = new Uint8Array(encodeFrame({ x: Float64Array.of(1, 2, 3) }));
    expect(() => decodeFrame(frame.subarray(0, frame.byteLength - 8))).toThrow(/past end/);
  });

  it('refuses values JSON cannot represent instead of silently dropping them', () => {
    expect(() => encodeFrame({ big: 10n })).toThrow(/bigint at big/);
  });
});
