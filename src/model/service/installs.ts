// Install collection: every requirement an image installs, following `-r`/`-c` includes
// (cycles and depth reported), inline packages, local project dependencies, and installs driftcheck
// cannot see (opaque base images, conda, names from variables).
import { basePythonPackages } from '../../knowledge/base-images.js';
import { parseRequirements } from '../../parsers/requirements.js';
import type { Requirement } from '../../parsers/types.js';
import { basename, escapesRoot, imageResolve, isUrl, repoDirname, repoJoin } from '../../util/paths.js';
import { scriptOfCommand, unreadInstallCommands } from '../run-steps.js';
import { parseInstallScript } from '../../parsers/dockerfile.js';
import { DEFAULT_PATH, type ImageFs, type StageState } from '../image.js';
import { projectDependenciesAt, workspaceDependenciesAt } from '../local-project.js';
import { normalizeName } from '../module-map.js';
import type { Repository } from '../repository.js';
import type { InstallStep, InstalledFile, InstalledRequirement, MissingRequirementsFile } from '../types.js';
import type { BuildSpec } from './context.js';
import { clonedBy, generatedBy, boundByMount } from './run-instructions.js';
import { wheelhouseFor } from './wheelhouse.js';

export interface CollectedInstalls {
  readonly installedFiles: InstalledFile[];
  readonly installed: InstalledRequirement[];
  readonly installedKeys: Set<string>;
  readonly missingRequirementsFiles: MissingRequirementsFile[];
  readonly localPackageDirs: string[];
  readonly unknownInstalls: { file: string; line: number; message: string }[];
  /** Files already expanded for an install step: a file included twice (a diamond) is read once. */
  readonly expanded: Set<string>;
  /** `pip wheel` steps whose wheels an install of a wheelhouse (`pip install /wheels/*`) installs. */
  readonly wheelSteps: InstallStep[];
}

/**
 * `-r` chains deeper than this are not followed (real ones are a few files deep). Bounds the
 * recursion, so a generated chain of thousands of files cannot overflow the stack.
 */
const MAX_INCLUDE_DEPTH = 32;

export function collectInstalls(repo: Repository, spec: BuildSpec, stages: readonly StageState[], installs: readonly InstallStep[]): CollectedInstalls {
  const out: CollectedInstalls = { installedFiles: [], installed: [], installedKeys: new Set(), missingRequirementsFiles: [], localPackageDirs: [], unknownInstalls: [], expanded: new Set(), wheelSteps: [] };
  for (const step of installs) collectStep(repo, spec, stages, step, out, 0);
  return out;
}

