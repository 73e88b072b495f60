/**
 * Worker-thread side of the replication pool: holds the plans and the models it was started with
 * and answers each task (model index, replication) with the report of that simulation.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { computeReport } from '../metrics/index.js';
import { simulate } from '../propeller/simulator.js';
import type { PoolData, PoolReply, PoolTask } from './replication-pool.js';

const data = (workerData as { data: PoolData }).data;
const port = parentPort;
if (!port) throw new Error('replication-worker runs only as a worker thread');

port.on('message', (task: PoolTask) => {
  let reply: PoolReply;
  try {
    const model = data.models[task.run];
    if (!model) throw new Error(`no model ${task.run}`);
    const rec = simulate(data.plans, model, { ...data.simulate, seed: data.seed, replication: task.replication });
    reply = { id: task.id, report: computeReport(rec) };
  } catch (err) {
    reply = { id: task.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
