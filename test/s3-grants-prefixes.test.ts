import * as fc from 'fast-check';
import { uncovered } from '../lib/private/s3-grants';

/** The definition: the distinct prefixes, in first-seen order, that no other prefix of the list starts. */
function naive(list: string[]): string[] {
  const distinct = [...new Set(list)];
  return distinct.filter((prefix) => !distinct.some((other) => other !== prefix && prefix.startsWith(other)));
}

describe('S3 grant prefixes covered by another prefix', () => {
  test('are dropped, keeping the first-seen order of the rest', () => {
    expect(uncovered(['steps/1/', 'steps/', 'models/a', 'steps/2/x', 'models/ab', 'models/a'])).toEqual(['steps/', 'models/a']);
    expect(uncovered(['b/', '', 'a/'])).toEqual(['']);
    expect(uncovered([])).toEqual([]);
  });

  test('the sorted scan agrees with the pairwise definition on any list', () => {
    // a small alphabet makes prefixes of one another common
    const key = fc.string({ unit: fc.constantFrom('a', 'b', '/', 'Z', 'é'), maxLength: 6 });
    fc.assert(fc.property(fc.array(key, { maxLength: 40 }), (list) => {
      expect(uncovered(list)).toEqual(naive(list));
    }), { numRuns: 500 });
  });
});
