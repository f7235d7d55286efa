/**
 * A uPlot chart filling its box: the plot is created when its shape (series, axes, size, theme)
 * changes and otherwise only gets new data, so a live update costs one `setData`.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { useElementSize } from '../components/useCanvasSize.ts';

export interface UPlotBoxProps {
  /** The plot's options for a size; called again when `shapeKey` or the size changes. */
  options: (width: number, height: number) => uPlot.Options;
  data: uPlot.AlignedData;
  /** Changes whenever `options` would give a different plot (series count, styles, scales). */
  shapeKey: string;
  /** Called after the data is drawn. */
  onDrawn?: () => void;
}

export function UPlotBox({ options, data, shapeKey, onDrawn }: UPlotBoxProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const size = useElementSize(host);
  const latest = useRef({ options, data, onDrawn });
  latest.current = { options, data, onDrawn };

  useEffect(() => {
    const el = host.current;
    if (!el || size.width < 40 || size.height < 40) return;
    const p = new uPlot(latest.current.options(size.width, size.height), latest.current.data, el);
    plot.current = p;
    latest.current.onDrawn?.();
    return () => {
      p.destroy();
      plot.current = null;
    };
  }, [size.width, size.height, shapeKey]);

  useEffect(() => {
    const p = plot.current;
    if (!p) return;
    p.setData(data);
    latest.current.onDrawn?.();
  }, [data]);

  return <div ref={host} className="uplot-box" />;
}