function collectStep(repo: Repository, spec: BuildSpec, stages: readonly StageState[], step: InstallStep, out: CollectedInstalls, depth: number): void {
  const fs = stages[step.stage]?.fs;
  if (!fs) return;
  for (const reqFile of step.pip.requirementFiles) {
    const imagePath = imageResolve(step.workdir, reqFile.path);
    const found = fs.file(imagePath, step.instructionIndex);
    const located = { file: step.file, line: lineOfSpan(repo, step.file, reqFile.span.start), span: reqFile.span };
    if (isUrl(reqFile.path)) {
      out.unknownInstalls.push({ ...located, message: urlMessage(reqFile.path) });
      continue;
    }
    if (projectFileInstall(repo, spec, stages, step, reqFile.path, imagePath, found?.repoPath ?? null, located, out)) continue;
    if (found && repo.isTooLarge(found.repoPath)) {
      out.unknownInstalls.push({ ...located, message: tooLargeMessage(found.repoPath) });
      continue;
    }
    if (found) {
      expandRequirementsFile(repo, found.repoPath, imagePath, fs, step, reqFile.constraint, [found.repoPath], out);
      continue;
    }
    if (reqFile.path.includes('$')) {
      out.unknownInstalls.push({ ...located, message: `-r ${reqFile.path} depends on a build variable` });
      continue;
    }
    const mounted = boundByMount(repo, spec, stages, step, imagePath);
    if (mounted !== null && 'repoPath' in mounted) {
      expandRequirementsFile(repo, mounted.repoPath, null, fs, step, reqFile.constraint, [mounted.repoPath], out);
      continue;
    }
    const generator = generatedBy(stages, step, reqFile.path);
    if (generator) {
      // `poetry export -o requirements.txt && pip install -r requirements.txt`: the file is made
      // from the project's own metadata, which is what gets installed.
      // `uv export --package P -o F` in a uv workspace: the member's set (uv docs "uv export").
      const exported = uvExportPackages(stages, generator);
      const workspace = exported !== null ? workspaceDependenciesAt(repo, fs, step.workdir, exported) : null;
      // The export lists the members as editable installs (`-e ./services/api`): their folders are importable.
      for (const member of workspace?.memberDirs ?? []) {
        const memberImageDir = imageResolve(step.workdir, member);
        out.localPackageDirs.push(memberImageDir, `${memberImageDir}/src`);
      }
      const deps = workspace ?? projectDependenciesAt(repo, fs, step.workdir);
      for (const key of deps.keys) out.installedKeys.add(key);
      if (deps.keys.length === 0 || deps.unknown) out.unknownInstalls.push({ ...located, message: `${reqFile.path} is generated at build time (line ${generator})` });
      continue;
    }
    if (mounted !== null) {
      out.unknownInstalls.push({ ...located, message: `-r ${reqFile.path} is bind-mounted from ${mounted.untraced} (--mount=from=${mounted.untraced}), whose file driftcheck could not trace to the repository` });
      continue;
    }
    const later = fs.file(imagePath);
    const cloned = later ? null : clonedBy(stages, step, imagePath);
    if (cloned !== null) {
      out.unknownInstalls.push({ ...located, message: `-r ${reqFile.path} comes from the git clone at line ${cloned}, which driftcheck does not see` });
      continue;
    }
    const guess = later?.repoPath ?? guessRepoFile(repo, spec.context, reqFile.path);
    // `COPY ${APP_PATH}/ /app/` with no default: the file may well be there; unknown, not missing.
    const variableCopy = !later && !guess ? copiedFromVariable(repo.files.get(spec.dockerfilePath)?.text ?? '', stages, step) : null;
    if (variableCopy !== null) {
      out.unknownInstalls.push({ ...located, message: `-r ${reqFile.path} may come from COPY ${variableCopy}, whose source is a build variable` });
      continue;
    }
    // Copied from a git-ignored folder the walk did not enter: on disk, the install is not read.
    const fromDisk = later ? null : fs.unwalkedAt(imagePath);
    if (fromDisk !== null && repo.onDisk(fromDisk) === 'file') {
      out.unknownInstalls.push({ ...located, message: `-r ${reqFile.path} is copied from ${fromDisk}, in a git-ignored folder driftcheck does not read` });
      continue;
    }
    const unread = !later && !guess && !reqFile.path.startsWith('/') ? repoJoin(spec.context, reqFile.path) : null;
    if (unread !== null && !escapesRoot(unread) && repo.isTooLarge(unread)) {
      out.unknownInstalls.push({ ...located, message: tooLargeMessage(unread) });
      continue;
    }
    out.missingRequirementsFiles.push({ ...located, written: reqFile.path, reason: later ? 'not-copied-yet' : guess ? 'not-in-image' : 'not-found', repoPath: guess, constraint: reqFile.constraint });
    if (guess) expandRequirementsFile(repo, guess, null, fs, step, reqFile.constraint, [guess], out);
  }
  addInlinePackages(repo, step.file, step, out);
  if (step.pip.tool === 'pipenv' && step.pip.packages.length === 0 && step.pip.localPaths.length === 0) {
    // `pipenv install --system --deploy` installs the Pipfile's [packages].
    const deps = projectDependenciesAt(repo, fs, step.workdir);
    for (const key of deps.keys) out.installedKeys.add(key);
    if (deps.keys.length === 0) out.unknownInstalls.push({ file: step.file, line: step.line, message: 'pipenv installs from a Pipfile driftcheck could not read' });
  }
  for (const local of step.pip.localPaths) {
    const { path, extras } = splitExtras(local.path);
    // `pip install /wheels/*` of wheels a `pip wheel -w /wheels -r F` built: F's set.
    const wheelhouse = depth < 2 && !step.pip.localPaths.some((l) => l.editable) ? wheelhouseFor(stages, step, path, repo.files.get(spec.dockerfilePath)?.text ?? '') : null;
    if (wheelhouse) {
      for (const wheelStep of wheelhouse.steps) {
        out.wheelSteps.push(wheelStep);
        collectStep(repo, spec, stages, wheelStep, out, depth + 1);
      }
      if (wheelhouse.unknown) out.unknownInstalls.push({ file: step.file, line: step.line, message: wheelhouse.unknown });
      continue;
    }
    const imageDir = imageResolve(step.workdir, path || '.');
    out.localPackageDirs.push(imageDir, `${imageDir === '/' ? '' : imageDir}/src`);
    const workspace = step.pip.tool === 'uv' ? workspaceDependenciesAt(repo, fs, imageDir + extras, step.pip.workspacePackages ?? []) : null;
    for (const member of workspace?.memberDirs ?? []) {
      const memberImageDir = imageResolve(imageDir, member);
      out.localPackageDirs.push(memberImageDir, `${memberImageDir}/src`);
    }
    const deps = workspace ?? projectDependenciesAt(repo, fs, imageDir + extras);
    for (const dep of deps.keys) out.installedKeys.add(dep);
    if (deps.unknown) out.unknownInstalls.push({ file: step.file, line: step.line, message: deps.unknown });
  }
}

