// The JavaScript a Node service runs (src/model/service/node-run.ts): entries from its command,
// then the closure over relative and `#` imports in the image. JS files are read on demand: the
// test's reader records which.
import { describe, expect, it } from 'vitest';
import { buildProject } from '../../src/model/project.js';
import { makeSourceFile, type FileKind } from '../../src/source.js';
import type { Service } from '../../src/model/types.js';

function service(files: Record<string, string>, read: string[] = []): Service {
  const kindOf = (path: string): FileKind | null =>
    path.endsWith('Dockerfile') ? 'dockerfile' : path.endsWith('package.json') ? 'package-json' : path.endsWith('package-lock.json') ? 'package-lock' : null;
  const discovered = Object.entries(files).filter(([path]) => kindOf(path) !== null);
  const project = buildProject({
    root: '/repo',
    warnings: [],
    files: discovered.map(([path, text]) => makeSourceFile(path, kindOf(path) as FileKind, text)),
    otherPaths: Object.keys(files).filter((path) => kindOf(path) === null).sort(),
    readExtra: (path, kind) => {
      const text = files[path];
      if (text === undefined) return null;
      read.push(path);
      return makeSourceFile(path, kind, text);
    },
  });
  const found = project.services[0];
  if (!found) throw new Error('no service');
  return found;
}

const entries = (s: Service): [string, boolean][] => (s.node?.entries ?? []).map((e) => [e.repoPath, e.typescript]);

describe('Node entries', () => {
  it('npm start runs package.json scripts.start, wrappers and variables dropped', () => {
    const s = service({
      Dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . .\nCMD ["npm", "start"]\n',
      'package.json': JSON.stringify({ scripts: { start: 'cross-env NODE_ENV=production node --enable-source-maps -r ./tracing.js src/index.js' } }),
      'src/index.js': "require('./db');\n",
      'src/db.js': "module.exports = require('pg');\n",
      'tracing.js': '',
    });
    expect(entries(s)).toEqual([['src/index.js', false]]);
    expect(s.node?.entries[0]?.how).toBe('npm start → "start": cross-env NODE_ENV=production node --enable-source-maps -r ./tracing.js src/index.js');
    expect(s.node?.files.map((f) => f.repoPath)).toEqual(['src/index.js', 'src/db.js']);
  });

  it("npm start without a start script is npm's default, node server.js", () => {
    const s = service({ Dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . .\nCMD npm start\n', 'package.json': '{}', 'server.js': '' });
    expect(entries(s)).toEqual([['server.js', false]]);
  });

  it('node . runs the package main; yarn <script>; ts-node and node -r ts-node/register run TypeScript', () => {
    expect(entries(service({ Dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . .\nCMD ["node", "."]\n', 'package.json': '{"main": "lib/cli"}', 'lib/cli.js': '' }))).toEqual([['lib/cli.js', false]]);
    expect(entries(service({ Dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . .\nCMD ["yarn", "serve"]\n', 'package.json': '{"scripts": {"serve": "ts-node src/main.ts"}}', 'src/main.ts': '' }))).toEqual([['src/main.ts', true]]);
    expect(entries(service({ Dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . .\nCMD ["node", "-r", "ts-node/register", "src/main"]\n', 'package.json': '{}', 'src/main.ts': '' }))).toEqual([['src/main.ts', true]]);
  });

  it('a distroless node image runs the CMD as node\'s script', () => {
    expect(entries(service({ Dockerfile: 'FROM gcr.io/distroless/nodejs20-debian12\nWORKDIR /app\nCOPY server.js ./\nCMD ["server.js"]\n', 'server.js': '' }))).toEqual([['server.js', false]]);
  });

  it('what it cannot follow is said, not guessed', () => {
    const unknown = (dockerfile: string, files: Record<string, string> = {}): readonly string[] => service({ Dockerfile: dockerfile, 'package.json': '{"scripts": {"start": "next start"}}', ...files }).node?.unknownEntries ?? [];
    expect(unknown('FROM node:20\nWORKDIR /app\nCOPY . .\nCMD ["npm", "start"]\n')).toEqual(['`npm start → "start": next start`: next loads the application\'s files itself']);
    expect(unknown('FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npx tsc\nCMD ["node", "dist/index.js"]\n')).toEqual(['`node dist/index.js`: /app/dist/index.js is not a file the Dockerfile copies from the repository (built in the image, or not there)']);
    expect(unknown('FROM node:20\nCMD ["node", "-e", "require(\'x\')"]\n')).toEqual(['`node -e require(\'x\')` runs code given on the command line']);
    // `node` alone is the REPL and a Python command is not Node's: nothing to run, no NodeRun
    expect(service({ Dockerfile: 'FROM node:20\nCMD ["node"]\n' }).node?.entries).toEqual([]);
    expect(service({ Dockerfile: 'FROM python:3.12\nCMD ["python", "app.py"]\n' }).node).toBeNull();
  });
});

describe('the files a Node service runs', () => {
  it('follows relative, extension-less, folder and # imports in the image, and reads only those files', () => {
    const read: string[] = [];
    const s = service({
      Dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY package.json ./\nCOPY src ./src\nCMD ["node", "src/index.mjs"]\n',
      'package.json': JSON.stringify({ imports: { '#config': './src/config.js', '#util/*': './src/util/*.js' } }),
      'src/index.mjs': "import './routes/index.js';\nimport cfg from '#config';\nimport { pad } from '#util/pad';\nimport(`./late.js`);\n",
      'src/routes/index.js': "require('../db');\nrequire('./users');\n",
      'src/routes/users.js': '',
      'src/db/index.js': '',
      'src/config.js': '',
      'src/util/pad.js': '',
      'src/late.js': '',
      'src/unused.js': "require('never-read');\n",
      'scripts/seed.js': '', // not copied
    }, read);
    expect(s.node?.files.map((f) => f.repoPath).sort()).toEqual(['src/config.js', 'src/db/index.js', 'src/index.mjs', 'src/late.js', 'src/routes/index.js', 'src/routes/users.js', 'src/util/pad.js']);
    expect(read.filter((p) => /\.m?js$/.test(p)).sort()).toEqual(s.node?.files.map((f) => f.repoPath).sort());
  });
});
