// The names of `clatter demo`'s apps and the words for their health: part of the UI's contract
// (ui-schema.ts), so they live here; core/demo says what the apps are and how to read them.

export const demoAppNames = ['call', 'download', 'ping'] as const;
export type DemoAppName = (typeof demoAppNames)[number];

export function isDemoAppName(name: unknown): name is DemoAppName {
  return typeof name === 'string' && (demoAppNames as readonly string[]).includes(name);
}

export type Health = 'stopped' | 'starting' | 'working' | 'failing';
