import type { Emulator } from './start-emulator.ts';

/** The lines a CLI prints when the emulator starts: URLs, app UID and a masked secret. */
export function describeEmulator(
  emulator: Pick<Emulator, 'url' | 'apiUrl' | 'appUid' | 'appSecret'> & {
    context?: { config: { channelUrl: string | undefined } };
  },
): string[] {
  const secret = emulator.appSecret;
  const masked = secret.length > 8 ? `${secret.slice(0, 4)}…${secret.slice(-2)}` : '****';
  const channelUrl = emulator.context?.config.channelUrl;
  return [
    `Front emulator listening on ${emulator.url}`,
    `  inbox page:   ${emulator.url}/`,
    `  Channel API:  ${emulator.apiUrl}  (use as the Front API base URL)`,
    `  control API:  ${emulator.url}/_emulator`,
    `  app UID:      ${emulator.appUid}`,
    `  app secret:   ${masked}`,
    ...(channelUrl ? [`  channel URL:  ${channelUrl}`] : []),
  ];
}
