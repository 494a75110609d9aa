"""Runs differential-test programs on CPython asyncio, on a virtual-time loop.

Reads {"programs": [program...], "modes": [[n, c, flags?]...]} on stdin, writes one
JSON result per line (per program, per mode); flags: EXIT and ABORT below. With n > 0, an awaited op that completed without suspending
is followed by n `await asyncio.sleep(0)` (n * c for timeout and waitFor_): what JavaScript's `await` does (a
documented difference, a chain of one or more microtasks); the classifier
uses those runs to recognise it. With n < 0, each such op yields a number
of times drawn from a generator seeded with -n.
The program language is shared with interp.ts (read both side by side):

  program = { "prims": [prim...], "tasks": [[op...], ...] }
  prim    = {"kind": "Lock"} | {"kind": "Semaphore"|"BoundedSemaphore", "value": n}
          | {"kind": "Event"} | {"kind": "Condition"} | {"kind": "Barrier", "parties": n}
          | {"kind": "Queue"|"LifoQueue"|"PriorityQueue", "maxsize": n}
  op      = {"op": "acquire"|"release"|"locked"|"value", "p": i}      Lock, (Bounded)Semaphore, Condition
          | {"op": "put"|"putNowait", "p": i, "v": n} | {"op": "get"|"getNowait"|"taskDone"|"join"|"qsize", "p": i}
          | {"op": "shutdown", "p": i, "immediate": bool}              (Python 3.13 only)
          | {"op": "set"|"clear"|"isSet", "p": i}                      Event
          | {"op": "wait", "p": i}                                     Event, Condition, Barrier
          | {"op": "notify", "p": i, "n": n} | {"op": "notifyAll", "p": i}
          | {"op": "waitFor", "p": i, "k": n}   Condition.wait_for(lambda: counter >= k)
          | {"op": "bump"}                      counter += 1 (the program's one shared variable)
          | {"op": "abort"|"reset", "p": i}                            Barrier
          | {"op": "sleep", "ms": n}
          | {"op": "cancel", "t": j}            cancel task j; records cancel()'s result
          | {"op": "timeout", "ms": n, "body": [op...]}   (ms >= 1) async with asyncio.timeout(ms)  /  withTimeout
          | {"op": "waitFor_", "ms": n, "body": [op...]}  asyncio.wait_for(create_task(body), ms) / waitFor

Every task runs its ops in order; each op appends [path, time, outcome] to the
task's trace, where path is the op's index (dotted inside bodies) and outcome
is "ok", a value, or the error's portable name (RuntimeError → InvalidState,
ValueError → ValueError). A CancelledError is recorded and ends the task; a
TimeoutError ends its timeout block; other errors are recorded and the task
goes on. `acquire` records the number of holders the interpreter counts
(acquires minus successful releases), so two holders of a Lock show as 2.
Some records carry "why": asyncio internals that a documented difference
depends on (read by the classifier in differential.ts), never compared.

The loop: callbacks run until none is ready; then time jumps to the earliest
timer, which fires alone (timers due at the same instant fire in the order
they were set), and the ready callbacks run again — like the VirtualClock.
"""

import asyncio
import heapq
import itertools
import json
import random
import sys

HORIZON = 100_000  # virtual ms; tasks still running then are reported "pending"

# Mode flags (a mode's optional third element).
EXIT = 1  # a timeout/waitFor_ block's yields (n * c) follow its body's last op even when the body suspended
ABORT = 2  # a cancel that a microtask yield absorbed makes every later op taking the signal raise at once
# The ops that pass the task's signal in interp.ts.
SIGNAL_OPS = {"acquire", "put", "get", "join", "wait", "waitFor", "sleep", "timeout", "waitFor_"}


