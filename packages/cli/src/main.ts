// Builds the command tree from the verb table and dispatches. What the tree needs is imported here (commander,
// the operation table, the wire's value lists); the clients, JMESPath and the server are imported inside the
// actions that use them, so `--help` stays fast.

import { PEER_CONN_ROLES } from '@peerconn/sdk';
import { OPERATIONS, type OperationSpec } from '@peerconn/sdk/operations';
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { HIDDEN_COMPLETE_COMMAND } from './completion.ts';
import { EXIT_CODES_HELP } from './exit.ts';
import type { GlobalOptions } from './options.ts';
import type { WaitCondition } from './run.ts';
import {
  type ComposedField,
  type FieldFlag,
  genericFields,
  type ValueKind,
  VERBS,
  type Verb,
  verbArguments,
  verbDescription,
} from './verbs.ts';
import { versionLine } from './version.ts';

const OUTPUTS = ['json', 'table', 'text'] as const;
const WAIT_CONDITIONS: Readonly<Record<WaitCondition, string>> = {
  active:
    'the connection is active (fails on consult_failed, expired, error, deleted, deleting, down, stopping, not found)',
  deleted: 'the connection is gone (or shows status deleted)',
  consulting:
    'a cross-account request has reached your side (status consulting), ready to accept or reject; until then it is creating or not found',
  'dns-open': 'DNS sync of the side is open',
  'dns-closed': 'DNS sync of the side is closed',
};

function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('Expected an integer.');
  return Number.parseInt(value, 10);
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('Expected a positive number of seconds.');
  }
  return n;
}

