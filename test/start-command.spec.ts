import { readFileSync } from 'node:fs';
import { startCommand } from '../scripts/start-command.js';

/** The node flags live in package.json's start scripts and in the image's entrypoint: they must not drift apart. */
describe('how the api and the worker are started', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const instruction = (name: string): string[] =>
    JSON.parse(new RegExp(`^${name} (\\[.*\\])$`, 'm').exec(dockerfile)![1]) as string[];

  it('gives the api and the worker the same node flags', () => {
    expect(startCommand('start:worker').nodeArgs).toEqual(startCommand('start:api').nodeArgs);
  });

  it('runs the image with the node flags and the entry file of npm run start:api', () => {
    const { nodeArgs, entry } = startCommand('start:api');
    expect(instruction('ENTRYPOINT')).toEqual(['node', ...nodeArgs]);
    expect(instruction('CMD')).toEqual([entry]);
  });
});
