// Deployment files that cannot be exercised here (no Kubernetes cluster, no Grafana):
// they parse, and they agree with each other and with the code — service names, env
// variables, secrets, probes, disruption budgets, the Grafana data source uid.
// YAML is parsed with the `yaml` package that @fastify/swagger already installs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_DASHBOARDS_CONFIG } from '../../dashboards/config';
import { envNamesInExample } from './env-names';

const deploy = join(import.meta.dirname, '../../deploy');
const SERVICES = ['ingest', 'detect', 'alert', 'desk'] as const;

type Doc = Record<string, any>;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

function parse(file: string): Doc[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  for (const doc of docs) if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
  return docs.map((d) => d.toJS() as Doc).filter((d) => d !== null);
}

describe('YAML under deploy/', () => {
  it('parses', () => {
    const files = yamlFiles(deploy);
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const file of files) expect(() => parse(file), file).not.toThrow();
  });
});

describe('deploy/k8s', () => {
  const docs = readdirSync(join(deploy, 'k8s')).flatMap((f) => parse(join(deploy, 'k8s', f)));
  const ofKind = (kind: string) => docs.filter((d) => d['kind'] === kind);
  const named = (kind: string, name: string) => ofKind(kind).find((d) => d['metadata']?.['name'] === name);

  for (const service of SERVICES) {
    describe(service, () => {
      const deployment = named('Deployment', `tocsin-${service}`)!;
      const pod = deployment?.['spec']?.['template'];
      const container = pod?.['spec']?.['containers']?.[0];

      it('runs `tocsin service <name>` as a non-root, read-only, capability-free container with resources', () => {
        expect(deployment, `Deployment tocsin-${service}`).toBeDefined();
        expect(container['command'].slice(-2)).toEqual(['service', service]);
        expect(container['resources']['requests']).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container['resources']['limits']).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container['securityContext']).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        expect(pod['spec']['securityContext']).toMatchObject({ runAsNonRoot: true });
        expect(pod['spec']['terminationGracePeriodSeconds']).toBeGreaterThanOrEqual(30);
      });

      it('takes its settings from ConfigMaps and Secrets that exist and hold only variables the service reads', () => {
        const example = envNamesInExample(readFileSync(join(deploy, 'env', `${service}.env.example`), 'utf8'));
        for (const source of container['envFrom']) {
          const [kind, ref] = source['configMapRef'] ? ['ConfigMap', source['configMapRef']] : ['Secret', source['secretRef']];
          const doc = named(kind, ref['name']);
          expect(doc, `${kind} ${ref['name']}`).toBeDefined();
          for (const key of Object.keys(doc!['data'] ?? doc!['stringData'] ?? {})) expect(example.has(key), `${key} of ${kind} ${ref['name']} is not read by ${service}`).toBe(true);
        }
        const volumes = new Set((pod['spec']['volumes'] ?? []).map((v: Doc) => v['configMap']?.['name']).filter(Boolean));
        for (const name of volumes) expect(named('ConfigMap', name as string), `ConfigMap ${String(name)}`).toBeDefined();
      });

      it('has a PodDisruptionBudget selecting its pods', () => {
        const pdb = ofKind('PodDisruptionBudget').find((d) => d['metadata']['name'] === `tocsin-${service}`);
        expect(pdb).toBeDefined();
        expect(pod['metadata']['labels']).toMatchObject(pdb!['spec']['selector']['matchLabels']);
        expect(deployment['spec']['selector']['matchLabels']).toEqual(pdb!['spec']['selector']['matchLabels']);
      });
    });
  }

  it('probes the desk on /api/health, and keeps keys in Secrets only', () => {
    const desk = named('Deployment', 'tocsin-desk')!['spec']['template']['spec']['containers'][0];
    expect(desk['readinessProbe']['httpGet']['path']).toBe('/api/health');
    expect(desk['livenessProbe']['httpGet']['path']).toBe('/api/health');
    const configKeys = ofKind('ConfigMap').flatMap((d) => Object.keys(d['data'] ?? {}));
    for (const secret of ['TOCSIN_PSEUDONYM_KEY', 'TOCSIN_DLQ_KEY', 'ALERT_OPERATOR_KEY', 'INFLUX_TOKEN']) {
      expect(configKeys).not.toContain(secret);
      expect(ofKind('Secret').some((s) => secret in (s['stringData'] ?? {}))).toBe(true);
    }
  });
});