function parseJsonOrText(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function optionFor(
  flag: string,
  value: ValueKind | 'repeat',
  description: string,
  extra: { choices?: readonly string[]; placeholder?: string; defaultValue?: string; required?: boolean },
): Option {
  const placeholder = extra.placeholder ?? `<${flag.split('-').at(-1) ?? 'value'}>`;
  const spec = value === 'bool' ? `--${flag}` : `--${flag} ${placeholder}`;
  const option = new Option(spec, extra.required ? `${description} (required)` : description);
  if (extra.choices) option.choices(extra.choices);
  if (value === 'int') option.argParser(parseInteger);
  if (value === 'json') option.argParser(parseJsonOrText);
  if (value === 'list') option.argParser((v: string) => v.split(',').filter((s) => s !== ''));
  if (value === 'repeat') option.argParser(collect);
  if (extra.defaultValue !== undefined) option.default(extra.defaultValue);
  return option;
}

function argumentName(param: string): string {
  return param === 'peerConnId' ? 'id' : param;
}

const GROUPS: Record<string, string> = {
  dns: 'Turn DNS synchronisation of one side on or off',
  'delete-protect': 'Switch release protection on or off',
  vpc: 'VPCs: create, list, get, update, delete, relay',
  'vpc relay': 'Relay (transit) VPCs',
  subnet: 'Subnets: create, list, show, update, delete',
  route: 'Route tables: show, list, add, update, delete, switch rules',
  acl: 'Subnet ACLs: show, list, add, update, delete rules',
  sg: 'Security groups: create, list, show, allow, revoke, rule, delete',
  'sg rule': 'Change or delete a security group rule by its id (r-…)',
  eni: 'Network interfaces: create, list, show, attach, detach, sg, ip, delete, …',
  'eni ip': 'Secondary private addresses of a network interface',
};

const GROUP_EXAMPLES: Record<string, string> = {
  dns:
    'peerconn dns open peerconn-9td54fmx143e --role initiator\n' +
    '  $ peerconn dns close peerconn-9td54fmx143e --role acceptor --profile acceptor',
  'delete-protect':
    'peerconn delete-protect on peerconn-9td54fmx143e\n  $ peerconn delete-protect off peerconn-9td54fmx143e',
  vpc: 'peerconn vpc create --name app --cidr 192.168.0.0/16\n  $ peerconn vpc list --output table',
  'vpc relay': 'peerconn vpc relay open vpc-1a2b3c4d5e6f\n  $ peerconn vpc relay shutdown vpc-1a2b3c4d5e6f',
  subnet:
    'peerconn subnet create --vpc-id vpc-1a2b3c4d5e6f --name app_a --cidr 10.1.1.0/24 --zone-name cn-bj-a\n' +
    '  $ peerconn subnet list --vpc-id vpc-1a2b3c4d5e6f --output table',
  route:
    'peerconn route show --vpc-id vpc-1a2b3c4d5e6f --output table\n' +
    '  $ peerconn route add --vpc-id vpc-1a2b3c4d5e6f --destination-address 10.2.0.0/16 --nexthop-id qpif-9td54fmx143e',
  acl:
    'peerconn acl show --vpc-id vpc-1a2b3c4d5e6f --output table\n' +
    '  $ peerconn acl add --subnet-id sbn-1a2b3c4d5e6f --direction ingress --action deny --protocol tcp \\\n' +
    '      --source 10.0.0.0/16 --destination-port 3306 --position 10',
  sg:
    'peerconn sg create --vpc-id vpc-1a2b3c4d5e6f --name db\n' +
    '  $ peerconn sg allow g-1a2b3c4d5e6f --protocol tcp --port 3306 --source-ip 10.1.0.0/16\n' +
    '  $ peerconn sg list --vpc-id vpc-1a2b3c4d5e6f --output table',
  'sg rule':
    'peerconn sg rule update r-1a2b3c4d5e6f --port 3306-3307\n  $ peerconn sg rule delete r-1a2b3c4d5e6f',
  eni:
    'peerconn eni create --subnet-id sbn-1a2b3c4d5e6f --name db1 --security-group-ids g-1a2b3c4d5e6f\n' +
    '  $ peerconn eni list --vpc-id vpc-1a2b3c4d5e6f --output table',
  'eni ip':
    'peerconn eni ip add eni-1a2b3c4d5e6f --ip 10.2.1.11\n  $ peerconn eni ip delete eni-1a2b3c4d5e6f 10.2.1.11',
};

/** Finds or creates the command for a path of words (`vpc relay open` → vpc → relay → open). */
function commandAt(root: Command, words: readonly string[]): Command {
  let current = root;
  words.forEach((word, i) => {
    const found = current.commands.find((c) => c.name() === word);
    if (found) {
      current = found;
      return;
    }
    const path = words.slice(0, i + 1).join(' ');
    current = current.command(word).description(GROUPS[path] ?? '');
    const example = GROUP_EXAMPLES[path];
    if (example) current.addHelpText('after', `\nExample:\n  $ ${example}\n`);
  });
  return current;
}

/** aws-cli's pagination flags; `--all` (every page) is the default and stays accepted. */
function addPaginationOptions(cmd: Command, itemsKey: string): void {
  const positive = (value: string) => {
    const n = parseInteger(value);
    if (n < 1) throw new InvalidArgumentError('Expected a whole number of at least 1.');
    return n;
  };
  cmd
    .addOption(
      new Option(
        '--max-items <n>',
        `print at most n items in all; when more exist, json adds "nextMarker" and table/text say so on stderr`,
      ).argParser(positive),
    )
    .addOption(
      new Option('--page-size <n>', 'items per request, 1-1000 (the wire maxKeys)').argParser(positive),
    )
    .option('--starting-token <marker>', 'start where an earlier listing stopped (its nextMarker)')
    .option('--no-paginate', 'one request only; prints the response as is (isTruncated, nextMarker)')
    .option('--all', `every page, printed as { "${itemsKey}": [...] } (the default)`)
    .addHelpText(
      'after',
      '\nFollows every page by default; --max-items or --no-paginate for fewer (see docs/cli.md, "Lists and pages").\n',
    );
}

function addVerb(root: Command, verb: Verb): void {
  const spec: OperationSpec = OPERATIONS[verb.operation];
  const parent = commandAt(root, verb.words.slice(0, -1));
  const cmd = parent.command(verb.words.at(-1) as string).description(verbDescription(verb, spec));
  if (verb.aliases) cmd.aliases(verb.aliases);
  const argumentFields = verbArguments(verb, spec);
  for (const param of argumentFields) cmd.argument(`<${argumentName(param)}>`);
  const fields: Array<FieldFlag | ComposedField> = [...verb.fields, ...genericFields(verb, spec)];
  for (const field of fields) {
    if (field.kind === 'field') cmd.addOption(optionFor(field.flag, field.value, field.description, field));
    else for (const f of field.flags) cmd.addOption(optionFor(f.flag, f.value, f.description, f));
  }
  if (spec.listItems !== undefined) addPaginationOptions(cmd, spec.listItems);
  cmd.option(
    '--cli-input-json <file|->',
    'read input fields (wire names) from a JSON file or stdin; flags win',
  );
  cmd.addHelpText('after', `\nExample:\n  $ ${verb.example}\n`);
  cmd.action(async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const positionals = args.slice(0, argumentFields.length) as string[];
    const { runVerb } = await import('./run.ts');
    process.exitCode = await runVerb(verb, fields, positionals, command.opts(), globalsOf(command));
  });
}

