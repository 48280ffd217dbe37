import type { Connector, Origin } from '../../model/topology.js';
import type { Finding, Rule } from './rule.js';

const ID = 'connector-instance-bounds';

// min-instances 2–9, max-instances 3–10, max greater than min (fact connector-instance-bounds).
const MIN_RANGE = [2, 9] as const;
const MAX_RANGE = [3, 10] as const;

// Lowering a connector's instance counts is not possible in place (fact connector-instance-bounds).
const UPDATE_NOTE = '`connectors update` can only raise these values, so lowering one means recreating the connector';

function finding(connector: Connector, problem: string, field: string, message: string): Finding {
  const origin: Origin = { ...connector.origin, path: [...connector.origin.path, field] };
  return { ruleId: ID, key: `connector:${connector.name}:${problem}`, severity: 'warning', message, origin };
}

export const connectorInstanceBounds: Rule = {
  id: ID,
  title: "A connector's instance counts are outside what Google accepts",
  category: 'configuration',
  severity: 'warning',
  rationale:
    'A Serverless VPC Access connector takes min-instances between 2 and 9 and max-instances between 3 and 10, with max greater than min. Other values are rejected, so the configuration describes a connector that cannot exist.',
  sources: [
    'https://cloud.google.com/sdk/gcloud/reference/compute/networks/vpc-access/connectors/create',
    'https://cloud.google.com/sdk/gcloud/reference/compute/networks/vpc-access/connectors/update',
  ],
  facts: ['connector-instance-bounds'],
  check({ topology }) {
    return [...topology.connectors.values()].flatMap((connector) => {
      const { name, minInstances: min, maxInstances: max } = connector;
      const findings: Finding[] = [];
      if (min < MIN_RANGE[0] || min > MIN_RANGE[1]) {
        const fix = min < MIN_RANGE[0] ? `set it to ${MIN_RANGE[0]}` : `set it to ${MIN_RANGE[1]} or less (${UPDATE_NOTE})`;
        findings.push(finding(connector, 'minInstances', 'minInstances', `connector ${name} has minInstances ${min}, outside the accepted ${MIN_RANGE[0]}–${MIN_RANGE[1]}: ${fix}.`));
      }
      if (max < MAX_RANGE[0] || max > MAX_RANGE[1]) {
        const fix = max < MAX_RANGE[0] ? `set it to ${MAX_RANGE[0]} or more` : `set it to ${MAX_RANGE[1]} or less (${UPDATE_NOTE})`;
        findings.push(finding(connector, 'maxInstances', 'maxInstances', `connector ${name} has maxInstances ${max}, outside the accepted ${MAX_RANGE[0]}–${MAX_RANGE[1]}: ${fix}.`));
      }
      if (max <= min) {
        findings.push(
          finding(connector, 'order', 'maxInstances', `connector ${name} has maxInstances ${max}, not greater than minInstances ${min}: max must exceed min, e.g. maxInstances ${Math.min(min + 1, MAX_RANGE[1])}.`),
        );
      }
      return findings;
    });
  },
};
