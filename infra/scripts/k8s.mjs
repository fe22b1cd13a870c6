// The Kubernetes base (infra/k8s/base) and the CloudNativePG cluster example, generated from the
// service manifest (packages/platform/src/services.ts), so a service added there gets its
// Deployment, Service, probes, migration step and database role here too. The infra jest project
// fails when the committed files differ from what this writes.
//
//   node infra/scripts/k8s.mjs          writes the files (after `npm run build`: it reads the built manifest)
//   node infra/scripts/k8s.mjs --check  exits 1 naming the files that are out of date
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const K8S_DIR = join(ROOT, 'infra/k8s');

export const PART_OF = 'finance-tracker';
export const CONFIG_MAP = 'finance-config';
/** Created by hand (or an external secrets operator), never committed: infra/k8s/README.md. */
export const SECRET = 'finance-secrets';
export const MIGRATE_JOB = 'finance-migrate';
export const UID = 1000; // `node` in the node images (infra/Dockerfile runs as it)
export const IMAGE = (app) => `finance/${app}`;
export const GATEWAY = { name: 'gateway', port: 8080, metricsPort: 9450 };
// The pods' grace period and the drain inside it (the graceful-shutdown variables): after SIGTERM a
// pod reports not-ready for SHUTDOWN_DRAIN_MS while endpoints drop it, then has the rest to finish.
export const TERMINATION_GRACE_SECONDS = 30;
const SHUTDOWN_DRAIN_MS = 5000;
const SHUTDOWN_TIMEOUT_MS = 25000;

/**
 * Requests and limits. Memory limits stay >= 384Mi: an idle service is ~120-135 MB RSS with the
 * image's V8 flags and bursts (imports, exports) reach ~200 MB (bench P3/P4, root README). The ledger
 * holds a whole import's rows; reporting runs Chromium beside node (a renderer per PDF page).
 */
const RESOURCES = {
  default: { requests: { cpu: '100m', memory: '192Mi' }, limits: { cpu: '1', memory: '384Mi' } },
  gateway: { requests: { cpu: '200m', memory: '192Mi' }, limits: { cpu: '1', memory: '384Mi' } },
  ledger: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  reporting: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '2', memory: '1536Mi' } },
};
const MIGRATE_RESOURCES = { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '384Mi' } };

/** The workloads that scale on CPU (HPA) and keep one replica through voluntary disruptions (PDB). */
export const AUTOSCALED = {
  gateway: { minReplicas: 2, maxReplicas: 6 },
  ledger: { minReplicas: 2, maxReplicas: 4 },
};
const CPU_TARGET_PERCENT = 70;

/** Secret keys beyond DATABASE_URL (every service with a database gets that one), by service. */
export const SECRET_KEYS = {
  auth: ['SIGNING_KEY_ENCRYPTION_KEY'],
  notifications: ['SMTP_URL'],
};

const labelsOf = (name, component) => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/component': component,
  'app.kubernetes.io/part-of': PART_OF,
});

const podSecurityContext = {
  runAsNonRoot: true,
  runAsUser: UID,
  runAsGroup: UID,
  fsGroup: UID,
  seccompProfile: { type: 'RuntimeDefault' },
};

const containerSecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
};

const secretEnv = (key) => ({ name: key, valueFrom: { secretKeyRef: { name: SECRET, key } } });
const secretEnvOf = (s) => [...(s.database ? ['DATABASE_URL'] : []), ...(SECRET_KEYS[s.name] ?? [])].map(secretEnv);

/**
 * The pod template of every workload: no service-account token (nothing here talks to the API
 * server), no service-link variables (a Service named like a variable prefix would inject
 * `<NAME>_PORT`), and the only writable path an emptyDir at /tmp on a read-only root.
 */
function podSpec({ containers, initContainers, tmpSizeLimit = '64Mi', ...rest }) {
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: podSecurityContext,
    ...(initContainers ? { initContainers } : {}),
    containers,
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: tmpSizeLimit } }],
    ...rest,
  };
}

