/**
 * The 3D layout (three.js): lens elements as solids of revolution with their true sags, steps and
 * cylindrical edges, mirrors, the aperture stop, the image plane and ray fans per field in distinct
 * colours. Two views of the same scene: '3d' (perspective, orbit / pan / zoom) and 'section' (the
 * y–z plane, orthographic, pan / zoom), with z (the optical axis) to the right and +y up.
 *
 * Renders on demand (after new data or a camera move), never in a busy loop. Geometry buffers of
 * the rays are reused between updates when their size allows it, so an edit costs one upload.
 */
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { LayoutData } from '../../../app/contract/studioApi.ts';
import { elementOutlines, layoutBounds } from './lensGeometry.ts';
import { PALETTES, type Palette } from './scenePalette.ts';

export type LayoutMode = '3d' | 'section';

let palette: Palette = PALETTES.dark;

export class LayoutScene {
  readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly persp = new THREE.PerspectiveCamera(35, 1, 0.1, 1e6);
  private readonly ortho = new THREE.OrthographicCamera(-1, 1, 1, -1, -1e6, 1e6);
  private readonly controls: OrbitControls;
  private readonly lens = new THREE.Group();
  private readonly section = new THREE.Group();
  private readonly rays = new THREE.Group();
  private mode: LayoutMode = '3d';
  private width = 1;
  private height = 1;
  private fitted = false;
  private bounds = { zMin: -1, zMax: 1, yMax: 1 };
  private framePending = false;
  /** Called after each rendered frame (for edit-to-frame timing). */
  onRendered: (() => void) | null = null;

  /** True when WebGL runs on a software rasterizer (no GPU): drawing is then kept cheap. */
  readonly software: boolean;

  constructor(private readonly container: HTMLElement) {
    this.software = isSoftwareWebGL();
    // Multisampling costs a software rasterizer several times the fill: drop it there.
    this.renderer = new THREE.WebGLRenderer({ antialias: !this.software, alpha: false, powerPreference: 'high-performance' });
    this.renderer.setPixelRatio(this.software ? 1 : Math.min(window.devicePixelRatio || 1, 2));
    container.appendChild(this.renderer.domElement);
    this.scene.background = new THREE.Color(getComputedStyle(document.documentElement).getPropertyValue('--panel').trim() || '#161a20');
    palette = PALETTES[document.documentElement.dataset.theme === 'light' ? 'light' : 'dark'];
    this.scene.add(new THREE.AmbientLight(0xffffff, 0.55));
    const key = new THREE.DirectionalLight(0xffffff, 1.6);
    key.position.set(1, 1.5, 0.6);
    this.scene.add(key);
    const fill = new THREE.DirectionalLight(0x9fc4ff, 0.6);
    fill.position.set(-1, -0.5, -0.8);
    this.scene.add(fill);
    this.scene.add(this.lens, this.section, this.rays);
    this.controls = new OrbitControls(this.persp, this.renderer.domElement);
    this.controls.enableDamping = false;
    this.controls.screenSpacePanning = true;
    this.controls.addEventListener('change', () => {
      this.requestRender();
      this.onCameraChange?.();
    });
    this.setMode('3d');
  }

  setSize(width: number, height: number): void {
    this.width = Math.max(1, width);
    this.height = Math.max(1, height);
    this.renderer.setSize(this.width, this.height, true);
    this.persp.aspect = this.width / this.height;
    this.persp.updateProjectionMatrix();
    this.updateOrtho();
    this.requestRender();
  }

  setMode(mode: LayoutMode): void {
    this.mode = mode;
    this.lens.visible = mode === '3d';
    this.section.visible = mode === 'section';
    this.controls.object = mode === '3d' ? this.persp : this.ortho;
    this.controls.enableRotate = mode === '3d';
    this.buildVisible();
    this.fit();
  }

  getMode(): LayoutMode {
    return this.mode;
  }

  /** Recolours the scene for a theme: background (`background`, a CSS colour), outlines, stop, image plane. */
  setTheme(theme: 'dark' | 'light', background: string): void {
    palette = PALETTES[theme];
    this.scene.background = new THREE.Color(background);
    this.built = { lens: false, section: false };
    this.buildVisible();
    this.requestRender();
  }

