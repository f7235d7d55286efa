/** The always-visible first-order strip: EFL, BFL, F/#, EPD, total track, image height, RMS spot. */
import { useStudio } from '../store.ts';
import { fixed, micrometres } from '../format.ts';

export function Readouts() {
  const report = useStudio((s) => s.analysis?.report);
  const p = report?.paraxial;
  const onAxis = report?.spot.filter((s) => s.field_index === 0) ?? [];
  const rmsAxis = onAxis.length ? Math.max(...onAxis.map((s) => s.rms_radius ?? NaN)) : NaN;
  const items: [string, string, string][] = [
    ['EFL', p?.afocal ? `— (afocal, ${fixed(p.angular_magnification, 3)}×)` : fixed(p?.efl, 4), 'efl'],
    ['BFL', fixed(p?.bfl, 4), 'bfl'],
    ['F/#', fixed(p?.fno, 3), 'fno'],
    ['EPD', fixed(p?.epd, 3), 'epd'],
    ['EPL', fixed(p?.epl, 3), 'epl'],
    ['TT', fixed(p?.total_track, 3), 'tt'],
    ['Y′', fixed(p?.paraxial_image_height, 3), 'imh'],
    ['RMS₀', `${micrometres(rmsAxis)} µm`, 'rms0'],
  ];
  return (
    <div className="readouts">
      {items.map(([k, v, id]) => (
        <span className="readout" key={id} title={TITLES[id]}>
          <span className="k">{k}</span>
          <span className="v" data-testid={id}>
            {v}
          </span>
        </span>
      ))}
    </div>
  );
}

const TITLES: Record<string, string> = {
  efl: 'Effective focal length, mm (paraxial, primary wavelength)',
  bfl: 'Back focal length, mm: last vertex to paraxial focus',
  fno: 'Paraxial F-number, EFL / EPD',
  epd: 'Entrance-pupil diameter, mm',
  epl: 'Entrance-pupil position from surface 1, mm',
  tt: 'Total track: surface 1 to image plane, mm',
  imh: 'Paraxial image height of the largest field, mm',
  rms0: 'Largest on-axis RMS spot radius over the wavelengths (primary chief-ray reference)',
};
