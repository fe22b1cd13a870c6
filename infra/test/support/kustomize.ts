// A kustomize build in a few dozen lines, so the manifests are checked without kubectl. It supports
// exactly the fields infra/k8s uses and refuses any other, so a kustomization that starts using one
// fails here instead of being checked as something it is not:
//   resources   files (multi-document YAML) and directories holding a kustomization.yaml
//   patches     `- path: <file>` strategic-merge patches, matched by kind and name; maps merge
//               recursively, a null deletes, lists of objects with a `name` merge by name
//               (containers, env, volumes), other lists are replaced
//   namespace   set on every namespaced object
//   nameSuffix  appended to every object's name (references to the object are not rewritten:
//               only the migration Job, which nothing references, gets one)
//   replicas    `- name, count` on Deployments
//   images      `- name, newName, newTag` on the containers and init containers of pod templates
// Transformers apply in kustomize's order: patches, namespace, name suffix, replicas, images; each
// to the objects of its own kustomization, those of nested ones included.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  patches?: { path: string }[];
  namespace?: string;
  nameSuffix?: string;
  replicas?: { name: string; count: number }[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'patches', 'namespace', 'nameSuffix', 'replicas', 'images']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass']);

/** Every YAML document of `text`, empty ones skipped. */
export function parseObjects(text: string, source = '(text)'): K8sObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as K8sObject | null;
    return value ? [value] : [];
  });
}

export const readObjects = (file: string): K8sObject[] => parseObjects(readFileSync(file, 'utf8'), file);

/** `kustomize build <dir>`, for the fields listed above. */
export function build(dir: string): K8sObject[] {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir} has no kustomization.yaml`);
  const k = readObjects(file)[0] as unknown as Kustomization;
  const unsupported = Object.keys(k).filter((field) => !SUPPORTED.has(field));
  if (unsupported.length) throw new Error(`${file}: this renderer does not support ${unsupported.join(', ')}`);

  let objects = (k.resources ?? []).flatMap((entry) => {
    const path = resolve(dir, entry);
    return statSync(path).isDirectory() ? build(path) : readObjects(path);
  });
  const ids = new Set<string>();
  for (const o of objects) {
    const id = idOf(o);
    if (ids.has(id)) throw new Error(`${file}: ${id} is declared twice`);
    ids.add(id);
  }

  for (const { path, ...rest } of k.patches ?? []) {
    if (!path || Object.keys(rest).length) throw new Error(`${file}: only \`- path: <file>\` strategic-merge patches are supported`);
    for (const patch of readObjects(resolve(dir, path))) {
      const index = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
      if (index < 0) throw new Error(`${file}: patch ${path} matches no object (${patch.kind} ${patch.metadata.name})`);
      objects[index] = strategicMerge(objects[index], patch) as K8sObject;
    }
  }
  if (k.namespace !== undefined) {
    objects = objects.map((o) => (CLUSTER_SCOPED.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace: k.namespace } }));
  }
  if (k.nameSuffix) objects = objects.map((o) => ({ ...o, metadata: { ...o.metadata, name: `${o.metadata.name}${k.nameSuffix}` } }));
  for (const { name, count } of k.replicas ?? []) {
    const target = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
    if (!target) throw new Error(`${file}: replicas for ${name} match no Deployment`);
    (target.spec as { replicas?: number }).replicas = count;
  }
  for (const image of k.images ?? []) {
    let used = false;
    for (const c of objects.flatMap(containersOf)) {
      if (imageName(c.image) !== image.name) continue;
      used = true;
      const tag = image.newTag ?? c.image.slice(image.name.length).replace(/^:/, '');
      c.image = `${image.newName ?? image.name}${tag ? `:${tag}` : ''}`;
    }
    if (!used) throw new Error(`${file}: image ${image.name} is used by no container`);
  }
  return objects;
}

const idOf = (o: K8sObject) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** The image without tag or digest (`registry:5000/finance/auth:1.0` → `registry:5000/finance/auth`). */
export function imageName(image: string): string {
  const withoutDigest = image.split('@')[0]!;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** The containers and init containers of a workload's pod template (the objects themselves, to edit). */
export function containersOf(o: K8sObject): { name: string; image: string }[] {
  const spec = (o.spec as { template?: { spec?: { containers?: unknown[]; initContainers?: unknown[] } } } | undefined)?.template?.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])] as { name: string; image: string }[];
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNamedList = (v: unknown): v is Record<string, unknown>[] => Array.isArray(v) && v.every((item) => isMap(item) && typeof item.name === 'string');

/** A strategic-merge patch, as far as described at the top of this file. */
export function strategicMerge(base: unknown, patch: unknown): unknown {
  if (isMap(base) && isMap(patch)) {
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete merged[key];
      else merged[key] = key in base ? strategicMerge(base[key], value) : value;
    }
    return merged;
  }
  if (isNamedList(base) && isNamedList(patch)) {
    const merged = base.map((item) => {
      const match = patch.find((p) => p.name === item.name);
      return match ? strategicMerge(item, match) : item;
    });
    return [...merged, ...patch.filter((p) => !base.some((item) => item.name === p.name))];
  }
  return patch;
}
