import { ConfigError } from '@frontbridge/sdk';
import {
  BUILT_IN_CONNECTORS,
  createAccount,
  deliverUrlPolicyFromEnv,
  openStore,
} from '@frontbridge/server';
import { type Command, Option } from 'commander';
import type { CliIo } from '../cli-io.ts';
import { databaseUrlOf } from './database-url.ts';

/** `frontbridge accounts create`: a new account and its credentials, shown once. */
export function registerAccountsCommand(program: Command, io: CliIo): void {
  const accounts = program
    .command('accounts')
    .description('Manage accounts of the external system.');
  accounts
    .command('create')
    .description('Create an account; prints its channel token, API key and signing secret once.')
    .requiredOption('--name <name>', 'a name for the account')
    .option('--deliver-url <url>', 'where deliveries are POSTed (the http connector)')
    // Only the server's own connectors: `frontbridge serve` could not deliver for any other.
    .addOption(
      new Option('--connector <name>', 'connector that hands messages to the system')
        .choices(BUILT_IN_CONNECTORS)
        .default('http'),
    )
    .option('--json', 'print JSON instead of text')
    .action(async (options: AccountsCreateOptions) => {
      // Accounts are made for the production server, so its SSRF rules apply: a private or
      // loopback deliver URL needs DELIVER_URL_ALLOW_PRIVATE=true or DELIVER_URL_ALLOW_LIST.
      const problems: string[] = [];
      const deliverUrlPolicy = deliverUrlPolicyFromEnv(io.env, 'production', problems);
      if (problems.length > 0)
        throw new ConfigError(`Invalid configuration: ${problems.join('; ')}.`);
      const store = await openStore(databaseUrlOf(io.env));
      try {
        const input = {
          name: options.name,
          deliverUrl: options.deliverUrl,
          connector: options.connector,
        };
        const created = await createAccount(store, input, { deliverUrlPolicy });
        io.stdout(options.json ? `${JSON.stringify(created)}\n` : describeAccount(created));
      } finally {
        await store.close();
      }
    });
}

interface AccountsCreateOptions {
  name: string;
  deliverUrl?: string;
  connector: string;
  json?: boolean;
}

function describeAccount(created: Awaited<ReturnType<typeof createAccount>>): string {
  return [
    `account id:      ${created.account_id}`,
    `channel token:   ${created.channel_token}   (paste into Front when adding the channel)`,
    `API key:         ${created.api_key}   (Bearer key for POST /api/v1/messages)`,
    `signing secret:  ${created.signing_secret}   (verify deliveries, Standard Webhooks)`,
    '',
    'These are shown once; only hashes of the token and key are stored.',
    '',
  ].join('\n');
}
