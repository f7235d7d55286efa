/**
 * The wave-optics part of the StudioApi (`analyzeWave`): MTF curves, the wavefront map, the
 * diffraction PSF, Zernike coefficients and through-focus MTF of the current lens, computed in the
 * engine host with engine/wave (definitions: README "Wave analyses", ../shared/oracles/wave/README.md).
 *
 * A request names only the parts it wants (a panel asks for what it shows). Two qualities:
 * - 'live': for redrawing while the lens is edited. Coarser than the command line where said
 *   below: FFT PSF and MTF curve from 32 pupil samples (grown to at most 128 when undersampled,
 *   instead of 64 and 512), Zernike fit on a 16 × 32 quadrature, P-V over the quadrature samples,
 *   9 through-focus planes instead of 21, no quadrature MTF at given frequencies. It
 *   runs to its end even when the lens changes meanwhile, so a drag still shows the wave panels at
 *   the rate they can be computed; the answer names the revision it was computed for.
 * - 'refined' (default): the command line's sampling, values equal to `lens-studio analyze --wave`,
 *   `mtf` and `psf` for the same lens. Abandoned (`superseded`) as soon as the lens changes or
 *   another `analyzeWave` starts.
 * Either way the host computes on its own wave-analysis thread (app/host/waveWorker.ts), so edits
 * and ray analyses never wait for it, in slices between which it can be cancelled; undersampled
 * results come back as null with a warning, never as aliased numbers.
 *
 * Units: frequencies in cycles/mm in image space, OPD and Zernike coefficients in waves at the
 * analysed wavelength, image-plane lengths in µm, focus shifts in mm. Fields and wavelengths are
 * 0-based indices into the prescription's lists.
 *
 * Browser-safe: types only.
 */

export type WaveQuality = 'live' | 'refined';

/** Zernike orderings: Fringe / University of Arizona (unit peak) or Standard / Noll (unit RMS). */
export type ZernikeBasisName = 'fringe' | 'standard';

/** MTF of every field, tangential and sagittal, with the diffraction limit. */
export interface WaveMtfRequest {
  /** All wavelengths by their weights (the CLI's `mtf_polychromatic`) instead of the primary (`mtf`). */
  polychromatic?: boolean;
  /** Where the refined pass evaluates the exact MTF, cycles/mm (default 5, 10, 20, 40, 80; 1–16 values). */
  frequencies?: number[];
}

export interface WavefrontRequest {
  fieldIndex: number;
  /** Default: the primary wavelength. */
  wavelengthIndex?: number;
}

export interface WavePsfRequest {
  fieldIndex: number;
  /** All wavelengths by their weights on one image grid (default: the primary wavelength). */
  polychromatic?: boolean;
}

export interface WaveZernikeRequest {
  fieldIndex: number;
  wavelengthIndex?: number;
  basis: ZernikeBasisName;
}

export interface WaveThroughFocusRequest {
  /** Spatial frequency, cycles/mm (> 0). */
  frequency: number;
  polychromatic?: boolean;
  /**
   * Image shifts from −halfRangeMm to +halfRangeMm (> 0, ≤ 100; 9 planes live, 21 refined);
   * default 2.5·N_w/f rounded up to 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^k (N_w the paraxial
   * working F-number; 2·N_w/f is about the first zero of the aberration-free through-focus MTF).
   */
  halfRangeMm?: number;
}

export interface WaveAnalysisOptions {
  quality?: WaveQuality;
  mtf?: WaveMtfRequest;
  wavefront?: WavefrontRequest;
  psf?: WavePsfRequest;
  zernike?: WaveZernikeRequest;
  throughFocus?: WaveThroughFocusRequest;
}

/** The MTF of one field. */
export interface WaveMtfField {
  fieldIndex: number;
  /**
   * FFT MTF curve (engine/wave/mtf.ts `fftMtf`, the OTF along the axes from the FFT PSF):
   * frequencies s/(G·p), cycles/mm, s = 0 … G/2 (up to the cutoff of the shortest wavelength).
   */
  frequencies: Float64Array;
  /** T = frequency along y, S = along x; null when the PSF is undersampled (the curve would be aliased). */
  tangential: Float64Array | null;
  sagittal: Float64Array | null;
  /** The aberration-free MTF of the same transmitted pupil (vignetting included), on the same frequencies. */
  diffractionLimitTangential: Float64Array;
  diffractionLimitSagittal: Float64Array;
  /** Cutoffs 2|a|/λ of the reference (primary) wavelength, cycles/mm. */
  cutoffTangential: number;
  cutoffSagittal: number;
  /** Pupil samples across the pupil of the FFT (grown until the OPD step is ≤ 0.25 wave, or undersampled). */
  pupilSamples: number;
  maxPhaseStepWaves: number;
  undersampled: boolean;
  /**
   * Refined pass only: the MTF at exactly the requested frequencies by quadrature of the pupil
   * autocorrelation (engine/wave/mtf.ts `mtfAtFrequencies`), the numbers `lens-studio analyze
   * --wave --json` prints under `wave.mtf` (or `wave.mtf_polychromatic`); null values where that
   * quadrature is undersampled. Null in a live pass.
   */
  exact: {
    frequencies: number[];
    tangential: (number | null)[];
    sagittal: (number | null)[];
    diffractionLimitTangential: number[];
    diffractionLimitSagittal: number[];
  } | null;
}

