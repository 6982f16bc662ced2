import { readFileSync } from 'node:fs';
import { startCommand } from '../scripts/start-command.js';

const THREADPOOL_PRELOAD = ['--require', './dist/apps/api/src/threadpool.cjs'];

/** The node flags live in package.json's start scripts and in the image's entrypoint: they must not drift apart. */
describe('how the api and the worker are started', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const instruction = (name: string): string[] =>
    JSON.parse(new RegExp(`^${name} (\\[.*\\])$`, 'm').exec(dockerfile)![1]) as string[];

  it("gives the api the worker's node flags, after the api's threadpool preload", () => {
    expect(startCommand('start:api').nodeArgs).toEqual([
      ...THREADPOOL_PRELOAD,
      ...startCommand('start:worker').nodeArgs,
    ]);
  });

  it('runs the image with the node flags and the entry file of npm run start:api', () => {
    const { entry } = startCommand('start:api');
    expect(instruction('ENTRYPOINT')).toEqual(['node', ...startCommand('start:worker').nodeArgs]);
    expect(instruction('CMD')).toEqual([...THREADPOOL_PRELOAD, entry]);
  });
});
