import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { serviceRole } from '@finance/platform';
import { GATEWAY_METRICS_PORT, SERVICES, startOrder } from '@finance/platform/services';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { AUTOSCALED, CONFIG_MAP, GATEWAY, K8S_DIR, MIGRATE_JOB, renderK8s, SECRET, SECRET_KEYS, staleFiles, TERMINATION_GRACE_SECONDS, UID } from '../scripts/k8s.mjs';
import { build, containersOf, imageName, parseObjects, readObjects, type K8sObject } from './support/kustomize.js';

// The Kubernetes manifests against the service manifest and the Kubernetes API schemas, without a
// cluster or kubectl: the example overlay is built by ./support/kustomize.ts and every object is
// validated by kubernetes-models (the OpenAPI schemas of the API server).

const overlay = build(join(K8S_DIR, 'overlays/example'));
const overlayKustomization = readObjects(join(K8S_DIR, 'overlays/example/kustomization.yaml'))[0] as unknown as {
  namespace: string;
  images: { name: string; newName: string; newTag: string }[];
};
const NAMESPACE = overlayKustomization.namespace;

const MODELS: Record<string, { new (data: any): { validate(): void } }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};

function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(found.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([`${kind}/${name}`]);
  return found[0]!;
}
const podSpecOf = (o: K8sObject) => (o.spec as { template: { spec: IPodSpec; metadata: { labels: Record<string, string>; annotations?: Record<string, string> } } }).template;
const envOf = (c: IContainer) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));

