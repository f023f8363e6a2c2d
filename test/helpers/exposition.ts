// A strict reader of the Prometheus text exposition format 0.0.4, written from the specification
// (prometheus.io/docs/instrumenting/exposition_formats/, "Text format details"), with the textfile
// collector's extra demand that samples carry no timestamp. Throws on the first violation, naming
// the line; returns the metric families otherwise.

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  help: string | null;
  type: string | null;
  readonly samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
/** Go's strconv.ParseFloat as the text parser accepts it, plus the spec's NaN/+Inf/-Inf. */
const FLOAT = /^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|NaN|[+-]?Inf)$/;

export function parseExposition(text: string, options: { timestamps?: boolean } = {}): Map<string, MetricFamily> {
  if (text !== '' && !text.endsWith('\n')) throw new Error('the last line does not end with a line feed');
  const families = new Map<string, MetricFamily>();
  const closed = new Set<string>(); // families whose group of lines has ended
  const seriesSeen = new Set<string>();
  let current: string | null = null;
  const lines = text.split('\n').slice(0, -1);
  const enter = (name: string, where: string): MetricFamily => {
    if (current !== name) {
      if (closed.has(name)) throw new Error(`${where}: lines of ${name} are not one single group`);
      if (current !== null) closed.add(current);
      current = name;
    }
    let family = families.get(name);
    if (!family) families.set(name, (family = { name, help: null, type: null, samples: [] }));
    return family;
  };
  lines.forEach((line, index) => {
    const where = `line ${index + 1}`;
    if (/^[ \t]*$/.test(line)) return;
    if (line.startsWith('#')) {
      const match = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
      if (!match) return; // any other comment is ignored
      const [, keyword, name = '', rest = ''] = match;
      if (!METRIC_NAME.test(name)) throw new Error(`${where}: invalid metric name "${name}"`);
      const family = enter(name, where);
      if (keyword === 'HELP') {
        if (family.help !== null) throw new Error(`${where}: a second HELP line for ${name}`);
        family.help = unescape(rest, new Set(['\\', 'n']), where);
      } else {
        if (family.type !== null) throw new Error(`${where}: a second TYPE line for ${name}`);
        if (family.samples.length > 0) throw new Error(`${where}: the TYPE line of ${name} comes after its samples`);
        if (!TYPES.has(rest.trim())) throw new Error(`${where}: unknown type "${rest}"`);
        family.type = rest.trim();
      }
      return;
    }
    const sample = parseSample(line, where, options.timestamps ?? false);
    const family = enter(familyOf(sample.name, families), where);
    const identity = JSON.stringify([sample.name, Object.entries(sample.labels).sort()]);
    if (seriesSeen.has(identity)) throw new Error(`${where}: duplicate series ${line}`);
    seriesSeen.add(identity);
    family.samples.push(sample);
  });
  return families;
}

/** histogram/summary samples (x_bucket, x_sum, x_count) belong to the family x when it was typed so. */
function familyOf(name: string, families: ReadonlyMap<string, MetricFamily>): string {
  const base = name.replace(/_(bucket|sum|count)$/, '');
  const family = families.get(base);
  return base !== name && (family?.type === 'histogram' || family?.type === 'summary') ? base : name;
}

function parseSample(line: string, where: string, timestamps: boolean): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) throw new Error(`${where}: a sample must start with a metric name: ${line}`);
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (line[i] === '}') break;
      const labelMatch = /^[^=\s,}]*/.exec(line.slice(i));
      const label = labelMatch?.[0] ?? '';
      if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new Error(`${where}: invalid label name "${label}"`);
      if (Object.hasOwn(labels, label)) throw new Error(`${where}: label ${label} given twice`);
      i += label.length;
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (line[i] !== '=') throw new Error(`${where}: expected = after ${label}`);
      i++;
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (line[i] !== '"') throw new Error(`${where}: the value of ${label} is not quoted`);
      i++;
      let raw = '';
      for (;;) {
        const c = line[i];
        if (c === undefined) throw new Error(`${where}: unterminated value of ${label}`);
        if (c === '"') break;
        if (c === '\\') {
          raw += c + (line[i + 1] ?? '');
          i += 2;
          continue;
        }
        raw += c;
        i++;
      }
      i++; // closing quote
      labels[label] = unescape(raw, new Set(['\\', '"', 'n']), where);
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (line[i] === ',') {
        i++;
        continue;
      }
      if (line[i] !== '}') throw new Error(`${where}: expected , or } after the value of ${label}`);
      break;
    }
    i++; // closing brace
  }
  const rest = line.slice(i);
  if (!/^[ \t]/.test(rest)) throw new Error(`${where}: expected a blank before the value: ${line}`);
  const fields = rest.trim().split(/[ \t]+/);
  const [value = '', timestamp, extra] = fields;
  if (!FLOAT.test(value)) throw new Error(`${where}: "${value}" is not a float`);
  if (timestamp !== undefined) {
    if (!timestamps) throw new Error(`${where}: a timestamp (the textfile collector refuses them)`);
    if (!/^-?\d+$/.test(timestamp)) throw new Error(`${where}: "${timestamp}" is not an integer timestamp`);
  }
  if (extra !== undefined) throw new Error(`${where}: unexpected "${extra}" after the value`);
  return { name, labels, value: value === 'NaN' ? Number.NaN : value.endsWith('Inf') ? (value.startsWith('-') ? -Infinity : Infinity) : Number(value) };
}

function unescape(raw: string, allowed: ReadonlySet<string>, where: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = raw[i + 1];
    if (next === undefined || !allowed.has(next)) throw new Error(`${where}: invalid escape \\${next ?? ''}`);
    out += next === 'n' ? '\n' : next;
    i++;
  }
  return out;
}
