import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { FrontbridgeError } from '@frontbridge/sdk';

/**
 * Which hosts a deliver URL may point at. A deliver URL is chosen by whoever creates an account,
 * and the server POSTs to it from inside the operator's network: without a policy, a tenant could
 * aim deliveries at the metadata service, the database or an admin port (SSRF).
 */
export interface DeliverUrlPolicy {
  /** Allow loopback, private, link-local, metadata and other non-public addresses. */
  allowPrivate: boolean;
  /** Host names, IP addresses or CIDR ranges allowed even when `allowPrivate` is false. */
  allowList: string[];
}

/** Resolves a host name to every address it has (injected in tests). */
export type HostLookup = (hostname: string) => Promise<string[]>;

/** A deliver URL the policy refuses; `reason` is safe to show (no address of ours is leaked). */
export class DeliverUrlRefusedError extends FrontbridgeError {
  override name = 'DeliverUrlRefusedError';

  constructor(message: string) {
    super('deliver_url_refused', message);
  }
}

// Every range that is not the public internet. The metadata addresses (169.254.169.254,
// fd00:ec2::254) fall inside link-local and unique-local.
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped or NAT64 IPv6 address, so `::ffff:127.0.0.1` is caught. */
function embeddedIpv4(address: string): string | undefined {
  const match = /^(?:::ffff:|64:ff9b::)(?:0:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (match) return match[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const high = Number.parseInt(hex[1] ?? '0', 16);
  const low = Number.parseInt(hex[2] ?? '0', 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** True when an IP address (v4 or v6) is not a public internet address. */
export function isNonPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 0) return true;
  if (version === 6) {
    const v4 = embeddedIpv4(bare);
    if (v4) return NON_PUBLIC.check(v4, 'ipv4');
  }
  return NON_PUBLIC.check(bare, version === 4 ? 'ipv4' : 'ipv6');
}

function isAllowListed(policy: DeliverUrlPolicy, hostname: string, address?: string): boolean {
  return policy.allowList.some((entry) => {
    if (entry.toLowerCase() === hostname.toLowerCase()) return true;
    if (address === undefined) return false;
    const [network, prefix] = entry.split('/');
    const version = isIP(network ?? '');
    if (version === 0) return false;
    const list = new BlockList();
    const family = version === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(network ?? '', family);
    else list.addSubnet(network ?? '', Number(prefix), family);
    return isIP(address) === version && list.check(address, family);
  });
}

const defaultLookup: HostLookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Resolves the URL's host and refuses it when any address is non-public and the policy does not
 * allow it. Run at account creation and again before every delivery (DNS may change in between).
 *
 * @returns the addresses that were checked, so the caller connects to exactly those (a second
 *   resolution could answer differently: DNS rebinding); `undefined` when the policy allowed the
 *   URL without resolving it (private addresses allowed, or the host name is allow-listed).
 * @throws {DeliverUrlRefusedError} when the URL is malformed, does not resolve, or is refused.
 */
export async function assertDeliverUrlAllowed(
  url: string,
  policy: DeliverUrlPolicy,
  lookup: HostLookup = defaultLookup,
): Promise<string[] | undefined> {
  if (!URL.canParse(url)) throw new DeliverUrlRefusedError('The deliver URL is not a valid URL.');
  const hostname = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (policy.allowPrivate || isAllowListed(policy, hostname)) return undefined;
  let addresses: string[];
  try {
    addresses = isIP(hostname) ? [hostname] : await lookup(hostname);
  } catch {
    throw new DeliverUrlRefusedError('The deliver URL host does not resolve.');
  }
  const refused = addresses.filter(
    (address) => isNonPublicAddress(address) && !isAllowListed(policy, hostname, address),
  );
  if (addresses.length === 0 || refused.length > 0) {
    throw new DeliverUrlRefusedError(
      'The deliver URL points at a private, loopback, link-local or metadata address. ' +
        'Set DELIVER_URL_ALLOW_PRIVATE=true or add the host to DELIVER_URL_ALLOW_LIST to allow it.',
    );
  }
  return addresses;
}

/**
 * The policy from the environment: private addresses allowed in development and refused in
 * production unless `DELIVER_URL_ALLOW_PRIVATE=true`; `DELIVER_URL_ALLOW_LIST` is a comma-separated
 * list of host names, addresses and CIDR ranges allowed anyway.
 */
export function deliverUrlPolicyFromEnv(
  env: Record<string, string | undefined>,
  mode: 'production' | 'development',
  problems: string[],
): DeliverUrlPolicy {
  const flag = env.DELIVER_URL_ALLOW_PRIVATE?.trim().toLowerCase();
  if (flag && flag !== 'true' && flag !== 'false') {
    problems.push('DELIVER_URL_ALLOW_PRIVATE must be true or false');
  }
  const allowList = (env.DELIVER_URL_ALLOW_LIST ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  return { allowPrivate: flag ? flag === 'true' : mode === 'development', allowList };
}