function container({ name, image, ports, env, resources, probes = {}, args }) {
  return {
    name,
    image,
    imagePullPolicy: 'IfNotPresent',
    ...(args ? { args } : {}),
    ...(ports ? { ports } : {}),
    envFrom: [{ configMapRef: { name: CONFIG_MAP } }],
    ...(env.length ? { env } : {}),
    resources,
    ...probes,
    securityContext: containerSecurityContext,
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

function deployment(name, component, { containers, podAnnotations, tmpSizeLimit }) {
  const selector = { 'app.kubernetes.io/name': name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: labelsOf(name, component) },
    spec: {
      // The HPA owns the replica count of an autoscaled workload: a count here would reset it on every apply.
      ...(AUTOSCALED[name] ? {} : { replicas: 1 }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      // A new pod is ready before an old one goes: capacity never drops during a rollout.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: labelsOf(name, component), annotations: podAnnotations },
        spec: podSpec({ containers, tmpSizeLimit, terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS }),
      },
    },
  };
}

/**
 * A gRPC service's Service is headless (clusterIP: None): its name resolves to every ready pod, and
 * the callers' channels (round_robin, packages/platform/src/grpc.ts) spread their calls over them. A
 * ClusterIP balances connections, and a caller keeps one HTTP/2 connection for all its calls: every
 * call of a gateway pod would go to the one ledger pod it first reached, whatever the HPA adds. The
 * servers' connection age (5 minutes) makes callers resolve again and find new pods. The gateway's
 * Service stays a ClusterIP: its clients are HTTP/1.1 through an ingress.
 */
function service(name, component, ports, { headless = false } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: labelsOf(name, component) },
    spec: {
      type: 'ClusterIP',
      ...(headless ? { clusterIP: 'None' } : {}),
      selector: { 'app.kubernetes.io/name': name },
      ports: ports.map(({ name: portName, port, appProtocol }) => ({ name: portName, port, targetPort: portName, protocol: 'TCP', ...(appProtocol ? { appProtocol } : {}) })),
    },
  };
}

function scaling(name, component) {
  const { minReplicas, maxReplicas } = AUTOSCALED[name];
  return [
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, labels: labelsOf(name, component) },
      spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': name } } },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name, labels: labelsOf(name, component) },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas,
        maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: CPU_TARGET_PERCENT } } }],
      },
    },
  ];
}

