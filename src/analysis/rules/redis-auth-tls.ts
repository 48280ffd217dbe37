import type { Finding, Rule } from './rule.js';

export const redisAuthTls: Rule = {
  id: 'redis-auth-tls',
  title: 'A Memorystore for Redis instance has no AUTH or no in-transit encryption',
  category: 'security',
  severity: 'warning',
  rationale:
    'Memorystore for Redis has AUTH off by default: any client that can route to the instance can read and write every key. In-transit encryption is off by default too, and AUTH does not encrypt: without it the AUTH string and the data cross the network in clear. Missing AUTH is a warning. Missing encryption is informational, and a warning when the instance uses private services access, whose peering is shared with the other managed services on the allocated range and is the mode used with Shared VPC, where other projects share the network. Enabling encryption blocks clients that do not use TLS: switch them to rediss:// with the instance\'s CA first.',
  sources: [
    'https://cloud.google.com/memorystore/docs/redis/auth-overview',
    'https://cloud.google.com/memorystore/docs/redis/in-transit-encryption',
    'https://cloud.google.com/memorystore/docs/redis/networking',
  ],
  facts: ['redis-peering-modes'],
  check({ topology }) {
    return [...topology.caches.values()].flatMap((cache) => {
      const findings: Finding[] = [];
      if (!cache.authEnabled) {
        findings.push({
          ruleId: 'redis-auth-tls',
          key: `cache:${cache.name}:auth`,
          severity: 'warning',
          message: `cache ${cache.name} has AUTH disabled: every client with a route into network ${cache.authorizedNetwork} can read and write it. Enable AUTH (authEnabled: true) and give clients the AUTH string through Secret Manager.`,
          origin: cache.origin,
        });
      }
      if (cache.transitEncryption === 'DISABLED') {
        // fact redis-peering-modes: direct peering is not shared; private services access is.
        const shared = cache.connectMode === 'PRIVATE_SERVICE_ACCESS';
        findings.push({
          ruleId: 'redis-auth-tls',
          key: `cache:${cache.name}:tls`,
          severity: shared ? 'warning' : 'info',
          message: `cache ${cache.name} has in-transit encryption disabled${shared ? ', over a private services access peering other services and projects may share' : ''}: ${cache.authEnabled ? 'the AUTH string and ' : ''}data travel in clear. Enable transitEncryption: SERVER_AUTHENTICATION and move clients to TLS (rediss://) first.`,
          origin: cache.origin,
        });
      }
      return findings;
    });
  },
};
