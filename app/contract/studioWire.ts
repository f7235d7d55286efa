/**
 * The StudioApi wire codec: one message = one binary frame, used unchanged by every transport
 * (Electron MessagePort, worker_threads MessagePort, WebSocket).
 *
 * JSON cannot carry typed arrays efficiently, nor NaN, ±Infinity or −0. The codec walks the value
 * once, lifts every typed array into a binary attachment and tags the special numbers:
 *
 *   Float64Array etc.   → {"$bin": k, "$type": "f64"}        (k-th attachment, raw little-endian bytes)
 *   NaN, Infinity, -0   → {"$num": "NaN" | "Infinity" | "-Infinity" | "-0"}
 *   undefined in arrays → {"$undef": 1}   (undefined object properties are dropped, as JSON does)
 *   object keys that start with "$" are escaped by doubling the "$".
 *
 * Frame layout (all integers u32 little-endian; attachments 8-byte aligned so Float64Array views
 * need no copy):
 *
 *   "LSW1" | nAttachments | jsonByteLength | (offset, byteLength, typeCode) × nAttachments | JSON |
 *   pad to 8 | attachment 0 | pad to 8 | attachment 1 | ...
 *
 * Browser-safe: no Node built-ins (TextEncoder, DataView only).
 */

const MAGIC = 0x3157534c; // "LSW1" read as u32 little-endian

type TypedArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray;

const TYPE_TAGS = {
  ab: Uint8Array, // a bare ArrayBuffer, carried as bytes
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
  i16: Int16Array,
  u16: Uint16Array,
  i8: Int8Array,
  u8: Uint8Array,
  u8c: Uint8ClampedArray,
} as const;
type TypeTag = keyof typeof TYPE_TAGS;

const TAG_LIST = Object.keys(TYPE_TAGS) as TypeTag[];

function tagOf(a: ArrayBufferView): TypeTag {
  for (const tag of TAG_LIST) {
    if (tag !== 'ab' && a instanceof TYPE_TAGS[tag]) return tag;
  }
  throw new TypeError(`studio wire: unsupported binary view ${Object.prototype.toString.call(a)}`);
}

/** Thrown when a frame is not a valid studio wire frame (truncated, wrong magic, bad JSON). */
export class WireError extends Error {
  override name = 'WireError';
}

function liftValue(value: unknown, attachments: TypedArray[], abIndices: Set<number>, path: string): unknown {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { $num: 'NaN' };
    if (value === Infinity) return { $num: 'Infinity' };
    if (value === -Infinity) return { $num: '-Infinity' };
    if (value === 0 && 1 / value < 0) return { $num: '-0' };
    return value;
  }
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') {
      throw new TypeError(`studio wire: cannot encode a ${typeof value} at ${path || '(root)'}`);
    }
    return value;
  }
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) throw new TypeError(`studio wire: DataView at ${path} is not supported`);
    tagOf(value);
    attachments.push(value as TypedArray);
    return { $bin: attachments.length - 1 };
  }
  if (value instanceof ArrayBuffer) {
    attachments.push(new Uint8Array(value));
    abIndices.add(attachments.length - 1);
    return { $bin: attachments.length - 1 };
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => (v === undefined ? { $undef: 1 } : liftValue(v, attachments, abIndices, `${path}[${i}]`)));
  }
  if (value instanceof Error) {
    return { $error: { name: value.name, message: value.message } };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || typeof v === 'function') continue;
    out[k.startsWith('$') ? `$${k}` : k] = liftValue(v, attachments, abIndices, path ? `${path}.${k}` : k);
  }
  return out;
}

function lowerValue(value: unknown, views: unknown[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => lowerValue(v, views));
  const obj = value as Record<string, unknown>;
  if ('$num' in obj) {
    switch (obj.$num) {
      case 'NaN':
        return NaN;
      case 'Infinity':
        return Infinity;
      case '-Infinity':
        return -Infinity;
      case '-0':
        return -0;
      default:
        throw new WireError(`studio wire: bad number tag ${String(obj.$num)}`);
    }
  }
  if ('$bin' in obj) {
    const view = views[obj.$bin as number];
    if (!view) throw new WireError(`studio wire: missing attachment ${String(obj.$bin)}`);
    return view;
  }
  if ('$undef' in obj) return undefined;
  if ('$error' in obj) {
    const e = obj.$error as { name: string; message: string };
    const err = new Error(e.message);
    err.name = e.name;
    return err;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k.startsWith('$$') ? k.slice(1) : k] = lowerValue(v, views);
  return out;
}

