// Runs once before every test file (jest.config.js `globalSetup`): makes sure NATS answers at
// TEST_NATS_URL (else NATS_URL, else 127.0.0.1:4222). When none does and a Docker engine does, one
// NATS container with JetStream is started (testcontainers) and TEST_NATS_URL points at it for every
// worker (they inherit this environment); without either, the run stops at once saying so. It uses
// the built harness: `npm test` builds before jest.
export default async function globalSetup() {
  const { ensureTestNats } = await import('../../packages/testing/dist/nats.js');
  await ensureTestNats();
}
