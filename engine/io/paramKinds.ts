/**
 * The kinds of lens parameter that can vary, as files name them (a merit spec's `variables[].kind`,
 * engine/io/meritSpecSchema.ts) and as the engine addresses them (engine/optics/params.ts's
 * ParamKind is this list's element type). Units are documented in params.ts.
 */
export const PARAM_KINDS = [
  'curvature',
  'thickness',
  'conic',
  'asphere',
  'xy',
  'xyB',
  'decenterX',
  'decenterY',
  'tiltX',
  'tiltY',
  'tiltZ',
  'nd',
  'vd',
  'objectDistance',
  'focalLength',
] as const;

/** One parameter kind: 'curvature', 'thickness', ... */
export type ParamKind = (typeof PARAM_KINDS)[number];