const align8 = (n: number) => (n + 7) & ~7;

/**
 * Encodes any JSON-like value (plus typed arrays, ArrayBuffer, NaN, ±Infinity, −0) as one frame.
 * @returns a fresh ArrayBuffer (transferable)
 * @throws TypeError for values JSON cannot represent (functions at the root, bigint, symbols)
 */
export function encodeFrame(value: unknown): ArrayBuffer {
  const attachments: TypedArray[] = [];
  const abIndices = new Set<number>();
  const json = JSON.stringify(liftValue(value, attachments, abIndices, ''));
  const jsonBytes = new TextEncoder().encode(json);
  const headerBytes = 12 + 12 * attachments.length;
  let offset = align8(headerBytes + jsonBytes.byteLength);
  const offsets: number[] = [];
  for (const a of attachments) {
    offsets.push(offset);
    offset = align8(offset + a.byteLength);
  }
  const buffer = new ArrayBuffer(offset);
  const dv = new DataView(buffer);
  const bytes = new Uint8Array(buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, attachments.length, true);
  dv.setUint32(8, jsonBytes.byteLength, true);
  attachments.forEach((a, i) => {
    dv.setUint32(12 + 12 * i, offsets[i], true);
    dv.setUint32(16 + 12 * i, a.byteLength, true);
    dv.setUint32(20 + 12 * i, TAG_LIST.indexOf(abIndices.has(i) ? 'ab' : tagOf(a)), true);
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offsets[i]);
  });
  bytes.set(jsonBytes, headerBytes);
  return buffer;
}

/**
 * Decodes a frame made by `encodeFrame`. Typed arrays come back as views of the frame's buffer
 * when it is 8-byte aligned (zero copy), else as copies.
 * @throws WireError for a truncated or foreign frame
 */
export function decodeFrame(frame: ArrayBuffer | ArrayBufferView): unknown {
  let buffer: ArrayBuffer;
  let base: number;
  let length: number;
  if (frame instanceof ArrayBuffer) {
    buffer = frame;
    base = 0;
    length = frame.byteLength;
  } else if (ArrayBuffer.isView(frame)) {
    buffer = frame.buffer as ArrayBuffer;
    base = frame.byteOffset;
    length = frame.byteLength;
  } else {
    throw new WireError('studio wire: frame is not binary');
  }
  if (length < 12) throw new WireError(`studio wire: frame too short (${length} bytes)`);
  const dv = new DataView(buffer, base, length);
  if (dv.getUint32(0, true) !== MAGIC) throw new WireError('studio wire: not a studio frame (bad magic)');
  const n = dv.getUint32(4, true);
  const jsonLength = dv.getUint32(8, true);
  const headerBytes = 12 + 12 * n;
  if (headerBytes + jsonLength > length) throw new WireError('studio wire: truncated frame');
  const jsonText = new TextDecoder().decode(new Uint8Array(buffer, base + headerBytes, jsonLength));
  const views: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const off = dv.getUint32(12 + 12 * i, true);
    const len = dv.getUint32(16 + 12 * i, true);
    const tag = TAG_LIST[dv.getUint32(20 + 12 * i, true)];
    if (off + len > length) throw new WireError('studio wire: attachment past end of frame');
    if (!tag) throw new WireError(`studio wire: unknown binary type in attachment ${i}`);
    if (tag === 'ab') {
      views.push(buffer.slice(base + off, base + off + len));
      continue;
    }
    const ctor = TYPE_TAGS[tag];
    if (len % ctor.BYTES_PER_ELEMENT !== 0) throw new WireError(`studio wire: attachment ${i} has a ragged length`);
    const start = base + off;
    if (start % ctor.BYTES_PER_ELEMENT === 0) {
      views.push(new ctor(buffer, start, len / ctor.BYTES_PER_ELEMENT));
    } else {
      views.push(new ctor(buffer.slice(start, start + len)));
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonText);
  } catch (e) {
    throw new WireError(`studio wire: bad JSON in frame: ${(e as Error).message}`);
  }
  return lowerValue(parsed, views);
}
