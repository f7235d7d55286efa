/**
 * Charts and annotated pictures for the reports the command line writes (tolerance, end-to-end), as
 * PNG: charts are Vega-Lite specifications (vega-lite → vega → SVG), and SVG is rasterised by resvg
 * with the DejaVu Sans font shipped as a dependency (dejavu-fonts-ttf), so the output does not depend
 * on the machine's fonts. Nothing here draws pixels or glyphs by hand.
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { FloatImage } from '../../engine/imaging/image.ts';
import { encodePng } from './images.ts';

const require = createRequire(import.meta.url);
let fontFiles: string[] | null = null;

function fonts(): string[] {
  fontFiles ??= [require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'), require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')];
  return fontFiles;
}

/** Rasterises an SVG document (white background) to PNG bytes. */
export function svgToPng(svg: string): Uint8Array {
  const r = new Resvg(svg, {
    background: 'white',
    font: { fontFiles: fonts(), loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return r.render().asPng();
}

/** Renders a Vega-Lite specification to PNG bytes at `scale` × its nominal size. */
export async function vegaLitePng(spec: TopLevelSpec, scale = 2): Promise<Uint8Array> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return svgToPng(await view.toSVG(scale));
  } finally {
    view.finalize();
  }
}

/** An SVG <image> element showing a float image (PNG data URI), at (x, y) with its pixel size × `zoom`. */
export function svgImage(img: FloatImage, x: number, y: number, linear = true, zoom = 1): string {
  const data = Buffer.from(encodePng(img, linear)).toString('base64');
  return `<image x="${x}" y="${y}" width="${img.width * zoom}" height="${img.height * zoom}" style="image-rendering:pixelated" href="data:image/png;base64,${data}"/>`;
}

/** Escapes text for SVG. */
export function svgText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A complete SVG document of the given size around `body`, text in DejaVu Sans. */
export function svgDocument(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans">${body}</svg>`;
}
