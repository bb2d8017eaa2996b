// Validates Kubernetes manifests against the official JSON schemas, through the generated classes of the npm
// packages kubernetes-models (core API groups) and @kubernetes-models/keda (KEDA's CRDs).
// Usage: node validate.mjs FILE...; prints one JSON line per document: {file, index, apiVersion, kind, name, valid, error}.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

function modulePath(apiVersion, kind) {
  if (apiVersion.startsWith('keda.sh/')) {
    return `@kubernetes-models/keda/${apiVersion}/${kind}`;
  }
  return apiVersion.includes('/') ? `kubernetes-models/${apiVersion}/${kind}` : `kubernetes-models/v1/${kind}`;
}

for (const file of process.argv.slice(2)) {
  const documents = yaml.loadAll(readFileSync(file, 'utf8')).filter((doc) => doc != null);
  for (const [index, doc] of documents.entries()) {
    const result = { file, index, apiVersion: doc.apiVersion, kind: doc.kind, name: doc.metadata?.name ?? null };
    try {
      const models = await import(modulePath(doc.apiVersion, doc.kind));
      if (typeof models[doc.kind] !== 'function') {
        throw new Error(`no model for ${doc.apiVersion} ${doc.kind}`);
      }
      new models[doc.kind](doc).validate();
      result.valid = true;
    } catch (error) {
      result.valid = false;
      result.error = String(error.message ?? error);
    }
    console.log(JSON.stringify(result));
  }
}
