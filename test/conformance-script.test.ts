// scripts/conformance.mjs (#21) on a small tree shaped like deptry's repository, written here (no
// deptry content): it reads each test's fixture, command and expected findings (report lines and
// JSON literals), runs the built CLI with the equivalent options and counts recall per code.
// Spawns dist/bin/driftcheck.js: `npm run build` first.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, run } from './helpers/cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'driftcheck-conformance-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const TESTS = `from tests.functional.utils import Project


@pytest.mark.xdist_group(name=Project.SHOP_1)
def test_plain(venv_factory) -> None:
    with venv_factory(Project.SHOP_1) as virtual_env:
        result = virtual_env.run_deptry(".")

        assert result.returncode == 1
        assert result.stderr == snapshot("""\\
Scanning 2 files...

pyproject.toml: DEP002 'rich' defined as a dependency but not used in the codebase
shop/main.py:2:8: DEP004 'pytest' imported but declared as a dev dependency
shop/main.py:3:8: DEP001 'white' imported but missing from the dependency definitions
Found 3 dependency issues.
""")


def test_ignores(venv_factory) -> None:
    with venv_factory(Project.SHOP_1) as virtual_env:
        issue_report = f"{uuid.uuid4()}.json"
        result = virtual_env.run(f"deptry . --per-rule-ignores DEP001=white -o {issue_report}")

        assert get_issues_report(Path(issue_report)) == [
            {
                "error": {"code": "DEP002", "message": "'rich' defined as a dependency but not used"},
                "module": "rich",
                "location": {"file": str(Path("pyproject.toml")), "line": None, "column": None},
            },
            {
                "error": {"code": "DEP004", "message": "'pytest' imported but declared as a dev dependency"},
                "module": "pytest",
                "location": {"file": "shop/main.py", "line": 2, "column": 8},
            },
        ]


def test_all_ignored(venv_factory) -> None:
    with venv_factory(Project.SHOP_1) as virtual_env:
        result = virtual_env.run_deptry(". --ignore DEP001,DEP002,DEP004")

        assert result.returncode == 0


def test_verbose(venv_factory) -> None:
    with venv_factory(Project.SHOP_1) as virtual_env:
        result = virtual_env.run_deptry(". --verbose")

        assert result.returncode == 1
`;

function deptryLike(expectExtra = ''): string {
  return tree({
    'tests/functional/utils.py': 'class Project(str, Enum):\n    SHOP_1 = "shop_1"\n',
    'tests/functional/cli/test_cli_shop.py': TESTS.replace("shop/main.py:3:8: DEP001 'white'", `${expectExtra}shop/main.py:3:8: DEP001 'white'`),
    'tests/fixtures/shop_1/pyproject.toml': '[project]\nname = "shop"\nversion = "0"\ndependencies = ["rich", "requests"]\n\n[dependency-groups]\ntest = ["pytest"]\n',
    'tests/fixtures/shop_1/shop/main.py': 'import requests\nimport pytest\nimport white\n',
  });
}

function conformance(dir: string): { status: number | null; stdout: string; json: { totals: Record<string, { expected: number; found: number }>; results: { case: string; tests: string[] }[]; skipped: string[] } } {
  const out = join(dir, 'out.json');
  const result = run(process.execPath, [join(REPO_ROOT, 'scripts/conformance.mjs'), dir, '--cli', join(REPO_ROOT, 'dist/bin/driftcheck.js'), '--json', out, '--verbose'], REPO_ROOT);
  return { status: result.status, stdout: result.stdout, json: JSON.parse(readFileSync(out, 'utf8')) as ReturnType<typeof conformance>['json'] };
}

describe('npm run conformance', () => {
  it('reads report lines, JSON literals and exit-0 tests, one case per fixture and options, and finds them all', () => {
    const { status, stdout, json } = conformance(deptryLike());
    expect(json.results.map((r) => [r.case, r.tests.length])).toEqual([
      ['shop_1: deptry .', 1],
      ['shop_1: deptry . --per-rule-ignores DEP001=white', 1],
      ['shop_1: deptry . --ignore DEP001,DEP002,DEP004', 1],
    ]);
    expect(json.skipped).toEqual(['test_cli_shop.py::test_verbose: lists no expected findings']);
    expect(json.totals).toEqual({ DEP001: { expected: 1, found: 1 }, DEP002: { expected: 2, found: 2 }, DEP003: { expected: 0, found: 0 }, DEP004: { expected: 2, found: 2 }, DEP005: { expected: 0, found: 0 } });
    expect(stdout).toContain('| DEP004 | 2 | 2 | 100.0% |');
    expect(stdout).toContain('extra findings: 0 (0 unexplained)');
    expect(status).toBe(0);
  });

  it('a missed expectation lowers the recall, is shown UNEXPLAINED and fails the run', () => {
    const { status, stdout } = conformance(deptryLike("shop/main.py:1:8: DEP003 'urllib3' imported but it is a transitive dependency\n"));
    expect(stdout).toContain('| DEP003 | 1 | 0 | 0.0% |');
    expect(stdout).toMatch(/DEP003 'urllib3' shop\/main\.py:1\n {4}-> UNEXPLAINED/);
    expect(status).toBe(1);
  });

  it('says what is wrong with DIR', () => {
    const result = run(process.execPath, [join(REPO_ROOT, 'scripts/conformance.mjs'), tree({ 'x.txt': '' })], REPO_ROOT);
    expect([result.status, result.stderr]).toEqual([2, expect.stringMatching(/^conformance: .* is not a checkout of deptry \(no tests\/functional\/cli\)\n$/)]);
  });
});
