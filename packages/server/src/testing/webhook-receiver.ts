// A real HTTP receiver for webhook tests (node:http on 127.0.0.1, a free port): keeps what
// it was sent, and fails requests on purpose when told to.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  contentType: string | undefined;
  body: any;
}

export interface WebhookReceiver {
  /** The base URL, e.g. http://127.0.0.1:40123. */
  url: string;
  /** Successfully answered requests, in arrival order. */
  received: ReceivedWebhook[];
  /** Every request, failed on purpose ones included. */
  requests: number;
  /** The next `count` requests get `status` (500 by default) and are not kept. */
  failNext(count: number, status?: number): void;
  /** Resolves once `count` messages were received (polls; the test's own timeout bounds it). */
  waitFor(count: number, predicate?: (w: ReceivedWebhook) => boolean): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  let requests = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      if (failures.count > 0) {
        failures.count--;
        res.writeHead(failures.status, { 'Content-Type': 'text/plain' }).end('failing on purpose');
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: text ? JSON.parse(text) : null });
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get requests() {
      return requests;
    },
    failNext(count, status = 500) {
      failures = { count, status };
    },
    async waitFor(count, predicate = () => true) {
      for (;;) {
        const matching = received.filter(predicate);
        if (matching.length >= count) return matching;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