/** The `--package`/`--all-packages` selection of a `uv export` on the RUN at `line`, or null when that RUN has none. */
function uvExportPackages(stages: readonly StageState[], line: number): string[] | null {
  for (const state of stages) {
    for (const instruction of state.stage.instructions) {
      if (instruction.kind !== 'run' || instruction.line !== line) continue;
      for (const words of instruction.commands) {
        const values = words.map((w) => w.value);
        if (basename(values[0] ?? '') !== 'uv' || !values.includes('export')) continue;
        const packages: string[] = [];
        values.forEach((v, i) => {
          if (v === '--all-packages') packages.push('*');
          else if (v === '--package' && values[i + 1] !== undefined) packages.push(values[i + 1]!);
          else if (v.startsWith('--package=')) packages.push(v.slice('--package='.length));
        });
        return packages;
      }
    }
  }
  return null;
}

/**
 * Installs a service runs when its container starts (#16 idiom 7): `command: sh -c "pip install X
 * && …"` and the pip/uv lines of the entrypoint scripts it runs. They install into the final image,
 * from the command's working directory, after every build step. A command string is not a file
 * with lines of its own here, so only what it names is counted: its packages, and requirements
 * files the image holds.
 */
export function collectStartupInstalls(
  repo: Repository, spec: BuildSpec, stages: readonly StageState[], final: StageState, cwd: string,
  parts: readonly { readonly argv: readonly string[]; readonly file: string; readonly line: number }[], scripts: readonly string[], out: CollectedInstalls,
): void {
  const after = final.stage.instructions.length;
  const step = (pip: InstallStep['pip'], file: string, line: number): InstallStep => ({ file, line, span: pip.span, pip, stage: final.stage.index, instructionIndex: after, workdir: cwd });
  for (const part of parts) {
    const c = part.argv.findIndex((w, i) => i > 0 && /^-\w*c\w*$/.test(w) && /^(?:\S*\/)?(?:ba|da|a|z|k)?sh$/.test(part.argv[0] ?? ''));
    const script = c > 0 ? part.argv[c + 1] : undefined;
    if (script === undefined) continue;
    for (const pip of parseInstallScript(script).pipInstalls) {
      for (const word of pip.packages) {
        const parsed = parseRequirements(word.value).requirements[0];
        if (parsed) out.installedKeys.add(parsed.key);
      }
      const present = pip.requirementFiles.filter((f) => final.fs.file(imageResolve(cwd, f.path)) !== undefined);
      if (present.length < pip.requirementFiles.length || pip.localPaths.length > 0) out.unknownInstalls.push({ file: part.file, line: part.line, message: 'the command installs packages at container start that driftcheck cannot list' });
      collectStep(repo, spec, stages, step({ ...pip, packages: [], localPaths: [], requirementFiles: present }, part.file, part.line), out, 0);
    }
  }
  for (const path of scripts) {
    const text = repo.files.get(path)?.text;
    if (text === undefined) continue;
    for (const pip of parseInstallScript(text).pipInstalls) collectStep(repo, spec, stages, step(pip, path, pip.line), out, 0);
  }
}

