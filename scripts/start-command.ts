import { readFileSync } from 'node:fs';

export type StartScript = 'start:api' | 'start:worker';

/**
 * The node flags and the entry file of an npm start script (`node <flags…> <file>`): the benchmark
 * and the end-to-end tests start the api and the worker as `npm run start:*` does, flags included,
 * without npm in between.
 */
export function startCommand(npmScript: StartScript): { nodeArgs: string[]; entry: string } {
  const command = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts[npmScript];
  const [node, ...args] = command.split(' ');
  if (node !== 'node' || !args.length) throw new Error(`${npmScript} is not "node <flags…> <file>": ${command}`);
  return { nodeArgs: args.slice(0, -1), entry: args.at(-1)! };
}
