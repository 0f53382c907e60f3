import { defineConfig } from 'vite';
const annotate = { name: 'pure', transform(code, id) { if (!/packages\/shared\/dist\/.*\.js$/.test(id)) return null; return code.replace(/^((?:export )?const [\w$]+ = )(?=z\b|new Set|createChatRequestSchema\(|Object\.keys\()/gm, '$1/* @__PURE__ */ '); } };
export default defineConfig({ logLevel: 'warn', plugins: [annotate], build: { outDir: '/tmp/pw', emptyOutDir: true, lib: { entry: process.env.E, formats: ['iife'], name: 'X', fileName: () => 'p.js' } } });
