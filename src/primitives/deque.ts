/**
 * A growable ring buffer: O(1) push at the back and removal at either end (amortised), unlike
 * `Array.prototype.shift`, which turns quadratic on long arrays.
 */
export class Deque<T> {
  #buffer: (T | undefined)[] = new Array(16);
  #mask = 15;
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(item: T): void {
    if (this.#length === this.#buffer.length) this.#grow();
    this.#buffer[(this.#head + this.#length) & this.#mask] = item;
    this.#length++;
  }

  /** Removes and returns the first item; undefined when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#buffer[this.#head];
    this.#buffer[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#length--;
    return item;
  }

  /** Removes and returns the last item; undefined when empty. */
  pop(): T | undefined {
    if (this.#length === 0) return undefined;
    this.#length--;
    const index = (this.#head + this.#length) & this.#mask;
    const item = this.#buffer[index];
    this.#buffer[index] = undefined;
    return item;
  }

  /** Empties the deque; returns how many items it held. */
  clear(): number {
    const n = this.#length;
    this.#buffer = new Array(16);
    this.#mask = 15;
    this.#head = 0;
    this.#length = 0;
    return n;
  }

  #grow(): void {
    const old = this.#buffer;
    const next: (T | undefined)[] = new Array(old.length * 2);
    for (let i = 0; i < this.#length; i++) next[i] = old[(this.#head + i) & this.#mask];
    this.#buffer = next;
    this.#mask = next.length - 1;
    this.#head = 0;
  }
}
