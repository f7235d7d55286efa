/**
 * The end-to-end run's PSF grid as a figure: the host's tiled PSF image (one tile per field node,
 * the largest sensor y on top), each column labelled with its node's sensor x and each row with
 * its sensor y (mm), and a scale bar in µm on the sensor (a round 1, 2 or 5 × 10ⁿ µm of at most
 * 60 % of a tile). The image is scaled to fit (pixelated), and the labels and the bar follow that
 * scale exactly, from the grid's layout (E2eEvent.psfGridLayout).
 */
import { useRef } from 'react';
import type { PreviewImage, PsfGridLayout } from '../../../app/contract/studioApi.ts';
import { useElementSize } from '../components/useCanvasSize.ts';
import { niceFloor } from '../components/spotDraw.ts';
import { PreviewCanvas } from './labPlots.tsx';

const LEFT = 78, TOP = 16, BOTTOM = 24, RIGHT = 8;

/** A sensor coordinate, mm, signed: "+1.20", "−0.60", "0". */
function mm(v: number): string {
  if (Math.abs(v) < 5e-7) return '0';
  return `${v > 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`;
}

/** The scale bar's length, µm: a round value of at most 60 % of a tile (psfPx pixels of pitchUm). */
export function scaleBarUm(layout: PsfGridLayout): number {
  return niceFloor(0.6 * layout.psfPx * layout.pitchUm);
}

export function PsfGridFigure({ image, layout }: { image: PreviewImage; layout: PsfGridLayout | null }) {
  const host = useRef<HTMLDivElement>(null);
  const size = useElementSize(host);
  const W = image.width, H = image.height;
  const s = Math.max(0.25, Math.min((size.width - LEFT - RIGHT) / W, (size.height - TOP - BOTTOM) / H));
  const ready = size.width > 0 && size.height > 0;
  if (!layout) {
    return (
      <div ref={host} className="psf-figure-host">
        <PreviewCanvas image={image} testId="psf-grid" className="psf" />
      </div>
    );
  }
  const tile = layout.psfPx * layout.zoom;
  const centre = (k: number) => (layout.gap + k * (tile + layout.gap) + tile / 2) * s;
  const barUm = scaleBarUm(layout);
  const barPx = (barUm / layout.pitchUm) * layout.zoom * s;
  return (
    <div ref={host} className="psf-figure-host">
      {ready && (
        <div className="psf-figure" style={{ width: LEFT + W * s + RIGHT, height: TOP + H * s + BOTTOM }} data-testid="psf-grid-figure" data-scale={s} data-pitch-um={layout.pitchUm} data-zoom={layout.zoom}>
          <div className="psf-figure-image" style={{ left: LEFT, top: TOP, width: W * s, height: H * s }}>
            <PreviewCanvas image={image} testId="psf-grid" className="psf-scaled" />
          </div>
          {layout.xMm.map((x, ix) => (
            <span key={`c${ix}`} className="psf-label col" style={{ left: LEFT + centre(ix), top: 0 }} data-testid={`psf-grid-col-${ix}`} data-mm={x}>
              x {mm(x)} mm
            </span>
          ))}
          {layout.yMm.map((y, iy) => (
            <span key={`r${iy}`} className="psf-label row" style={{ left: 0, width: LEFT - 6, top: TOP + centre(layout.ny - 1 - iy) }} data-testid={`psf-grid-row-${iy}`} data-mm={y}>
              y {mm(y)} mm
            </span>
          ))}
          <div className="psf-scale" style={{ left: LEFT, top: TOP + H * s + 6 }}>
            <span className="psf-scale-bar" style={{ width: barPx }} data-testid="psf-grid-scale" data-um={barUm} data-px={barPx} />
            <span className="mono">
              {+barUm.toPrecision(3)} µm <span className="muted">· PSF pixel {+layout.pitchUm.toPrecision(3)} µm · sensor x, y in mm</span>
            </span>
          </div>
        </div>
      )}
    </div>
  );
}