class VirtualLoop(asyncio.BaseEventLoop):
    def __init__(self):
        super().__init__()
        self._now = 0
        self._timers = []
        self._order = itertools.count()
        self.steps = 0  # callbacks run so far: unchanged across an await that did not suspend

    def time(self):
        return self._now

    def call_at(self, when, callback, *args, context=None):
        handle = asyncio.TimerHandle(when, callback, args, self, context)
        heapq.heappush(self._timers, (when, next(self._order), handle))
        handle._scheduled = True
        return handle

    def _timer_handle_cancelled(self, handle):
        pass

    def _process_events(self, event_list):
        pass

    def _write_to_self(self):
        pass

    def _run_once(self):
        if not self._ready:
            while self._timers and self._timers[0][2]._cancelled:
                heapq.heappop(self._timers)
            if not self._timers:
                raise RuntimeError("deadlock: nothing ready and no timer")
            when, _, handle = heapq.heappop(self._timers)
            self._now = max(self._now, when)
            handle._scheduled = False
            self._ready.append(handle)
        for _ in range(len(self._ready)):
            handle = self._ready.popleft()
            if not handle._cancelled:
                self.steps += 1
                handle._run()


def error_name(err):
    name = type(err).__name__
    if name in ("QueueEmpty", "QueueFull", "QueueShutDown", "BrokenBarrierError"):
        return name
    if isinstance(err, asyncio.CancelledError):
        return "CancelledError"
    if isinstance(err, TimeoutError):
        return "TimeoutError"
    if isinstance(err, RuntimeError):
        return "InvalidState"
    if isinstance(err, ValueError):
        return "ValueError"
    return name


def make_prim(spec):
    kind = spec["kind"]
    if kind in ("Semaphore", "BoundedSemaphore"):
        return getattr(asyncio, kind)(spec["value"])
    if kind == "Barrier":
        return asyncio.Barrier(spec["parties"])
    if kind.endswith("Queue"):
        return track_wakeups(getattr(asyncio, kind)(spec["maxsize"]))
    return getattr(asyncio, kind)()


def track_wakeups(queue):
    """Remembers each getter/putter a queue wakes, with its task: asyncio pops it from the deque."""
    queue.woken = []
    wakeup_next = queue._wakeup_next

    def tracked(waiters):
        # The waiter it wakes: the first whose future is not done (cancelled ones are dropped).
        fut = next((w for w in waiters if not w.done()), None)
        if fut is not None:
            tasks = [cb.__self__ for cb, _ in fut._callbacks or () if isinstance(getattr(cb, "__self__", None), asyncio.Task)]
            queue.woken.extend((fut, task) for task in tasks)
        wakeup_next(waiters)

    queue._wakeup_next = tracked
    return queue


def queue_handed(queue):
    """Woken getters/putters whose task has not resumed: asyncio lets others barge past them."""
    queue.woken = [(fut, task) for fut, task in queue.woken if task._fut_waiter is fut]
    return len(queue.woken)


def handed(prim, queue="_waiters"):
    """Waiters woken (future done) whose task has not resumed yet: a hand-off in flight."""
    waiters = getattr(prim, queue, None) or ()
    return sum(1 for fut in waiters if fut.done() and not fut.cancelled())


