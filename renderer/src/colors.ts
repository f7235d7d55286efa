/**
 * Colours: fields (layout rays, legends) and wavelengths (spots, fans), each readable on the
 * current theme's background (light colours on the dark theme, deeper ones on the light theme).
 */
import { getTheme } from './theme.ts';

const FIELD_COLORS_DARK = ['#4ea1ff', '#3fcf6b', '#ff5c5c', '#f0b429', '#b58cff', '#2fd1d1', '#ff8fd0', '#c0c0c0'];
const FIELD_COLORS_LIGHT = ['#1763c4', '#188a3e', '#d12f2f', '#a86f00', '#6d3fc9', '#0f7d7d', '#b43a82', '#5a5a5a'];

/** The field colours of the current theme. */
export function fieldColors(): string[] {
  return getTheme() === 'light' ? FIELD_COLORS_LIGHT : FIELD_COLORS_DARK;
}

export function fieldColor(i: number): string {
  const c = fieldColors();
  return c[i % c.length];
}

/**
 * An sRGB colour for a visible wavelength (µm), after Dan Bruton's piecewise approximation of the
 * CIE colours: brightened on the dark theme so that deep blue and red stay readable, darkened on
 * the light theme to a relative luminance of at most 0.28 so that yellow stays readable on white.
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
  if (getTheme() === 'light') {
    const lin = (c: number) => c ** 2.2;
    const lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    const k = lum > 0.28 ? (0.28 / lum) ** (1 / 2.2) : 1;
    const dark = (c: number) => Math.round(255 * Math.min(1, 0.9 * c * k));
    return `rgb(${dark(r)}, ${dark(g)}, ${dark(b)})`;
  }
  const lift = (c: number) => Math.round(255 * Math.min(1, 0.25 + 0.8 * c));
  return `rgb(${lift(r)}, ${lift(g)}, ${lift(b)})`;
}
