// What a service's command needs installed: the program itself (`uvicorn` -> uvicorn) and what
// its flags select (`--loop uvloop` -> uvloop, `gunicorn -k uvicorn.workers.UvicornWorker` ->
// uvicorn). Shared by DEP001 (the program) and MOD003 (what the flags imply).
import { commandSegments, programOf, unwrap } from '../../model/command.js';
import { distributionOfBinary, normalizeName } from '../../model/module-map.js';
import { transitiveOf } from '../../model/queries.js';
import type { CommandPart, Project, Service } from '../../model/types.js';

export interface CommandNeed {
  /** The word in the command that creates the need (program or flag value). */
  readonly word: string;
  readonly distribution: string;
  /** An extra of an installed distribution that provides it, e.g. uvicorn[standard]. */
  readonly viaExtra: { readonly distribution: string; readonly extra: string } | null;
  readonly kind: 'program' | 'flag';
  readonly description: string;
  /** The server starts without it but falls back to something slower (reported as info). */
  readonly fallback: boolean;
}

interface FlagRule {
  readonly runner: string;
  readonly options: readonly string[];
  readonly values: Readonly<Record<string, { distribution: string; viaExtra?: { distribution: string; extra: string }; fallback?: boolean }>>;
}

// Flag values that load an optional package (from each server's documentation).
const FLAG_RULES: readonly FlagRule[] = [
  { runner: 'uvicorn', options: ['--loop'], values: { uvloop: { distribution: 'uvloop', viaExtra: { distribution: 'uvicorn', extra: 'standard' } } } },
  { runner: 'uvicorn', options: ['--http'], values: { httptools: { distribution: 'httptools', viaExtra: { distribution: 'uvicorn', extra: 'standard' } } } },
  { runner: 'uvicorn', options: ['--ws'], values: { websockets: { distribution: 'websockets', viaExtra: { distribution: 'uvicorn', extra: 'standard' } }, wsproto: { distribution: 'wsproto' } } },
  {
    runner: 'gunicorn',
    options: ['-k', '--worker-class'],
    values: {
      'uvicorn.workers.UvicornWorker': { distribution: 'uvicorn' },
      'uvicorn.workers.UvicornH11Worker': { distribution: 'uvicorn' },
      'uvicorn_worker.UvicornWorker': { distribution: 'uvicorn-worker' },
      gevent: { distribution: 'gevent' },
      eventlet: { distribution: 'eventlet' },
      tornado: { distribution: 'tornado' },
    },
  },
  // Uvicorn's gunicorn worker asks for loop/http "auto": without uvicorn[standard] it runs on
  // asyncio + h11 (uvicorn < 0.12.1 crashed instead: Kludex/uvicorn#795).
  {
    runner: 'gunicorn',
    options: ['-k', '--worker-class'],
    values: { 'uvicorn.workers.UvicornWorker': { distribution: 'uvloop', viaExtra: { distribution: 'uvicorn', extra: 'standard' }, fallback: true } },
  },
  { runner: 'hypercorn', options: ['-k', '--worker-class'], values: { uvloop: { distribution: 'uvloop' }, trio: { distribution: 'trio' } } },
  { runner: 'celery', options: ['-P', '--pool'], values: { gevent: { distribution: 'gevent' }, eventlet: { distribution: 'eventlet' } } },
];

function optionValue(args: readonly string[], options: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    for (const option of options) {
      if (arg === option) return args[i + 1] ?? null;
      if (arg.startsWith(`${option}=`)) return arg.slice(option.length + 1);
    }
  }
  return null;
}

/** Everything the service's command needs installed in the image. */
export function commandNeeds(service: Service): CommandNeed[] {
  const needs: CommandNeed[] = [];
  for (const segment of commandSegments(service.argv)) {
    const { words, runners } = unwrap(segment);
    for (const runner of runners) {
      const runnerDist = distributionOfBinary(runner);
      if (runnerDist) needs.push({ word: runner, distribution: runnerDist, viaExtra: null, kind: 'program', description: `runs ${runner}`, fallback: false });
    }
    const { program, args } = programOf(words);
    const programDist = distributionOfBinary(program);
    if (programDist && !/^python/.test(program)) {
      needs.push({ word: program, distribution: programDist, viaExtra: null, kind: 'program', description: `runs ${program}`, fallback: false });
    }
    for (const rule of FLAG_RULES) {
      if (rule.runner !== program) continue;
      const value = optionValue(args, rule.options);
      const need = value === null ? undefined : rule.values[value];
      if (!need || value === null) continue;
      needs.push({ word: value, distribution: need.distribution, viaExtra: need.viaExtra ?? null, kind: 'flag', description: `${program} ${rule.options[0]} ${value}`, fallback: need.fallback ?? false });
    }
  }
  return needs;
}

/** Is a distribution installed, directly or as a (well-known) dependency of what is installed? */
export function isProvided(project: Project, service: Service, distribution: string): boolean {
  const key = normalizeName(distribution);
  return service.installedKeys.has(key) || transitiveOf(project, service).has(key);
}

/** The command part (and so the file) where a word of the command is written. */
export function partWriting(service: Service, word: string): CommandPart | undefined {
  return service.command.find((part) => part.argv.some((a) => a === word || a.includes(word))) ?? service.command[0];
}