const OPAQUE_RUN = /\b(?:conda|mamba|micromamba)\s+(?:install|env\s+(?:create|update)|create|update)\b/;
/**
 * An install whose words still hold a variable after the stage's ARG and ENV values were expanded
 * (the parser does that): `pip install $PACKAGES`, `uv sync $flags`, `.[$EXTRAS]` with an ARG that
 * has no default. What it installs is chosen at build time.
 */
const VARIABLE_INSTALL = /\b(?:pip\d?(?:\.\d+)?\s+install|uv\s+(?:pip\s+(?:install|sync)|sync)|poetry\s+install|pipenv\s+(?:install|sync))\b.*[$`]/;

/**
 * Installs driftcheck cannot see: a non-plain base image, conda, package names from variables, and
 * every RUN command that could install Python distributions but was not read (run-steps.ts).
 */
export function opaqueInstalls(repo: Repository, dockerfilePath: string, states: readonly StageState[], builtHere: (image: string) => boolean = () => false): { file: string; line: number; message: string }[] {
  const out: { file: string; line: number; message: string }[] = [];
  for (const state of states) {
    const from = state.stage.from;
    if (from.stageRef === null && from.image !== '' && basePythonPackages(from.image) === null && !builtHere(from.image)) {
      out.push({ file: dockerfilePath, line: from.line, message: `base image ${from.image} may already install Python packages` });
    }
    state.stage.instructions.forEach((instruction, index) => {
      if (instruction.kind !== 'run') return;
      if (OPAQUE_RUN.test(instruction.text)) {
        out.push({ file: dockerfilePath, line: instruction.line, message: 'this RUN installs packages driftcheck cannot list (conda)' });
        return;
      }
      const variable = instruction.commands.map((words) => words.map((w) => w.value).join(' ')).find((command) => VARIABLE_INSTALL.test(command));
      if (variable !== undefined) {
        const names = [...new Set(variable.match(/\$\{?[A-Za-z_][A-Za-z0-9_]*|\$\(|`/g) ?? [])].map((n) => n.replace('{', '')).join(', ');
        out.push({ file: dockerfilePath, line: instruction.line, message: `this RUN installs what ${names} says, a value chosen at build time` });
        return;
      }
      const script = (word: string): string | null => scriptText(repo, state, index, word);
      for (const unread of unreadInstallCommands(instruction, { script })) out.push({ file: dockerfilePath, line: unread.line, message: `this RUN ${unread.message}` });
    });
  }
  return out;
}

/**
 * Install steps of the scripts a RUN starts when the image holds them (#16 idiom 2): `RUN
 * ./scripts/install.sh` whose `pip install -r requirements.txt` is an install step of this RUN, with
 * the script's own lines and spans.
 */
