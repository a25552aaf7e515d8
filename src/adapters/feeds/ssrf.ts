// Refuses feed URLs that resolve to loopback, private, link-local or metadata addresses (SSRF), unless allow-listed.
import { lookup as dnsLookup } from "node:dns";
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from "node:dns";
import { isIP } from "node:net";

/** Why an address is refused; undefined from classifyAddress means it is an ordinary public address. */
export type BlockReason =
  | "loopback"
  | "private"
  | "link-local"
  | "metadata"
  | "unspecified"
  | "cgnat"
  | "multicast"
  | "broadcast"
  | "reserved"
  | "invalid";

export interface ParsedIp {
  family: 4 | 6;
  bytes: Uint8Array;
}

/** Parses a textual IPv4 (dotted quad) or IPv6 address (brackets and a %zone are ignored); undefined if it is not one. */
export function parseIp(text: string): ParsedIp | undefined {
  let s = text.trim();
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  const family = isIP(s);
  if (family === 4) return { family: 4, bytes: parseIpv4(s) };
  if (family === 6) {
    const bytes = parseIpv6(s);
    return bytes ? { family: 6, bytes } : undefined;
  }
  return undefined;
}

// Only called on strings net.isIP accepted, so the shape is known to be valid.
function parseIpv4(s: string): Uint8Array {
  return Uint8Array.from(s.split(".").map((p) => Number.parseInt(p, 10)));
}

