/**
 * Regenerates `lib/private/generated/shapes.ts` from the installed `@aws-sdk/client-sagemaker` and
 * `@aws-sdk/client-emr` (DESIGN decision 6). Run after upgrading either package:
 *
 *   npx ts-node --prefer-ts-exts scripts/generate-shapes.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { GENERATED_SHAPES_PATH, generateShapesSource } from './shapes-generator';

const source = generateShapesSource();
fs.mkdirSync(path.dirname(GENERATED_SHAPES_PATH), { recursive: true });
const previous = fs.existsSync(GENERATED_SHAPES_PATH) ? fs.readFileSync(GENERATED_SHAPES_PATH, 'utf8') : undefined;
fs.writeFileSync(GENERATED_SHAPES_PATH, source);
const status = previous === source ? 'unchanged' : previous === undefined ? 'created' : 'updated';
process.stdout.write(`${path.relative(process.cwd(), GENERATED_SHAPES_PATH)}: ${status} (${Buffer.byteLength(source)} bytes)\n`);
