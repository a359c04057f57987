import * as fs from 'fs';
import * as path from 'path';
import { IMAGE_URI_DATA_DIR } from '../images/image-uris';

/** Where a SageMaker-provided image lives: framework, version and scope of the registry data. */
interface KnownImage {
  readonly framework: string;
  readonly scope?: string;
  readonly versions: string[];
}

let index: Map<string, KnownImage[]> | undefined;

/** `<account>/<region>/<repository>` -> the frameworks whose registry data names it. */
function imageIndex(): Map<string, KnownImage[]> {
  if (index !== undefined) {
    return index;
  }
  index = new Map();
  for (const file of fs.readdirSync(IMAGE_URI_DATA_DIR).filter((f) => f.endsWith('.json'))) {
    const framework = file.replace(/\.json$/, '');
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(fs.readFileSync(path.join(IMAGE_URI_DATA_DIR, file), 'utf-8'));
    } catch {
      continue;
    }
    const scopes: Array<[string | undefined, Record<string, unknown>]> = 'versions' in data
      ? [[undefined, data]]
      : Object.entries(data).filter(([, v]) => typeof v === 'object' && v !== null && 'versions' in (v as object)) as Array<[string, Record<string, unknown>]>;
    for (const [scope, config] of scopes) {
      for (const [version, raw] of Object.entries(config.versions as Record<string, unknown>)) {
        const v = raw as { registries?: Record<string, string>; repository?: string };
        if (v.registries === undefined || v.repository === undefined) {
          continue;
        }
        for (const [region, account] of Object.entries(v.registries)) {
          const key = `${account}/${region}/${v.repository}`;
          const list = index.get(key) ?? [];
          let entry = list.find((e) => e.framework === framework && e.scope === scope);
          if (entry === undefined) {
            entry = { framework, scope, versions: [] };
            list.push(entry);
            index.set(key, list);
          }
          entry.versions.push(version);
        }
      }
    }
  }
  return index;
}

const FACTORIES: Record<string, (version: string | undefined) => string> = {
  'xgboost': (v) => `ContainerImage.xgboost('${v}')`,
  'sklearn': (v) => `ContainerImage.sklearn('${v}')`,
  'pytorch': (v) => `ContainerImage.pytorch('${v}')`,
  'tensorflow': (v) => `ContainerImage.tensorflow('${v}')`,
  'spark': (v) => `ContainerImage.spark('${v}')`,
  'model-monitor': () => 'ContainerImage.modelMonitor()',
  'clarify': () => 'ContainerImage.clarify()',
};

/**
 * When `imageUri` is an image that SageMaker provides (per the SageMaker SDK's image registry data in
 * `data/image-uris`), the `ContainerImage` factory that gives it for the stack's Region, e.g.
 * `ContainerImage.xgboost('1.7-1')`; otherwise undefined.
 */
export function suggestContainerImage(imageUri: string): string | undefined {
  const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.[a-z0-9.]+\/([^:@]+)(?::([^@]+))?$/.exec(imageUri);
  if (!match) {
    return undefined;
  }
  const [, account, region, repository, tag] = match;
  const candidates = imageIndex().get(`${account}/${region}/${repository}`);
  if (candidates === undefined || candidates.length === 0) {
    return undefined;
  }
  const candidate = candidates[0];
  const version = tag === undefined ? undefined
    : candidate.versions.filter((v) => tag === v || tag.startsWith(`${v}-`)).sort((a, b) => b.length - a.length)[0];
  const factory = FACTORIES[candidate.framework];
  if (factory !== undefined && (version !== undefined || ['model-monitor', 'clarify'].includes(candidate.framework))) {
    return factory(version);
  }
  const options = [`framework: '${candidate.framework}'`, ...(version !== undefined ? [`version: '${version}'`] : []), ...(candidate.scope !== undefined ? [`scope: '${candidate.scope}'`] : [])];
  return `ContainerImage.fromSageMakerImage({ ${options.join(', ')} })`;
}
