// `npm start`: runs every service and then the gateway as child processes, waits until each
// answers, prints where the API is, and stops them all cleanly on Ctrl-C / SIGTERM.
// Each service applies its own migrations on start (under an advisory lock).
import { spawn } from 'node:child_process';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const port = process.env.PORT ?? '8080';

// The services and their start order come from the service manifest (packages/platform/src/services.ts),
// built by the bootstrap before this runs; the gateway comes last and is told where each one listens.
const { startOrder, defaultAddress, serviceNodeOptions } = await import(join(ROOT, 'packages/platform/dist/services.js'));

const log = (msg) => process.stderr.write(`\x1b[1m[finance]\x1b[0m ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = [];
let stopping = false;

function run(name, env) {
  const child = spawn(process.execPath, [join(ROOT, 'apps', name, 'dist/main.js')], {
    // The services' V8 flags (SERVICE_NODE_OPTIONS in the manifest: why), then any NODE_OPTIONS given to npm start.
    env: { ...process.env, NODE_OPTIONS: serviceNodeOptions(process.env.NODE_OPTIONS), ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping everything`);
      stop(1);
    }
  });
  children.push({ name, child });
  return child;
}

function answers(host, p) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port: Number(p) });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => { s.destroy(); resolve(false); });
  });
}

async function waitFor(name, address, seconds = 60) {
  const [host, p] = [address.slice(0, address.lastIndexOf(':')), address.slice(address.lastIndexOf(':') + 1)];
  const target = host === '0.0.0.0' ? '127.0.0.1' : host;
  for (let i = 0; i < seconds * 10; i++) {
    if (stopping) return;
    if (await answers(target, p)) return;
    await sleep(100);
  }
  throw new Error(`${name} did not start listening on ${address} within ${seconds}s`);
}

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  log('stopping');
  // Gateway first (stop taking requests), then the services.
  for (const { child } of [...children].reverse()) child.kill('SIGTERM');
  await Promise.all(children.map(({ child }) => (child.exitCode !== null || child.signalCode !== null ? null : new Promise((r) => child.once('exit', r)))));
  process.exit(code);
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

// Every process learns every service's address (its own to bind, the others' to call).
const services = startOrder();
const addresses = Object.fromEntries(services.map((svc) => [svc.addressVar, process.env[svc.addressVar] ?? defaultAddress(svc)]));
for (const svc of services) {
  run(svc.name, addresses);
  await waitFor(svc.name, addresses[svc.addressVar]);
  log(`${svc.name} is up on ${addresses[svc.addressVar]}`);
}
run('gateway', { ...addresses, PORT: port });
await waitFor('gateway', `127.0.0.1:${port}`);
log(`gateway:  http://127.0.0.1:${port}`);
log(`API docs: http://127.0.0.1:${port}/docs`);
log('Ctrl-C stops everything.');
