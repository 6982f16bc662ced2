import { BlockList, isIP } from 'node:net';

/**
 * IANA's special-purpose IPv4 ranges (RFC 6890 and successors): nothing a webhook may reach. A
 * BlockList also matches IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) against these.
 */
const SPECIAL_IPV4: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata among them
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast included
];

/** Inside global unicast (2000::/3), the ranges that are not one host on the internet, or that embed an IPv4 address unchecked. */
const SPECIAL_IPV6: Array<[string, number]> = [
  ['2001::', 23], // IETF protocol assignments, Teredo among them
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds any IPv4 address
  ['3fff::', 20], // documentation
];

const blocked = new BlockList();
for (const [network, prefix] of SPECIAL_IPV4) blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of SPECIAL_IPV6) blocked.addSubnet(network, prefix, 'ipv6');

// Everything outside it — unspecified, loopback, IPv4-compatible, NAT64, discard, unique local
// (fc00::/7), link-local (fe80::/10), site-local, multicast — is refused wholesale.
const globalUnicast = new BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');

const ipv4Mapped = new BlockList();
ipv4Mapped.addSubnet('::ffff:0:0', 96, 'ipv6');

/** Whether `address` (an IP literal) is a public unicast address: the only kind a webhook is sent to. */
export function isPublicAddress(address: string): boolean {
  switch (isIP(address)) {
    case 4:
      return !blocked.check(address, 'ipv4');
    case 6:
      if (ipv4Mapped.check(address, 'ipv6')) return !blocked.check(address, 'ipv6');
      return globalUnicast.check(address, 'ipv6') && !blocked.check(address, 'ipv6');
    default:
      return false;
  }
}
