// Validates built-in Kubernetes kinds with kubernetes-models, in a worker thread.
//
// Why a worker: kubernetes-models is ESM-only (its package exports have no
// "require" condition), and Jest runs the tests as CommonJS without
// --experimental-vm-modules, so neither require() nor import() of it works
// inside a test. A worker thread uses Node's own loader instead. schema.ts
// talks to this file synchronously (SharedArrayBuffer + Atomics.wait), so the
// harness API stays synchronous for the tests.
//
// Protocol: the parent posts `[{ apiVersion, kind, object }, ...]` on
// parentPort; this worker answers on `workerData.port` with one entry per
// object: `{ known: false }` or `{ known: true, errors: string[] }`, then
// flips `workerData.signal[0]` to 1 and notifies.
import { parentPort, workerData } from 'node:worker_threads';

const { port, signal } = workerData;

// Only shapes that can name a kubernetes-models module; anything else is unknown.
const API_VERSION = /^(?:[a-z0-9.-]+\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

const models = new Map();

async function loadModel(apiVersion, kind) {
  const key = `${apiVersion}/${kind}`;
  if (models.has(key)) return models.get(key);
  let model;
  try {
    const mod = await import(`kubernetes-models/${apiVersion}/${kind}`);
    model = mod[kind];
  } catch {
    model = undefined;
  }
  // The same folders also hold sub-structures (e.g. apps/v1/DeploymentSpec):
  // only a class carrying this exact apiVersion and kind is a resource.
  if (typeof model !== 'function' || model.apiVersion !== apiVersion || model.kind !== kind) {
    model = undefined;
  }
  models.set(key, model);
  return model;
}

function describeErrors(err) {
  if (Array.isArray(err?.errors)) {
    return err.errors.map((e) => `${e.instancePath || '/'} ${e.message}`);
  }
  return [String(err?.message ?? err)];
}

async function validateOne({ apiVersion, kind, object }) {
  if (!API_VERSION.test(apiVersion) || !KIND.test(kind)) return { known: false };
  const Model = await loadModel(apiVersion, kind);
  if (!Model) return { known: false };
  try {
    new Model(object).validate();
    return { known: true, errors: [] };
  } catch (err) {
    return { known: true, errors: describeErrors(err) };
  }
}

parentPort.on('message', async (requests) => {
  let reply;
  try {
    reply = { results: await Promise.all(requests.map(validateOne)) };
  } catch (err) {
    reply = { failure: String(err?.stack ?? err) };
  }
  port.postMessage(reply);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