  /** Pixels per mm at the orbit target (3D) or in the section plane: for a scale bar. */
  pixelsPerMm(): number {
    if (this.mode === 'section') return (this.height * this.ortho.zoom) / (this.ortho.top - this.ortho.bottom);
    const d = this.persp.position.distanceTo(this.controls.target);
    const visibleHeight = 2 * d * Math.tan((this.persp.fov * Math.PI) / 360);
    return this.height / visibleHeight;
  }

  /** Called after every camera change (orbit, pan, zoom, fit). */
  onCameraChange: (() => void) | null = null;

  /** Replaces the lens and rays. Refits the camera the first time or when asked (edits must not jump). */
  setData(layout: LayoutData, fieldColors: string[], refit = false): void {
    this.layout = layout;
    this.built = { lens: false, section: false };
    this.bounds = layoutBounds(layout.profiles, layout.rays);
    // Only the visible view's geometry is built now; the other one when it is shown.
    this.buildVisible();
    this.setRays(layout, fieldColors);
    if (!this.fitted || refit) {
      this.fitted = true;
      this.fit();
    }
    this.requestRender();
  }

  private layout: LayoutData | null = null;
  private built = { lens: false, section: false };

  private buildVisible(): void {
    if (!this.layout) return;
    if (this.mode === '3d' && !this.built.lens) this.buildSolids(this.layout);
    if (this.mode === 'section' && !this.built.section) this.buildSection(this.layout);
  }

  /** The 3D view: solids of revolution, mirrors, the stop ring, the image plane. */
  private buildSolids(layout: LayoutData): void {
    clear(this.lens);
    this.built.lens = true;
    for (const el of elementOutlines(layout.profiles)) this.lens.add(solidOf(el.r, el.z));
    for (const p of layout.profiles) {
      if (p.isMirror && p.r.length) {
        const pts = Array.from(p.r, (r, k) => new THREE.Vector2(Math.max(r, 1e-6), p.z[k]));
        this.lens.add(latheMesh(pts, cached('mirror', () => new THREE.MeshStandardMaterial({ color: 0xc8ccd2, metalness: 0.9, roughness: 0.25, side: THREE.DoubleSide }))));
      }
    }
    const stop = layout.profiles.find((p) => p.isStop);
    if (stop) {
      const ring = new THREE.Mesh(
        new THREE.RingGeometry(stop.semiDiameter, stop.semiDiameter * 1.3 + 1, LATHE_SEGMENTS),
        cached(`stop-${palette.name}`, () => new THREE.MeshBasicMaterial({ color: palette.stopRing, side: THREE.DoubleSide })),
      );
      ring.position.z = stop.z0;
      this.lens.add(ring);
    }
    const image = layout.profiles[layout.profiles.length - 1];
    if (image) {
      const h = this.imageHalfHeight(layout, image.z0);
      const plane = new THREE.Mesh(
        new THREE.PlaneGeometry(2 * h, 2 * h),
        cached(`image-${palette.name}`, () => new THREE.MeshBasicMaterial({ color: palette.imagePlane, side: THREE.DoubleSide, transparent: true, opacity: 0.18, depthWrite: false })),
      );
      plane.position.z = image.z0;
      this.lens.add(plane);
      const frame = new THREE.LineLoop(
        new THREE.BufferGeometry().setFromPoints([new THREE.Vector3(-h, -h, image.z0), new THREE.Vector3(h, -h, image.z0), new THREE.Vector3(h, h, image.z0), new THREE.Vector3(-h, h, image.z0)]),
        lineMaterial(palette.frame),
      );
      this.lens.add(frame);
    }
  }

