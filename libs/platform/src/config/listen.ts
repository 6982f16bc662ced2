import { once } from 'node:events';
import { createServer } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { ConfigError } from './app-config.js';

const HOST = '0.0.0.0';
const PORT_PROBLEMS: Record<string, string> = {
  EADDRINUSE: 'is already in use by another process',
  EACCES: 'may not be opened by this user',
};

/**
 * A port that cannot be opened as the one line naming its variable (PORT, WORKER_PORT), as a bad
 * setting is; any other error as is.
 */
function portProblem(error: unknown, port: number, variable: string): unknown {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return code in PORT_PROBLEMS ? new ConfigError(`${variable}=${port} ${PORT_PROBLEMS[code]} (${code})`) : error;
}

/** Opens and closes the port before the app starts anything, so that a port in use stops the process at once. */
export async function checkPort(port: number, variable: string): Promise<void> {
  const probe = createServer().listen(port, HOST);
  try {
    await once(probe, 'listening');
  } catch (error) {
    throw portProblem(error, port, variable);
  }
  probe.close();
  await once(probe, 'close');
}

/** Listens on `port` of every interface; the port taken since checkPort stops the process the same way. */
export async function listenOn(app: INestApplication, port: number, variable: string): Promise<void> {
  try {
    await app.listen(port, HOST);
  } catch (error) {
    throw portProblem(error, port, variable);
  }
}
