import { redactUrlPasswords } from '../../model/redact.js';
import { parseCommand } from './flags.js';
import type { ScriptModel, Setting } from './model.js';
import { applyAddressCreate, applyConnector, applyNat, applyNetworkCreate, applyRouterCreate, applySubnetCreate, applySubnetUpdate } from './network.js';
import { CommandReader } from './reader.js';
import { applyFunction, applyRunJob, applyRunService } from './run.js';
import { applySqlInstance } from './sql.js';
import { describeUnknown, firstUnknown, literalText, type Invocation } from './words.js';

/** What each command Lifeline reads does to the model; every other gcloud command is ignored. */
const HANDLERS: Readonly<Record<string, (r: CommandReader) => void>> = {
  'run deploy': applyRunService,
  'run services update': applyRunService,
  'run jobs deploy': applyRunJob,
  'run jobs create': applyRunJob,
  'run jobs update': applyRunJob,
  'functions deploy': applyFunction,
  'compute networks vpc-access connectors create': applyConnector,
  'compute networks vpc-access connectors update': applyConnector,
  'compute networks create': applyNetworkCreate,
  'compute networks subnets create': applySubnetCreate,
  'compute networks subnets update': applySubnetUpdate,
  'compute routers create': applyRouterCreate,
  'compute addresses create': applyAddressCreate,
  'compute routers nats create': applyNat,
  'compute routers nats update': applyNat,
  'sql instances create': applySqlInstance,
  'sql instances patch': applySqlInstance,
  'config set': applyConfigSet,
  'run services replace': noteReplace,
};

/** gcloud properties that change how later commands read: `gcloud config set run/region europe-west1`. */
const PROPERTIES: Readonly<Record<string, string>> = {
  project: 'project',
  'core/project': 'project',
  'run/region': 'run/region',
  'compute/region': 'compute/region',
};

/**
 * Applies the script's gcloud commands to the model, in script order, each in the blocks of the
 * script it stands in (so a command in one arm of an `if` does not override one in the other).
 */
export function applyCommands(model: ScriptModel, invocations: readonly Invocation[], source: string): void {
  for (const invocation of invocations) {
    const parsed = parseCommand(invocation);
    if (parsed.kind === 'hidden') {
      const unknown = firstUnknown(parsed.word.pieces);
      if (unknown !== undefined) model.notes.push(redactUrlPasswords(`${model.file}:${parsed.word.at.line}: a gcloud command is given by ${describeUnknown(unknown)}; not imported`));
    }
    if (parsed.kind !== 'command') continue;
    const { command } = parsed;
    const key = command.path.join(' ');
    const reader = new CommandReader(command, model, source);
    model.branch = invocation.branch ?? [];
    // What set each value, for the reason a value the branches disagree on is unknown.
    for (const at of [command.at, ...command.args.map((w) => w.at)]) model.describe(at, reader.title);
    for (const flag of command.flags) model.describe(flag.at, `--${flag.name}`);
    if (key !== 'config set') {
      recordProject(reader);
      noteUnknownWords(reader);
    }
    HANDLERS[key]?.(reader);
  }
}

/**
 * The top-level `project`: the first one the script names. Another one later is noted; deciding
 * between inputs that disagree is the merger's job.
 */
function recordProject(r: CommandReader): void {
  const flag = r.last('project');
  if (flag !== undefined && r.value(flag, 'project') === undefined) return;
  const project = r.project();
  if (project !== undefined) useProject(r, project);
}

function useProject(r: CommandReader, project: Setting): void {
  const current = r.model.project;
  if (current === undefined) r.model.project = project;
  else if (current.value !== project.value) {
    r.note(`project: ${r.file} names project ${current.value} (line ${current.at.line}) and ${project.value} (line ${project.at.line}); the first is used`);
  }
}

function noteUnknownWords(r: CommandReader): void {
  for (const word of r.command.unknownWords) {
    const unknown = firstUnknown(word.pieces);
    if (unknown !== undefined) r.note(`${r.file}:${word.at.line}: ${r.title}: ${describeUnknown(unknown)} stands where flags are expected; any flags it holds are not imported`);
  }
}

/** `gcloud config set PROPERTY VALUE`: a default for the commands after it. */
function applyConfigSet(r: CommandReader): void {
  const [propertyWord, valueWord] = r.command.args;
  const property = PROPERTIES[propertyWord === undefined ? '' : (literalText(propertyWord.pieces) ?? '')];
  if (property === undefined || valueWord === undefined) return;
  const value = literalText(valueWord.pieces);
  const at = r.located(valueWord.at);
  r.model.describe(valueWord.at, `gcloud config set ${property}`);
  if (value === undefined) {
    r.note(`${r.file}:${valueWord.at.line}: gcloud config set ${property} is given by ${describeUnknown(firstUnknown(valueWord.pieces) ?? r.unknownOf({ name: property, value: undefined, at: valueWord.at }))}; later commands without their own flag are read without it`);
    r.model.setConfig(property, undefined, at);
    return;
  }
  const setting = { value, at };
  r.model.setConfig(property, setting, at);
  if (property === 'project') useProject(r, setting);
}

/** `gcloud run services replace FILE`: the service is the one FILE describes, a Cloud Run YAML input of its own. */
function noteReplace(r: CommandReader): void {
  const [fileWord] = r.command.args;
  const file = fileWord === undefined ? undefined : literalText(fileWord.pieces);
  const where = `${r.file}:${r.command.at.line}`;
  if (file === undefined) {
    const unknown = fileWord === undefined ? undefined : firstUnknown(fileWord.pieces);
    r.note(`${where}: gcloud run services replace: the file is given by ${unknown === undefined ? 'nothing' : describeUnknown(unknown)}; the service it deploys is left out`);
    return;
  }
  r.note(`${where}: gcloud run services replace ${file} deploys the service that file describes: it is read as a Cloud Run service input when it is among the inputs`);
}

