import type { ProbeContext } from './context.js';
import { errorText } from './outcome.js';

/** DNS: resolves a name the way clients do (getaddrinfo), listing every address. */
export async function probeDns(target: { readonly host: string }, ctx: ProbeContext): Promise<string> {
  const addresses = await ctx.phase('dns', async () => {
    try {
      return await ctx.resolve(target.host);
    } catch (error: unknown) {
      return ctx.fail('DNS_FAILED', `${target.host} did not resolve (${errorText(error)})`);
    }
  });
  ctx.info.addresses = addresses.join(', ');
  return `${target.host} resolves to ${ctx.info.addresses}`;
}