function parseIpv6(s: string): Uint8Array | undefined {
  // A trailing dotted IPv4 part (::ffff:1.2.3.4) stands for the last two groups.
  const lastColon = s.lastIndexOf(":");
  const last = s.slice(lastColon + 1);
  let body = s;
  if (last.includes(".")) {
    const [a = 0, b = 0, c = 0, d = 0] = parseIpv4(last);
    body = `${s.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = body.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string | undefined): number[] => (part ? part.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const head = groups(halves[0]);
  const rest = groups(halves[1]);
  const fill = 8 - head.length - rest.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
  const all = [...head, ...new Array<number>(fill).fill(0), ...rest];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[i * 2] = (g >> 8) & 0xff;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

function formatIp(ip: ParsedIp): string {
  if (ip.family === 4) return [...ip.bytes].join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((ip.bytes[i] ?? 0) << 8) | (ip.bytes[i + 1] ?? 0)).toString(16));
  return groups.join(":");
}

interface Cidr {
  ip: ParsedIp;
  prefix: number;
}

function parseCidr(text: string): Cidr | undefined {
  const slash = text.lastIndexOf("/");
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number.parseInt(prefixText, 10);
  if (prefix > (ip.family === 4 ? 32 : 128)) return undefined;
  return { ip, prefix };
}

function inCidr(ip: ParsedIp, cidr: Cidr): boolean {
  if (ip.family !== cidr.ip.family) return false;
  let bits = cidr.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((ip.bytes[i] ?? 0) & mask) !== ((cidr.ip.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

const cidr = (text: string): Cidr => {
  const c = parseCidr(text);
  if (!c) throw new Error(`bad built-in CIDR ${text}`);
  return c;
};

// Order matters: the first match names the reason (metadata before link-local, etc.).
const IPV4_RULES: ReadonlyArray<[Cidr, BlockReason]> = [
  [cidr("169.254.169.254/32"), "metadata"],
  [cidr("0.0.0.0/32"), "unspecified"],
  [cidr("0.0.0.0/8"), "reserved"],
  [cidr("10.0.0.0/8"), "private"],
  [cidr("100.64.0.0/10"), "cgnat"],
  [cidr("127.0.0.0/8"), "loopback"],
  [cidr("169.254.0.0/16"), "link-local"],
  [cidr("172.16.0.0/12"), "private"],
  [cidr("192.0.0.0/24"), "reserved"],
  [cidr("192.168.0.0/16"), "private"],
  [cidr("198.18.0.0/15"), "reserved"],
  [cidr("224.0.0.0/4"), "multicast"],
  [cidr("255.255.255.255/32"), "broadcast"],
  [cidr("240.0.0.0/4"), "reserved"],
];

const IPV6_RULES: ReadonlyArray<[Cidr, BlockReason]> = [
  [cidr("::/128"), "unspecified"],
  [cidr("::1/128"), "loopback"],
  [cidr("fd00:ec2::254/128"), "metadata"],
  [cidr("64:ff9b:1::/48"), "private"],
  [cidr("100::/64"), "reserved"],
  [cidr("fc00::/7"), "private"],
  [cidr("fe80::/10"), "link-local"],
  [cidr("fec0::/10"), "private"],
  [cidr("ff00::/8"), "multicast"],
];

/** IPv6 ranges that carry an IPv4 address, and where: a blocked IPv4 inside them is blocked too. */
const IPV6_EMBEDDING: ReadonlyArray<[Cidr, (b: Uint8Array) => Uint8Array]> = [
  [cidr("::ffff:0:0/96"), (b) => b.slice(12, 16)], // IPv4-mapped
  [cidr("::/96"), (b) => b.slice(12, 16)], // IPv4-compatible (deprecated, still routed by some stacks)
  [cidr("::ffff:0:0:0/96"), (b) => b.slice(12, 16)], // SIIT IPv4-translated
  [cidr("64:ff9b::/96"), (b) => b.slice(12, 16)], // NAT64 well-known prefix
  [cidr("2002::/16"), (b) => b.slice(2, 6)], // 6to4
  [cidr("2001::/32"), (b) => b.slice(12, 16).map((x) => x ^ 0xff)], // Teredo client, obfuscated
];

/** Why this address must not be fetched, or undefined for a public address. Accepts IPv4 or IPv6 text. */
export function classifyAddress(address: string): BlockReason | undefined {
  const ip = parseIp(address);
  if (!ip) return "invalid";
  return classifyIp(ip);
}

function classifyIp(ip: ParsedIp): BlockReason | undefined {
  if (ip.family === 4) return IPV4_RULES.find(([range]) => inCidr(ip, range))?.[1];
  const direct = IPV6_RULES.find(([range]) => inCidr(ip, range))?.[1];
  if (direct) return direct;
  for (const [range, extract] of IPV6_EMBEDDING) {
    if (inCidr(ip, range)) return classifyIp({ family: 4, bytes: extract(ip.bytes) });
  }
  return undefined;
}

/** An IPv4-mapped IPv6 address compares as its IPv4 address in the allow-list. */
function unmapped(ip: ParsedIp): ParsedIp {
  if (ip.family === 6 && inCidr(ip, cidr("::ffff:0:0/96"))) return { family: 4, bytes: ip.bytes.slice(12, 16) };
  return ip;
}

export interface AllowEntry {
  host?: string;
  ip?: ParsedIp;
  range?: Cidr;
  port?: number;
}

/**
 * Parses allow-list entries: "host", "1.2.3.4", "::1", "10.0.0.0/8", "fd00::/8", each optionally with
 * ":port" ("127.0.0.1:8080", "[::1]:8080", "feeds.lan:8080") to allow only that port.
 */
export function parseAllowList(entries: readonly string[]): AllowEntry[] {
  return entries.map((raw) => {
    let s = raw.trim().toLowerCase();
    let port: number | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
    if (bracketed) {
      s = bracketed[1] ?? "";
      if (bracketed[2]) port = Number.parseInt(bracketed[2], 10);
    } else {
      const hostPort = /^([^:/]+):(\d+)$/.exec(s);
      if (hostPort) {
        s = hostPort[1] ?? "";
        port = Number.parseInt(hostPort[2] ?? "", 10);
      }
    }
    const entry: AllowEntry = {};
    if (port !== undefined) entry.port = port;
    const range = parseCidr(s);
    if (range) {
      const v4 = unmapped(range.ip);
      // "::ffff:10.0.0.0/104" is the IPv4 range 10.0.0.0/8.
      if (v4.family === 4 && range.ip.family === 6 && range.prefix >= 96) return { ...entry, range: { ip: v4, prefix: range.prefix - 96 } };
      return { ...entry, range };
    }
    const ip = parseIp(s);
    if (ip) return { ...entry, ip: unmapped(ip) };
    return { ...entry, host: s.replace(/\.$/, "") };
  });
}

export interface AddressCheck {
  /** The URL's host name as written (lower case, without brackets). */
  host: string;
  port: number;
  /** The address that will be connected to. */
  address: string;
}

/**
 * Decides whether a connection may go to `address`. Returns the reason it is refused, or undefined.
 * An allow-list entry naming the host allows whatever it resolves to, except a cloud-metadata address,
 * which only an entry naming that IP (or a CIDR containing it) allows.
 */
export function refusalReason(check: AddressCheck, allow: readonly AllowEntry[]): BlockReason | undefined {
  const parsed = parseIp(check.address);
  if (!parsed) return "invalid";
  const reason = classifyIp(parsed);
  if (!reason) return undefined;
  const ip = unmapped(parsed);
  const host = check.host.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  const allowed = allow.some((e) => {
    if (e.port !== undefined && e.port !== check.port) return false;
    if (e.ip) return e.ip.family === ip.family && e.ip.bytes.every((b, i) => b === ip.bytes[i]);
    if (e.range) return inCidr(ip, e.range);
    return reason !== "metadata" && e.host === host;
  });
  return allowed ? undefined : reason;
}

/** Thrown (through the lookup callback) when a host resolves to a refused address. */
export class BlockedAddressError extends Error {
  override name = "BlockedAddressError";
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: BlockReason,
  ) {
    super(host === address ? `${host} is a ${reason} address` : `${host} resolves to ${formatAddress(address)}, a ${reason} address`);
  }
}

function formatAddress(address: string): string {
  const ip = parseIp(address);
  return ip ? formatIp(ip) : address;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
/** The shape of the `lookup` option of http.request / net.connect. */
export type LookupFunction = (hostname: string, options: LookupOneOptions | LookupAllOptions | number, callback: LookupCallback) => void;
/** dns.lookup with `all: true`; injectable for tests. */
export type Resolver = (hostname: string, options: LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: Resolver = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * A `lookup` for http.request that resolves the host and refuses the connection when ANY resolved
 * address is refused, so the address that is checked is the address that is connected to (no window
 * for DNS rebinding between a check and the connect).
 */
export function createGuardedLookup(target: { host: string; port: number }, allow: readonly AllowEntry[], resolver: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    const opts = typeof options === "number" ? { family: options } : options;
    const family = opts.family === "IPv4" ? 4 : opts.family === "IPv6" ? 6 : (opts.family ?? 0);
    const lookupOptions: LookupAllOptions = { all: true };
    if (family === 4 || family === 6) lookupOptions.family = family;
    if (opts.hints !== undefined) lookupOptions.hints = opts.hints;
    resolver(hostname, lookupOptions, (err, addresses) => {
      if (err) return callback(err, []);
      if (addresses.length === 0) {
        const none: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        none.code = "ENOTFOUND";
        return callback(none, []);
      }
      for (const a of addresses) {
        const reason = refusalReason({ host: target.host, port: target.port, address: a.address }, allow);
        if (reason) return callback(new BlockedAddressError(hostname, a.address, reason), []);
      }
      if (opts.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}
