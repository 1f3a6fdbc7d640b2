import { ValidationError } from '@frontbridge/sdk';
import {
  assertDeliverUrlAllowed,
  type DeliverUrlPolicy,
  type HostLookup,
} from '../connectors/deliver-url-policy.ts';
import type { Store } from '../store/store.ts';
import {
  defaultRandomBytes,
  hashCredential,
  newId,
  newToken,
  type RandomBytes,
} from './credentials.ts';

export interface CreateAccountInput {
  name: string;
  /** Where the `http` connector POSTs deliveries; required for it. */
  deliverUrl?: string | undefined;
  /** The connector's name: `http` (default), `demo` or one registered in `startServer`. */
  connector?: string | undefined;
}

/** What an account's owner needs; shown once, since only hashes of the first two are kept. */
export interface CreatedAccount {
  account_id: string;
  /** Pasted by a Front admin when adding the channel. */
  channel_token: string;
  /** The external system's Bearer key for the REST API. */
  api_key: string;
  /** Standard Webhooks secret the receiver verifies deliveries with. */
  signing_secret: string;
}

/**
 * Creates an account and its credentials.
 *
 * @throws {ValidationError} when the name is empty or the deliver URL is missing, not http(s),
 *   or refused by `options.deliverUrlPolicy`.
 */
export async function createAccount(
  store: Store,
  input: CreateAccountInput,
  options: {
    now?: () => number;
    randomBytes?: RandomBytes;
    /** Refuses deliver URLs aimed at private addresses (SSRF); pass `config.deliverUrlPolicy`. */
    deliverUrlPolicy?: DeliverUrlPolicy;
    lookup?: HostLookup;
  } = {},
): Promise<CreatedAccount> {
  const connector = input.connector ?? 'http';
  checkAccountInput(input.name, connector, input.deliverUrl);
  if (options.deliverUrlPolicy && input.deliverUrl !== undefined) {
    await assertDeliverUrlAllowed(input.deliverUrl, options.deliverUrlPolicy, options.lookup).catch(
      (error: Error) => {
        throw new ValidationError('Invalid account', [`deliverUrl: ${error.message}`]);
      },
    );
  }
  const random = options.randomBytes ?? defaultRandomBytes;

  const created: CreatedAccount = {
    account_id: newId('acc', random),
    channel_token: newToken('fbc', random),
    api_key: newToken('fbk', random),
    signing_secret: `whsec_${random(32).toString('base64')}`,
  };
  await store.insertAccount({
    id: created.account_id,
    name: input.name.trim(),
    channel_token_hash: hashCredential(created.channel_token),
    api_key_hash: hashCredential(created.api_key),
    // Kept as is: signing a delivery needs the secret itself, not a hash of it.
    signing_secret: created.signing_secret,
    deliver_url: input.deliverUrl ?? null,
    connector,
    created_at: (options.now ?? Date.now)(),
  });
  return created;
}

function checkAccountInput(name: string, connector: string, deliverUrl: string | undefined) {
  const issues: string[] = [];
  if (!name?.trim()) issues.push('name: must not be empty');
  if (!connector.trim()) issues.push('connector: must not be empty');
  if (deliverUrl !== undefined) {
    if (!URL.canParse(deliverUrl) || !/^https?:$/.test(new URL(deliverUrl).protocol)) {
      issues.push('deliverUrl: must be an absolute http(s) URL');
    }
  } else if (connector === 'http') {
    issues.push('deliverUrl: is required for the http connector');
  }
  if (issues.length > 0) throw new ValidationError('Invalid account', issues);
}
