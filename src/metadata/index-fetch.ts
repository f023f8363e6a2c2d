// The child process behind prefetchIndex: reads a PrefetchRequest as JSON on stdin, fetches each
// project page (PEP 691 JSON) and the chosen file's PEP 658/714 `.metadata`, writes them to the
// cache, and prints at most one warning line per problem kind on stdout. Exits 0 always.
import { NOT_FOUND, metadataUrlFor, projectPageUrl, readCache, writeCache, type PrefetchRequest } from './index-cache.js';

const ACCEPT = 'application/vnd.pypi.simple.v1+json, application/json;q=0.5';
const PARALLEL = 8;

class Unreachable extends Error {}

async function get(url: string, accept: string, timeoutMs: number): Promise<string | null> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { Accept: accept, 'User-Agent': 'driftcheck' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new Unreachable(describe(error, timeoutMs));
  }
  if (response.status === 404 || response.status === 410) return null;
  if (!response.ok) throw new Unreachable(`HTTP ${response.status} for ${url}`);
  return await response.text();
}

/** `ECONNREFUSED`, `ENOTFOUND`, `timed out after 10s`: the innermost useful reason. */
function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `timed out after ${timeoutMs / 1000}s`;
  let message = error instanceof Error ? error.message : String(error);
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const node = current as { code?: unknown; errors?: unknown[]; cause?: unknown; message?: unknown };
    if (typeof node.code === 'string') return node.code;
    if (typeof node.message === 'string' && node.message) message = node.message;
    current = node.cause ?? node.errors?.[0];
  }
  return message;
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as PrefetchRequest;
  const warnings = new Set<string>();
  let stop = false;
  const queue = [...request.wanted];
  const one = async (key: string, version: string): Promise<void> => {
    const pageUrl = projectPageUrl(request.indexUrl, key);
    let page = readCache(request.cacheDir, pageUrl);
    if (page === null) {
      page = (await get(pageUrl, ACCEPT, request.timeoutMs)) ?? NOT_FOUND;
      writeCache(request.cacheDir, pageUrl, page);
    }
    if (page === NOT_FOUND) return;
    const metadataUrl = metadataUrlFor(pageUrl, page, version);
    if (!metadataUrl || readCache(request.cacheDir, metadataUrl) !== null) return;
    const text = (await get(metadataUrl, '*/*', request.timeoutMs)) ?? NOT_FOUND;
    writeCache(request.cacheDir, metadataUrl, text);
  };
  const workers = Array.from({ length: PARALLEL }, async () => {
    for (let next = queue.shift(); next && !stop; next = queue.shift()) {
      try {
        await one(next.key, next.version);
      } catch (error) {
        if (error instanceof Unreachable) {
          warnings.add(`--index-url ${request.indexUrl}: cannot reach the index (${error.message}); its metadata is not used`);
          stop = true;
        } else warnings.add(`--index-url ${request.indexUrl}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  });
  await Promise.all(workers);
  process.stdout.write([...warnings].map((w) => `${w}\n`).join(''));
}

main().catch((error: unknown) => {
  process.stdout.write(`--index-url: ${error instanceof Error ? error.message : String(error)}\n`);
});
