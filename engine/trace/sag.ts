/**
 * Surface sag lives in engine/optics/sag.ts (solves below the tracer need it); the tracer's files
 * import it from here.
 */
export * from '../optics/sag.ts';