function globalsOf(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

function addWait(root: Command): void {
  const wait = root
    .command('wait')
    .description('Wait until a peering connection reaches a state (uses the SDK waiters)')
    .addHelpText(
      'after',
      '\n--timeout is the longest time to wait, in seconds (default 600). Exit code 4 when the connection\n' +
        'ends in a failure state or the time runs out.\n\nExample:\n  $ peerconn wait active peerconn-9td54fmx143e --timeout 300\n',
    );
  for (const [condition, description] of Object.entries(WAIT_CONDITIONS)) {
    wait
      .command(condition)
      .description(`Wait until ${description}`)
      .argument('<id>')
      .addOption(
        new Option('--role <role>', 'side to watch (default: your own side)').choices(PEER_CONN_ROLES),
      )
      .addOption(
        new Option('--interval <seconds>', 'first delay between polls (default 2)').argParser(parseSeconds),
      )
      .addHelpText(
        'after',
        `\nExample:\n  $ peerconn wait ${condition} peerconn-9td54fmx143e --timeout 120\n`,
      )
      .action(async (id: string, opts: Record<string, unknown>, command: Command) => {
        const { runWait } = await import('./run.ts');
        process.exitCode = await runWait(condition as WaitCondition, id, opts, globalsOf(command));
      });
  }
}

type ConfigureModule = typeof import('./configure.ts');
type ConfigureRun = (m: ConfigureModule, name: string | undefined, globals: GlobalOptions) => Promise<number>;

// `configure` and its sub-commands differ only in words, argument and which runner they call.
const CONFIGURE_COMMANDS: ReadonlyArray<{
  words: readonly string[];
  description: string;
  argument?: string;
  example: string;
  run: ConfigureRun;
}> = [
  {
    words: [],
    description: 'Create or change a profile in ~/.bce/config.json (prompts when flags are missing)',
    example:
      'Uses the global --profile (default: "default"), --access-key-id, --secret-access-key,\n' +
      '--security-token, --region and --endpoint.\n\nExample:\n' +
      '  $ peerconn configure --profile alice --access-key-id AK… --secret-access-key SK… \\\n' +
      '      --region bj --endpoint http://127.0.0.1:8080',
    run: (m, _name, globals) => m.runConfigure(globals),
  },
  {
    words: ['list'],
    description: 'List profiles (the current one is marked)',
    example: 'Example:\n  $ peerconn configure list --output table',
    run: (m, _name, globals) => m.runConfigureList(globals),
  },
  {
    words: ['get'],
    description: 'Show one profile, secret key masked (default: the current one)',
    argument: '[name]',
    example: 'Example:\n  $ peerconn configure get alice',
    run: (m, name, globals) => m.runConfigureGet(name, globals),
  },
  {
    words: ['use'],
    description: 'Make a profile the current one',
    argument: '<name>',
    example: 'Example:\n  $ peerconn configure use alice',
    run: (m, name, globals) => m.runConfigureUse(name as string, globals),
  },
];

function addConfigure(root: Command): void {
  const configure = root.command('configure');
  for (const entry of CONFIGURE_COMMANDS) {
    const cmd = entry.words.length === 0 ? configure : configure.command(entry.words.join(' '));
    cmd.description(entry.description).addHelpText('after', `\n${entry.example}\n`);
    if (entry.argument) cmd.argument(entry.argument);
    cmd.action(async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      const name = entry.argument && typeof args[0] === 'string' ? args[0] : undefined;
      process.exitCode = await entry.run(await import('./configure.ts'), name, globalsOf(command));
    });
  }
}

const GLOBALS_POINTER =
  'Global options (--profile, --output, --query, --debug, …) and where keys, region and endpoint come\n' +
  'from: peerconn help globals';

const GLOBALS_NOTES = `Every command takes these, before or after its own arguments.

Keys come from the first of: --access-key-id with --secret-access-key; the --profile profile; the
environment's keys; the profile the environment names, else the current profile of ~/.bce/config.json.
--profile is explicit, so it beats keys in the environment.

Endpoint and region are looked up in the same order (flags, the --profile profile, the environment, the
profile the keys came from), each on its own. The first endpoint configured gets the requests; a region
from a flag or the environment never moves them elsewhere: it picks bcc.<region>.baidubce.com only when no
endpoint is configured anywhere (or the profile deciding has a region and no endpoint).`;

