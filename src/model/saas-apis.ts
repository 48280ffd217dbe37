/**
 * Well-known SaaS APIs whose credential variable says the service calls them. Only the variable's
 * NAME is read: the key itself is never looked at. The one table of these hosts.
 */
export interface SaasApi {
  /** The dependency's name. */
  readonly name: string;
  /** Public API host, called over HTTPS on 443. */
  readonly host: string;
  /** Variable names that hold the API's credential. */
  readonly keyVariables: RegExp;
  /**
   * Variables that point the client at another base URL (a proxy, a regional or compatible
   * endpoint). When the service sets one, that URL is the dependency and the key adds nothing.
   */
  readonly baseUrlVariables: readonly string[];
}

export const SAAS_APIS: readonly SaasApi[] = [
  { name: 'openai', host: 'api.openai.com', keyVariables: /^OPENAI_API_KEY$/, baseUrlVariables: ['OPENAI_BASE_URL', 'OPENAI_API_BASE'] },
  { name: 'anthropic', host: 'api.anthropic.com', keyVariables: /^ANTHROPIC_API_KEY$/, baseUrlVariables: ['ANTHROPIC_BASE_URL'] },
  { name: 'groq', host: 'api.groq.com', keyVariables: /^GROQ_API_KEY$/, baseUrlVariables: ['GROQ_BASE_URL'] },
  { name: 'mistral', host: 'api.mistral.ai', keyVariables: /^MISTRAL_API_KEY$/, baseUrlVariables: ['MISTRAL_BASE_URL'] },
  { name: 'cohere', host: 'api.cohere.com', keyVariables: /^(COHERE|CO)_API_KEY$/, baseUrlVariables: ['CO_API_URL', 'COHERE_BASE_URL'] },
  { name: 'gemini', host: 'generativelanguage.googleapis.com', keyVariables: /^(GEMINI|GOOGLE)_API_KEY$/, baseUrlVariables: ['GEMINI_BASE_URL'] },
  // A webhook signing secret verifies calls Stripe makes to us; a publishable key is for browsers.
  { name: 'stripe', host: 'api.stripe.com', keyVariables: /^STRIPE_(SECRET_|API_|RESTRICTED_)?KEY$/, baseUrlVariables: [] },
  { name: 'sendgrid', host: 'api.sendgrid.com', keyVariables: /^SENDGRID_API_KEY$/, baseUrlVariables: [] },
  { name: 'twilio', host: 'api.twilio.com', keyVariables: /^TWILIO_(ACCOUNT_SID|AUTH_TOKEN|API_KEY|API_KEY_SID|API_SECRET)$/, baseUrlVariables: [] },
];

/** The API whose credential this variable holds, if it is one of the table's. */
export function saasApiForKey(variable: string): SaasApi | undefined {
  const upper = variable.toUpperCase();
  return SAAS_APIS.find((api) => api.keyVariables.test(upper));
}