export interface WaveMtfData {
  polychromatic: boolean;
  /** The wavelengths used, the reference (primary) first, µm. */
  wavelengthsUm: number[];
  fields: WaveMtfField[];
}

/** The wavefront (OPD about the reference sphere) of one field at one wavelength. */
export interface WavefrontData {
  fieldIndex: number;
  wavelengthIndex: number;
  wavelengthUm: number;
  /** The map: size × size cell centres over [−1, 1]² of normalised pupil coordinates; row = Py (row 0 at Py = −1), column = Px. */
  size: number;
  /** Waves, row-major; 0 where masked (outside the pupil, lost rays). Referred to the chief ray (OPD 0 at the pupil centre). */
  opd: Float64Array;
  valid: Uint8Array;
  /** Minimum and maximum of the map's valid cells, waves. */
  min: number;
  max: number;
  /** RMS about the area mean (piston removed), the CLI's `rms_waves`. */
  rmsWaves: number | null;
  /** RMS with piston and tilt removed ("RMS to centroid"). */
  rmsPistonTiltWaves: number | null;
  /** P-V: refined on real rays in the refined pass (the CLI's `pv_waves`); over the quadrature samples in a live pass (a lower bound). */
  pvWaves: number | null;
  pvRefined: boolean;
  /** Fraction of the pupil area whose rays reach the image. */
  transmittedFraction: number;
}

export interface WavePsfData {
  fieldIndex: number;
  polychromatic: boolean;
  wavelengthsUm: number[];
  /**
   * The window drawn: size × size pixels (size odd) of pixelUm, its centre pixel ((size − 1)/2,
   * (size − 1)/2) on the reference chief ray; row = image y (row 0 at the most negative y), column
   * = x. Intensity in Strehl units (the aberration-free peak is 1); a pixel of the window is the
   * mean of bin × bin FFT pixels. Null when undersampled.
   */
  size: number;
  pixelUm: number;
  bin: number;
  data: Float32Array | null;
  /** The FFT grid it is cut from: gridSize × gridSize pixels of gridPixelUm (padding 4: λ/(8·NA) pixels, as `lens-studio psf --padding 4`). */
  gridSize: number;
  gridPixelUm: number;
  pupilSamples: number;
  padding: number;
  maxPhaseStepWaves: number;
  undersampled: boolean;
  /** Largest pixel of the FFT grid, Strehl units. */
  peak: number | null;
  /** Refined and monochromatic: the Strehl ratio (engine/wave/strehl.ts; the CLI's `strehl`). */
  strehl: number | null;
  /** Refined: radii enclosing 50 % and 80 % of the diffraction PSF's energy about the reference chief ray, µm (engine/wave/psfEnergy.ts on that grid). */
  r50Um: number | null;
  r80Um: number | null;
  /** Radius of the first dark ring of the aberration-free clear pupil, 0.61·λ/|a| (mean of T and S), µm. */
  airyRadiusUm: number;
}

export interface WaveZernikeData {
  fieldIndex: number;
  wavelengthIndex: number;
  wavelengthUm: number;
  basis: ZernikeBasisName;
  /** Coefficients of terms 1…37 (Fringe Z1–Z37, or Noll j = 1…37), waves. */
  coefficients: number[];
  /** (n, m) of each term; m < 0 is the sin term. */
  nm: [number, number][];
  /** RMS of the wavefront minus the 37-term expansion, waves. */
  residualRmsWaves: number;
  /** Quadrature the fit used (rings × angles): 16 × 32 live, 32 × 64 refined (as the CLI). */
  quadrature: [number, number];
}

export interface WaveThroughFocusData {
  frequency: number;
  polychromatic: boolean;
  /** Image shifts along the light, mm. */
  shiftsMm: number[];
  /** T and S per field at each shift; null where the quadrature is undersampled. */
  fields: { fieldIndex: number; tangential: (number | null)[]; sagittal: (number | null)[] }[];
  /** The diffraction-limited MTF at this frequency on axis in focus, for reference. */
  diffractionLimit: number | null;
}

/** The answer of `analyzeWave`: the parts asked for (null when not asked or failed, see `errors`). */
export interface WaveBundle {
  revision: number;
  quality: WaveQuality;
  /** A refined pass abandoned because the lens changed or another request came: no parts. */
  superseded: boolean;
  primaryWavelengthUm: number;
  mtf: WaveMtfData | null;
  wavefront: WavefrontData | null;
  psf: WavePsfData | null;
  zernike: WaveZernikeData | null;
  throughFocus: WaveThroughFocusData | null;
  /** Undersampling and vignetting notes, one sentence each naming the field. */
  warnings: string[];
  /** Parts that failed (a lost chief ray, say), one sentence each. */
  errors: string[];
  /** Host-side compute time of each part, ms. */
  timingsMs: Record<string, number>;
  /** Where it was computed: the host's wave-analysis thread, or the host thread when that thread could not start. */
  computedOn: 'wave-thread' | 'host-thread';
}
