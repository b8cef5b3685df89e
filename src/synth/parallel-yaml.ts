import * as os from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { Yaml } from 'cdk8s';

/** One YAML file to write: what `Yaml.save(file, docs)` takes. */
export interface YamlFileJob {
  readonly file: string;
  readonly docs: any[];
}

/**
 * Below this many files the worker's start-up (loading cdk8s and yaml again) costs more than
 * it saves. CDK8S_FLEET_PARALLEL_MIN_FILES overrides it (tests use it to exercise both paths).
 */
const DEFAULT_MIN_FILES = 200;

/**
 * Writes `count` files with `Yaml.save`, exactly as cdk8s does, rendering each job only when
 * it is its turn (`job(i)`), and sharing the serialization with a worker thread when there are
 * many files and a second core: YAML serialization is most of a large synth, the files are
 * independent, and every other file is posted to the worker as soon as it is rendered, so the
 * two threads overlap and no file's objects are held longer than needed. `synth()` stays
 * synchronous: this thread writes its share, then blocks until the worker reports. The bytes
 * cannot differ: both threads call `Yaml.save` of the same cdk8s module file.
 */
export function saveYamlFiles(count: number, job: (index: number) => YamlFileJob): void {
  const minFiles = Number(process.env.CDK8S_FLEET_PARALLEL_MIN_FILES ?? DEFAULT_MIN_FILES);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const worker = count >= minFiles && cores >= 2 ? startWorker() : undefined;
  if (!worker) {
    for (let i = 0; i < count; i++) {
      const { file, docs } = job(i);
      Yaml.save(file, docs);
    }
    return;
  }
  try {
    for (let i = 0; i < count; i++) {
      const j = job(i);
      if (i % 2 === 1) worker.port.postMessage(j);
      else Yaml.save(j.file, j.docs);
    }
  } finally {
    worker.port.postMessage({ end: true });
    while (Atomics.load(worker.done, 0) === 0) Atomics.wait(worker.done, 0, 0, 1000);
  }
  const report = receiveMessageOnPort(worker.port)?.message as { error?: string } | undefined;
  worker.port.close();
  void worker.thread.terminate();
  if (Atomics.load(worker.done, 0) !== 1) throw new Error(`FleetApp: writing YAML files in a worker thread failed: ${report?.error ?? 'unknown error'}`);
}

function startWorker(): { thread: Worker; port: MessagePortLike; done: Int32Array } | undefined {
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  try {
    const thread = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { cdk8s: require.resolve('cdk8s'), done, port: port2 },
      transferList: [port2],
    });
    thread.unref();
    return { thread, port: port1, done };
  } catch {
    return undefined; // no worker threads here: this thread writes everything
  }
}

type MessagePortLike = InstanceType<typeof MessageChannel>['port1'];

// Plain JavaScript, evaluated in the worker: write each file it is sent; at the end, say how it
// went (1 ok, 2 failed, with the first error posted back).
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { done, port } = workerData;
const { Yaml } = require(workerData.cdk8s);
let failed;
port.on('message', (message) => {
  if (message.end) {
    if (failed) port.postMessage({ error: failed });
    Atomics.store(done, 0, failed ? 2 : 1);
    Atomics.notify(done, 0);
    port.close();
    return;
  }
  if (failed) return;
  try {
    Yaml.save(message.file, message.docs);
  } catch (e) {
    failed = String((e && e.stack) || e);
  }
});
`;
