/**
 * Turns any value into one that `JSON.stringify` renders faithfully, so a
 * trace line never throws and never silently loses a field:
 * bigint → `"12n"`, `undefined` → dropped from objects / `null` in arrays,
 * NaN and ±Infinity → `"NaN"` / `"Infinity"`, functions → `"[Function name]"`,
 * symbols → `"Symbol(desc)"`, errors → `{ name, message }`, Map → object of
 * entries, Set → array, cycles → `"[Circular]"`, depth beyond 8 → `"[…]"`.
 */
export function sanitize(value: unknown): unknown {
  return clean(value, new Set(), 0);
}

/** `sanitize` for a record of fields (a trace event's `state` or `data`). */
export function sanitizeRecord(record: Record<string, unknown>): Record<string, unknown> {
  return plainCopy(record) ?? (clean(record, new Set(), 0) as Record<string, unknown>);
}

/**
 * The fast path of `sanitizeRecord`, for the records primitives emit on every
 * event (`{ value: 2, limit: 3, waiting: 0 }`, `{ status: 'ok' }`): a plain
 * object whose values are all strings, booleans, finite numbers, `null` or
 * `undefined` is copied in one pass (`undefined` dropped), without the cycle
 * set `clean` allocates. Anything else (a nested object, NaN, a bigint, a
 * class instance) returns `undefined` and takes the general path, which
 * gives the same result for plain records.
 */
function plainCopy(record: Record<string, unknown>): Record<string, unknown> | undefined {
  const proto = Object.getPrototypeOf(record);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const out: Record<string, unknown> = {};
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const value = record[key];
    switch (typeof value) {
      case 'string':
      case 'boolean':
        out[key] = value;
        break;
      case 'number':
        if (!Number.isFinite(value)) return undefined;
        out[key] = value;
        break;
      case 'undefined':
        break;
      default:
        if (value !== null) return undefined;
        out[key] = null;
    }
  }
  return out;
}

const MAX_DEPTH = 8;

function clean(value: unknown, seen: Set<object>, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return undefined;
    case 'symbol':
      return value.toString();
    case 'function':
      return value.name ? `[Function ${value.name}]` : '[Function]';
  }
  if (value === null) return null;
  const object = value as object;
  if (seen.has(object)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[…]';
  seen.add(object);
  try {
    return cleanObject(object, seen, depth + 1);
  } finally {
    // Only ancestors count as cycles: the same object twice side by side is fine.
    seen.delete(object);
  }
}

function cleanObject(object: object, seen: Set<object>, depth: number): unknown {
  if (Array.isArray(object)) return object.map((item) => clean(item, seen, depth) ?? null);
  if (object instanceof Error) return { name: object.name, message: object.message };
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
  if (object instanceof Set) return [...object].map((item) => clean(item, seen, depth) ?? null);
  if (object instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of object) out[String(key)] = clean(item, seen, depth);
    return out;
  }
  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return clean(toJSON.call(object), seen, depth);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(object)) {
    const cleaned = clean(item, seen, depth);
    if (cleaned !== undefined) out[key] = cleaned;
  }
  return out;
}
