import type { ClientStreamingMethodDefinition, ServerStreamingMethodDefinition, UnaryMethodDefinition } from '../../src/index.js';

/** Messages as JSON, both ways: enough to exercise the real gRPC transport without generated code. */
const jsonCodec = <Req, Res>() => ({
  requestSerialize: (v: Req) => Buffer.from(JSON.stringify(v)),
  requestDeserialize: (b: Buffer) => JSON.parse(b.toString()) as Req,
  responseSerialize: (v: Res) => Buffer.from(JSON.stringify(v)),
  responseDeserialize: (b: Buffer) => JSON.parse(b.toString()) as Res,
});

/** An RPC whose messages are JSON. */
export const jsonMethod = <T>(path: string): UnaryMethodDefinition<T, T> => ({ path, requestStream: false, responseStream: false, ...jsonCodec<T, T>() });

/** A server-streaming RPC (`returns (stream …)`) whose messages are JSON. */
export const jsonStreamMethod = <Req, Res = Req>(path: string): ServerStreamingMethodDefinition<Req, Res> => ({
  path,
  requestStream: false,
  responseStream: true,
  ...jsonCodec<Req, Res>(),
});

/** A client-streaming RPC (`rpc X(stream …) returns (…)`) whose messages are JSON. */
export const jsonClientStreamMethod = <Req, Res = Req>(path: string): ClientStreamingMethodDefinition<Req, Res> => ({
  path,
  requestStream: true,
  responseStream: false,
  ...jsonCodec<Req, Res>(),
});
