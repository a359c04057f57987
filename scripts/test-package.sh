#!/usr/bin/env bash
# The package as users get it (issue 14): compile, `npm pack`, check what the tarball ships, install it
# into a fresh CDK app in a temporary folder outside the repository (its own package.json; aws-cdk-lib
# and constructs, the library's peers, come from this repository's node_modules, the library's own
# dependencies from the npm registry or npm's cache), type-check and synthesize a pipeline with a
# processing, a training and a callback-handler step in eu-west-1, check the template (images resolved
# for eu-west-1, the handler's code asset present), and run the packaged `cdk-sagemaker-pipelines --help`.
#
# Usage: bash scripts/test-package.sh   (run by .ci/run; leaves no compiled files in the repository)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdk-sagemaker-pipelines-package-XXXXXX")"
cleanup() {
  (cd "$ROOT" && npx tsc --build --clean) || true
  rm -rf "$WORK"
}
trap cleanup EXIT

cd "$ROOT"
echo "== compile and pack"
npx tsc --build
npm pack --silent --pack-destination "$WORK" > "$WORK/pack-name.txt"
TARBALL="$WORK/$(tail -n 1 "$WORK/pack-name.txt")"
echo "packed $(basename "$TARBALL") ($(du -k "$TARBALL" | cut -f1) KB)"

echo "== tarball contents"
tar -tzf "$TARBALL" | sed 's|^package/||' | sort > "$WORK/files.txt"
node - "$WORK/files.txt" <<'EOF'
const files = require('fs').readFileSync(process.argv[2], 'utf-8').trim().split('\n');
const allowed = [
  /^lib\/.+\.js$/, /^lib\/.+\.js\.map$/, /^lib\/.+\.d\.ts$/, /^lib\/.+\.cjs$/,
  /^data\/image-uris\/[^/]+\.json$/, /^data\/image-uris\/(LICENSE|NOTICE)\.txt$/,
  /^(package\.json|README\.md|LICENSE|NOTICE)$/,
];
const unexpected = files.filter((f) => !allowed.some((re) => re.test(f)));
const required = ['package.json', 'README.md', 'LICENSE', 'NOTICE', 'lib/index.js', 'lib/index.js.map', 'lib/index.d.ts', 'lib/cli/bin.cjs', 'lib/cli/main.js',
  'lib/callback-handler-runtime/index.cjs', 'data/image-uris/xgboost.json', 'data/image-uris/sklearn.json', 'data/image-uris/NOTICE.txt'];
const missing = required.filter((f) => !files.includes(f));
if (unexpected.length > 0 || missing.length > 0) {
  console.error(`tarball: unexpected files: ${unexpected.join(', ') || 'none'}; missing: ${missing.join(', ') || 'none'}`);
  process.exit(1);
}
console.log(`${files.length} files, all of them compiled library code, declarations, the handler runtime, image-uri data or package documents`);
EOF

echo "== a fresh CDK app outside the repository: $WORK/app"
mkdir -p "$WORK/app"
cd "$WORK/app"
cat > package.json <<EOF
{
  "name": "package-smoke-test",
  "private": true,
  "dependencies": {
    "aws-cdk-lib": "file:$ROOT/node_modules/aws-cdk-lib",
    "constructs": "file:$ROOT/node_modules/constructs",
    "cdk-sagemaker-pipelines": "file:$TARBALL"
  }
}
EOF
npm install --no-audit --no-fund --prefer-offline --loglevel=error
# Source maps ship as .js.map files: an app that loads the library does not hold them in memory.
inline="$(grep -rl 'sourceMappingURL=data:' node_modules/cdk-sagemaker-pipelines/lib --include='*.js' | head -n 3 || true)"
if [ -n "$inline" ]; then echo "compiled files carry inline source maps: $inline"; exit 1; fi
grep -q '"sourcesContent"' node_modules/cdk-sagemaker-pipelines/lib/index.js.map || { echo "lib/index.js.map holds no sources"; exit 1; }
printf 'exports.handler = async (args) => ({ approved: "true" });\n' > approval-handler.cjs
cat > app.ts <<'EOF'
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CallbackHandler, ContainerImage, Pipeline, ProcessingStep, TrainingInput, TrainingStep } from 'cdk-sagemaker-pipelines';

