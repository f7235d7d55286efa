/** First-order data, Seidel sums, distortion and field curvature from the host's analysis report. */
import { useStudio } from '../store.ts';
import { fixed } from '../format.ts';

export function FirstOrderPanel() {
  const report = useStudio((s) => s.analysis?.report);
  if (!report) return <div className="empty">No analysis yet.</div>;
  const p = report.paraxial;
  const rows: [string, string, string][] = [
    ['EFL', p.afocal ? '— (afocal)' : fixed(p.efl, 6), 'mm'],
    ...(p.afocal ? [['Angular magnification', fixed(p.angular_magnification, 6), '×'] as [string, string, string]] : []),
    ['BFL', fixed(p.bfl, 6), 'mm'],
    ['FFL', fixed(p.ffl, 6), 'mm'],
    ['F/# (paraxial)', fixed(p.fno, 4), ''],
    ['Working F/#', fixed(p.working_fno, 4), ''],
    ['EPD', fixed(p.epd, 4), 'mm'],
    ['EPL', fixed(p.epl, 4), 'mm'],
    ['XPD', fixed(p.xpd, 4), 'mm'],
    ['XPL', fixed(p.xpl, 4), 'mm'],
    ['Lagrange inv.', fixed(p.invariant, 6), 'mm'],
    ['Total track', fixed(p.total_track, 4), 'mm'],
    ['Parax. image ht', fixed(p.paraxial_image_height, 4), 'mm'],
  ];
  const s = report.seidel;
  return (
    <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 0 }} data-testid="first-order">
      <div>
        <div className="kv" style={{ gridTemplateColumns: 'auto 1fr auto' }}>
          {rows.map(([k, v, u]) => (
            <FragmentRow key={k} k={k} v={v} u={u} />
          ))}
        </div>
      </div>
      <div>
        <div className="kv" style={{ gridTemplateColumns: 'auto 1fr auto' }}>
          {(['S1', 'S2', 'S3', 'S4', 'S5'] as const).map((k) => (
            <FragmentRow key={k} k={`Seidel ${k}`} v={fixed(s[k], 6)} u="mm" />
          ))}
          {report.distortion_percent.map((d) => (
            <FragmentRow key={`d${d.wavelength_um}`} k={`Distortion ${d.wavelength_um} µm`} v={fixed(d.max_field, 4)} u="%" />
          ))}
          {report.field_curvature.map((d) => (
            <FragmentRow key={`fc${d.wavelength_um}`} k={`Field curv. T/S ${d.wavelength_um}`} v={`${fixed(d.tangential, 4)} / ${fixed(d.sagittal, 4)}`} u="mm" />
          ))}
        </div>
      </div>
    </div>
  );
}

function FragmentRow({ k, v, u }: { k: string; v: string; u: string }) {
  return (
    <>
      <span className="k">{k}</span>
      <span className="v">{v}</span>
      <span className="muted">{u}</span>
    </>
  );
}