const metricsAnnotations = (port) => ({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' });

/**
 * Probes of a gRPC service, all on the standard grpc.health.v1 service (native gRPC probes):
 * readiness asks the service's own name, which goes NOT_SERVING when the pod starts draining;
 * liveness and startup ask "" (the whole server), which stays SERVING while it drains. The startup
 * probe gives a first start two minutes (currency loads its bundled rate history then).
 */
function grpcProbes(s) {
  return {
    startupProbe: { grpc: { port: s.defaultPort, service: '' }, periodSeconds: 2, failureThreshold: 60, timeoutSeconds: 2 },
    readinessProbe: { grpc: { port: s.defaultPort, service: s.healthName }, periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 2 },
    livenessProbe: { grpc: { port: s.defaultPort, service: '' }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 },
  };
}

function serviceObjects(s) {
  const env = [
    // Binds on every interface; its callers find it as <name>:<port> (the ConfigMap).
    { name: s.addressVar, value: `0.0.0.0:${s.defaultPort}` },
    { name: 'METRICS_PORT', value: String(s.metricsPort) },
    // Chromium (reporting) and anything else that writes under HOME write to the emptyDir.
    ...(s.name === 'reporting' ? [{ name: 'HOME', value: '/tmp' }] : []),
    ...secretEnvOf(s),
  ];
  const ports = [
    { name: 'grpc', containerPort: s.defaultPort, protocol: 'TCP' },
    { name: 'metrics', containerPort: s.metricsPort, protocol: 'TCP' },
  ];
  const main = container({ name: s.name, image: IMAGE(s.name), ports, env, resources: RESOURCES[s.name] ?? RESOURCES.default, probes: grpcProbes(s) });
  return [
    deployment(s.name, 'grpc-service', {
      containers: [main],
      podAnnotations: metricsAnnotations(s.metricsPort),
      // Chromium's profile and, with --disable-dev-shm-usage, its shared memory live in /tmp.
      tmpSizeLimit: s.name === 'reporting' ? '1Gi' : '64Mi',
    }),
    service(s.name, 'grpc-service', [
      { name: 'grpc', port: s.defaultPort, appProtocol: 'kubernetes.io/h2c' },
      { name: 'metrics', port: s.metricsPort, appProtocol: 'http' },
    ], { headless: true }),
    ...(AUTOSCALED[s.name] ? scaling(s.name, 'grpc-service') : []),
  ];
}

function gatewayObjects() {
  const { name, port, metricsPort } = GATEWAY;
  const env = [
    { name: 'HOST', value: '0.0.0.0' },
    { name: 'PORT', value: String(port) },
    { name: 'METRICS_PORT', value: String(metricsPort) },
  ];
  const ports = [
    { name: 'http', containerPort: port, protocol: 'TCP' },
    { name: 'metrics', containerPort: metricsPort, protocol: 'TCP' },
  ];
  // /health asks every backing service: fine for people, wrong for a probe (one slow service would
  // restart every gateway). /health/live answers while the process runs, /health/ready until it drains.
  const probes = {
    startupProbe: { httpGet: { path: '/health/live', port: 'http' }, periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 2 },
    readinessProbe: { httpGet: { path: '/health/ready', port: 'http' }, periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 2 },
    livenessProbe: { httpGet: { path: '/health/live', port: 'http' }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 },
  };
  return [
    deployment(name, 'gateway', {
      containers: [container({ name, image: IMAGE(name), ports, env, resources: RESOURCES.gateway, probes })],
      podAnnotations: metricsAnnotations(metricsPort),
    }),
    service(name, 'gateway', [
      { name: 'http', port, appProtocol: 'http' },
      { name: 'metrics', port: metricsPort, appProtocol: 'http' },
    ]),
    ...scaling(name, 'gateway'),
  ];
}

/** What every pod reads from the ConfigMap: where the others are, NATS, and the shared switches. */
function configMap(services) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: CONFIG_MAP, labels: labelsOf('finance-tracker', 'config') },
    data: {
      LOG_LEVEL: 'info',
      // The NATS Helm chart's client Service (release `nats`); an overlay points it at its namespace.
      NATS_URL: 'nats://nats:4222',
      EVENT_NAMESPACE: '',
      // The release's migration Job applies migrations; a pod only checks that none is pending.
      MIGRATE_ON_START: 'false',
      METRICS_HOST: '0.0.0.0',
      SHUTDOWN_DRAIN_MS: String(SHUTDOWN_DRAIN_MS),
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      ...Object.fromEntries(services.map((s) => [s.addressVar, `${s.name}:${s.defaultPort}`])),
    },
  };
}

/**
 * The migration Job of a release: `node dist/migrate.js` of every service with a database, one after
 * the other (init containers, in the manifest's start order; the last one is the Job's container).
 * Each run takes the schema's advisory lock, so a Job racing a MIGRATE_ON_START=true process is safe.
 * Its name gets the release as a suffix in the overlay (infra/k8s/README.md): Jobs are immutable, and
 * a new name is what makes a new release run again.
 */
