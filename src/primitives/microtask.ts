/**
 * Microtasks without Node's `queueMicrotask` wrapper. On Node, each
 * `queueMicrotask(fn)` makes an `AsyncResource` (async ids, a resource
 * object), a bound function, and runs `fn` through `runInAsyncScope` (a
 * closure, the async-context stack): a traced `--virtual` run made eight of
 * them per task (issue 14). A reaction on a promise that is already resolved
 * is queued at once, at the very place in the microtask queue where
 * `queueMicrotask` would put it, so the order of everything is the same.
 *
 * One difference: the reaction runs with the async context of the code that
 * queued it, as an `AsyncLocalStorage` would see it through `queueMicrotask`
 * too (the recorder's task attribution follows promises only).
 */
const resolved: Promise<void> = Promise.resolve();

/**
 * Runs `fn` in a microtask, where `queueMicrotask(fn)` would. `fn` must not
 * throw (its error would become an unhandled rejection): for code that may,
 * use `soonCalling`.
 * @internal
 */
export function soon(fn: () => void): void {
  resolved.then(fn);
}

/**
 * Calls `fn(arg)` in a microtask, where `queueMicrotask` would; an error it
 * throws is reported as an uncaught exception (as `queueMicrotask` reports it).
 * @internal
 */
export function soonCalling<A>(fn: (arg: A) => void, arg: A): void {
  resolved.then(() => {
    try {
      fn(arg);
    } catch (err) {
      queueMicrotask(() => {
        throw err;
      });
    }
  });
}
