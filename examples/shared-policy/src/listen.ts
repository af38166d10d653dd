// What each framework file hands back to the demo, and a listen() that fails with a clear message.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  readonly name: string;
  readonly url: string;
  close(): Promise<void>;
}

/** Thrown when a fixed port is taken, with a message the demo prints as is. */
export class PortInUse extends Error {
  constructor(name: string, port: number) {
    super(`${name} could not listen on 127.0.0.1:${port}: the port is already in use. Stop whatever holds it (lsof -i :${port}) and run again.`);
  }
}

export const HOST = '127.0.0.1';

/** Listens on 127.0.0.1 (`port` 0 picks a free one) and resolves the port actually bound. */
export function listen(server: Server, port: number, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? new PortInUse(name, port) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, HOST);
  });
}

/** Closes a server now: idle keep-alive connections would otherwise hold it open. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
