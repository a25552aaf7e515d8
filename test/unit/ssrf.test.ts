// Address classification, allow-lists and the guarded DNS lookup that keep feed fetches off internal networks.
import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { BlockedAddressError, classifyAddress, createGuardedLookup, parseAllowList, parseIp, refusalReason } from "../../src/adapters/feeds/ssrf.ts";
import type { BlockReason, Resolver } from "../../src/adapters/feeds/ssrf.ts";

describe("classifyAddress", () => {
  const cases: Array<[string, BlockReason | undefined]> = [
    // Public addresses pass.
    ["8.8.8.8", undefined],
    ["93.184.216.34", undefined],
    ["172.32.0.1", undefined],
    ["100.128.0.1", undefined],
    ["169.253.255.255", undefined],
    ["2606:4700:4700::1111", undefined],
    ["::ffff:8.8.8.8", undefined],
    ["64:ff9b::808:808", undefined],
    ["2002:808:808::1", undefined],
    // Loopback.
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["[::1]", "loopback"],
    // Private networks.
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["fec0::1", "private"],
    ["64:ff9b:1::a00:1", "private"],
    // Link-local.
    ["169.254.1.1", "link-local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["febf::1", "link-local"],
    // Cloud metadata, in every spelling.
    ["169.254.169.254", "metadata"],
    ["fd00:ec2::254", "metadata"],
    ["::ffff:169.254.169.254", "metadata"],
    ["::ffff:a9fe:a9fe", "metadata"],
    ["64:ff9b::a9fe:a9fe", "metadata"],
    ["2002:a9fe:a9fe::1", "metadata"],
    // Unspecified and reserved.
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["0.1.2.3", "reserved"],
    ["240.0.0.1", "reserved"],
    ["192.0.0.170", "reserved"],
    ["198.18.0.1", "reserved"],
    ["100::1", "reserved"],
    // CGNAT, multicast, broadcast.
    ["100.64.0.1", "cgnat"],
    ["100.127.255.255", "cgnat"],
    ["100.100.100.200", "cgnat"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "broadcast"],
    // IPv4 inside IPv6: mapped, compatible, SIIT, NAT64, 6to4, Teredo.
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::127.0.0.1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:0:7f00:1", "loopback"],
    ["64:ff9b::7f00:1", "loopback"],
    ["64:ff9b::192.168.0.1", "private"],
    ["2002:7f00:1::", "loopback"],
    ["2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"],
    // Not addresses at all.
    ["localhost", "invalid"],
    ["1.2.3", "invalid"],
    ["256.1.1.1", "invalid"],
    ["1::2::3", "invalid"],
    ["", "invalid"],
  ];
  it.each(cases)("%s -> %s", (address, reason) => {
    expect(classifyAddress(address)).toBe(reason);
  });

  // The WHATWG URL parser turns decimal, octal, hex and short IPv4 forms into dotted quads, which are then classified.
  it.each([
    ["http://2130706433/", "loopback"],
    ["http://0x7f.1/", "loopback"],
    ["http://017700000001/", "loopback"],
    ["http://0x7f000001/", "loopback"],
    ["http://127.1/", "loopback"],
    ["http://0/", "unspecified"],
    ["http://0xa9.0xfe.0xa9.0xfe/", "metadata"],
    ["http://2852039166/", "metadata"],
    ["http://[::ffff:169.254.169.254]/", "metadata"],
    ["http://[0:0:0:0:0:ffff:7f00:1]/", "loopback"],
  ])("URL host %s -> %s", (url, reason) => {
    expect(classifyAddress(new URL(url).hostname)).toBe(reason);
  });
});

describe("parseIp", () => {
  it("reads a dotted IPv4 tail as the last two IPv6 groups", () => {
    expect(parseIp("::ffff:1.2.3.4")?.bytes).toEqual(parseIp("::ffff:102:304")?.bytes);
    expect(parseIp("1:2:3:4:5:6:7:8")?.bytes[15]).toBe(8);
    expect(parseIp("1.2.3.4")).toEqual({ family: 4, bytes: Uint8Array.from([1, 2, 3, 4]) });
  });
});

describe("refusalReason", () => {
  const cases: Array<[string, { host: string; port: number; address: string }, string[], BlockReason | undefined]> = [
    ["public address, empty list", { host: "news.example.com", port: 443, address: "93.184.216.34" }, [], undefined],
    ["loopback, empty list", { host: "127.0.0.1", port: 80, address: "127.0.0.1" }, [], "loopback"],
    ["loopback allowed by IP", { host: "127.0.0.1", port: 80, address: "127.0.0.1" }, ["127.0.0.1"], undefined],
    ["other loopback IP not allowed", { host: "127.0.0.2", port: 80, address: "127.0.0.2" }, ["127.0.0.1"], "loopback"],
    ["loopback allowed on its port", { host: "127.0.0.1", port: 8080, address: "127.0.0.1" }, ["127.0.0.1:8080"], undefined],
    ["loopback on another port", { host: "127.0.0.1", port: 6379, address: "127.0.0.1" }, ["127.0.0.1:8080"], "loopback"],
    ["private allowed by CIDR", { host: "feeds.lan", port: 80, address: "10.2.3.4" }, ["10.0.0.0/8"], undefined],
    ["private outside the CIDR", { host: "feeds.lan", port: 80, address: "192.168.1.1" }, ["10.0.0.0/8"], "private"],
    ["mapped address matches an IPv4 entry", { host: "x", port: 80, address: "::ffff:127.0.0.1" }, ["127.0.0.1"], undefined],
    ["IPv4 matches a mapped CIDR", { host: "x", port: 80, address: "127.0.0.1" }, ["::ffff:127.0.0.0/104"], undefined],
    ["IPv6 loopback with bracketed port", { host: "::1", port: 8080, address: "::1" }, ["[::1]:8080"], undefined],
    ["IPv6 CIDR", { host: "x", port: 80, address: "fd12::5" }, ["fd00::/8"], undefined],
    ["allowed by host name", { host: "feeds.lan", port: 80, address: "192.168.1.5" }, ["feeds.lan"], undefined],
    ["host name is case- and trailing-dot-insensitive", { host: "Feeds.LAN.", port: 80, address: "192.168.1.5" }, ["FEEDS.lan"], undefined],
    ["host name with port", { host: "feeds.lan", port: 81, address: "192.168.1.5" }, ["feeds.lan:80"], "private"],
    ["a host entry never allows metadata", { host: "evil.example", port: 80, address: "169.254.169.254" }, ["evil.example"], "metadata"],
    ["metadata allowed only by its IP", { host: "evil.example", port: 80, address: "169.254.169.254" }, ["169.254.169.254"], undefined],
    ["a bad CIDR is a host name that matches nothing", { host: "x", port: 80, address: "10.0.0.1" }, ["10.0.0.0/99"], "private"],
    ["not an address", { host: "x", port: 80, address: "nonsense" }, ["nonsense"], "invalid"],
  ];
  it.each(cases)("%s", (_what, check, allow, reason) => {
    expect(refusalReason(check, parseAllowList(allow))).toBe(reason);
  });
});

describe("createGuardedLookup", () => {
  /** A resolver that answers from a table and records the options it was asked with. */
  function fakeDns(table: Record<string, LookupAddress[]>) {
    const calls: Array<{ hostname: string; family: number | undefined }> = [];
    const resolver: Resolver = (hostname, options, callback) => {
      calls.push({ hostname, family: typeof options.family === "number" ? options.family : undefined });
      const answer = table[hostname];
      if (!answer) {
        const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        err.code = "ENOTFOUND";
        callback(err, []);
      } else callback(null, answer);
    };
    return { resolver, calls };
  }
  const dns = {
    "news.example.com": [{ address: "93.184.216.34", family: 4 }, { address: "2606:2800:220:1::1", family: 6 }],
    "rebind.example": [{ address: "93.184.216.34", family: 4 }, { address: "10.0.0.7", family: 4 }],
    "meta.example": [{ address: "169.254.169.254", family: 4 }],
    "empty.example": [],
  };
  const lookupOnce = (host: string, options: Parameters<ReturnType<typeof createGuardedLookup>>[1], allow: string[] = []) => {
    const { resolver, calls } = fakeDns(dns);
    const lookup = createGuardedLookup({ host, port: 443 }, parseAllowList(allow), resolver);
    return new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family: unknown; calls: typeof calls }>((resolve) =>
      lookup(host, options, (err, address, family) => resolve({ err, address, family, calls })),
    );
  };

  it("answers a single-address lookup with the first public address", async () => {
    const r = await lookupOnce("news.example.com", { family: 0 });
    expect(r).toMatchObject({ err: null, address: "93.184.216.34", family: 4 });
  });

  it("answers an all-addresses lookup (as Happy Eyeballs asks) with every address", async () => {
    const r = await lookupOnce("news.example.com", { all: true });
    expect(r.err).toBeNull();
    expect(r.address).toEqual(dns["news.example.com"]);
  });

  it("passes the requested address family to the resolver", async () => {
    const r = await lookupOnce("news.example.com", { family: 6 });
    expect(r.calls).toEqual([{ hostname: "news.example.com", family: 6 }]);
  });

  it("refuses a host when any of its addresses is private (DNS rebinding with mixed answers)", async () => {
    const r = await lookupOnce("rebind.example", { all: true });
    expect(r.err).toBeInstanceOf(BlockedAddressError);
    expect(r.err?.message).toBe("rebind.example resolves to 10.0.0.7, a private address");
  });

  it("refuses metadata even when the host name is allow-listed", async () => {
    const r = await lookupOnce("meta.example", { family: 0 }, ["meta.example"]);
    expect((r.err as BlockedAddressError).reason).toBe("metadata");
  });

  it("passes DNS failures through and treats an empty answer as not found", async () => {
    expect((await lookupOnce("missing.example", { family: 0 })).err?.code).toBe("ENOTFOUND");
    expect((await lookupOnce("empty.example", { family: 0 })).err?.code).toBe("ENOTFOUND");
  });
});
