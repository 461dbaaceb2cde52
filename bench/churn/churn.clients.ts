import { createClient, type Client as WsClient } from 'graphql-ws';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

export const SUBSCRIPTION = 'subscription { churnRiskCrossed { cursor direction threshold score member { id } } }';

/** Milliseconds since the epoch with sub-millisecond resolution (the same clock in every thread). */
export const clock = () => performance.timeOrigin + performance.now();

export interface ClientsSpec {
  wsUrl: string;
  key: string;
  subscribers: number;
  /** Global ids of the members, one crossing each, in crossing order. */
  memberGlobalIds: string[];
}

export interface ClientsReport {
  /** Per (client, crossing): times received and the last receipt time. */
  counts: Uint16Array;
  receipts: Float64Array;
  /** The cursor each crossing arrived with (the same on every client, or a problem is recorded). */
  cursors: (string | undefined)[];
  problems: string[];
}

/** `subscribers` graphql-ws clients on the same subscription, recording what arrives and when. */
class Clients {
  readonly counts: Uint16Array;
  readonly receipts: Float64Array;
  readonly cursors: (string | undefined)[];
  readonly problems: string[] = [];
  delivered = 0;
  private readonly clients: WsClient[] = [];

  constructor(private readonly spec: ClientsSpec) {
    const crossings = spec.memberGlobalIds.length;
    this.counts = new Uint16Array(spec.subscribers * crossings);
    this.receipts = new Float64Array(spec.subscribers * crossings);
    this.cursors = new Array<string | undefined>(crossings);
  }

  private problem(message: string): void {
    if (this.problems.length < 20) this.problems.push(message);
  }

  start(): void {
    const crossings = this.spec.memberGlobalIds.length;
    const indexOf = new Map(this.spec.memberGlobalIds.map((id, i) => [id, i]));
    for (let c = 0; c < this.spec.subscribers; c++) {
      const client = createClient({ url: this.spec.wsUrl, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, connectionParams: { authorization: `Bearer ${this.spec.key}` } });
      this.clients.push(client);
      client.subscribe<{ churnRiskCrossed: { cursor: string; member: { id: string } | null } }>(
        { query: SUBSCRIPTION },
        {
          next: (result) => {
            const at = clock();
            const crossing = result.data?.churnRiskCrossed;
            const index = crossing?.member ? indexOf.get(crossing.member.id) : undefined;
            if (!crossing || index === undefined || result.errors) return this.problem(`client ${c}: unexpected result ${JSON.stringify(result).slice(0, 200)}`);
            const seen = this.cursors[index];
            if (seen === undefined) this.cursors[index] = crossing.cursor;
            else if (seen !== crossing.cursor) this.problem(`crossing ${index}: cursor ${crossing.cursor} on client ${c}, ${seen} elsewhere`);
            this.counts[c * crossings + index]! += 1;
            this.receipts[c * crossings + index] = at;
            this.delivered += 1;
          },
          error: (error) => this.problem(`client ${c}: ${JSON.stringify(error).slice(0, 200)}`),
          complete: () => this.problem(`client ${c}: subscription completed`),
        },
      );
    }
  }

  report(): ClientsReport {
    return { counts: this.counts, receipts: this.receipts, cursors: this.cursors, problems: this.problems };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.dispose()));
  }
}

/** The clients as the fan-out drives them, wherever they run. */
export interface ClientSide {
  start(): Promise<void>;
  progress(): Promise<{ delivered: number; problems: string[] }>;
  report(): Promise<ClientsReport>;
  dispose(): Promise<void>;
}

/** On the server's own event loop. */
export function clientsInThread(spec: ClientsSpec): ClientSide {
  const clients = new Clients(spec);
  let disposed: Promise<void> | undefined;
  return {
    start: async () => clients.start(),
    progress: async () => ({ delivered: clients.delivered, problems: clients.problems }),
    report: async () => clients.report(),
    dispose: () => (disposed ??= clients.dispose()),
  };
}

type Request = 'start' | 'progress' | 'report' | 'dispose';

/** In a worker thread of the same process: its own event loop, so the server's sends and the clients' reads interleave. */
export async function clientsInWorker(spec: ClientsSpec): Promise<ClientSide> {
  const worker = new Worker(path.join(__dirname, 'churn.clients.js'), { workerData: { churnClients: spec } });
  const pending: ((value: unknown) => void)[] = [];
  let failure: Error | null = null;
  worker.on('message', (message: unknown) => pending.shift()?.(message));
  worker.on('error', (error) => {
    failure = error;
  });
  const ask = <T>(request: Request) =>
    new Promise<T>((resolve, reject) => {
      if (failure) return reject(failure);
      pending.push(resolve as (value: unknown) => void);
      worker.postMessage(request);
    });
  await ask('progress'); // the worker is up before the caller takes its memory baseline
  let disposed: Promise<void> | undefined;
  return {
    start: () => ask<void>('start'),
    progress: () => ask('progress'),
    report: () => ask('report'),
    // Once, however often it is called (the fan-out's own close and the scope's cleanup).
    dispose: () =>
      (disposed ??= (async () => {
        await ask('dispose').catch(() => undefined);
        await worker.terminate();
      })()),
  };
}

if (!isMainThread && parentPort && (workerData as { churnClients?: ClientsSpec } | null)?.churnClients) {
  const port = parentPort;
  const clients = new Clients((workerData as { churnClients: ClientsSpec }).churnClients);
  port.on('message', (request: Request) => {
    if (request === 'start') {
      clients.start();
      port.postMessage(null);
    } else if (request === 'progress') port.postMessage({ delivered: clients.delivered, problems: clients.problems });
    else if (request === 'report') port.postMessage(clients.report());
    else if (request === 'dispose') void clients.dispose().then(() => port.postMessage(null));
  });
}