const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'Smoke', { env: { account: '123456789012', region: 'eu-west-1' } });
const bucket = new s3.Bucket(stack, 'Data');
const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'smoke' });
const prep = new ProcessingStep(pipeline, 'Prep', {
  image: ContainerImage.sklearn('1.2-1'),
  containerEntrypoint: ['python3', '/opt/ml/processing/input/code/preprocess.py'],
  inputs: [{ inputName: 'raw', s3Uri: `s3://${bucket.bucketName}/raw`, localPath: '/opt/ml/processing/input' }],
  outputs: [{ outputName: 'train', localPath: '/opt/ml/processing/train' }],
});
const train = new TrainingStep(pipeline, 'Train', {
  image: ContainerImage.xgboost('1.7-1'),
  inputs: [TrainingInput.s3('train', prep.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri)],
  hyperparameters: { objective: 'reg:squarederror', num_round: 50 },
});
const approvals = new CallbackHandler(stack, 'Approvals', { handlerPath: path.join(__dirname, 'approval-handler.cjs'), pipelines: [pipeline] });
approvals.callbackStep(pipeline, 'Approve', {
  inputs: { model: train.properties.ModelArtifacts.S3ModelArtifacts },
  outputs: [{ outputName: 'approved' }],
});
app.synth();
EOF
# Type-checked against the packaged declarations (no type packages of its own: the app uses none).
"$ROOT/node_modules/.bin/tsc" --strict --module commonjs --target es2022 --esModuleInterop --skipLibCheck --types node --typeRoots "$ROOT/node_modules/@types" app.ts
node app.js
node - <<'EOF'
const fs = require('fs');
const path = require('path');
const template = JSON.parse(fs.readFileSync('cdk.out/Smoke.template.json', 'utf-8'));
const fail = (message) => { console.error(`package smoke test: ${message}`); process.exit(1); };
const resources = Object.values(template.Resources);
const pipeline = resources.find((r) => r.Type === 'AWS::SageMaker::Pipeline');
if (!pipeline) fail('no AWS::SageMaker::Pipeline in the template');
const body = pipeline.Properties.PipelineDefinition.PipelineDefinitionBody;
const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : '<cfn>')).join('');
const definition = JSON.parse(text);
const step = (name) => definition.Steps.find((s) => s.Name === name) ?? fail(`no step ${name}`);
const prepImage = step('Prep').Arguments.AppSpecification.ImageUri;
const trainImage = step('Train').Arguments.AlgorithmSpecification.TrainingImage;
for (const [what, uri, repository] of [['Prep', prepImage, 'sagemaker-scikit-learn:1.2-1-cpu-py3'], ['Train', trainImage, 'sagemaker-xgboost:1.7-1']]) {
  if (!new RegExp(`^\\d{12}\\.dkr\\.ecr\\.eu-west-1\\.amazonaws\\.com/${repository.replace(/\./g, '\\.')}$`).test(uri)) {
    fail(`${what} image is '${uri}', expected the eu-west-1 registry's ${repository}`);
  }
}
if (step('Approve').Type !== 'Callback') fail('Approve is not a Callback step');
const fn = resources.find((r) => r.Type === 'AWS::Lambda::Function');
if (!fn) fail('no AWS::Lambda::Function for the callback handler');
// The function's S3 key names a file asset of the stack's asset manifest, staged as a folder in cdk.out.
const key = fn.Properties.Code.S3Key;
const manifest = JSON.parse(fs.readFileSync('cdk.out/Smoke.assets.json', 'utf-8'));
const entry = Object.values(manifest.files).find((f) => Object.values(f.destinations).some((d) => d.objectKey === key));
const asset = entry?.source.path;
if (!asset || !fs.existsSync(path.join('cdk.out', asset, 'index.js'))) fail(`the handler's code asset is missing (S3Key ${JSON.stringify(key)}, asset ${asset})`);
if (!fs.readFileSync(path.join('cdk.out', asset, 'index.js'), 'utf-8').includes('SendPipelineExecutionStepSuccess')) {
  fail('the handler asset does not hold the callback handler runtime');
}
console.log(`template ok: images ${prepImage} and ${trainImage}; handler code asset ${asset}`);
EOF

echo "== the packaged command-line tool"
npx --no-install cdk-sagemaker-pipelines --help > help.txt
grep -q 'Usage: cdk-sagemaker-pipelines' help.txt || { echo "cdk-sagemaker-pipelines --help printed:"; cat help.txt; exit 1; }
head -n 3 help.txt
echo "package test passed"
