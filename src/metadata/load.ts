// Assembles the MetadataIndex for one audit from the CLI/library options: the I/O side (installed
// env, lockfiles, index cache) of the model's pure MetadataIndex.
import type { SourceFile } from '../source.js';
import type { Project } from '../model/types.js';
import { cacheDir, cachedIndexMetadata, prefetchIndex } from './index-cache.js';
import { MetadataIndex } from '../model/metadata-index.js';
import { readLockfile } from './lockfiles.js';
import { findLocalEnv, readPythonEnv, sitePackagesOf } from './python-env.js';
import type { DistributionMetadata } from '../model/metadata-types.js';

export function loadMetadata(
  root: string,
  files: readonly SourceFile[],
  warnings: { file: string; message: string }[],
  pythonEnv: string | undefined,
  indexUrl: string | undefined,
  indexCacheDir: string = cacheDir(),
): MetadataIndex {
  let env: DistributionMetadata[] = [];
  if (pythonEnv !== undefined) {
    if (sitePackagesOf(pythonEnv).length === 0) warnings.push({ file: pythonEnv, message: '--python-env: no site-packages with *.dist-info found there; ignored' });
    else env = readPythonEnv(pythonEnv, root);
  } else {
    const local = findLocalEnv(root);
    if (local) env = readPythonEnv(local, root);
  }
  const locks = files.filter((f) => f.kind === 'python-lock').sort((a, b) => (a.path < b.path ? -1 : 1)).flatMap((f) => readLockfile(f.path, f.text));
  return new MetadataIndex({
    env,
    locks,
    index: indexUrl ? { read: (key, version) => cachedIndexMetadata(indexCacheDir, indexUrl, key, version) } : null,
  });
}

/** Fetches (into the cache) the metadata of every exactly pinned distribution; returns warnings. */
export function prefetchPinnedMetadata(project: Project, indexUrl: string, indexCacheDir: string = cacheDir()): string[] {
  const wanted = new Map<string, { key: string; version: string }>();
  const add = (key: string, version: string): void => {
    if (!version.includes('+')) wanted.set(`${key}==${version}`, { key, version });
  };
  for (const model of project.requirements.values()) for (const r of model.requirements) if (r.pin && !r.url) add(r.key, r.pin);
  for (const service of project.services) for (const i of service.installed) if (i.requirement.pin && !i.requirement.url) add(i.requirement.key, i.requirement.pin);
  return prefetchIndex(indexUrl, [...wanted.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)), indexCacheDir);
}
