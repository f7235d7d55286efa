/**
 * Vite build of the studio renderer (React). Output: renderer/dist (served by app/web/server.ts,
 * loaded from the app:// protocol by the Electron window, so asset URLs are relative).
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No source maps in the served build unless asked (LENS_STUDIO_SOURCEMAPS=1; the server then
    // serves them too).
    sourcemap: !!process.env.LENS_STUDIO_SOURCEMAPS,
    chunkSizeWarningLimit: 2000,
    // LENS_STUDIO_NO_MINIFY=1 keeps names readable in profiles.
    minify: !process.env.LENS_STUDIO_NO_MINIFY,
  },
  logLevel: 'warn',
});
