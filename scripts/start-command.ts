import { readFileSync } from 'node:fs';

export type StartScript = 'start:api' | 'start:worker' | 'migration:run' | 'migration:revert' | 'demo';

/**
 * The node flags and the entry file of an npm script (`node <flags…> <file>`, after any build step
 * and `&&`): the benchmark and the end-to-end tests start the api, the worker and the migrations
 * as `npm run` does, flags included, without npm in between.
 */
export function startCommand(npmScript: StartScript): { nodeArgs: string[]; entry: string } {
  const command = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts[
    npmScript
  ]
    .split(' && ')
    .at(-1)!;
  const [node, ...args] = command.split(' ');
  if (node !== 'node' || !args.length) throw new Error(`${npmScript} is not "node <flags…> <file>": ${command}`);
  return { nodeArgs: args.slice(0, -1), entry: args.at(-1)! };
}
