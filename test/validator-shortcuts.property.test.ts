import * as fc from 'fast-check';
import { fullDefinition } from './fixtures/full-definition';
import { CONSTRAINTS, ValueConstraint } from '../lib/private/generated/constraints';
import { itemWhat } from '../lib/validator/arguments';
import { ValidationContext, child, childSegment, joinChild } from '../lib/validator/context';
import { checkValueConstraint, meetsValueConstraint } from '../lib/validator/limits';
import { validateDefinition } from '../lib/validator/validate-definition';

/**
 * The validator takes shortcuts for speed: path segments and message labels are worked out once per
 * shape member instead of once per value, and a literal that meets its constraints is accepted
 * without building its path. These properties pin that the shortcuts give exactly what the direct
 * construction gives, for any key, path and value.
 */

/** `child` as first written: the reference the shortcuts must match. */
function directChild(path: string, key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    return path === '' ? key : `${path}.${key}`;
  }
  return `${path}['${key}']`;
}

/** The label of a list's items as first written. */
function directItemWhat(what: string): string {
  return `${what.replace(/ item$/, '')} item`;
}

/** Keys with quotes, dots, brackets, spaces, unicode, digits first, and plain identifiers. */
const keys = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/),
  fc.constantFrom("a'b", 'a.b', '[0]', "']", '"q"', 'ü', 'x y', '', '0', '9a', 'Get', 'Std:Join', '_', 'a]b', '\n', 'toString'),
);
const paths = fc.oneof(fc.constant(''), fc.constantFrom('Steps[0].Arguments', "Steps[1].Arguments.Environment['a.b']"), fc.string());

describe('path segments worked out once per key', () => {
  test('joinChild(path, key, childSegment(key)) is child(path, key), which is the direct construction', () => {
    fc.assert(fc.property(paths, keys, (path, key) => {
      // GIVEN any path and any key
      // WHEN the path is built from the segment worked out beforehand
      const joined = joinChild(path, key, childSegment(key));
      // THEN it is what the direct construction gives
      expect(joined).toBe(directChild(path, key));
      expect(child(path, key)).toBe(directChild(path, key));
    }), { numRuns: 2000 });
  });

  test('itemWhat(what) is the direct construction of a list item label', () => {
    const whats = fc.oneof(fc.string(), keys.map((k) => `"${k}"`), keys.map((k) => `"${k}" item`), fc.string().map((s) => `${s} item`),
      fc.constantFrom(' item', 'item', ' item\n', ' item item', 'x  item', ''));
    fc.assert(fc.property(whats, (what) => {
      // GIVEN any label  WHEN / THEN
      expect(itemWhat(what)).toBe(directItemWhat(what));
    }), { numRuns: 2000 });
  });
});

describe('literals accepted without building their path', () => {
  /** Constraints of the service model (patterns included), and made-up ranges and lengths. */
  const modelConstraints = Object.values(CONSTRAINTS)
    .flatMap((c) => [c, c.items, c.keys, c.values])
    .filter((c): c is ValueConstraint => c !== undefined);
  const constraints = fc.oneof(
    fc.constantFrom(...modelConstraints),
    fc.record({ min: fc.integer({ min: -5, max: 20 }), max: fc.integer({ min: -5, max: 40 }) }, { requiredKeys: [] }),
    fc.constant(undefined),
  );
  const values = fc.oneof(
    fc.string(), fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ minLength: 60, maxLength: 3000 }),
    fc.constantFrom('${Token[TOKEN.1]}', 's3://${Token[TOKEN.2]}/k', '#{Token[TOKEN.3]}', '{', 'ml.m5.xlarge', 's3://bucket/key', 'S3://bucket/key',
      'arn:aws:iam::123456789012:role/R', '<role-arn>', 'File', 'a-b', ''),
    fc.integer(), fc.double(), fc.constantFrom(-1.888e289, 1e300, NaN, Infinity, 0, -0), fc.boolean(),
    fc.constant(null), fc.constant(undefined), fc.constant({ Get: 'Parameters.X' }), fc.constant([1]),
  );

  test('meetsValueConstraint(value, constraint) exactly when checkValueConstraint reports nothing', () => {
    fc.assert(fc.property(values, constraints, (value, constraint) => {
      // GIVEN any value and constraint
      const ctx = new ValidationContext();
      // WHEN it is checked
      checkValueConstraint(ctx, value, constraint, 'Steps[0].Arguments.X', '"X"');
      // THEN the shortcut agrees with the check
      expect(meetsValueConstraint(value, constraint)).toBe(ctx.problems.length === 0);
    }), { numRuns: 3000 });
  });
});

