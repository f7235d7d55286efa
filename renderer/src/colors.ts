/** Colours: fields (layout rays, fan series) and wavelengths (spots, fans). */

export const FIELD_COLORS = ['#4ea1ff', '#3fcf6b', '#ff5c5c', '#f0b429', '#b58cff', '#2fd1d1', '#ff8fd0', '#c0c0c0'];

export function fieldColor(i: number): string {
  return FIELD_COLORS[i % FIELD_COLORS.length];
}

/**
 * An sRGB colour for a visible wavelength (µm), after Dan Bruton's piecewise approximation of the
 * CIE colours, brightened so that deep blue and red stay readable on a dark background.
 */
export function wavelengthColor(um: number): string {
  const nm = um * 1000;
  let r = 0, g = 0, b = 0;
  if (nm < 380) [r, g, b] = [0.55, 0.3, 1];
  else if (nm < 440) [r, g, b] = [-(nm - 440) / 60, 0, 1];
  else if (nm < 490) [r, g, b] = [0, (nm - 440) / 50, 1];
  else if (nm < 510) [r, g, b] = [0, 1, -(nm - 510) / 20];
  else if (nm < 580) [r, g, b] = [(nm - 510) / 70, 1, 0];
  else if (nm < 645) [r, g, b] = [1, -(nm - 645) / 65, 0];
  else if (nm <= 780) [r, g, b] = [1, 0, 0];
  else [r, g, b] = [0.8, 0.2, 0.2];
  const lift = (c: number) => Math.round(255 * Math.min(1, 0.25 + 0.8 * c));
  return `rgb(${lift(r)}, ${lift(g)}, ${lift(b)})`;
}