class Run:
    def __init__(self, program, yields, compound, flags=0):
        self.loop = asyncio.get_running_loop()
        self.yields = yields
        self.compound = compound  # withTimeout/waitFor count as this many awaits (longer promise chains)
        self.exit_yields = bool(flags & EXIT)
        self.abort_at_once = bool(flags & ABORT)
        self.cancelled_by_op = set()  # tasks a `cancel` op cancelled (their signal is aborted in interp.ts)
        self.aborted = set()  # ABORT: such tasks whose cancel a microtask yield absorbed (see microtasks)
        self.random = random.Random(-yields)  # yields < 0: 0-3 awaits each (0-24 for those), seeded
        self.prims = [make_prim(spec) for spec in program["prims"]]
        self.holders = [0] * len(self.prims)
        self.counter = 0
        self.traces = [[] for _ in program["tasks"]]
        self.tasks = []
        self.handoffs = []  # [queue, time]: an op ran while asyncio had a woken, unresumed waiter on it

    def record(self, trace, path, outcome, why=None):
        entry = [path, self.loop.time(), outcome]
        if why is not None:
            entry.append(why)
        trace.append(entry)

    async def run_ops(self, ops, trace, prefix):
        for i, op in enumerate(ops):
            path = f"{prefix}{i}"
            try:
                outcome, why = await self.run_op(op, trace, path)
                if outcome is not None:
                    self.record(trace, path, outcome, why)
            except asyncio.CancelledError:
                self.record(trace, path, "CancelledError")
                raise
            except Exception as err:
                self.record(trace, path, error_name(err), self.why_failed(op))

    async def waited(self, awaitable, cost=1, wake=False, block=False):
        """Awaits an op that is an `await` in interp.ts too (the others are plain calls there).

        `wake`: a `wait()` or `acquire()` that suspended resumes, in JavaScript, a few microtasks
        after the set()/notify()/barrier trip/release that woke it (its promise chain: one more
        step for a signal's abort-after-wake-up check, one more when traced), while a task whose
        await did not wait resumes after one; the seeded modes model that too.
        `block`: a timeout/waitFor_ block, which with EXIT yields after its body however it ended.
        """
        steps = self.loop.steps
        try:
            result = await awaitable
            if wake and self.loop.steps != steps and self.yields < 0:
                await self.microtasks(self.random.randint(0, 3))
            return result
        finally:
            if block and self.exit_yields:
                steps = self.loop.steps  # EXIT: the block's own promise chain follows its body's last op
            if self.loop.steps == steps and self.yields > 0:
                await self.microtasks(self.yields * cost)
            elif self.loop.steps == steps and self.yields < 0:
                await self.microtasks(self.random.randint(0, 3) * (self.random.randint(1, 8) if cost > 1 else 1))

    async def microtasks(self, n):
        """JavaScript's await yields even when nothing waited; an abort then lands at the next wait."""
        task = asyncio.current_task()
        cancelled = False
        for _ in range(n):
            try:
                await asyncio.sleep(0)
            except asyncio.CancelledError:
                cancelled = True
        if cancelled:
            task.uncancel()
            if self.abort_at_once and task in self.cancelled_by_op:
                self.aborted.add(task)
            else:
                task.cancel()

    def why_failed(self, op):
        prim = self.prims[op["p"]] if "p" in op else None
        if op["op"] == "release" and isinstance(prim, asyncio.BoundedSemaphore):
            return {"value": prim._value, "handed": handed(prim)}
        if op["op"] in ("notify", "notifyAll", "wait", "waitFor", "release") and isinstance(prim, asyncio.Condition):
            return {"handed": handed(prim._lock)}
        if op["op"] in ("getNowait", "putNowait"):
            return {"getters": handed(prim, "_getters"), "putters": handed(prim, "_putters")}
        return None

    async def run_op(self, op, trace, path):
        kind = op["op"]
        if kind in SIGNAL_OPS and asyncio.current_task() in self.aborted:
            raise asyncio.CancelledError()  # ABORT: an aborted signal rejects before the op does anything
        i = op.get("p")
        prim = self.prims[i] if i is not None else None
        if isinstance(prim, asyncio.Queue) and queue_handed(prim):
            self.handoffs.append([i, self.loop.time()])
        if kind == "acquire":
            why = {"handed": handed(prim)} if isinstance(prim, asyncio.Semaphore) else None
            await self.waited(prim.acquire(), wake=True)
            self.holders[i] += 1
            return self.holders[i], why
        if kind == "release":
            why = {"value": prim._value, "handed": handed(prim)} if isinstance(prim, asyncio.BoundedSemaphore) else None
            prim.release()
            self.holders[i] -= 1
            return "ok", why
        if kind == "locked":
            return prim.locked(), {"handed": handed(prim)}
        if kind == "value":
            return prim._value, {"handed": handed(prim)}
        if kind == "put":
            await self.waited(prim.put(op["v"]))
            return "ok", None
        if kind == "putNowait":
            why = {"putters": handed(prim, "_putters")}
            prim.put_nowait(op["v"])
            return "ok", why
        if kind == "get":
            return await self.waited(prim.get()), None
        if kind == "getNowait":
            return prim.get_nowait(), {"getters": handed(prim, "_getters")}
        if kind == "taskDone":
            prim.task_done()
            return "ok", None
        if kind == "join":
            await self.waited(prim.join())
            return "ok", None
        if kind == "qsize":
            return prim.qsize(), {"getters": handed(prim, "_getters")}
        if kind == "shutdown":
            prim.shutdown(op["immediate"])
            return "ok", None
        if kind == "set":
            prim.set()
            return "ok", None
        if kind == "clear":
            prim.clear()
            return "ok", None
        if kind == "isSet":
            return prim.is_set(), None
        if kind == "wait":
            result = await self.waited(prim.wait(), wake=True)
            return result, None
        if kind == "notify":
            prim.notify(op["n"])
            return "ok", None
        if kind == "notifyAll":
            prim.notify_all()
            return "ok", None
        if kind == "waitFor":
            k = op["k"]
            return await self.waited(prim.wait_for(lambda: self.counter >= k)), None
        if kind == "bump":
            self.counter += 1
            return self.counter, None
        if kind == "abort":
            await self.waited(prim.abort())
            return "ok", None
        if kind == "reset":
            await self.waited(prim.reset())
            return "ok", None
        if kind == "sleep":
            await asyncio.sleep(op["ms"]) if op["ms"] > 0 else await vsleep0()
            return "ok", None
        if kind == "cancel":
            task = self.tasks[op["t"]]
            cancelled = task.cancel()
            if cancelled:
                self.cancelled_by_op.add(task)
            return cancelled, None
        if kind == "timeout":
            try:
                async with asyncio.timeout(op["ms"]):
                    await self.waited(self.run_ops(op["body"], trace, path + "."), self.compound, block=True)
            except TimeoutError:
                return "TimeoutError", None
            return "ok", None
        if kind == "waitFor_":
            try:
                body = asyncio.create_task(self.run_ops(op["body"], trace, path + "."))
                await self.waited(asyncio.wait_for(body, op["ms"]), self.compound, block=True)
            except TimeoutError:
                return "TimeoutError", None
            return "ok", None
        raise AssertionError(f"unknown op {kind}")

    def final_state(self):
        state = []
        for prim in self.prims:
            if isinstance(prim, asyncio.Lock):
                state.append({"locked": prim.locked()})
            elif isinstance(prim, asyncio.Semaphore):
                state.append({"value": prim._value})
            elif isinstance(prim, asyncio.Event):
                state.append({"set": prim.is_set()})
            elif isinstance(prim, asyncio.Condition):
                state.append({"locked": prim.locked()})
            elif isinstance(prim, asyncio.Barrier):
                state.append({"waiting": prim.n_waiting, "broken": prim.broken})
            else:
                state.append({"size": prim.qsize(), "unfinished": prim._unfinished_tasks})
        return state


