// ajv validators for the vendored SARIF 2.1.0 schema and driftcheck's own JSON report schema.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import { REPO_ROOT } from '../helpers/cli.js';

// ajv-formats is CommonJS: under NodeNext its default import is module.exports, whose .default is the plugin.
const addFormats = (addFormatsModule as unknown as { default: FormatsPlugin }).default;

function validator(schemaPath: string): (data: unknown) => string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, schemaPath), 'utf8')) as object);
  return (data) => (validate(data) ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
}

export const validateSarif = validator('test/schemas/sarif-2.1.0.json');
export const validateReport = validator('schema/report.schema.json');