  /** The y–z section: element outlines, mirrors, the stop, the image plane and the axis. */
  private buildSection(layout: LayoutData): void {
    clear(this.section);
    this.built.section = true;
    for (const el of elementOutlines(layout.profiles)) this.section.add(sectionOf(el.r, el.z));
    for (const p of layout.profiles) {
      if (p.isMirror && p.r.length) this.section.add(polyline(Array.from(p.r, (r, k) => [r, p.z[k]] as [number, number]), palette.mirror, true));
    }
    const stop = layout.profiles.find((p) => p.isStop);
    if (stop) {
      const inner = stop.semiDiameter;
      const outer = inner * 1.3 + 1;
      this.section.add(segments([[inner, stop.z0, outer, stop.z0], [-inner, stop.z0, -outer, stop.z0]], palette.stop, 3));
    }
    const image = layout.profiles[layout.profiles.length - 1];
    if (image) {
      const h = this.imageHalfHeight(layout, image.z0);
      this.section.add(segments([[-h, image.z0, h, image.z0]], palette.image, 2));
    }
    this.section.add(segments([[0, this.bounds.zMin - 2, 0, this.bounds.zMax + 2]], palette.axis, 1, true));
  }

  private imageHalfHeight(layout: LayoutData, zImage: number): number {
    let h = 0;
    for (const rp of layout.rays) {
      for (let i = 0; i < rp.valid.length; i++) {
        if (rp.valid[i] && Math.abs(rp.points[3 * i + 2] - zImage) < 1e-6) h = Math.max(h, Math.abs(rp.points[3 * i + 1]), Math.abs(rp.points[3 * i]));
      }
    }
    return Math.max(h * 1.15, this.bounds.yMax * 0.25, 0.5);
  }

  private setRays(layout: LayoutData, fieldColors: string[]): void {
    const old = this.rays.children.slice() as THREE.LineSegments[];
    layout.rays.forEach((rp, k) => {
      const count = segmentCount(rp.nRays, rp.pointsPerRay, rp.valid);
      let line = old[k];
      if (!line || (line.geometry.getAttribute('position') as THREE.BufferAttribute).count < count * 2) {
        if (line) disposeObject(line);
        const geom = new THREE.BufferGeometry();
        geom.setAttribute('position', new THREE.BufferAttribute(new Float32Array(Math.max(count, 1) * 6), 3));
        line = new THREE.LineSegments(geom, lineMaterial(fieldColors[rp.fieldIndex % fieldColors.length]));
        line.frustumCulled = false;
        if (old[k]) this.rays.remove(old[k]);
        this.rays.add(line);
        old[k] = line;
      }
      line.material = lineMaterial(fieldColors[rp.fieldIndex % fieldColors.length]);
      const attr = line.geometry.getAttribute('position') as THREE.BufferAttribute;
      fillSegments(attr.array as Float32Array, rp.points, rp.valid, rp.nRays, rp.pointsPerRay);
      attr.needsUpdate = true;
      line.geometry.setDrawRange(0, count * 2);
    });
    for (let k = layout.rays.length; k < old.length; k++) {
      this.rays.remove(old[k]);
      disposeObject(old[k]);
    }
  }

  /** Frames the whole lens and its rays. */
  fit(): void {
    const { zMin, zMax, yMax } = this.bounds;
    const zc = (zMin + zMax) / 2;
    const len = Math.max(zMax - zMin, 2 * yMax, 1);
    if (this.mode === '3d') {
      // Fit the optical axis across the view's width (and the ray bundle's height), then look from
      // the −x side, a little above and in front, so light runs left to right as on paper.
      const tanV = Math.tan((this.persp.fov * Math.PI) / 360);
      const tanH = tanV * this.persp.aspect;
      const d = 1.45 * Math.max((zMax - zMin) / 2 / tanH, yMax / tanV, 1);
      this.persp.position.set(-d * 0.9, d * 0.32, zc - d * 0.28);
      this.persp.up.set(0, 1, 0);
      this.controls.target.set(0, 0, zc);
      this.persp.near = Math.max(0.01, d / 1000);
      this.persp.far = d * 100;
      this.persp.updateProjectionMatrix();
    } else {
      this.ortho.position.set(-1000, 0, zc);
      this.ortho.up.set(0, 1, 0);
      this.controls.target.set(0, 0, zc);
      this.ortho.zoom = 1;
      this.orthoSpan = { z: (zMax - zMin) * 1.08 + 2, y: 2 * yMax * 1.35 + 2 };
      this.updateOrtho();
    }
    this.controls.update();
    this.requestRender();
  }

