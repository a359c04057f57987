import { DependencyType, javascript, typescript } from 'projen';

/**
 * cdk-sagemaker-pipelines: projen manages package.json, tsconfig*.json, jest and eslint config.
 * Edit this file and run `npx projen` to regenerate them; never edit the generated files by hand.
 */
const project = new typescript.TypeScriptProject({
  name: 'cdk-sagemaker-pipelines',
  description: 'AWS CDK v2 constructs for Amazon SageMaker Pipelines: every step type a construct, typed property references, synth-time validation.',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.0.0',
  // DESIGN decision 2: `lib/` is the source folder, compiled in place (collocated).
  srcdir: 'lib',
  libdir: 'lib',
  testdir: 'test',
  sampleCode: false,
  // Toolchain trap (cdk-integration.md): TypeScript 7 breaks ts-jest and ts-node.
  typescriptVersion: '~5.9.3',
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  license: 'Apache-2.0',
  copyrightOwner: 'cdk-sagemaker-pipelines authors',
  peerDeps: ['aws-cdk-lib@^2.276.0', 'constructs@^10.5.1'],
  deps: ['@aws-sdk/client-sagemaker@3.1142.0', '@aws-sdk/client-emr@3.1089.0', 'jsonpath-plus@^10.3.0', 'commander@^14.0.3',
    // The tool's tables and its live view that redraws in place (CommonJS; log-update 5+ is ESM-only).
    'cli-table3@^0.6.5', 'log-update@^4.0.0'],
  // DESIGN decision 13: the command-line tool ships in this package. lib/cli/bin.cjs runs the compiled
  // lib/cli/main.js, or main.ts through ts-node in a clone, so `npx cdk-sagemaker-pipelines` needs no build.
  bin: { 'cdk-sagemaker-pipelines': 'lib/cli/bin.cjs' },
  devDeps: [
    'aws-cdk-lib@2.276.0',
    'constructs@10.8.1',
    // Toolchain trap: the CLI's `latest` (3.x) refuses aws-cdk-lib 2.276's cloud assembly schema.
    'aws-cdk@^2.1148.1',
    'ts-node@^10.9.2',
    'fast-check@^4.10.2',
    'cdk-nag@^3.0.2',
    'typedoc@^0.28.20',
    '@types/jest@^29',
    // Tests of the tool: SageMaker calls moto_server lacks, and Mermaid's own parser (ESM, run in a
    // child Node process under jsdom) for the graph output.
    'aws-sdk-client-mock@^4.1.0',
    'mermaid@11.17.2',
    'jsdom@^26.1.0',
  ],
  eslintOptions: {
    dirs: ['lib'],
    devdirs: ['test', 'bin', 'examples', 'scripts'],
    ignorePatterns: ['*.js', '*.d.ts', 'node_modules/', 'cdk.out/', 'lib/private/generated/'],
  },
  jestOptions: {
    // jest 30 resolves through unrs-resolver, whose per-platform binaries this registry lacks: `npm ci`
    // then refuses the lock file. jest 29 (with ts-jest 29) has no such dependency.
    jestVersion: '^29',
    // Snapshots are golden files reviewed like code: never rewrite them silently during `npm test`.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      collectCoverage: false,
      setupFiles: ['<rootDir>/test/setup-env.ts'],
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/cdk.out/'],
    },
  },
  // jest transpiles each file on its own (isolatedModules), which keeps a test file's run in seconds;
  // type-checking happens once per `npm test`, in the typecheck task that runs before jest.
  tsJestOptions: { transformOptions: { tsconfig: typescript.TsJestTsconfig.fromFile('test/tsconfig.jest.json') } },
  tsconfig: {
    compilerOptions: {
      lib: ['es2022'],
      target: 'ES2022',
      module: 'commonjs',
      skipLibCheck: true,
    },
  },
  tsconfigDev: {
    compilerOptions: {
      lib: ['es2022'],
      target: 'ES2022',
      module: 'commonjs',
      skipLibCheck: true,
    },
  },
  gitignore: ['cdk.out/', '/docs/api/', '*.tsbuildinfo', '/bin/**/*.js', '/bin/**/*.d.ts', '/examples/**/*.js', '/examples/**/*.d.ts', '/scripts/**/*.js', '/scripts/**/*.d.ts'],
});

project.package.addField('type', 'commonjs');
for (const pattern of ['/bin/', '/examples/', '/scripts/', 'cdk.json', '/.ci/', '/docs/', '/lib/**/*.ts', '!/lib/**/*.d.ts']) {
  project.addPackageIgnore(pattern);
}

project.addTask('bench', {
  description: 'Synth-time benchmark: this library against a hand-built CfnPipeline, for 10, 100 and 600 steps',
  exec: 'ts-node --prefer-ts-exts scripts/bench.ts',
});

const typecheck = project.addTask('typecheck', {
  description: 'Type-check the library, tests, examples, scripts and the default app (jest and cdk synth only transpile)',
  exec: 'tsc -p tsconfig.typecheck.json',
});
project.testTask.prependSpawn(typecheck);

project.addTask('docs', {
  description: 'API reference from the TSDoc comments into docs/api/ (fails on undocumented exports)',
  exec: 'typedoc --options typedoc.json',
});

project.addTask('synth:examples', {
  description: 'Synthesize every examples/<name>/app.ts into cdk.out/examples/<name>/',
  exec: 'ts-node --prefer-ts-exts scripts/synth-examples.ts',
  receiveArgs: true,
});

// eslint-import-resolver-typescript 4.x pulls unrs-resolver (see jestVersion); 3.6 resolves with enhanced-resolve.
project.deps.removeDependency('eslint-import-resolver-typescript');
project.deps.addDependency('eslint-import-resolver-typescript@3.6.3', DependencyType.BUILD);

// Property paths read like the AWS documentation: `Outputs['train']`, not `Outputs.train`.
project.eslint?.addRules({ 'dot-notation': 'off' });

project.synth();
