/**
 * FramePort adapters for the channels the studio uses, browser-safe (no Node built-ins):
 * - `webSocketFramePort`: a browser `WebSocket` or the `ws` package's WebSocket (binary frames);
 * - `messagePortFramePort`: a DOM / Electron-renderer `MessagePort`, or a Node worker_threads
 *   MessagePort (both deliver `event.data` to `message` listeners).
 */
import type { FramePort } from './studioRpc.ts';

/** The part of the WebSocket interface the adapter uses (browser WebSocket and `ws` both have it). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: ArrayBuffer): void;
  close(code?: number, reason?: string): void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the DOM and `ws` event types differ
  addEventListener(type: string, listener: (ev: any) => void): void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  removeEventListener(type: string, listener: (ev: any) => void): void;
}

const OPEN = 1;

/** Frames over an open WebSocket (one binary message per frame). */
export function webSocketFramePort(ws: WebSocketLike): FramePort {
  ws.binaryType = 'arraybuffer';
  return {
    send(frame) {
      if (ws.readyState !== OPEN) throw new Error('the studio connection is closed');
      ws.send(frame);
    },
    onFrame(listener) {
      const h = (ev: { data: unknown }) => {
        const d = ev.data;
        if (d instanceof ArrayBuffer || ArrayBuffer.isView(d)) listener(d as ArrayBuffer);
        else if (Array.isArray(d)) listener(concat(d as Uint8Array[])); // ws fragments
      };
      ws.addEventListener('message', h);
      return () => ws.removeEventListener('message', h);
    },
    onClose(listener) {
      let fired = false;
      const once = () => {
        if (!fired) {
          fired = true;
          listener();
        }
      };
      ws.addEventListener('close', once);
      ws.addEventListener('error', once);
    },
    close() {
      ws.close();
    },
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** The part of MessagePort the adapter uses (DOM, Electron renderer, Node worker_threads). */
export interface MessagePortLike {
  postMessage(message: unknown, transfer?: Transferable[] | readonly unknown[]): void;
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: () => void): void;
  start?(): void;
  close(): void;
}

/** Frames over a MessagePort, transferring each frame's buffer (no copy). */
export function messagePortFramePort(port: MessagePortLike): FramePort {
  return {
    send(frame) {
      port.postMessage(frame, [frame]);
    },
    onFrame(listener) {
      const h = (ev: { data: unknown }) => {
        const d = ev.data;
        if (d instanceof ArrayBuffer || ArrayBuffer.isView(d)) listener(d as ArrayBuffer);
      };
      port.addEventListener('message', h);
      port.start?.();
      return () => port.removeEventListener('message', h);
    },
    onClose(listener) {
      port.addEventListener('close', listener);
    },
    close() {
      port.close();
    },
  };
}