function migrateJob(services) {
  const steps = services
    .filter((s) => s.database)
    .map((s) =>
      container({
        name: `migrate-${s.name}`,
        image: IMAGE(s.name),
        args: ['node', 'dist/migrate.js'],
        env: secretEnvOf(s),
        resources: MIGRATE_RESOURCES,
      }),
    );
  const labels = labelsOf(MIGRATE_JOB, 'migration');
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: MIGRATE_JOB, labels },
    spec: {
      backoffLimit: 4,
      activeDeadlineSeconds: 900,
      // A finished Job goes after a week; applying the same release again then re-runs it, which finds nothing pending.
      ttlSecondsAfterFinished: 604800,
      template: {
        metadata: { labels },
        spec: podSpec({ initContainers: steps.slice(0, -1), containers: steps.slice(-1), restartPolicy: 'Never' }),
      },
    },
  };
}

/**
 * The CloudNativePG Cluster example: one database `finance` owned by the login `finance`, and, made
 * once at bootstrap by the operator as superuser, what the login may not create itself: every
 * database service's NOLOGIN role, granted to the login, and its schema owned by that role
 * (README, Database roles). Not part of the kustomization: it is the operator's resource.
 */
function cnpgCluster(services) {
  const sql = services
    .filter((s) => s.database)
    .flatMap((s) => [`CREATE ROLE finance_${s.name} NOLOGIN`, `GRANT finance_${s.name} TO finance`, `CREATE SCHEMA ${s.name} AUTHORIZATION finance_${s.name}`]);
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: 'finance-db', namespace: 'finance' },
    spec: {
      instances: 3,
      imageName: 'ghcr.io/cloudnative-pg/postgresql:17',
      storage: { size: '20Gi' },
      bootstrap: { initdb: { database: 'finance', owner: 'finance', postInitApplicationSQL: sql } },
    },
  };
}

const kustomization = (fields) => ({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...fields });

const HEADER =
  '# Generated by infra/scripts/k8s.mjs from the service manifest (packages/platform/src/services.ts).\n' +
  '# Do not edit: change the script or the manifest, then run `node infra/scripts/k8s.mjs` (the infra tests compare).\n';

const toYaml = (docs) => HEADER + docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');

/**
 * Every generated file, path (under infra/k8s) → text. `services` is the manifest's SERVICES
 * (only name, addressVar, defaultPort, metricsPort, healthName and database are read).
 */
export function renderK8s(services) {
  const files = new Map();
  const resources = ['configmap.yaml'];
  files.set('base/configmap.yaml', toYaml([configMap(services)]));
  for (const s of services) {
    files.set(`base/${s.name}.yaml`, toYaml(serviceObjects(s)));
    resources.push(`${s.name}.yaml`);
  }
  files.set('base/gateway.yaml', toYaml(gatewayObjects()));
  resources.push('gateway.yaml');
  files.set('base/kustomization.yaml', toYaml([kustomization({ resources })]));
  files.set('base/migrate/job.yaml', toYaml([migrateJob(services)]));
  files.set('base/migrate/kustomization.yaml', toYaml([kustomization({ resources: ['job.yaml'] })]));
  files.set('operators/cnpg-cluster.yaml', toYaml([cnpgCluster(services)]));
  return files;
}

/** The generated files whose committed text differs from `files` (missing ones included). */
export function staleFiles(files, dir = K8S_DIR) {
  return [...files].filter(([path, text]) => {
    try {
      return readFileSync(join(dir, path), 'utf8') !== text;
    } catch {
      return true;
    }
  }).map(([path]) => path);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { SERVICES } = await import(pathToFileURL(join(ROOT, 'packages/platform/dist/services.js')).href);
  const files = renderK8s(SERVICES);
  if (process.argv.includes('--check')) {
    const stale = staleFiles(files);
    if (stale.length) {
      console.error(`out of date (run node infra/scripts/k8s.mjs): ${stale.map((p) => `infra/k8s/${p}`).join(', ')}`);
      process.exit(1);
    }
  } else {
    for (const [path, text] of files) {
      mkdirSync(dirname(join(K8S_DIR, path)), { recursive: true });
      writeFileSync(join(K8S_DIR, path), text);
    }
    console.log(`wrote ${files.size} files under infra/k8s`);
  }
}
