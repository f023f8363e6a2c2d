// The child process behind npmGraphsOf/preloadNpmGraphs (npm-graph.ts): reads a JSON array of
// NpmGraphRequest on stdin, loads each graph with arborist, prints the JSON array of NpmGraph on
// stdout. Never touches the network; a request that fails gives `ok: false`, not an exit code.
import type { NpmGraphRequest } from '../model/npm-graph-types.js';
import { loadNpmGraph } from './npm-graph-load.js';

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const requests = JSON.parse(Buffer.concat(chunks).toString('utf8')) as NpmGraphRequest[];
  const graphs = [];
  for (const request of requests) graphs.push(await loadNpmGraph(request));
  process.stdout.write(JSON.stringify(graphs));
}

main().catch((error: unknown) => {
  process.stderr.write(`npm-graph: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
