/** The database the admin commands use: `DATABASE_URL`, else the embedded default. */
export function databaseUrlOf(env: NodeJS.ProcessEnv): string {
  return env.DATABASE_URL?.trim() || 'sqlite:./data/frontbridge.db';
}