export function scriptInstallSteps(repo: Repository, state: StageState, index: number): InstallStep[] {
  const instruction = state.stage.instructions[index];
  if (instruction?.kind !== 'run') return [];
  const steps: InstallStep[] = [];
  const workdir = state.workdirAt[index] ?? '/';
  for (const words of instruction.commands) {
    const script = scriptOfCommand(words);
    if (script === null) continue;
    const found = scriptFile(repo, state, index, script);
    if (found === null) continue;
    for (const pip of parseInstallScript(found.text).pipInstalls) {
      steps.push({ file: found.repoPath, line: pip.line, span: pip.span, pip, stage: state.stage.index, instructionIndex: index, workdir });
    }
  }
  return steps;
}

/** The text of a repository file the image holds where a RUN names it (a path, or a name on PATH). */
function scriptText(repo: Repository, state: StageState, index: number, word: string): string | null {
  return scriptFile(repo, state, index, word)?.text ?? null;
}

function scriptFile(repo: Repository, state: StageState, index: number, word: string): { repoPath: string; text: string } | null {
  const file = state.fs.command(word, state.workdirAt[index] ?? state.workdir, DEFAULT_PATH, index);
  if (!file || escapesRoot(file.repoPath)) return null;
  const text = (repo.files.get(file.repoPath) ?? repo.load(file.repoPath, 'config'))?.text;
  return text === undefined ? null : { repoPath: file.repoPath, text };
}

/** A COPY/ADD source built from a variable with no value, before the install step (or in any stage). */
function copiedFromVariable(dockerfileText: string, stages: readonly StageState[], step: InstallStep): string | null {
  for (const state of stages) {
    const instructions = state.stage.index === step.stage ? state.stage.instructions.slice(0, step.instructionIndex) : state.stage.instructions;
    for (const i of instructions) {
      if (i.kind !== 'copy' || i.from !== null) continue;
      // Sources are expanded (an unset ARG becomes ''): look at the instruction as written.
      const written = dockerfileText.slice(i.span.start, i.span.end);
      if (/\$\{?[A-Za-z_]/.test(written.replace(/^\s*\S+/, ''))) return written.replace(/\s+/g, ' ').trim().replace(/^(COPY|ADD)\s+/i, '').slice(0, 80);
      const source = i.sources.find((w) => w.value === '');
      if (source) return '(empty)';
    }
  }
  return null;
}

const PROJECT_FILE = /^(?:pyproject\.toml|setup\.py|setup\.cfg)$/;

/**
 * Requirement sources that are not requirements files: `uv pip install -r pyproject.toml` (uv reads
 * a project file's dependencies; uv docs "uv pip install -r"), and `-r /dev/stdin` fed by a pipe,
 * whose content driftcheck cannot see. True when the source was handled here.
 */
function projectFileInstall(
  repo: Repository, spec: BuildSpec, stages: readonly StageState[], step: InstallStep, written: string, imagePath: string,
  foundRepoPath: string | null, located: { file: string; line: number }, out: CollectedInstalls,
): boolean {
  if (imagePath === '/dev/stdin' || written === '-') {
    out.unknownInstalls.push({ file: located.file, line: located.line, message: `-r ${written} installs what a pipe feeds it, which driftcheck does not read` });
    return true;
  }
  if (!PROJECT_FILE.test(basename(written))) return false;
  const mounted = foundRepoPath === null ? boundByMount(repo, spec, stages, step, imagePath, 'config') : null;
  const repoFile = foundRepoPath ?? (mounted !== null && 'repoPath' in mounted ? mounted.repoPath : null);
  if (repoFile === null) {
    out.unknownInstalls.push({ file: located.file, line: located.line, message: `-r ${written} names a project file driftcheck cannot find in the image` });
    return true;
  }
  const deps = projectDependenciesAt(repo, null, repoDirname(repoFile), false);
  for (const key of deps.keys) out.installedKeys.add(key);
  if (deps.unknown) out.unknownInstalls.push({ file: located.file, line: located.line, message: deps.unknown });
  return true;
}

/** `./pkg[s3,dev]` -> path `./pkg` and extras `[s3,dev]` (kept bracketed for projectDependenciesAt). */
export function splitExtras(written: string): { path: string; extras: string } {
  const match = /^(.*?)(\[[^\]]*\])?$/.exec(written);
  return { path: match?.[1] || '.', extras: match?.[2] ?? '' };
}

