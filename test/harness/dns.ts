import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';

export interface DnsServer {
  /** `127.0.0.1:PORT`, for `--dns-server` and ProbeOptions.dnsServers. */
  readonly address: string;
  close(): Promise<void>;
}

/**
 * A real DNS server on loopback (UDP) answering A queries from `records` and NXDOMAIN for the
 * rest, so DNS probes never query the machine's own resolver.
 */
export async function startDnsServer(records: Readonly<Record<string, string>>): Promise<DnsServer> {
  const socket = createSocket('udp4');
  socket.on('message', (message, peer) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    const address = question ? records[question.name.toLowerCase()] : undefined;
    const answer = dnsPacket.encode({
      id: query.id ?? 0,
      type: 'response',
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (address === undefined ? 3 : 0), // rcode 3: NXDOMAIN
      questions: query.questions ?? [],
      answers: address !== undefined && question?.type === 'A' ? [{ type: 'A', name: question.name, ttl: 5, class: 'IN', data: address }] : [],
    });
    socket.send(answer, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return {
    address: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => socket.close(() => { resolve(); })),
  };
}
