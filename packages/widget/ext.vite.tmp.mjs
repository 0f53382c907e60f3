import base from './vite.config.ts';
import { defineConfig, mergeConfig } from 'vite';
export default defineConfig((env) => mergeConfig(base(env), { build: { outDir: '/tmp/pw3', rolldownOptions: { external: [/^preact/, /^@preact/, /^@parley/] , output: { globals: (id) => 'G' + id.length } } } }));
