import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';

/** One file of a code archive: its path inside the archive (POSIX) and its bytes. */
export interface ArchiveEntry {
  /** Path inside the archive, `/`-separated, relative. */
  readonly name: string;
  /** File contents. */
  readonly data: Buffer;
  /** Whether the file is executable (mode 0755 instead of 0644). */
  readonly executable?: boolean;
}

/** A code archive written to disk, with the hash of its uncompressed contents. */
export interface CodeArchive {
  /** Path of the `.tar.gz` file. */
  readonly path: string;
  /** SHA-256 of the uncompressed tar stream: the same files give the same hash on every machine. */
  readonly hash: string;
}

/**
 * The files under `dir` (recursively, symbolic links followed, sorted by path), as archive
 * entries named relative to `dir`, prefixed with `prefix`.
 */
export function directoryEntries(dir: string, prefix = ''): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  const visit = (current: string, relative: string): void => {
    for (const name of fs.readdirSync(current).sort()) {
      const full = path.join(current, name);
      const rel = relative === '' ? name : `${relative}/${name}`;
      const stat = fs.statSync(full);
      if (stat.isDirectory()) {
        visit(full, rel);
      } else if (stat.isFile()) {
        entries.push({ name: `${prefix}${rel}`, data: fs.readFileSync(full), executable: isExecutable(full) });
      }
    }
  };
  visit(dir, '');
  return entries;
}

/**
 * Writes a gzip-compressed tar archive of `entries` (what SageMaker's framework containers unpack
 * as a source directory) and returns where it is. The tar stream is deterministic (entries sorted,
 * owner 0, mtime 0, fixed modes), and the hash covers that stream rather than the compressed bytes,
 * so the asset key of the same code is the same on every machine and zlib version.
 */
export function writeCodeArchive(entries: ArchiveEntry[]): CodeArchive {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Check every file's path first, so that an error names the file rather than one of its folders.
  sorted.forEach((entry) => header(entry.name, 0, 0o644, '0'));
  const blocks: Buffer[] = [];
  const directories = new Set<string>();
  for (const entry of sorted) {
    const parts = entry.name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = `${parts.slice(0, i).join('/')}/`;
      if (!directories.has(dir)) {
        directories.add(dir);
        blocks.push(header(dir, 0, 0o755, '5'));
      }
    }
    blocks.push(header(entry.name, entry.data.length, entry.executable ? 0o755 : 0o644, '0'));
    blocks.push(entry.data);
    const padding = (512 - (entry.data.length % 512)) % 512;
    if (padding > 0) {
      blocks.push(Buffer.alloc(padding));
    }
  }
  blocks.push(Buffer.alloc(1024));
  const tar = Buffer.concat(blocks);
  const hash = crypto.createHash('sha256').update(tar).digest('hex');
  const dir = path.join(os.tmpdir(), 'cdk-sagemaker-pipelines-code', hash);
  const file = path.join(dir, 'sourcedir.tar.gz');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, zlib.gzipSync(tar, { level: 9 }));
    fs.renameSync(temp, file);
  }
  return { path: file, hash };
}

/** A ustar header block. Names longer than 100 bytes use the prefix field (up to 255 in all). */
function header(name: string, size: number, mode: number, type: '0' | '5'): Buffer {
  const block = Buffer.alloc(512);
  let base = name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', name.length - 2);
    prefix = cut > 0 ? name.slice(0, cut) : '';
    base = cut > 0 ? name.slice(cut + 1) : name;
    if (Buffer.byteLength(base) > 100 || Buffer.byteLength(prefix) > 155) {
      throw new Error(`the path '${name}' is too long for a source archive (at most 255 bytes, the file name at most 100); shorten the folder or file names.`);
    }
  }
  block.write(base, 0, 100, 'utf8');
  writeOctal(block, mode, 100, 8);
  writeOctal(block, 0, 108, 8);
  writeOctal(block, 0, 116, 8);
  writeOctal(block, size, 124, 12);
  writeOctal(block, 0, 136, 12);
  block.fill(' ', 148, 156);
  block.write(type, 156, 1, 'ascii');
  block.write('ustar\u0000', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) {
    sum += byte;
  }
  writeOctal(block, sum, 148, 7);
  block[155] = 0x20;
  return block;
}

function writeOctal(block: Buffer, value: number, offset: number, length: number): void {
  block.write(value.toString(8).padStart(length - 1, '0'), offset, length - 1, 'ascii');
  block[offset + length - 1] = 0;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
