import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { EngineSupervisor } from './engineSupervisor.ts';

class FakeEngine extends EventEmitter {
  static count = 0;
  readonly id = ++FakeEngine.count;
  killed = false;
  readonly received: unknown[][] = [];
  postMessage(message: unknown, transfer: unknown[] = []): void {
    this.received.push([message, ...transfer]);
  }
  kill(): boolean {
    this.killed = true;
    this.emit('exit', 0);
    return true;
  }
  crash(code = 1): void {
    this.emit('exit', code);
  }
}

function supervise(opts: { maxRestarts?: number; windowMs?: number } = {}) {
  const forked: FakeEngine[] = [];
  const restarts: number[] = [];
  const gaveUp: number[] = [];
  let t = 0;
  const s = new EngineSupervisor<FakeEngine>(
    {
      fork: () => {
        const e = new FakeEngine();
        forked.push(e);
        return e;
      },
      onRestart: (_e, code) => restarts.push(code),
      onGiveUp: (code) => gaveUp.push(code),
      now: () => t,
    },
    opts.maxRestarts,
    opts.windowMs,
  );
  return { s, forked, restarts, gaveUp, advance: (ms: number) => (t += ms) };
}

describe('the engine supervisor', () => {
  it('connects windows to the current engine, also after a restart', () => {
    const { s, forked, restarts } = supervise();
    expect(s.connect('port-a')).toBe(true);
    expect(forked[0].received).toEqual([[{ type: 'connect' }, 'port-a']]);
    forked[0].crash(134);
    expect(forked).toHaveLength(2);
    expect(restarts).toEqual([134]);
    expect(s.current).toBe(forked[1]);
    s.connect('port-b'); // the window's reload after the restart
    expect(forked[1].received).toEqual([[{ type: 'connect' }, 'port-b']]);
    expect(forked[0].received).toHaveLength(1);
  });

  it('a restarted engine gets the same exit handling: its own crash restarts it too', () => {
    const { s, forked, restarts, advance } = supervise();
    forked[0].crash();
    advance(100_000);
    forked[1].crash(2);
    expect(forked).toHaveLength(3);
    expect(restarts).toEqual([1, 2]);
    expect(s.current).toBe(forked[2]);
  });

  it('an exit of an engine that was already replaced changes nothing', () => {
    const { forked } = supervise();
    forked[0].crash();
    forked[0].crash();
    expect(forked).toHaveLength(2);
  });

  it('never restarts while quitting, and refuses connections then', () => {
    const { s, forked, restarts } = supervise();
    s.quit();
    expect(forked[0].killed).toBe(true);
    expect(forked).toHaveLength(1);
    expect(restarts).toEqual([]);
    expect(s.connect('late-window')).toBe(false);
    s.quit(); // twice is harmless
    expect(forked).toHaveLength(1);
  });

  it('gives up after a crash loop instead of restarting forever', () => {
    const { s, forked, gaveUp, restarts } = supervise({ maxRestarts: 3, windowMs: 60_000 });
    for (let i = 0; i < 4; i++) forked[forked.length - 1].crash(9);
    expect(restarts).toHaveLength(3);
    expect(gaveUp).toEqual([9]);
    expect(forked).toHaveLength(4);
    expect(s.connect('p')).toBe(false);
  });

  it('crashes far apart in time are not a loop', () => {
    const { forked, gaveUp, advance } = supervise({ maxRestarts: 2, windowMs: 1000 });
    for (let i = 0; i < 6; i++) {
      forked[forked.length - 1].crash();
      advance(5000);
    }
    expect(gaveUp).toEqual([]);
    expect(forked).toHaveLength(7);
  });
});
