import * as path from 'path';
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from 'worker_threads';

/** One built-in object to check with kubernetes-models. */
export interface CoreRequest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly object: unknown;
}

/** `known: false` means kubernetes-models has no resource model for that apiVersion and kind. */
export type CoreResult = { readonly known: false } | { readonly known: true; readonly errors: string[] };

interface Bridge {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly signal: Int32Array;
}

type Reply = { results: CoreResult[] } | { failure: string };

// Generous: the first call loads every model module it needs from disk.
const REPLY_TIMEOUT_MS = 60_000;
const WORKER_FILE = path.join(__dirname, 'k8s-core-worker.mjs');

let bridge: Bridge | undefined;

function startBridge(): Bridge {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_FILE, { workerData: { port: port2, signal }, transferList: [port2] });
  // Never keep jest alive for this worker; it holds no state worth flushing.
  worker.unref();
  port1.unref();
  return { worker, port: port1, signal };
}

/**
 * Validates built-in objects synchronously.
 * kubernetes-models is ESM-only, so it runs in a worker thread (see
 * k8s-core-worker.mjs); blocking on Atomics.wait keeps this API synchronous.
 */
export function validateCoreObjects(requests: CoreRequest[]): CoreResult[] {
  if (requests.length === 0) return [];
  bridge ??= startBridge();
  Atomics.store(bridge.signal, 0, 0);
  bridge.worker.postMessage(requests);
  if (Atomics.wait(bridge.signal, 0, 0, REPLY_TIMEOUT_MS) === 'timed-out') {
    throw new Error(`kubernetes-models worker did not answer within ${REPLY_TIMEOUT_MS} ms`);
  }
  const reply = receiveMessageOnPort(bridge.port)?.message as Reply | undefined;
  if (!reply) throw new Error('kubernetes-models worker signalled without a reply');
  if ('failure' in reply) throw new Error(`kubernetes-models worker failed: ${reply.failure}`);
  return reply.results;
}
