// aws-cdk-lib 2.276 runs a bundled template rule engine on every synth (about 2-3 s each). Unit
// tests synthesize hundreds of small stacks, so they turn it off; `npx cdk synth` and
// `npm run synth:examples` in CI keep it on. The library's own validations always run.
process.env.CDK_VALIDATION = 'false';
