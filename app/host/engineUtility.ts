/**
 * Engine host entry for an Electron utility process: builds the one StudioSession of the app and
 * serves it on every MessagePortMain the main process sends as `{ type: 'connect' }` (one per
 * window load). Loaded through tsxBootstrap.mjs with arguments [entry URL, options JSON] in
 * development, bundled as out/electron/engineUtility.cjs in the package (app/electron/buildElectron.ts).
 */
import { serveStudio, type FramePort } from '../contract/studioRpc.ts';
import { StudioSession } from './studioSession.ts';
import { configureGlass } from './glassSetup.ts';

/** The Electron MessagePortMain interface (utility-process side). */
interface PortMain {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  start(): void;
  close(): void;
}
interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown; ports: PortMain[] }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) throw new Error('engineUtility.ts must run in an Electron utility process');

/** MessagePortMain → FramePort (MessagePortMain cannot transfer ArrayBuffers: frames are copied). */
function portMainFramePort(port: PortMain): FramePort {
  return {
    send: (frame) => port.postMessage(frame),
    onFrame(listener) {
      port.on('message', (e) => {
        if (e.data instanceof ArrayBuffer || ArrayBuffer.isView(e.data)) listener(e.data as ArrayBuffer);
      });
      port.start();
      return () => {};
    },
    onClose: (listener) => port.on('close', listener),
    close: () => port.close(),
  };
}

// No top-level await: the packaged app runs this file bundled as CommonJS (buildElectron.ts).
async function main(parent: ParentPort): Promise<void> {
  const optionsArg = [...process.argv].reverse().find((a) => a.startsWith('{'));
  if (!optionsArg) throw new Error('engineUtility.ts: no options argument');
  const options = JSON.parse(optionsArg) as {
    libraryDir: string;
    stateDir: string;
    version: string;
    glassDirs: string[];
    lens?: string;
  };
  // Connections that arrive while the glass catalogs load wait for the session.
  let resolveSession: (s: StudioSession) => void;
  const ready = new Promise<StudioSession>((resolve) => (resolveSession = resolve));
  parent.on('message', (e) => {
    const port = e.ports[0];
    if ((e.data as { type?: string })?.type === 'connect' && port) void ready.then((session) => serveStudio(session, portMainFramePort(port)));
  });
  for (const w of await configureGlass(options.glassDirs)) process.stderr.write(`lens-studio: ${w}\n`);
  const session = new StudioSession({ libraryDir: options.libraryDir, stateDir: options.stateDir, mode: 'electron', engineThread: 'utility-process', version: options.version });
  if (options.lens) {
    await session.openStartupLens(options.lens).catch((e: Error) => process.stderr.write(`lens-studio: ${e.message}\n`));
  }
  resolveSession!(session);
}

main(parentPort).catch((e: Error) => {
  process.stderr.write(`lens-studio: the engine could not start: ${e.message}\n`);
  process.exit(1);
});
