// Background work that repeats in a service process (the ledger's recurring scheduler, the currency
// service's rates refresher): one run at once, the next `intervalMs` after the previous one ended
// (runs never overlap in one process), a failed run logged and retried at the next tick, and a stop
// that aborts the run in flight (its signal) and waits for it to end.

export interface PeriodicTask {
  /** Stops the timer, aborts the run in flight through its signal and waits for it to end. */
  stop(): Promise<void>;
}

export function runPeriodically(intervalMs: number, run: (signal: AbortSignal) => Promise<unknown>, onError: (err: unknown) => void): PeriodicTask {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  const tick = () => {
    inFlight = run(abort.signal)
      .catch(onError)
      .then(() => {
        if (!abort.signal.aborted) timer = setTimeout(tick, intervalMs).unref();
      });
  };
  timer = setTimeout(tick, 0);
  return {
    async stop() {
      abort.abort();
      clearTimeout(timer);
      await inFlight;
    },
  };
}
