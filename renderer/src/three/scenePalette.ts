/** Colours of the layout scene for the dark and light themes. */
import * as THREE from 'three';

/** Colours of the scene for one theme (the rays take the field colours they are given). */
export interface Palette {
  name: 'dark' | 'light';
  glass: THREE.Color;
  edge: THREE.Color;
  frame: string;
  mirror: string;
  stop: string;
  stopRing: number;
  image: string;
  imagePlane: number;
  axis: string;
}

export const PALETTES: Record<Palette['name'], Palette> = {
  dark: { name: 'dark', glass: new THREE.Color('#7fb2e5'), edge: new THREE.Color('#a9cdf2'), frame: '#8a95a3', mirror: '#d0d4da', stop: '#e0e4ea', stopRing: 0x3a3f47, image: '#9aa4b2', imagePlane: 0x5a6270, axis: '#3c4654' },
  light: { name: 'light', glass: new THREE.Color('#5b93d1'), edge: new THREE.Color('#24588f'), frame: '#5d6b7a', mirror: '#4d535b', stop: '#1b232c', stopRing: 0x9aa3ad, image: '#4d5966', imagePlane: 0x8a95a3, axis: '#b3bdc8' },
};

