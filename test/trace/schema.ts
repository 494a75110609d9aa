import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';

/** The shipped JSON Schema of a v1 trace line, compiled once. */
export const schema = JSON.parse(
  readFileSync(new URL('../../schema/trace-v1.schema.json', import.meta.url), 'utf8'),
) as object;

// strictRequired off: the per-type rules require fields that the top level defines.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
const validate = ajv.compile(schema);

/** Validation errors of one event, as readable strings (empty when valid). */
export function schemaErrors(event: unknown): string[] {
  if (validate(event)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}
