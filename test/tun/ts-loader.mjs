// `node --import ./test/tun/ts-loader.mjs child.ts`: see ts-hooks.mjs.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
