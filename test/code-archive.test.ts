import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fc from 'fast-check';
import { writeCodeArchive } from '../lib/private/code-archive';

/**
 * The source archives of inference code: what Python's tarfile (which the SageMaker training and
 * inference toolkits use to unpack `sagemaker_submit_directory`) reads back is exactly what was
 * written, and the same files always give the same hash.
 */

/** Every member of a .tar.gz as Python's tarfile sees it: name, type, mode and sha256 of files. */
function readWithPython(archive: string): Array<[string, string, number, string]> {
  const script = [
    'import hashlib, json, sys, tarfile',
    'with tarfile.open(sys.argv[1], "r:gz") as t:',
    '    out = [[m.name, "dir" if m.isdir() else "file", m.mode, hashlib.sha256(t.extractfile(m).read()).hexdigest() if m.isfile() else ""] for m in t.getmembers()]',
    'print(json.dumps(out))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script, archive]).toString());
}

const segment = fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/).filter((s) => s !== '.' && s !== '..');
const entry = fc.record({
  name: fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/')),
  data: fc.uint8Array({ maxLength: 1500 }).map((a) => Buffer.from(a)),
  executable: fc.boolean(),
});

describe('writeCodeArchive', () => {
  test('Python reads back every file with its bytes and mode (property)', () => {
    fc.assert(fc.property(fc.uniqueArray(entry, { minLength: 1, maxLength: 6, selector: (e) => e.name }), (entries) => {
      // GIVEN: no file name is also a folder of another file
      fc.pre(entries.every((a) => entries.every((b) => !b.name.startsWith(`${a.name}/`))));

      // WHEN
      const archive = writeCodeArchive(entries);
      const members = readWithPython(archive.path);

      // THEN
      const files = members.filter(([, type]) => type === 'file');
      expect(files.map(([name]) => name).sort()).toEqual(entries.map((e) => e.name).sort());
      for (const e of entries) {
        const [, , mode, sha] = files.find(([name]) => name === e.name)!;
        expect(sha).toBe(createHash('sha256').update(e.data).digest('hex'));
        expect(mode).toBe(e.executable ? 0o755 : 0o644);
      }
      const dirs = members.filter(([, type]) => type === 'dir').map(([name]) => name);
      for (const e of entries) {
        const parts = e.name.split('/');
        for (let i = 1; i < parts.length; i++) {
          expect(dirs).toContain(parts.slice(0, i).join('/'));
        }
      }
    }), { numRuns: 10 });
  });

  test('the hash depends on the files only, not their order', () => {
    // GIVEN
    const a = { name: 'inference.py', data: Buffer.from('print(1)\n') };
    const b = { name: 'lib/util.py', data: Buffer.from('X = 1\n') };

    // WHEN
    const one = writeCodeArchive([a, b]);
    const two = writeCodeArchive([b, a]);
    const three = writeCodeArchive([a, { ...b, data: Buffer.from('X = 2\n') }]);

    // THEN
    expect(one.hash).toBe(two.hash);
    expect(one.path).toBe(two.path);
    expect(three.hash).not.toBe(one.hash);
  });

  test('names above the ustar limit are refused with the path', () => {
    const long = `${'d'.repeat(160)}/${'f'.repeat(101)}`;
    expect(() => writeCodeArchive([{ name: long, data: Buffer.from('') }]))
      .toThrow(/the path 'd{160}\/f{101}' is too long for a source archive \(at most 255 bytes, the file name at most 100\)/);
  });

  test('a name between 100 and 255 bytes is split into the prefix field and read back whole', () => {
    // GIVEN
    const name = `${'a'.repeat(80)}/${'b'.repeat(60)}.py`;

    // WHEN
    const members = readWithPython(writeCodeArchive([{ name, data: Buffer.from('ok') }]).path);

    // THEN
    expect(members.filter(([, type]) => type === 'file').map(([n]) => n)).toEqual([name]);
  });
});