function guessRepoFile(repo: Repository, context: string, written: string): string | null {
  if (written.startsWith('/')) return null;
  const candidate = repoJoin(context, written);
  return !escapesRoot(candidate) && repo.load(candidate, 'requirements') ? candidate : null;
}

function lineOfSpan(repo: Repository, path: string, offset: number): number {
  return repo.files.get(path)?.lines.position(offset).line ?? 1;
}

function expandRequirementsFile(
  repo: Repository,
  repoPath: string,
  imagePath: string | null,
  fs: ImageFs,
  step: InstallStep,
  constraint: boolean,
  chain: readonly string[],
  out: CollectedInstalls,
): void {
  const model = repo.requirementsAt(repoPath);
  if (!model) return;
  // Without this, files that each include the next one twice would be read 2^depth times.
  const key = `${step.stage}:${step.instructionIndex}:${constraint}:${imagePath ?? ''}:${repoPath}`;
  if (out.expanded.has(key)) return;
  out.expanded.add(key);
  out.installedFiles.push({ path: repoPath, via: step, chain, constraint });
  for (const requirement of model.requirements) {
    out.installed.push({ requirement, file: repoPath, via: step, constraint });
    if (!constraint) out.installedKeys.add(requirement.key);
  }
  // A line that does not parse is already a PARSE finding; its name still counts as installed so
  // the same mistake is not reported a second time as a missing dependency.
  if (!constraint) for (const key of namesOfBrokenLines(repo, repoPath, model.diagnostics)) out.installedKeys.add(key);
  for (const option of model.options) {
    if ((option.name !== '-e' && option.name !== 'local-path') || !option.value || /^[a-z+]+:/i.test(option.value)) continue;
    const { path, extras } = splitExtras(option.value);
    const deps = projectDependenciesAt(repo, null, repoJoin(repoDirname(repoPath), path) + extras, false);
    if (!constraint) for (const key of deps.keys) out.installedKeys.add(key);
    if (deps.unknown) out.unknownInstalls.push({ file: repoPath, line: option.line, message: deps.unknown });
    if (imagePath) {
      const imageDir = imageResolve(imagePath.slice(0, imagePath.lastIndexOf('/')) || '/', path);
      out.localPackageDirs.push(imageDir, `${imageDir === '/' ? '' : imageDir}/src`);
    }
  }
  for (const include of model.includes) {
    const located = { file: repoPath, line: include.line, span: include.span };
    if (isUrl(include.path)) {
      out.unknownInstalls.push({ ...located, message: urlMessage(include.path) });
      continue;
    }
    const target = repoJoin(repoDirname(repoPath), include.path);
    if (chain.includes(target)) {
      reportIncludeCycle(repo, repoPath, include, [...chain, target]);
      continue;
    }
    if (chain.length >= MAX_INCLUDE_DEPTH) {
      reportIncludeTooDeep(repo, repoPath, include);
      continue;
    }
    const targetImage = imagePath ? imageResolve(imagePath.slice(0, imagePath.lastIndexOf('/')) || '/', include.path) : null;
    const exists = !escapesRoot(target) && repo.requirementsAt(target) !== null;
    if (!exists && !escapesRoot(target) && repo.isTooLarge(target)) {
      out.unknownInstalls.push({ ...located, message: tooLargeMessage(target) });
      continue;
    }
    if (!exists) {
      out.missingRequirementsFiles.push({ ...located, written: include.path, reason: 'not-found', repoPath: null, constraint: include.kind === 'constraint' });
      continue;
    }
    if (targetImage && !fs.file(targetImage, step.instructionIndex)) {
      out.missingRequirementsFiles.push({ ...located, written: include.path, reason: 'not-in-image', repoPath: target, constraint: include.kind === 'constraint' });
    }
    expandRequirementsFile(repo, target, targetImage, fs, step, constraint || include.kind === 'constraint', [...chain, target], out);
  }
}

