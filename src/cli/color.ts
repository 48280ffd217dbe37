/**
 * Whether the text output is coloured: never with --no-color or a non-empty NO_COLOR
 * (https://no-color.org); always with a non-empty FORCE_COLOR other than `0` or `false`
 * (https://force-color.org), even into a pipe or a CI log; otherwise only on a terminal.
 */
export function useColor(requested: boolean, env: NodeJS.ProcessEnv = process.env, isTTY: unknown = process.stdout.isTTY): boolean {
  if (!requested || (env.NO_COLOR ?? '') !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  return isTTY === true;
}
