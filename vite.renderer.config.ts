// Builds the renderer (renderer/) once, into dist/renderer: the Electron window loads it from there and
// `clatter ui` serves it to a browser. Relative asset paths, so it works from file:// and from
// the browser mode's token-prefixed URL alike.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('renderer/', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
});
