// One line per subcommand module; each exports `register(program: Command): void`.
export * as analyze from './analyze.ts';
export * as mtf from './mtf.ts';
export * as psf from './psf.ts';
export * as ray from './ray.ts';
export * as schema from './schema.ts';
export * as glass from './glass.ts';
export * as convert from './convert.ts';
export * as library from './library.ts';
export * as optimize from './optimize.ts';
export * as deflectometry from './deflectometry.ts';
export * as studio from './studio.ts';
export * as e2e from './e2e.ts';
export * as tolerance from './tolerance.ts';
