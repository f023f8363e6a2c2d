// Well-formedness by a real XML 1.0 parser: Python's expat (xml.etree.ElementTree), already needed
// by the parser tests. Returns the element tree, or throws with expat's message (line, column).
import { spawnSync } from 'node:child_process';

export interface XmlElement {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly text: string;
  readonly children: readonly XmlElement[];
}

// Documents travel as base64 of their UTF-8 bytes, so expat sees exactly the bytes a file would hold.
const SCRIPT = `
import base64, json, sys
import xml.etree.ElementTree as ET
def tree(e):
    return {"tag": e.tag, "attrs": dict(e.attrib), "text": e.text or "", "children": [tree(c) for c in e]}
out = []
for doc in json.load(sys.stdin):
    try:
        out.append({"tree": tree(ET.fromstring(base64.b64decode(doc)))})
    except ET.ParseError as error:
        out.append({"error": str(error)})
sys.stdout.write(json.dumps(out))
`;

/** Parses each document (one python3 process for all); an error string for each that is not well-formed. */
export function parseXmlEach(texts: readonly string[]): (XmlElement | string)[] {
  const input = JSON.stringify(texts.map((t) => Buffer.from(t, 'utf8').toString('base64')));
  const run = spawnSync('python3', ['-c', SCRIPT], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`python3 failed (${run.status}): ${run.stderr}`);
  return (JSON.parse(run.stdout) as ({ tree: XmlElement } | { error: string })[]).map((r) => ('tree' in r ? r.tree : `not well-formed XML: ${r.error}`));
}

export function parseXml(text: string): XmlElement {
  const [result] = parseXmlEach([text]);
  if (result === undefined || typeof result === 'string') throw new Error(result ?? 'no result');
  return result;
}

/** Every element named tag, depth first. */
export function elements(root: XmlElement, tag: string): XmlElement[] {
  return [...(root.tag === tag ? [root] : []), ...root.children.flatMap((child) => elements(child, tag))];
}