/** Bytes of a Kubernetes memory quantity (the binary and decimal suffixes used here). */
function bytes(quantity: string | number): number {
  const match = /^(\d+)(Ki|Mi|Gi|k|M|G)?$/.exec(String(quantity));
  if (!match) throw new Error(`unreadable quantity ${quantity}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, k: 1e3, M: 1e6, G: 1e9 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * unit;
}

function expectHardened(pod: IPodSpec, containers: IContainer[]) {
  expect(pod.automountServiceAccountToken).toBe(false);
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: UID, runAsGroup: UID, seccompProfile: { type: 'RuntimeDefault' } });
  for (const c of containers) {
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    // The only writable place on the read-only root.
    expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes?.find((v) => v.name === 'tmp')?.emptyDir).toBeDefined();
    expect(c.resources?.requests).toEqual({ cpu: expect.anything(), memory: expect.anything() });
    expect(c.resources?.limits).toEqual({ cpu: expect.anything(), memory: expect.anything() });
    expect(bytes(c.resources!.requests!.memory!)).toBeLessThanOrEqual(bytes(c.resources!.limits!.memory!));
  }
}

describe('generated from the service manifest', () => {
  test('the committed base is exactly what infra/scripts/k8s.mjs writes from the manifest', () => {
    // Out of date after a manifest change: `npm run build && node infra/scripts/k8s.mjs`.
    expect(staleFiles(renderK8s(SERVICES))).toEqual([]);
  });

  test('a service added to the manifest gets its Deployment, Service and migration step', () => {
    const piggy = { name: 'piggy', addressVar: 'PIGGY_GRPC_ADDR', defaultPort: 50099, metricsPort: 9499, healthName: 'finance.piggy.v1.PiggyService', database: true };
    const files = renderK8s([...SERVICES, piggy]);
    const objects = parseObjects(files.get('base/piggy.yaml')!);
    expect(objects.map((o) => o.kind)).toEqual(['Deployment', 'Service']);
    expect(files.get('base/kustomization.yaml')).toContain('- piggy.yaml');
    expect(files.get('base/migrate/job.yaml')).toContain('name: migrate-piggy');
    expect(files.get('base/configmap.yaml')).toContain('PIGGY_GRPC_ADDR: piggy:50099');
    expect(files.get('operators/cnpg-cluster.yaml')).toContain('CREATE SCHEMA piggy AUTHORIZATION finance_piggy');
  });
});

describe('the example overlay', () => {
  test('every object it renders is valid against the Kubernetes API schemas', () => {
    expect(overlay.length).toBeGreaterThan(SERVICES.length * 2);
    for (const o of overlay) {
      const Model = MODELS[`${o.apiVersion}/${o.kind}`];
      if (!Model) throw new Error(`no schema for ${o.apiVersion} ${o.kind} (${o.metadata.name}): add its model to MODELS`);
      expect(() => new Model(o).validate()).not.toThrow();
    }
  });

  test('the schema check catches a broken object (so the test above can fail)', () => {
    const broken = structuredClone(find(overlay, 'Deployment', 'ledger'));
    (podSpecOf(broken).spec.containers[0]!.resources!.limits as Record<string, string>).memory = '512 megabytes';
    expect(() => new Deployment(broken as never).validate()).toThrow(/quantity/);
  });

  test('everything lands in its namespace, which enforces the restricted Pod Security profile', () => {
    const ns = find(overlay, 'Namespace', NAMESPACE);
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const o of overlay.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe(NAMESPACE);
  });

  test('every image comes from the registry at the release tag, one image per app', () => {
    const tags = new Set(overlayKustomization.images.map((i) => i.newTag));
    expect(tags.size).toBe(1);
    const [tag] = tags;
    for (const c of overlay.flatMap(containersOf)) {
      expect(c.image).toMatch(new RegExp(`^registry\\.example\\.com/finance/[a-z]+:${tag!.replaceAll('.', '\\.')}$`));
    }
    expect(overlayKustomization.images.map((i) => i.name).sort()).toEqual([...SERVICES.map((s) => `finance/${s.name}`), `finance/${GATEWAY.name}`].sort());
  });

  test('NATS is the NATS Helm chart\'s Service; the services talk to each other by Service name', () => {
    const config = find(overlay, 'ConfigMap', CONFIG_MAP).data as Record<string, string>;
    expect(config.NATS_URL).toBe('nats://nats.nats.svc:4222');
    expect(config.MIGRATE_ON_START).toBe('false');
    for (const s of SERVICES) expect(config[s.addressVar]).toBe(`${s.name}:${s.defaultPort}`);
  });
});

describe.each(SERVICES.map((s) => [s.name, s] as const))('%s', (name, s) => {
  const deployment = find(overlay, 'Deployment', name);
  const template = podSpecOf(deployment);
  const main = template.spec.containers.find((c) => c.name === name)!;

  test('has a Deployment with native gRPC probes on the standard health service', () => {
    expect(main.image).toMatch(new RegExp(`/finance/${name}:`));
    // Readiness asks the service's health name (NOT_SERVING while draining), liveness the whole server.
    expect(main.readinessProbe?.grpc).toEqual({ port: s.defaultPort, service: s.healthName });
    expect(main.livenessProbe?.grpc).toEqual({ port: s.defaultPort, service: '' });
    expect(main.startupProbe?.grpc).toEqual({ port: s.defaultPort, service: '' });
    expect(template.spec.terminationGracePeriodSeconds).toBe(TERMINATION_GRACE_SECONDS);
  });

  test('binds its manifest port on every interface, serves metrics on its metrics port, and has a Service', () => {
    const env = envOf(main);
    expect(env[s.addressVar]).toBe(`0.0.0.0:${s.defaultPort}`);
    expect(env.METRICS_PORT).toBe(String(s.metricsPort));
    expect(main.ports).toEqual([
      { name: 'grpc', containerPort: s.defaultPort, protocol: 'TCP' },
      { name: 'metrics', containerPort: s.metricsPort, protocol: 'TCP' },
    ]);
    expect(template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(s.metricsPort) });
    const svc = find(overlay, 'Service', name).spec as { clusterIP?: string; selector: Record<string, string>; ports: { name: string; port: number; targetPort: string }[] };
    expect(Object.entries(svc.selector).every(([k, v]) => template.metadata.labels[k] === v)).toBe(true);
    expect(svc.ports.find((p) => p.name === 'grpc')).toMatchObject({ port: s.defaultPort, targetPort: 'grpc' });
    // Headless: the name resolves to every ready pod, so callers' round_robin channels spread calls
    // (a ClusterIP would pin each caller's one HTTP/2 connection to one pod).
    expect(svc.clusterIP).toBe('None');
  });

  test('runs hardened, with requests and limits, reading config from the ConfigMap and secrets from the Secret', () => {
    expectHardened(template.spec, template.spec.containers);
    expect(bytes(main.resources!.limits!.memory!)).toBeGreaterThanOrEqual(bytes('384Mi'));
    expect(main.envFrom).toEqual([{ configMapRef: { name: CONFIG_MAP } }]);
    const secrets = (main.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => [e.name, e.valueFrom!.secretKeyRef!.name, e.valueFrom!.secretKeyRef!.key]);
    const expected = [...(s.database ? ['DATABASE_URL'] : []), ...(SECRET_KEYS[name] ?? [])];
    expect(secrets).toEqual(expected.map((key) => [key, SECRET, key]));
  });
});

describe('the gateway', () => {
  const deployment = find(overlay, 'Deployment', GATEWAY.name);
  const template = podSpecOf(deployment);
  const main = template.spec.containers[0]!;

  test('probes its own liveness and readiness, never /health (which asks every service)', () => {
    expect(main.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(main.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(main.ports?.map((p) => [p.name, p.containerPort])).toEqual([
      ['http', GATEWAY.port],
      ['metrics', GATEWAY.metricsPort],
    ]);
    expect(GATEWAY.metricsPort).toBe(GATEWAY_METRICS_PORT);
    expect(envOf(main)).toMatchObject({ PORT: String(GATEWAY.port), METRICS_PORT: String(GATEWAY.metricsPort) });
    expect(find(overlay, 'Service', GATEWAY.name)).toBeDefined();
  });

  test('runs hardened with requests and limits, and holds no secret', () => {
    expectHardened(template.spec, template.spec.containers);
    expect((main.env ?? []).some((e) => e.valueFrom?.secretKeyRef)).toBe(false);
  });
});

describe.each(Object.keys(AUTOSCALED))('%s scales', (name) => {
  test('with an HPA on CPU and a PodDisruptionBudget, and the Deployment leaves the count to the HPA', () => {
    const hpa = find(overlay, 'HorizontalPodAutoscaler', name).spec as { scaleTargetRef: object; minReplicas: number; metrics: { resource: { name: string } }[] };
    expect(hpa.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.metrics.map((m) => m.resource.name)).toEqual(['cpu']);
    const pdb = find(overlay, 'PodDisruptionBudget', name).spec as { selector: { matchLabels: Record<string, string> } };
    expect(pdb.selector.matchLabels).toEqual((find(overlay, 'Deployment', name).spec as { selector: { matchLabels: object } }).selector.matchLabels);
    expect((find(overlay, 'Deployment', name).spec as { replicas?: number }).replicas).toBeUndefined();
  });
});

describe('the migration Job', () => {
  const tag = overlayKustomization.images[0]!.newTag;
  const jobs = overlay.filter((o) => o.kind === 'Job');
  const job = jobs[0]!;
  const template = podSpecOf(job);
  const steps = containersOf(job) as IContainer[];

  test('is named after the release, so each release runs its own', () => {
    expect(jobs.map((j) => j.metadata.name)).toEqual([`${MIGRATE_JOB}-${tag}`]);
  });

  test('runs node dist/migrate.js of every service with a database, in start order, once', () => {
    const databaseServices = startOrder().filter((s) => s.database);
    expect(steps.map((c) => [c.name, imageName(c.image!)])).toEqual(databaseServices.map((s) => [`migrate-${s.name}`, `registry.example.com/finance/${s.name}`]));
    for (const c of steps) {
      expect(c.args).toEqual(['node', 'dist/migrate.js']);
      expect(envOf(c).DATABASE_URL).toEqual({ secretKeyRef: { name: SECRET, key: 'DATABASE_URL' } });
    }
    expect(template.spec.restartPolicy).toBe('Never');
    expectHardened(template.spec, steps);
  });
});

test('the CloudNativePG cluster example creates the role and schema of every service with a database', () => {
  const [cluster] = readObjects(join(K8S_DIR, 'operators/cnpg-cluster.yaml')) as [K8sObject];
  const initdb = (cluster.spec as { bootstrap: { initdb: { owner: string; postInitApplicationSQL: string[] } } }).bootstrap.initdb;
  for (const s of SERVICES.filter((x) => x.database)) {
    const role = serviceRole(s.name);
    expect(initdb.postInitApplicationSQL).toEqual(
      expect.arrayContaining([`CREATE ROLE ${role} NOLOGIN`, `GRANT ${role} TO ${initdb.owner}`, `CREATE SCHEMA ${s.name} AUTHORIZATION ${role}`]),
    );
  }
});

describe('the kustomize renderer', () => {
  test('refuses a kustomization field it does not implement', () => {
    expect(() => build(join(import.meta.dirname, 'fixtures/unsupported'))).toThrow(/does not support commonLabels/);
  });
});
