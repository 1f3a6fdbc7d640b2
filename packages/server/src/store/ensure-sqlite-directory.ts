import { constants } from 'node:fs';
import { access, mkdir, open, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '@frontbridge/sdk';

/**
 * Checks, before SQLite opens it, that a database file can live at `path`: its folder exists (made
 * if missing) and is writable, and the file opens for writing.
 *
 * @throws {ConfigError} naming the database file when any of that fails.
 */
export async function ensureSqliteDirectory(path: string): Promise<void> {
  const file = resolve(path);
  try {
    await makeDirectory(dirname(file));
    // SQLite writes its -wal and -shm files next to the database, so the folder must be writable.
    await access(dirname(file), constants.W_OK);
    // An empty file is a valid new database; owner-only, as the store keeps it.
    const handle = await open(file, 'a', 0o600);
    await handle.close();
  } catch (error) {
    // Neutral advice: `serve` and `migrate` take the path from DATABASE_URL, `dev` from --data.
    throw new ConfigError(
      `Cannot use ${file} as the database (${(error as Error).message}). ` +
        'Choose a path in a folder that this process can create and write to.',
    );
  }
}

// Not `mkdir(…, { recursive: true })`: on Node 20 it never returns when mkdir(2) answers ENOENT
// although the parent exists (any path under /proc), and `frontbridge dev` hung there at 100% CPU.
async function makeDirectory(directory: string, parentsMade = false): Promise<void> {
  try {
    await mkdir(directory);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && (await stat(directory)).isDirectory()) return;
    const parent = dirname(directory);
    if (code !== 'ENOENT' || parentsMade || parent === directory) throw error;

    await makeDirectory(parent);
    await makeDirectory(directory, true);
  }
}
