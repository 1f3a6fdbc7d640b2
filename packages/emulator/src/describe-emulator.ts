import type { Emulator } from './start-emulator.ts';

/** The lines a CLI prints when the emulator starts: URLs, app UID and a masked secret. */
export function describeEmulator(
  emulator: Pick<Emulator, 'url' | 'apiUrl' | 'appUid' | 'appSecret'> & {
    channelUrl?: string | undefined;
  },
): string[] {
  const secret = emulator.appSecret;
  // Enough of the secret to tell two apart, never enough to use it.
  const masked = secret.length > 8 ? `${secret.slice(0, 4)}…${secret.slice(-2)}` : '****';
  return [
    `Front emulator listening on ${emulator.url}`,
    `  inbox page:   ${emulator.url}/`,
    `  Channel API:  ${emulator.apiUrl}  (use as the Front API base URL)`,
    `  control API:  ${emulator.url}/_emulator`,
    `  app UID:      ${emulator.appUid}`,
    `  app secret:   ${masked}`,
    `  channel URL:  ${emulator.channelUrl ?? '(none: give one when adding a channel)'}`,
  ];
}
