/**
 * Regenerates `lib/private/generated/constraints.ts` from the botocore service models installed for
 * `python3` (see scripts/constraints-generator.ts). Run after upgrading botocore, or after
 * regenerating `lib/private/generated/shapes.ts`:
 *
 *   npx ts-node --prefer-ts-exts scripts/generate-constraints.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { GENERATED_CONSTRAINTS_PATH, generateConstraintsSource } from './constraints-generator';

const source = generateConstraintsSource();
fs.mkdirSync(path.dirname(GENERATED_CONSTRAINTS_PATH), { recursive: true });
const previous = fs.existsSync(GENERATED_CONSTRAINTS_PATH) ? fs.readFileSync(GENERATED_CONSTRAINTS_PATH, 'utf8') : undefined;
fs.writeFileSync(GENERATED_CONSTRAINTS_PATH, source);
const status = previous === source ? 'unchanged' : previous === undefined ? 'created' : 'updated';
process.stdout.write(`${path.relative(process.cwd(), GENERATED_CONSTRAINTS_PATH)}: ${status} (${Buffer.byteLength(source)} bytes)\n`);
