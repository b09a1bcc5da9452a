import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the platform's own HTTP server: built files with `npm start`, Vite's
// middleware with hot reload with `npm run dev`. Both share the /graphql origin.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  // The SPA shares Loom's pure modules (manifest types, sizes, run outputs) with the server.
  server: { fs: { allow: ['.', '../server/loom'] } },
});
