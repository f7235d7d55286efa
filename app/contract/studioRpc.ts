/**
 * StudioApi over any frame transport: a client (`createStudioClient`) that turns method calls into
 * request frames, and a server (`serveStudio`) that dispatches them to a `StudioService`.
 *
 * Messages (each one `studioWire` frame):
 *   request  {t: "req", id, method, args}
 *   response {t: "res", id, ok: true, result} | {t: "res", id, ok: false, error: {code, message}}
 *   event    {t: "evt", event}
 *
 * The server handles requests strictly in arrival order (an `edit` followed by `analyze` sees the
 * edit), except the stop methods (`OVERTAKING_METHODS`), which must overtake a queue that may be busy.
 * One client may have at most `MAX_QUEUED_REQUESTS` requests waiting; more are answered BUSY.
 *
 * Browser-safe: no Node built-ins.
 */
import {
  OVERTAKING_METHODS,
  STUDIO_METHODS,
  StudioError,
  type StudioApi,
  type StudioErrorCode,
  type StudioEvent,
  type StudioMethod,
  type StudioService,
} from './studioApi.ts';
import { decodeFrame, encodeFrame } from './studioWire.ts';
import { MAX_QUEUED_REQUESTS } from './apiLimits.ts';

/** A duplex channel of binary frames (MessagePort, WebSocket, Electron port...). */
export interface FramePort {
  send(frame: ArrayBuffer): void;
  /** Registers the frame listener; returns its remover. */
  onFrame(listener: (frame: ArrayBuffer | ArrayBufferView) => void): () => void;
  /** Called once when the other side goes away. */
  onClose?(listener: () => void): void;
  close?(): void;
}

interface RequestMsg {
  t: 'req';
  id: number;
  method: string;
  args: unknown[];
}
interface ResponseMsg {
  t: 'res';
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { code: StudioErrorCode; message: string };
}
interface EventMsg {
  t: 'evt';
  event: StudioEvent;
}
type Msg = RequestMsg | ResponseMsg | EventMsg;

const METHOD_SET = new Set<string>(STUDIO_METHODS);

/** A StudioApi client on a frame port, plus `close()` (rejects pending calls with DISCONNECTED). */
export type StudioClient = StudioApi & { close(): void };

/**
 * Creates a StudioApi whose calls travel over `port`.
 * Every method returns a promise rejected with `StudioError` on host errors or disconnection.
 */
export function createStudioClient(port: FramePort): StudioClient {
  let nextId = 1;
  let closed = false;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const listeners = new Set<(e: StudioEvent) => void>();

  const failAll = (reason: string) => {
    closed = true;
    for (const p of pending.values()) p.reject(new StudioError('DISCONNECTED', reason));
    pending.clear();
  };

  const off = port.onFrame((frame) => {
    let msg: Msg;
    try {
      msg = decodeFrame(frame) as Msg;
    } catch {
      return; // not ours
    }
    if (msg.t === 'res') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new StudioError(msg.error?.code ?? 'INTERNAL', msg.error?.message ?? 'unknown host error'));
    } else if (msg.t === 'evt') {
      for (const l of [...listeners]) l(msg.event);
    }
  });
  port.onClose?.(() => failAll('the studio engine host disconnected'));

  const call = (method: StudioMethod, args: unknown[]): Promise<unknown> => {
    if (closed) return Promise.reject(new StudioError('DISCONNECTED', 'the studio connection is closed'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      try {
        port.send(encodeFrame({ t: 'req', id, method, args: trimUndefined(args) }));
      } catch (e) {
        pending.delete(id);
        reject(new StudioError('BAD_REQUEST', `cannot send ${method}: ${(e as Error).message}`));
      }
    });
  };

  const api = {} as Record<string, unknown>;
  for (const m of STUDIO_METHODS) api[m] = (...args: unknown[]) => call(m, args);
  api.onEvent = (listener: (e: StudioEvent) => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  api.close = () => {
    off();
    failAll('the studio connection is closed');
    port.close?.();
  };
  return api as unknown as StudioClient;
}

function trimUndefined(args: unknown[]): unknown[] {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  return args.slice(0, n);
}

/**
 * Serves `service` on `port` until the port closes. Returns a function that detaches it.
 * Unexpected exceptions become INTERNAL errors with their message (the host keeps running).
 */
export function serveStudio(service: StudioService, port: FramePort, options: { maxQueued?: number } = {}): () => void {
  const maxQueued = options.maxQueued ?? MAX_QUEUED_REQUESTS;
  let queue: Promise<unknown> = Promise.resolve();
  let queued = 0;
  const send = (msg: Msg) => {
    try {
      port.send(encodeFrame(msg));
    } catch (e) {
      // A result that cannot be encoded is a host bug: report it instead of hanging the caller.
      if (msg.t === 'res') {
        port.send(
          encodeFrame({ t: 'res', id: msg.id, ok: false, error: { code: 'INTERNAL', message: (e as Error).message } }),
        );
      }
    }
  };
  const unsubscribe = service.subscribe((event) => send({ t: 'evt', event }));

  const handle = async (req: RequestMsg): Promise<void> => {
    try {
      const fn = (service as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[req.method];
      const result = await fn.apply(service, req.args);
      send({ t: 'res', id: req.id, ok: true, result });
    } catch (e) {
      const err =
        e instanceof StudioError
          ? { code: e.code, message: e.message }
          : { code: 'INTERNAL' as const, message: (e as Error)?.message ?? String(e) };
      send({ t: 'res', id: req.id, ok: false, error: err });
    }
  };

  const off = port.onFrame((frame) => {
    let msg: Msg;
    try {
      msg = decodeFrame(frame) as Msg;
    } catch {
      return;
    }
    if (msg.t !== 'req') return;
    if (typeof msg.id !== 'number' || !METHOD_SET.has(msg.method) || !Array.isArray(msg.args)) {
      send({
        t: 'res',
        id: typeof msg.id === 'number' ? msg.id : -1,
        ok: false,
        error: { code: 'BAD_REQUEST', message: `unknown studio method ${JSON.stringify(msg.method)}` },
      });
      return;
    }
    if ((OVERTAKING_METHODS as readonly string[]).includes(msg.method)) {
      void handle(msg);
      return;
    }
    if (queued >= maxQueued) {
      send({ t: 'res', id: msg.id, ok: false, error: { code: 'BUSY', message: `more than ${maxQueued} requests waiting: wait for the answers first` } });
      return;
    }
    queued++;
    queue = queue.then(() => handle(msg)).finally(() => queued--);
  });

  const detach = () => {
    off();
    unsubscribe();
  };
  port.onClose?.(detach);
  return detach;
}
