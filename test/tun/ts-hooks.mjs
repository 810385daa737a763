// Module hooks that let plain `node` run this repository's TypeScript straight from source,
// without a build: the TUN tests' child scripts run this way inside a network namespace (where
// vitest cannot follow), and so never run stale compiled code. Types are stripped one file at a
// time with the TypeScript compiler's transpileModule; type checking is tsc's job, not this one's.
import { readFile } from 'node:fs/promises';
import ts from 'typescript';

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    // Sources import siblings as './x.js' (NodeNext); before compilation only './x.ts' exists.
    if (specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
    throw error;
  }
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context);
  const source = await readFile(new URL(url), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: url,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
