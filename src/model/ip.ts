/** IPv4 addresses and CIDR ranges, as unsigned 32-bit integers. IPv6 is out of scope for now. */

export interface Cidr {
  readonly base: number;
  readonly prefix: number;
  readonly text: string;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses a dotted-quad IPv4 address; returns undefined for anything else (hostnames included). */
export function parseIpv4(text: string): number | undefined {
  const match = IPV4.exec(text);
  if (!match) return undefined;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(match[i]);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** An address as a dotted quad. */
export function formatIpv4(ip: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(ip / 2 ** shift) % 256).join('.');
}

export function isIpv4(text: string): boolean {
  return parseIpv4(text) !== undefined;
}

/** Parses `a.b.c.d/n` (a bare address means /32). */
export function parseCidr(text: string): Cidr | undefined {
  const [address, prefixText, extra] = text.split('/');
  if (address === undefined || extra !== undefined) return undefined;
  const ip = parseIpv4(address);
  if (ip === undefined) return undefined;
  const prefix = prefixText === undefined ? 32 : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32 || prefixText === '') return undefined;
  return { base: ip - (ip % 2 ** (32 - prefix)), prefix, text };
}

export function cidrContains(range: Cidr, ip: number): boolean {
  return ip - (ip % 2 ** (32 - range.prefix)) === range.base;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  const size = 2 ** (32 - prefix);
  return a.base - (a.base % size) === b.base - (b.base % size);
}

const range = (text: string): Cidr => {
  const parsed = parseCidr(text);
  if (!parsed) throw new TypeError(`bad built-in range ${text}`);
  return parsed;
};

const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(range);
const RFC6598 = range('100.64.0.0/10');
const CLASS_E = range('240.0.0.0/4');
const LOOPBACK = range('127.0.0.0/8');
/** The Private Google Access VIPs (fact googleapis-private-dns). */
export const GOOGLE_API_VIP_RANGES = { private: '199.36.153.8/30', restricted: '199.36.153.4/30' } as const;
const GOOGLE_API_VIPS = Object.values(GOOGLE_API_VIP_RANGES).map(range);

/**
 * How Cloud Run's egress selector sees a destination address.
 * - `rfc1918`: private, sent into the VPC under either egress mode.
 * - `google-vip`: Private Google Access VIPs, also sent into the VPC under `private-ranges-only`.
 * - `rfc6598` / `class-e`: private-use ranges whose handling under `private-ranges-only` is not documented.
 * - `loopback`: 127.0.0.0/8, which never leaves the instance (a sidecar container listens there).
 * - `public`: everything else.
 */
export type AddressClass = 'loopback' | 'rfc1918' | 'google-vip' | 'rfc6598' | 'class-e' | 'public';

export function classifyAddress(ip: number): AddressClass {
  if (cidrContains(LOOPBACK, ip)) return 'loopback';
  if (RFC1918.some((r) => cidrContains(r, ip))) return 'rfc1918';
  if (GOOGLE_API_VIPS.some((r) => cidrContains(r, ip))) return 'google-vip';
  if (cidrContains(RFC6598, ip)) return 'rfc6598';
  if (cidrContains(CLASS_E, ip)) return 'class-e';
  return 'public';
}

export function isInternalClass(cls: string): boolean {
  return cls === 'rfc1918' || cls === 'rfc6598' || cls === 'class-e';
}
