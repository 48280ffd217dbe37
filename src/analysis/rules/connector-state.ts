import { servicesUsingConnector, someNames } from '../../model/lookup.js';
import { isUnknown, type Connector, type ConnectorState, type Service } from '../../model/topology.js';
import type { Finding, Rule } from './rule.js';

const ID = 'connector-state';

/** What a connector that is not READY means for its services, and what to do. */
function consequence(state: Exclude<ConnectorState, 'READY'>): string {
  switch (state) {
    case 'ERROR':
      return 'it is in a bad state, and Google recommends deleting it manually; recreate it (or move the services to Direct VPC egress)';
    case 'CREATING':
      return 'it is still being created; deploy the services that use it once it is READY';
    case 'UPDATING':
      return 'it is being updated; check again once the update has finished, and deploy once it is READY';
    case 'DELETING':
      return 'it is being deleted; point the services that use it at another connector or at Direct VPC egress';
    default: {
      const unexpected: never = state;
      return String(unexpected);
    }
  }
}

function usersOf(connector: Connector, services: readonly Service[]): string {
  const users = servicesUsingConnector({ services }, connector.name).map((s) => s.name);
  return users.length > 0 ? `${someNames(users)} send${users.length === 1 ? 's' : ''} VPC traffic through it` : 'no service in the topology uses it';
}

export const connectorState: Rule = {
  id: ID,
  title: 'A Serverless VPC Access connector is not READY',
  category: 'configuration',
  severity: 'critical',
  rationale:
    'Services reach the VPC through a connector only while it is READY. ERROR is a bad state that Google recommends resolving by deleting the connector; CREATING, UPDATING and DELETING mean its traffic is not assured.',
  sources: ['https://cloud.google.com/vpc/docs/reference/vpcaccess/rest/v1/projects.locations.connectors'],
  check({ topology }) {
    return [...topology.connectors.values()].flatMap((connector): Finding[] => {
      const state = connector.state;
      const origin = { ...connector.origin, path: [...connector.origin.path, 'state'] };
      const users = usersOf(connector, topology.services);
      if (isUnknown(state)) {
        return [
          {
            ruleId: ID,
            key: `connector:${connector.name}`,
            severity: 'info',
            message: `the state of connector ${connector.name} is unknown (${state.reason}), so Lifeline cannot tell whether it is READY; ${users}. Check it with \`gcloud compute networks vpc-access connectors describe ${connector.name} --region ${isUnknown(connector.region) ? 'REGION' : connector.region}\`.`,
            origin,
          },
        ];
      }
      if (state === 'READY') return [];
      return [
        {
          ruleId: ID,
          key: `connector:${connector.name}`,
          severity: 'critical',
          message: `connector ${connector.name} is ${state}, not READY, and ${users}: ${consequence(state)}.`,
          origin,
        },
      ];
    });
  },
};
