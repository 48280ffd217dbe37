import { servicesUsingConnector, someNames } from '../../model/lookup.js';
import { numberOption, type Rule, type RuleOption, type RuleOptionValue } from './rule.js';

const ID = 'connector-throughput';

const OPTIONS = {
  warningPercent: {
    default: 80,
    description: "Warn when the expected peak exceeds this percentage of the connector's estimated capacity (critical above 100%).",
  },
} as const satisfies Readonly<Record<string, RuleOption>>;

// Estimated throughput per connector instance: Google's per-connector ranges divided by 2–10
// instances (fact connector-throughput).
const MBPS_PER_INSTANCE: Readonly<Record<string, number>> = { 'f1-micro': 50, 'e2-micro': 100, 'e2-standard-4': 1600 };
// A connector never runs more than 10 instances (fact connector-instance-bounds).
const MAX_CONNECTOR_INSTANCES = 10;

const option = (options: Readonly<Record<string, RuleOptionValue>>, name: keyof typeof OPTIONS): number => numberOption(ID, OPTIONS, options, name);

export const connectorThroughput: Rule = {
  id: ID,
  title: 'A connector is expected to carry more than it can',
  category: 'capacity',
  severity: 'warning',
  rationale:
    "A Serverless VPC Access connector's throughput grows with its instances up to its max instances, at roughly 50 (f1-micro), 100 (e2-micro) or 1600 (e2-standard-4) Mbps each. Traffic beyond that is slowed or times out, for every service that shares the connector.",
  sources: ['https://cloud.google.com/vpc/docs/serverless-vpc-access#scaling', 'https://cloud.google.com/run/docs/configuring/vpc-connectors'],
  facts: ['connector-throughput', 'connector-instance-bounds'],
  options: OPTIONS,
  check({ topology }, options) {
    const warningPercent = option(options, 'warningPercent');
    return [...topology.connectors.values()].flatMap((connector) => {
      const perInstance = MBPS_PER_INSTANCE[connector.machineType];
      const peak = connector.expectedPeakMbps;
      if (perInstance === undefined || peak === undefined) return [];
      const instances = Math.min(connector.maxInstances, MAX_CONNECTOR_INSTANCES);
      const capacity = instances * perInstance;
      const percent = Math.round((peak / capacity) * 100);
      const severity = peak > capacity ? 'critical' : percent > warningPercent ? 'warning' : undefined;
      if (severity === undefined) return [];
      const users = servicesUsingConnector(topology, connector.name).map((s) => s.name);
      const clamp = connector.maxInstances > MAX_CONNECTOR_INSTANCES ? ` (maxInstances ${connector.maxInstances} counts as ${MAX_CONNECTOR_INSTANCES}, the most a connector runs)` : '';
      const headline =
        severity === 'critical'
          ? `connector ${connector.name} is expected to carry ${peak} Mbps at peak, above its estimated capacity of ${capacity} Mbps`
          : `connector ${connector.name} is expected to carry ${peak} Mbps at peak, ${percent}% of its estimated capacity of ${capacity} Mbps (warning above ${warningPercent}%)`;
      const fixes = [
        ...(connector.maxInstances < MAX_CONNECTOR_INSTANCES ? [`raise maxInstances (up to ${MAX_CONNECTOR_INSTANCES}; connectors never scale back in)`] : []),
        ...(connector.machineType !== 'e2-standard-4' ? ['use machine type e2-standard-4'] : []),
        'move the services to Direct VPC egress',
      ];
      return [
        {
          ruleId: ID,
          key: `connector:${connector.name}`,
          severity,
          message: `${headline}: ${instances} × ${connector.machineType} at ~${perInstance} Mbps each (an estimate from Google's published range)${clamp}${users.length > 0 ? `, shared by ${someNames(users)}` : ''}. Traffic beyond it is slowed or times out. ${fixes.join(', or ').replace(/^./, (c) => c.toUpperCase())}.`,
          origin: connector.origin,
        },
      ];
    });
  },
};