function urlMessage(written: string): string {
  return `${written} is downloaded by pip at install time; driftcheck does not read it`;
}

function tooLargeMessage(repoPath: string): string {
  return `${repoPath} is over the --max-file-size limit and was not read`;
}

function namesOfBrokenLines(repo: Repository, path: string, diagnostics: readonly { line: number; severity: string }[]): string[] {
  const file = repo.files.get(path);
  if (!file) return [];
  return diagnostics.flatMap((d) => {
    if (d.severity !== 'error') return [];
    const span = file.lines.lineSpan(d.line);
    const name = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(file.text.slice(span.start, span.end))?.[1];
    return name ? [normalizeName(name)] : [];
  });
}

function addInlinePackages(repo: Repository, dockerfilePath: string, step: InstallStep, out: CollectedInstalls): void {
  const text = repo.files.get(dockerfilePath)?.text ?? '';
  for (const word of step.pip.packages) {
    const parsed = parseRequirements(word.value).requirements[0];
    if (!parsed) continue;
    // A word made by expanding a variable (`${PKG:-gunicorn}`) is installed, but its text is not
    // where the Dockerfile says it, so no finding or fix may point into it.
    if (!text.slice(word.span.start, word.span.end).replace(/^(["'])(.*)\1$/s, '$2').includes(word.value)) {
      out.installedKeys.add(parsed.key);
      continue;
    }
    // Spans of the parsed word are relative to the word's value; shift them into the Dockerfile.
    const quote = text[word.span.start] === '"' || text[word.span.start] === "'" ? 1 : 0;
    const shift = word.span.start + quote;
    const at = (s: { start: number; end: number }) => ({ start: s.start + shift, end: s.end + shift });
    const requirement: Requirement = {
      ...parsed, span: at(parsed.span), nameSpan: at(parsed.nameSpan), specifierSpan: at(parsed.specifierSpan), lineSpan: word.span,
      line: lineOfSpan(repo, dockerfilePath, word.span.start), column: (repo.files.get(dockerfilePath)?.lines.position(word.span.start).column ?? 1) + quote,
    };
    out.installed.push({ requirement, file: dockerfilePath, via: step, constraint: false });
    out.installedKeys.add(requirement.key);
  }
}

/** A `-r`/`-c` chain longer than MAX_INCLUDE_DEPTH: one warning at the include not followed. */
function reportIncludeTooDeep(repo: Repository, repoPath: string, include: { readonly line: number; readonly column: number; readonly span: { readonly start: number; readonly end: number } }): void {
  const message = `requirements includes nested more than ${MAX_INCLUDE_DEPTH} files deep; this include is not followed`;
  if (repo.diagnostics.some((d) => d.file === repoPath && d.diagnostic.line === include.line && d.diagnostic.message === message)) return;
  repo.diagnostics.push({ file: repoPath, diagnostic: { message, line: include.line, column: include.column, span: include.span, severity: 'warning' } });
}

/** A `-r`/`-c` chain that comes back to a file already being read: one warning at the include. */
function reportIncludeCycle(repo: Repository, repoPath: string, include: { readonly line: number; readonly column: number; readonly span: { readonly start: number; readonly end: number } }, cycle: readonly string[]): void {
  const message = `requirements include cycle: ${cycle.join(' -> ')} (the cycle is not followed)`;
  if (repo.diagnostics.some((d) => d.file === repoPath && d.diagnostic.message === message)) return;
  repo.diagnostics.push({ file: repoPath, diagnostic: { message, line: include.line, column: include.column, span: include.span, severity: 'warning' } });
}