describe('deploy/k8s: the desk in front of the alert API', () => {
  const docs = readdirSync(join(deploy, 'k8s')).flatMap((f) => parse(join(deploy, 'k8s', f)));
  const named = (kind: string, name: string) => docs.find((d) => d['kind'] === kind && d['metadata']?.['name'] === name);

  it('points TOCSIN_ALERT_URL at a Service that reaches the alert container\'s HTTP port', () => {
    const target = new URL(named('ConfigMap', 'tocsin-desk')!['data']['TOCSIN_ALERT_URL']);
    const [serviceName, namespace] = target.hostname.split('.');
    const service = named('Service', serviceName!)!;
    expect(service, `Service ${serviceName}`).toBeDefined();
    expect(namespace).toBe(service['metadata']['namespace']);
    const port = service['spec']['ports'].find((p: Doc) => p['port'] === Number(target.port));
    expect(port, `port ${target.port} of Service ${serviceName}`).toBeDefined();
    const alert = named('Deployment', 'tocsin-alert')!['spec']['template'];
    expect(alert['metadata']['labels']).toMatchObject(service['spec']['selector']);
    const containerPort = alert['spec']['containers'][0]['ports'].find((p: Doc) => p['name'] === port['targetPort']);
    expect(containerPort['containerPort']).toBe(8081);
  });

  it('admits only desk pods to the alert API, and both read the same key records', () => {
    const policy = named('NetworkPolicy', 'tocsin-alert-api')!;
    expect(policy['spec']['podSelector']['matchLabels']).toEqual({ 'app.kubernetes.io/name': 'tocsin-alert' });
    expect(policy['spec']['ingress']).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'tocsin-desk' } } }], ports: [{ protocol: 'TCP', port: 8081 }] }]);
    for (const service of ['alert', 'desk']) {
      const file = named('ConfigMap', `tocsin-${service}`)!['data']['TOCSIN_API_KEYS_FILE'] as string;
      const pod = named('Deployment', `tocsin-${service}`)!['spec']['template']['spec'];
      const volume = pod['volumes'].find((v: Doc) => v['secret']?.['secretName'] === 'tocsin-api-keys');
      const mount = pod['containers'][0]['volumeMounts'].find((m: Doc) => m['name'] === volume['name']);
      expect(file.startsWith(`${mount['mountPath']}/`), `${service} reads ${file}`).toBe(true);
      expect(Object.keys(named('Secret', 'tocsin-api-keys')!['stringData'])).toContain(file.slice(mount['mountPath'].length + 1));
    }
  });
});

describe('deploy/grafana/provisioning', () => {
  it('provides the data source the dashboards name, with InfluxQL', () => {
    const [doc] = parse(join(deploy, 'grafana/provisioning/datasources/tocsin-influxdb.yaml'));
    const source = doc!['datasources'][0];
    expect({ type: source['type'], uid: source['uid'] }).toEqual(DEFAULT_DASHBOARDS_CONFIG.datasource);
    expect(source['jsonData']['version']).toBe('InfluxQL');
  });

  it('loads the generated dashboards into the configured folder, read-only', () => {
    const [doc] = parse(join(deploy, 'grafana/provisioning/dashboards/tocsin.yaml'));
    expect(doc!['providers'][0]).toMatchObject({ type: 'file', folder: DEFAULT_DASHBOARDS_CONFIG.folder, allowUiUpdates: false });
  });
});
