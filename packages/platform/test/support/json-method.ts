import type { UnaryMethodDefinition } from '../../src/index.js';

/** An RPC whose messages are JSON: enough to exercise the real gRPC transport without generated code. */
export const jsonMethod = <T>(path: string): UnaryMethodDefinition<T, T> => ({
  path,
  requestStream: false,
  responseStream: false,
  requestSerialize: (v) => Buffer.from(JSON.stringify(v)),
  requestDeserialize: (b) => JSON.parse(b.toString()) as T,
  responseSerialize: (v) => Buffer.from(JSON.stringify(v)),
  responseDeserialize: (b) => JSON.parse(b.toString()) as T,
});