  private orthoSpan = { z: 10, y: 10 };

  private updateOrtho(): void {
    const aspect = this.width / this.height;
    let halfW = this.orthoSpan.z / 2;
    let halfH = this.orthoSpan.y / 2;
    if (halfW / halfH > aspect) halfH = halfW / aspect;
    else halfW = halfH * aspect;
    this.ortho.left = -halfW;
    this.ortho.right = halfW;
    this.ortho.top = halfH;
    this.ortho.bottom = -halfH;
    this.ortho.updateProjectionMatrix();
  }

  requestRender(): void {
    if (this.framePending) return;
    this.framePending = true;
    requestAnimationFrame(() => {
      this.framePending = false;
      this.renderNow();
    });
  }

  renderNow(): void {
    this.renderer.render(this.scene, this.mode === '3d' ? this.persp : this.ortho);
    this.onRendered?.();
  }

  dispose(): void {
    this.controls.dispose();
    clear(this.lens);
    clear(this.section);
    clear(this.rays);
    this.renderer.dispose();
    this.renderer.domElement.remove();
  }
}

function segmentCount(nRays: number, perRay: number, valid: Uint8Array): number {
  let n = 0;
  for (let r = 0; r < nRays; r++) for (let k = 0; k + 1 < perRay; k++) if (valid[r * perRay + k] && valid[r * perRay + k + 1]) n++;
  return n;
}

function fillSegments(out: Float32Array, pts: Float64Array, valid: Uint8Array, nRays: number, perRay: number): void {
  let o = 0;
  for (let r = 0; r < nRays; r++) {
    for (let k = 0; k + 1 < perRay; k++) {
      const a = r * perRay + k;
      if (!valid[a] || !valid[a + 1]) continue;
      for (const idx of [a, a + 1]) {
        out[o++] = pts[3 * idx];
        out[o++] = pts[3 * idx + 1];
        out[o++] = pts[3 * idx + 2];
      }
    }
  }
}

/** Whether WebGL is provided by a software rasterizer (SwiftShader, llvmpipe): no GPU. */
function isSoftwareWebGL(): boolean {
  try {
    const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    if (!gl) return true;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return /swiftshader|llvmpipe|software|softpipe/i.test(name);
  } catch {
    return true;
  }
}

/** Segments around the axis of a solid of revolution: smooth enough at any zoom of a layout. */
const LATHE_SEGMENTS = 48;

function latheMesh(points: THREE.Vector2[], material: THREE.Material): THREE.Mesh {
  const geom = new THREE.LatheGeometry(points, LATHE_SEGMENTS);
  geom.rotateX(Math.PI / 2); // lathe axis y → optical axis z
  return new THREE.Mesh(geom, material);
}

/** A glass element: translucent solid plus its rim circles. */
function solidOf(r: number[], z: number[]): THREE.Group {
  const g = new THREE.Group();
  const pts = r.map((rv, k) => new THREE.Vector2(Math.max(rv, 1e-6), z[k]));
  g.add(
    latheMesh(
      pts,
      cached(`glass-${palette.name}`, () => new THREE.MeshLambertMaterial({ color: palette.glass, transparent: true, opacity: 0.42, side: THREE.DoubleSide, depthWrite: false })),
    ),
  );
  // Outline: the meridional profile (top and bottom) and the circles where the rim turns.
  const outline: [number, number][] = r.map((rv, k) => [rv, z[k]]);
  g.add(polyline3d(outline, palette.edge, 0));
  g.add(polyline3d(outline, palette.edge, Math.PI));
  const rim = Math.max(...r);
  for (let k = 0; k < r.length; k++) {
    if (Math.abs(r[k] - rim) < 1e-9) g.add(circle(rim, z[k], palette.edge));
  }
  return g;
}

function polyline3d(rz: [number, number][], color: THREE.Color, phi: number): THREE.Line {
  const c = Math.cos(phi + Math.PI / 2), s = Math.sin(phi + Math.PI / 2);
  const geom = new THREE.BufferGeometry().setFromPoints(rz.map(([r, z]) => new THREE.Vector3(r * c, r * s, z)));
  return new THREE.Line(geom, lineMaterial(`#${color.getHexString()}`));
}