async def vsleep0():
    """sleep(0) as a timer, like the VirtualClock's (asyncio.sleep(0) only yields once)."""
    fut = asyncio.get_running_loop().create_future()
    handle = asyncio.get_running_loop().call_later(0, lambda: fut.done() or fut.set_result(None))
    try:
        await fut
    finally:
        handle.cancel()


async def run_program(program, yields, compound, flags=0):
    run = Run(program, yields, compound, flags)
    for n, ops in enumerate(program["tasks"]):
        run.tasks.append(asyncio.create_task(run.run_ops(ops, run.traces[n], "")))
    done, pending = await asyncio.wait(run.tasks, timeout=HORIZON)
    status = [
        "pending" if t in pending else "cancelled" if t.cancelled() else "done" for t in run.tasks
    ]
    result = {
        "traces": [list(trace) for trace in run.traces],
        "status": status,
        "state": run.final_state(),
        "counter": run.counter,
        "handoffs": run.handoffs,
    }
    for task in pending:
        task.cancel()
    return result


def main():
    request = json.load(sys.stdin)
    out = sys.stdout
    for program, mode in itertools.product(request["programs"], request["modes"]):
        loop = VirtualLoop()
        try:
            result = loop.run_until_complete(run_program(program, *mode))
            # Let the cancelled leftovers finish quietly.
            tasks = asyncio.all_tasks(loop)
            if tasks:
                loop.run_until_complete(asyncio.wait(tasks, timeout=HORIZON))
        except Exception as err:  # the interpreter itself failed: report, never hide
            result = {"error": f"{type(err).__name__}: {err}"}
        out.write(json.dumps(result) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