describe('paths and labels in the validator findings', () => {
  test('an unknown member at any depth of job Arguments is reported at the directly built path', () => {
    const parents: Array<[string, (d: Record<string, any>) => Record<string, any>, string]> = [
      ['Steps[0].Arguments', (d) => d.Steps[0].Arguments, 'CreateProcessingJobRequest'],
      ['Steps[0].Arguments.ProcessingResources.ClusterConfig', (d) => d.Steps[0].Arguments.ProcessingResources.ClusterConfig, 'ProcessingClusterConfig'],
      ['Steps[0].Arguments.ProcessingInputs[1].S3Input', (d) => d.Steps[0].Arguments.ProcessingInputs[1].S3Input, 'ProcessingS3Input'],
    ];
    fc.assert(fc.property(keys, fc.constantFrom(...parents), (key, [parentPath, parentOf, shape]) => {
      // GIVEN the valid full definition with one more key in a structure
      const d = fullDefinition();
      const parent = parentOf(d);
      // (not a key that makes the structure an expression, nor one it has)
      fc.pre(!(key in parent) && key !== 'Get' && !key.startsWith('Std:'));
      Object.defineProperty(parent, key, { value: 'x', enumerable: true, writable: true, configurable: true });
      // WHEN it is validated
      const problems = validateDefinition(d);
      // THEN the key is reported as unknown, at the directly built path (unless the members object inherits the key)
      if (!(key in {})) {
        expect(problems).toContainEqual(expect.objectContaining({
          path: directChild(parentPath, key), stepName: 'Prep', message: expect.stringContaining(`Unknown member "${key}" in ${shape}.`),
        }));
      }
    }), { numRuns: 300 });
  });

  test('a map value and a list item of the wrong type are named with directly built paths and labels', () => {
    fc.assert(fc.property(keys, fc.nat(3), (key, extra) => {
      // GIVEN an Environment entry with any key and a number value, and a ContainerArguments item that is a number
      // (not a key that makes the map an expression, nor one it has)
      fc.pre(key !== 'Get' && !key.startsWith('Std:') && key !== 'STARTED_AT' && key !== 'MODE');
      const d = fullDefinition();
      const args = d.Steps[0].Arguments;
      Object.defineProperty(args.Environment, key, { value: 7, enumerable: true, writable: true, configurable: true });
      args.AppSpecification.ContainerArguments = [...Array(extra).fill('--flag'), 8];
      // WHEN it is validated
      const problems = validateDefinition(d);
      // THEN both are reported with the paths and labels built directly
      expect(problems).toContainEqual({
        path: directChild('Steps[0].Arguments.Environment', key),
        stepName: 'Prep',
        message: expect.stringMatching(new RegExp(`^${escape(`"Environment" value "${key}" must be a string or an expression`)}`)),
      });
      expect(problems).toContainEqual({
        path: `Steps[0].Arguments.AppSpecification.ContainerArguments[${extra}]`,
        stepName: 'Prep',
        message: expect.stringMatching(new RegExp(`^${escape(`${directItemWhat('"ContainerArguments"')} must be a string or an expression`)}`)),
      });
    }), { numRuns: 300 });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
