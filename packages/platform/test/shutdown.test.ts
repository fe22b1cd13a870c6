import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from '@jest/globals';

// runMain + onShutdown in a process of their own (the built package, as every main.ts uses it): a
// SIGTERM that arrives while the process is still starting is not lost and does not kill it
// half-started: once started, it drains and stops as for any SIGTERM.
const PLATFORM = resolve(import.meta.dirname, '../dist/index.js');

function run(script: string) {
  if (!existsSync(PLATFORM)) throw new Error(`${PLATFORM} is missing: build first (npm run build)`);
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const said = (text: string) =>
    new Promise<void>((done) => {
      const check = () => (out.includes(text) ? done() : setTimeout(check, 5));
      check();
    });
  return { child, exited, said, output: () => out };
}

const service = (startMs: number) => `
  import { createLogger, onShutdown, runMain } from ${JSON.stringify(PLATFORM)};
  runMain(async () => {
    const logger = createLogger('shutdown-test', 'silent');
    console.log('starting');
    await new Promise((r) => setTimeout(r, ${startMs}));
    const keepAlive = setInterval(() => undefined, 1000);
    onShutdown(logger, { drain: () => console.log('draining'), stop: async () => { clearInterval(keepAlive); console.log('stopped'); } }, { SHUTDOWN_DRAIN_MS: 50 });
    console.log('started');
  });`;

describe('a signal during start', () => {
  test('is held until the process has started, then drains and stops it, exit 0', async () => {
    const p = run(service(400));
    await p.said('starting');
    p.child.kill('SIGTERM');
    const exit = await p.exited;
    expect({ ...exit, output: p.output() }).toEqual({ code: 0, signal: null, output: 'starting\ndraining\nstarted\nstopped\n' });
  });

  test('a second signal during start exits 1 at once', async () => {
    const p = run(service(20_000));
    await p.said('starting');
    p.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    p.child.kill('SIGTERM');
    expect(await p.exited).toEqual({ code: 1, signal: null });
    expect(p.output()).toBe('starting\n');
  });

  test('after start, a SIGTERM drains and stops as before', async () => {
    const p = run(service(0));
    await p.said('started');
    p.child.kill('SIGTERM');
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(p.output()).toBe('starting\nstarted\ndraining\nstopped\n');
  });
});
