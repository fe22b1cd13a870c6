// Types of k8s.mjs for the infra tests (TypeScript checks them; the script itself is plain ESM).
export interface K8sServiceEntry {
  readonly name: string;
  readonly addressVar: string;
  readonly defaultPort: number;
  readonly metricsPort: number;
  readonly healthName: string;
  readonly database: boolean;
}
export const K8S_DIR: string;
export const PART_OF: string;
export const CONFIG_MAP: string;
export const SECRET: string;
export const MIGRATE_JOB: string;
export const UID: number;
export const IMAGE: (app: string) => string;
export const GATEWAY: { readonly name: 'gateway'; readonly port: number; readonly metricsPort: number };
export const TERMINATION_GRACE_SECONDS: number;
export const AUTOSCALED: Readonly<Record<string, { readonly minReplicas: number; readonly maxReplicas: number }>>;
export const SECRET_KEYS: Readonly<Record<string, readonly string[]>>;
export function renderK8s(services: readonly K8sServiceEntry[]): Map<string, string>;
export function staleFiles(files: Map<string, string>, dir?: string): string[];
