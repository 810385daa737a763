#!/usr/bin/env node
// The `clatter` command. The TypeScript sources are compiled to dist/ by `npm install` (prepare).
import { main } from '../dist/core/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
