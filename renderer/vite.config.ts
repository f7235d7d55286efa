/**
 * Vite build of the studio renderer (React). Output: renderer/dist (served by app/web/server.ts,
 * loaded from disk by the Electron window, so asset URLs are relative).
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
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    // LENS_STUDIO_NO_MINIFY=1 keeps names readable in profiles.
    minify: !process.env.LENS_STUDIO_NO_MINIFY,
  },
  logLevel: 'warn',
});
