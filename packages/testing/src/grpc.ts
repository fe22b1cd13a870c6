import { fromGrpcError, isServiceError, type RemoteError } from '@finance/platform';

/** A failed call as its caller learns it: the gRPC status code and what the gateway would render. */
export interface Rejection extends RemoteError {
  status: number;
}

/** What a caller learns from a failed call (as the gateway renders it); fails when the call succeeded. */
export async function rejected(promise: Promise<unknown>): Promise<Rejection> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isServiceError(err)) throw new Error(`expected a gRPC error, got ${err === undefined ? 'success' : String(err)}`);
  return { status: err.code, ...fromGrpcError(err) };
}

/** "2026-03-15" → the proto Date. */
export const date = (iso: string) => {
  const [year, month, day] = iso.split('-').map(Number);
  return { year: year!, month: month!, day: day! };
};

/** The proto Date → "2026-03-15" (undefined stays undefined). */
export const iso = (d: { year: number; month: number; day: number } | undefined) =>
  d ? `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}` : undefined;
