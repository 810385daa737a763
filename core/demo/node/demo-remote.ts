// The CLI's way to a running demo (`clatter demo --status`, `--start`, `--stop`): the demo's own
// screen server, at the URL in its record (root-only, with the token), with the same invoke
// channels the screen uses. A request from this machine's loopback with the server's own origin.

import { request } from 'node:http';
import type { InvokeArg, InvokeChannel, InvokeResult } from '../../api/ui-schema.js';

export function invokeDemo<C extends InvokeChannel>(pageUrl: string, channel: C, arg: InvokeArg<C>): Promise<InvokeResult<C>> {
  const url = new URL(`api/${channel}`, pageUrl.split('?')[0]);
  const body = JSON.stringify({ arg: arg ?? null });
  return new Promise((resolve, reject) => {
    const call = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'Content-Type': 'application/json', Origin: url.origin, 'Content-Length': Buffer.byteLength(body) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          if (response.statusCode !== 200) return reject(new Error(`the demo answered ${response.statusCode}: ${text}`));
          resolve((JSON.parse(text) as { result: InvokeResult<C> }).result);
        });
      },
    );
    call.on('error', (error) => reject(new Error(`cannot reach the demo's screen server: ${error.message}`)));
    call.end(body);
  });
}
