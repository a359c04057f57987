#!/usr/bin/env node
// The `cdk-sagemaker-pipelines` command. In the published package it runs the compiled lib/cli/main.js;
// in a clone of the repository (TypeScript sources beside it, ts-node installed) it runs main.ts
// transpile-only, so `npx cdk-sagemaker-pipelines ...` works after `npm ci` with no build step.
'use strict';
const fs = require('fs');
const path = require('path');

if (fs.existsSync(path.join(__dirname, 'main.ts'))) {
  require('ts-node').register({
    transpileOnly: true,
    preferTsExts: true,
    project: path.join(__dirname, '..', '..', 'tsconfig.json'),
  });
}
require('./main').main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
