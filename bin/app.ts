#!/usr/bin/env node
// The default app of cdk.json: `npx cdk synth` prints the template of the abalone pipeline
// (examples/abalone, the SageMaker developer guide's example end to end).
import { createApp } from '../examples/abalone/app';

createApp().synth();
