// Reading the entry point out of real-world container commands.
import { describe, expect, it } from 'vitest';
import { commandSegments, entryOfCommand, shellSplit } from '../../src/model/command.js';

const entry = (argv: string[]) => {
  const e = entryOfCommand(argv);
  return e ? { runner: e.runner, module: e.module, script: e.script, pathDirs: e.pathDirs, chdir: e.chdir } : null;
};

describe('entry points', () => {
  it.each([
    [['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--reload'], 'uvicorn', 'app.main', null],
    [['uvicorn', '--host', '0.0.0.0', '--port', '80', 'api:app'], 'uvicorn', 'api', null],
    [['gunicorn', '-k', 'uvicorn.workers.UvicornWorker', '-b', '0.0.0.0:8000', 'svc.wsgi:application'], 'gunicorn', 'svc.wsgi', null],
    [['python', '-m', 'uvicorn', 'app.main:app'], 'uvicorn', 'app.main', null],
    [['python3', '-m', 'agents.worker'], 'python', 'agents.worker', null],
    [['python', '-u', 'bot.py'], 'python', null, 'bot.py'],
    [['celery', '-A', 'tasks.celery_app', 'worker', '-l', 'info'], 'celery', 'tasks.celery_app', null],
    [['streamlit', 'run', 'ui/app.py', '--server.port', '8501'], 'streamlit', null, 'ui/app.py'],
    [['tini', '--', 'ddtrace-run', 'gunicorn', 'app:create_app()'], 'gunicorn', 'app', null],
    [['/bin/sh', '-c', 'alembic upgrade head && exec uvicorn app.main:app --port 8000'], 'uvicorn', 'app.main', null],
  ])('%j', (argv, runner, module, script) => {
    expect(entry(argv)).toMatchObject({ runner, module, script });
  });

  it('reads --app-dir and --chdir', () => {
    expect(entry(['uvicorn', '--app-dir', 'src', 'main:app'])?.pathDirs).toEqual(['src']);
    expect(entry(['gunicorn', '--chdir', '/srv/app', 'wsgi:app'])?.chdir).toBe('/srv/app');
  });

  it('returns null for commands that run no Python app', () => {
    expect(entry(['nginx', '-g', 'daemon off;'])).toBeNull();
    expect(entry(['npm', 'start'])).toBeNull();
  });
});

describe('shell splitting', () => {
  it('keeps quoted words together and splits operators', () => {
    expect(shellSplit(`echo "a b" 'c d'&&run x;y`)).toEqual(['echo', 'a b', 'c d', '&&', 'run', 'x', ';', 'y']);
    expect(commandSegments(['sh', '-c', 'a 1 && b 2 || c'])).toEqual([['a', '1'], ['b', '2'], ['c']]);
  });
});
