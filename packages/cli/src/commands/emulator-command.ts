import { describeEmulator, startEmulator } from '@frontbridge/emulator';
import type { Command } from 'commander';
import type { CliIo } from '../cli-io.ts';
import { parsePort } from './parse-options.ts';

/** `frontbridge emulator`: Front's side of the channel contract, on one port, until stopped. */
export function registerEmulatorCommand(program: Command, io: CliIo): void {
  program
    .command('emulator')
    .description('Run the Front emulator (Channel API, control API and inbox page).')
    .option('--port <port>', 'port to listen on', parsePort, 4010)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--app-uid <uid>', 'app UID channels sign their tokens with', 'frontbridge-dev')
    .option('--app-secret <secret>', 'app secret shared with the channel', 'frontbridge-dev-secret')
    .option('--channel-url <url>', "the channel server's URL for authorization requests")
    .action(async (options: EmulatorCommandOptions) => {
      const emulator = await startEmulator({
        port: options.port,
        host: options.host,
        appUid: options.appUid,
        appSecret: options.appSecret,
        ...(options.channelUrl ? { channelUrl: options.channelUrl } : {}),
      });
      io.stdout(`${describeEmulator(emulator).join('\n')}\n`);
      await io.stopSignal;
      await emulator.close();
    });
}

interface EmulatorCommandOptions {
  port: number;
  host: string;
  appUid: string;
  appSecret: string;
  channelUrl?: string;
}
