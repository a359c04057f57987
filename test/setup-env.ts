// aws-cdk-lib 2.276 runs a bundled template rule engine on every synth (about 2-3 s each). Unit
// tests synthesize hundreds of small stacks, so they turn it off; `npx cdk synth` and
// `npm run synth:examples` in CI keep it on. The library's own validations always run.
process.env.CDK_VALIDATION = 'false';

// Property-based tests run a fixed seed in CI so that a run is reproducible; set FC_SEED to explore
// other inputs locally (`FC_SEED=$RANDOM npm test`). A failure prints the seed and the counterexample.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fc = require('fast-check') as typeof import('fast-check');
fc.configureGlobal({ seed: process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20261122 });
