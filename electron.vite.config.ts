// electron-vite builds the shell's two Node-side bundles: main (ESM, Electron ≥ 28 runs it) and the
// preload (CommonJS: a sandboxed preload cannot be an ES module, and may require only `electron`,
// so everything it imports is bundled in). The renderer is not built here: vite.renderer.config.ts
// builds it once into dist/renderer for both the window and `clatter ui` (npm run build:renderer).
// Outputs go to dist/app/, beside tsc's dist/electron/ (which type-checks the same sources; the
// app runs electron-vite's bundles, named by package.json "main").
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: path('dist/app/main'),
      emptyOutDir: true,
      sourcemap: true,
      lib: { entry: path('electron/main/index.ts'), formats: ['es'] },
    },
  },
  preload: {
    build: {
      outDir: path('dist/app/preload'),
      emptyOutDir: true,
      sourcemap: true,
      // Bundle the preload's imports (the schema) instead of leaving them as requires.
      externalizeDeps: false,
      lib: { entry: path('electron/preload.ts'), formats: ['cjs'] },
    },
  },
});
