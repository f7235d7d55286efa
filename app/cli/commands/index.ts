// One line per subcommand module; each exports `register(program: Command): void`.
export * as analyze from './analyze.ts';
export * as ray from './ray.ts';
export * as schema from './schema.ts';
export * as glass from './glass.ts';