function findCommand(root: Command, words: readonly string[]): Command | undefined {
  let current: Command | undefined = root;
  for (const word of words) current = current?.commands.find((c) => c.name() === word);
  return current;
}

/** The global options block, shown once: here, rather than under each verb. */
export function globalsHelp(program: Command): string {
  const help = program.createHelp();
  const options = program.options.filter((o) => o.long !== '--version');
  const width = Math.max(...options.map((o) => help.optionTerm(o).length));
  const items = options.map((o) =>
    help.formatItem(help.optionTerm(o), width, help.optionDescription(o), help),
  );
  return `Global options:\n${items.join('\n')}\n\n${GLOBALS_NOTES}\n`;
}

/** `help [command…]` as commander's, plus `help globals`. */
function addHelp(program: Command): void {
  program.helpCommand(false);
  program
    .command('help')
    .description('Show help for a command; `help globals` for the options every command takes')
    .argument('[command...]')
    .action((words: string[]) => {
      if (words.length === 1 && words[0] === 'globals') {
        process.stdout.write(globalsHelp(program));
        return;
      }
      const target = findCommand(program, words);
      if (!target) program.error(`error: unknown command '${words.join(' ')}' (try: peerconn help)`);
      target.outputHelp();
    });
}

/** The root command: the global options every command takes, the version, and the exit codes. */
function createRoot(): Command {
  return (
    new Command('peerconn')
      .description('Baidu AI Cloud VPC peering connections from the shell, and the local server')
      // The global options are listed here and by `help globals`, not again under every verb.
      .configureHelp({ showGlobalOptions: false, sortSubcommands: false })
      .showSuggestionAfterError(true)
      .version(versionLine(), '--version', 'print the version of peerconn, the SDK and Node, and exit')
      .option('--profile <name>', 'profile from ~/.bce/config.json (env BCE_PROFILE)')
      .option(
        '--region <region>',
        'region, e.g. bj; picks bcc.<region>.baidubce.com only when no endpoint is configured (env BCE_REGION)',
      )
      .option('--endpoint <url>', 'service endpoint, e.g. http://127.0.0.1:8080 (env BCE_ENDPOINT)')
      .addOption(
        new Option('--output <format>', 'output format').choices(OUTPUTS).env('BCE_OUTPUT').default('json'),
      )
      .option('--query <jmespath>', 'JMESPath expression applied to the whole result')
      .addOption(
        new Option(
          '--timeout <seconds>',
          'deadline for the whole command, retries included; for wait, the longest time to wait (default 600)',
        ).argParser(parseSeconds),
      )
      .option(
        '--debug',
        'print the version, then each signed request and response, to stderr (secrets redacted)',
      )
      .option('--client-token <token>', 'idempotency token for a mutating call (default: a fresh UUID)')
      .option('--no-color', 'no colour in table output (nor when env NO_COLOR is set)')
      .option('--access-key-id <ak>', 'access key (env BCE_ACCESS_KEY_ID)')
      .option('--secret-access-key <sk>', 'secret key (env BCE_SECRET_ACCESS_KEY)')
      .option('--security-token <token>', 'STS session token (env BCE_SESSION_TOKEN)')
      .addHelpText(
        'after',
        `\n${EXIT_CODES_HELP}\n\nExample:\n  $ peerconn serve &\n  $ peerconn configure --profile alice\n  $ peerconn list --profile alice --output table\n`,
      )
      .addHelpText('afterAll', GLOBALS_POINTER)
  );
}

function addWhoami(root: Command): void {
  root
    .command('whoami')
    .description('Show the account, access key, region, endpoint and profile your keys reach')
    .addHelpText(
      'after',
      '\nAsks the service (GET /_whoami, signed like every request); the real BCE has no such call, so there\n' +
        'the account id is shown as null and a note says so.\n\n' +
        'Example:\n  $ BOB=$(peerconn whoami --profile bob --query accountId --output text)\n',
    )
    .action(async (_opts: unknown, command: Command) => {
      const { runWhoami } = await import('./whoami.ts');
      process.exitCode = await runWhoami(globalsOf(command));
    });
}

