#!/usr/bin/env node
// The default app of cdk.json: `npx cdk synth` prints its template.
import { createApp } from '../examples/getting-started/app';

createApp().synth();
