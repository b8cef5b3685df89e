/**
 * The access diff with one worker thread per side: each worker reads and discovers its
 * output, then answers that side's questions with the simulator; this thread plans the
 * questions and compares the answers. Reading YAML and simulating logins are most of a large
 * diff and the two sides are independent, so on two cores the wall time about halves.
 * What crosses threads is small: the routes and Grafanas per host, and the verdicts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { Discovered } from '../discover';
import { SimulatorInputError } from '../read-output';
import { indexSide, judgeSide, JudgeRequest, Side } from './access-diff';
import { IsolationObject } from './isolation';
import { readSide } from './read';

/**
 * Below this many differing YAML files a worker's start-up (loading the simulator again) and
 * the lost sharing (a file both sides hold is parsed once in one thread) cost more than the
 * second core saves. ACCESS_DIFF_PARALLEL_MIN_FILES overrides it (tests use it for this path).
 */
const DEFAULT_MIN_FILES = 300;

/**
 * Whether two outputs are worth a worker each: a second core, and at least the threshold of
 * YAML files that differ between them (by path relative to each folder, then by content).
 */
export function worthWorkers(beforeDir: string, afterDir: string): boolean {
  const minFiles = Number(process.env.ACCESS_DIFF_PARALLEL_MIN_FILES ?? DEFAULT_MIN_FILES);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  if (cores < 2) return false;
  try {
    const list = (dir: string) => (fs.statSync(dir).isDirectory()
      ? (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => /\.ya?ml$/.test(f)) : ['']);
    const before = new Set(list(beforeDir));
    const after = list(afterDir);
    const afterSet = new Set(after);
    let differing = [...before].filter((f) => !afterSet.has(f)).length;
    for (const f of after) {
      if (differing >= minFiles) break;
      if (!before.has(f) || !fs.readFileSync(path.join(beforeDir, f)).equals(fs.readFileSync(path.join(afterDir, f)))) differing++;
    }
    return differing >= minFiles;
  } catch {
    return false; // the reader reports the folder; no worker for it
  }
}

/** A worker holding one side. */
export class SideWorker {
  /** Starts a worker that reads `dir`; resolves with its index (routes, Grafanas, isolation). */
  public static async start(dir: string): Promise<{ worker: SideWorker; side: Side }> {
    const ts = path.extname(__filename) === '.ts';
    const thread = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: __filename, ts, dir } });
    const w = new SideWorker(thread);
    const message = await w.next();
    const side: Side = {
      byHost: new Map(message.byHost as Array<[string, Discovered]>),
      isolation: new Map(message.isolation as Array<[string, IsolationObject[]]>),
    };
    return { worker: w, side };
  }

  private constructor(private readonly thread: Worker) {}

  /** The side's answers to `requests`. */
  public async judge(requests: JudgeRequest[], edition: string, now: number) {
    this.thread.postMessage({ requests, edition, now });
    return (await this.next()).judged;
  }

  public stop(): void {
    void this.thread.terminate();
  }

  private next(): Promise<any> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        this.thread.off('message', onMessage);
        this.thread.off('error', onError);
      };
      const onMessage = (m: any) => {
        cleanup();
        if (m.error) reject(m.input ? new SimulatorInputError(m.error) : new Error(m.error));
        else resolve(m);
      };
      const onError = (e: Error) => {
        cleanup();
        reject(e);
      };
      this.thread.on('message', onMessage);
      this.thread.on('error', onError);
    });
  }
}

/** In the worker: read, index, answer. */
export async function workerMain(): Promise<void> {
  const port = parentPort!;
  const fail = (e: unknown) => port.postMessage({ error: (e as Error).message, input: e instanceof SimulatorInputError });
  let side: Side;
  try {
    side = indexSide(readSide(workerData.dir));
    port.postMessage({ byHost: [...side.byHost.entries()], isolation: [...side.isolation.entries()] });
  } catch (e) {
    fail(e);
    return;
  }
  port.on('message', (m: { requests: JudgeRequest[]; edition: string; now: number }) => {
    judgeSide(side, m.requests, m.edition, m.now).then((judged) => port.postMessage({ judged }), fail);
  });
}

// Plain JavaScript, evaluated in the worker: load this module (through ts-node when running
// from TypeScript sources, as the tests and benchmarks do) and serve one side.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
if (workerData.ts) require('ts-node').register({ transpileOnly: true, projectSearchDir: require('node:path').dirname(workerData.module) });
require(workerData.module).workerMain();
`;