function addReach(root: Command): void {
  root
    .command('reach')
    .description(
      'Would a packet get from a network interface or an address to another, and back? (local server)',
    )
    .option(
      '--from <eni|vpcId:ip>',
      'where the packet starts: a network interface (eni-…) or a VPC and an address in it, e.g. vpc-1a2b3c4d5e6f:10.1.1.5',
    )
    .option('--to <eni|ip>', 'where it is going: a network interface (eni-…) or an address, e.g. 10.2.1.7')
    .option(
      '--protocol <protocol>',
      'tcp, udp, icmp or all (the default: only rules for every protocol count)',
    )
    .option('--port <port>', 'the destination port, for tcp and udp (required with them), e.g. 3306')
    .option(
      '--source-port <port>',
      "the client's port the answer goes back to, for tcp and udp (default 32768)",
    )
    .option('--admin-token <token>', "the server's admin token, when it has one (env PEERCONN_ADMIN_TOKEN)")
    .addHelpText(
      'after',
      '\nAsks the local server (POST /_admin/reachability on the endpoint, an admin call: no keys needed with\n' +
        '--endpoint). Prints each route table lookup on the way there and back with the security groups and\n' +
        'ACLs the packet passes and the rule that decided each, then every problem found; --output json prints\n' +
        'the answer as the server sent it, --output text one tab-separated line per lookup and per check.\n' +
        'Exit code 0 when the path works both ways, 3 when it does not.\n\n' +
        'Examples:\n  $ peerconn reach --from vpc-1a2b3c4d5e6f:10.1.1.5 --to 10.2.1.7\n' +
        '  $ peerconn reach --from eni-1a2b3c4d5e6f --to eni-6f5e4d3c2b1a --protocol tcp --port 3306\n',
    )
    .action(async (opts: Record<string, unknown>, command: Command) => {
      const { runReach } = await import('./reach.ts');
      const source = command.getOptionValueSourceWithGlobals('output');
      process.exitCode = await runReach(
        { ...opts, outputChosen: source !== undefined && source !== 'default' },
        globalsOf(command),
      );
    });
}

function addServe(root: Command): void {
  root
    .command('serve')
    .description('Start the local server (same as `npm start`; flags go to the server, see `serve --help`)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[server-flags...]')
    .action(async (flags: string[]) => {
      await serve(flags);
    });
}

function addCompletion(root: Command): void {
  root
    .command('completion')
    .description('Print a shell completion script')
    .addArgument(new Argument('<shell>', 'shell to complete for').choices(['bash', 'zsh']))
    .addHelpText(
      'after',
      '\nExample:\n  $ source <(peerconn completion bash)\n  $ source <(peerconn completion zsh)     # in ~/.zshrc\n',
    )
    .action(async (shell: 'bash' | 'zsh') => {
      const { completionScript } = await import('./completion.ts');
      process.stdout.write(completionScript(shell));
    });
}

/** The command tree: one `add…` per command group, in the order `peerconn --help` lists them. */
export function buildProgram(): Command {
  const program = createRoot();
  addHelp(program);
  for (const verb of VERBS) addVerb(program, verb);
  addWait(program);
  addWhoami(program);
  addReach(program);
  addServe(program);
  addConfigure(program);
  addCompletion(program);
  return program;
}

const SERVE_EXAMPLE = `
Example:
  $ peerconn serve --port 8080 --data ./data/peerconn.db
  $ peerconn serve --listen bj=8080,gz=8081 --timing immediate --log-level warn
`;

async function serve(flags: string[]): Promise<void> {
  const { runServerCli } = await import('@peerconn/server');
  await runServerCli(flags, { name: 'peerconn serve' });
  // The server prints its own usage; the CLI adds the example every verb's help carries.
  const asked = flags.includes('--help') || flags.includes('-h');
  if (asked && process.exitCode !== 1) process.stdout.write(SERVE_EXAMPLE);
}

export async function main(argv: string[]): Promise<void> {
  // `peerconn list | head` closes the pipe early; that ends the output, not in a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  // The server parses its own flags (including --help), so they are passed through untouched.
  if (argv[0] === 'serve') {
    await serve(argv.slice(1));
    return;
  }
  // What the completion script runs on TAB: not a command of the tree, so it takes any words and shows in
  // no help.
  if (argv[0] === HIDDEN_COMPLETE_COMMAND) {
    const { complete } = await import('./completion.ts');
    const candidates = await complete(buildProgram(), argv.slice(1));
    process.stdout.write(candidates.map((c) => `${c}\n`).join(''));
    return;
  }
  await buildProgram().parseAsync(argv, { from: 'user' });
}
