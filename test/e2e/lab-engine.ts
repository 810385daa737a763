// The fixture of most end-to-end files: a lab with a running engine in its host namespace, set up
// once before the file's tests (which share it and run in order) and torn down after them.
//
// Lifecycle: beforeAll makes the lab (`createLab(options.lab)`), runs `beforeEngine` (snapshots of
// the pristine host), makes the engine's directory and, unless `engine` is null, starts the engine
// and runs `afterStart` (`clatter up`, waiting for a prefix). afterAll stops the engine started
// last, destroys the lab and removes the directory, each even when the one before failed
// (engine-process.ts: tearDown). A file that starts its engine later, or again (a restart on the
// same journal), does it with `startEngine`, so the teardown knows which one to stop.

import { afterAll, beforeAll } from 'vitest';
import { createLab, type Lab, type LabOptions } from '../../core/lab/lab.js';
import { EngineProcess, engineDir, tearDown, type EngineOptions } from './engine-process.js';

export type EngineStartOptions = Omit<EngineOptions, 'dir'>;

export interface LabEngineOptions {
  readonly lab?: LabOptions;
  /** The engine started before the tests; null: none (the tests start it with `startEngine`). */
  readonly engine?: EngineStartOptions | null;
  /** After the lab is up, before the engine starts. */
  readonly beforeEngine?: (lab: Lab) => Promise<void>;
  /** Once the engine listens (not run when `engine` is null). */
  readonly afterStart?: (setup: LabEngine) => Promise<void>;
  /** For the whole set-up (default 90 s). */
  readonly setUpTimeoutMs?: number;
}

export interface LabEngine {
  readonly lab: Lab;
  /** The engine's socket and state (its journal): one per file, shared by the engines it starts. */
  readonly dir: string;
  /** The engine started last; throws before one has started. */
  readonly engine: EngineProcess;
  /** Starts an engine on this file's directory; it becomes `engine`, the one torn down at the end. */
  startEngine(options?: EngineStartOptions): Promise<EngineProcess>;
}

/** Registers the file's beforeAll and afterAll; call it inside the describe block. */
export function labWithEngine(options: LabEngineOptions = {}): LabEngine {
  let lab: Lab | undefined;
  let dir: string | undefined;
  let engine: EngineProcess | undefined;
  const setup: LabEngine = {
    get lab() {
      if (lab === undefined) throw new Error('the lab is not set up (did beforeAll fail?)');
      return lab;
    },
    get dir() {
      if (dir === undefined) throw new Error('the engine directory is not made (did beforeAll fail?)');
      return dir;
    },
    get engine() {
      if (engine === undefined) throw new Error('no engine has been started');
      return engine;
    },
    async startEngine(engineOptions = {}) {
      engine = await EngineProcess.start(setup.lab, { ...engineOptions, dir: setup.dir });
      return engine;
    },
  };

  beforeAll(async () => {
    lab = await createLab(options.lab);
    await options.beforeEngine?.(lab);
    dir = engineDir();
    if (options.engine === null) return;
    await setup.startEngine(options.engine);
    await options.afterStart?.(setup);
  }, options.setUpTimeoutMs ?? 90_000);

  afterAll(() => tearDown(engine, lab, dir), 60_000);

  return setup;
}