function circle(radius: number, z: number, color: THREE.Color): THREE.LineLoop {
  const pts: THREE.Vector3[] = [];
  for (let k = 0; k < LATHE_SEGMENTS; k++) {
    const t = (2 * Math.PI * k) / LATHE_SEGMENTS;
    pts.push(new THREE.Vector3(radius * Math.cos(t), radius * Math.sin(t), z));
  }
  return new THREE.LineLoop(new THREE.BufferGeometry().setFromPoints(pts), cached(`rim${color.getHexString()}`, () => new THREE.LineBasicMaterial({ color, transparent: true, opacity: 0.7 })));
}

/** The element's section in the y–z plane: a filled outline (both halves) and its edge line. */
function sectionOf(r: number[], z: number[]): THREE.Group {
  const g = new THREE.Group();
  // Full section outline: top half (r ≥ 0) out and back, then the bottom half mirrored.
  const ring: [number, number][] = [...r.map((rv, k) => [rv, z[k]] as [number, number]), ...r.map((rv, k) => [-rv, z[k]] as [number, number]).reverse()];
  const shape = new THREE.Shape(ring.map(([y, zz]) => new THREE.Vector2(zz, y)));
  const geom = new THREE.ShapeGeometry(shape);
  // Shape lies in x–y as (z, y); turn it into the y–z plane at x = 0.
  const pos = geom.getAttribute('position') as THREE.BufferAttribute;
  for (let i = 0; i < pos.count; i++) {
    const zz = pos.getX(i), y = pos.getY(i);
    pos.setXYZ(i, 0.01, y, zz);
  }
  g.add(new THREE.Mesh(geom, cached(`sectionGlass-${palette.name}`, () => new THREE.MeshBasicMaterial({ color: palette.glass, transparent: true, opacity: 0.22, side: THREE.DoubleSide, depthWrite: false }))));
  g.add(polyline(ring, `#${palette.edge.getHexString()}`, true));
  return g;
}

/** A polyline of (y, z) points in the section plane. */
function polyline(yz: [number, number][], color: string, closed: boolean): THREE.Line {
  const geom = new THREE.BufferGeometry().setFromPoints(yz.map(([y, z]) => new THREE.Vector3(0.02, y, z)));
  const mat = lineMaterial(color);
  return closed ? new THREE.LineLoop(geom, mat) : new THREE.Line(geom, mat);
}

/** Segments [y1, z1, y2, z2] in the section plane. */
function segments(list: [number, number, number, number][], color: string, _width: number, dashed = false): THREE.LineSegments {
  const pts: THREE.Vector3[] = [];
  for (const [y1, z1, y2, z2] of list) pts.push(new THREE.Vector3(0.02, y1, z1), new THREE.Vector3(0.02, y2, z2));
  const geom = new THREE.BufferGeometry().setFromPoints(pts);
  const mat = dashed ? cached(`dash${color}`, () => new THREE.LineDashedMaterial({ color, dashSize: 1.5, gapSize: 1 })) : lineMaterial(color);
  const l = new THREE.LineSegments(geom, mat);
  if (dashed) l.computeLineDistances();
  return l;
}

/**
 * Materials are shared and kept for the page's life: disposing them would release their shader
 * programs, and recompiling those on every edit costs more than everything else in a redraw.
 */
const materials = new Map<string, THREE.Material>();

function cached<M extends THREE.Material>(key: string, make: () => M): M {
  let m = materials.get(key) as M | undefined;
  if (!m) {
    m = make();
    materials.set(key, m);
  }
  return m;
}

function lineMaterial(color: string): THREE.LineBasicMaterial {
  return cached(`line${color}`, () => new THREE.LineBasicMaterial({ color }));
}

/** Frees an object's geometries (materials are shared, see `cached`). */
function disposeObject(o: THREE.Object3D): void {
  o.traverse((c) => (c as THREE.Mesh).geometry?.dispose());
}

function clear(g: THREE.Group): void {
  for (const c of g.children.slice()) {
    g.remove(c);
    disposeObject(c);
  }
}
