import type { ClientStreamingMethodDefinition, ServerStreamingMethodDefinition, UnaryMethodDefinition } from '../../src/index.js';

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

/** A server-streaming RPC (`returns (stream …)`) whose messages are JSON. */
export const jsonStreamMethod = <Req, Res = Req>(path: string): ServerStreamingMethodDefinition<Req, Res> => ({
  path,
  requestStream: false,
  responseStream: true,
  requestSerialize: (v) => Buffer.from(JSON.stringify(v)),
  requestDeserialize: (b) => JSON.parse(b.toString()) as Req,
  responseSerialize: (v) => Buffer.from(JSON.stringify(v)),
  responseDeserialize: (b) => JSON.parse(b.toString()) as Res,
});

/** A client-streaming RPC (`rpc X(stream …) returns (…)`) whose messages are JSON. */
export const jsonClientStreamMethod = <Req, Res = Req>(path: string): ClientStreamingMethodDefinition<Req, Res> => ({
  path,
  requestStream: true,
  responseStream: false,
  requestSerialize: (v) => Buffer.from(JSON.stringify(v)),
  requestDeserialize: (b) => JSON.parse(b.toString()) as Req,
  responseSerialize: (v) => Buffer.from(JSON.stringify(v)),
  responseDeserialize: (b) => JSON.parse(b.toString()) as Res,
});
