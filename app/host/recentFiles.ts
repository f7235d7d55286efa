/**
 * The recent-files list, kept in `<stateDir>/recent.json` (at most 12 entries, newest first).
 * Files opened from the host's disk are remembered by path; files uploaded from a browser have no
 * path, so a copy of their bytes (≤ 4 MB) is kept in `<stateDir>/uploads/` to reopen them.
 * Every write goes to a temp file first and is then renamed (never a half-written list).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RecentFile } from '../contract/studioApi.ts';
import { writeFileAtomic } from '../node/atomicWrite.ts';

const MAX_ENTRIES = 12;
const MAX_UPLOAD_BYTES = 4 * 1024 * 1024;

interface StoredEntry extends RecentFile {
  libraryId?: string;
  upload?: string;
}

/** What `RecentFiles.resolve` hands back to reopen an entry. */
export type RecentTarget =
  | { kind: 'library'; id: string }
  | { kind: 'path'; path: string }
  | { kind: 'upload'; fileName: string; bytes: Uint8Array };

export class RecentFiles {
  private entries: StoredEntry[] | null = null;
  private writing: Promise<void> = Promise.resolve();

  /** @param stateDir folder for the list and uploaded copies; null keeps the list in memory only */
  constructor(private readonly stateDir: string | null) {}

  private async load(): Promise<StoredEntry[]> {
    if (this.entries) return this.entries;
    this.entries = [];
    if (!this.stateDir) return this.entries;
    try {
      const parsed = JSON.parse(await readFile(path.join(this.stateDir, 'recent.json'), 'utf8'));
      if (Array.isArray(parsed)) {
        this.entries = parsed.filter(
          (e): e is StoredEntry => e && typeof e.id === 'string' && typeof e.label === 'string' && typeof e.kind === 'string',
        );
      }
    } catch {
      // No list yet, or an unreadable one: start empty (it is only a convenience).
    }
    return this.entries;
  }

  private async save(): Promise<void> {
    if (!this.stateDir || !this.entries) return;
    const file = path.join(this.stateDir, 'recent.json');
    const text = `${JSON.stringify(this.entries, null, 2)}\n`;
    this.writing = this.writing.then(() => writeFileAtomic(file, text)).catch(() => {});
    await this.writing;
  }

  /** The list, newest first (without internal fields). */
  async list(): Promise<RecentFile[]> {
    return (await this.load()).map(({ id, label, kind, openedAt, path: p }) => ({ id, label, kind, openedAt, ...(p && { path: p }) }));
  }

  /** Records an opened lens at the top of the list. */
  async add(target: RecentTarget, label: string): Promise<void> {
    const entries = await this.load();
    const key = target.kind === 'library' ? `lib:${target.id}` : target.kind === 'path' ? `path:${target.path}` : `up:${label}`;
    const id = createHash('sha1').update(key).digest('hex').slice(0, 12);
    const entry: StoredEntry = { id, label, kind: target.kind, openedAt: new Date().toISOString() };
    if (target.kind === 'library') entry.libraryId = target.id;
    if (target.kind === 'path') entry.path = target.path;
    if (target.kind === 'upload') {
      if (!this.stateDir || target.bytes.byteLength > MAX_UPLOAD_BYTES) return;
      entry.upload = `${id}${path.extname(label).toLowerCase()}`;
      await writeFileAtomic(path.join(this.stateDir, 'uploads', entry.upload), target.bytes);
    }
    const rest = entries.filter((e) => e.id !== id);
    this.entries = [entry, ...rest].slice(0, MAX_ENTRIES);
    await this.save();
  }

  /** How to reopen entry `id`, or null when it is not in the list. */
  async resolve(id: string): Promise<RecentTarget | null> {
    const e = (await this.load()).find((x) => x.id === id);
    if (!e) return null;
    if (e.kind === 'library' && e.libraryId) return { kind: 'library', id: e.libraryId };
    if (e.kind === 'path' && e.path) return { kind: 'path', path: e.path };
    if (e.kind === 'upload' && e.upload && this.stateDir) {
      const bytes = new Uint8Array(await readFile(path.join(this.stateDir, 'uploads', e.upload)));
      return { kind: 'upload', fileName: e.label, bytes };
    }
    return null;
  }
}
