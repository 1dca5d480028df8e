// Shell completion. The shell script only forwards the words typed so far to `peerconn __complete`; this
// engine answers from the live command tree (so verbs derived from the operation table complete without
// being listed), the profile file (for --profile) and the server's options table (for serve's flags).
import type { Command, Option } from 'commander';

export interface CompletionSources {
  /** Profile names of ~/.bce/config.json; read only when a --profile value is being completed. */
  profiles: () => Promise<readonly string[]>;
  /** The flags of `peerconn serve`, which the server parses itself. */
  serveFlags: () => Promise<readonly string[]>;
}

export const HIDDEN_COMPLETE_COMMAND = '__complete';

export type Shell = 'bash' | 'zsh';

async function profileNames(): Promise<readonly string[]> {
  try {
    const { listProfiles } = await import('@peerconn/sdk');
    return listProfiles().map((entry) => entry.name);
  } catch {
    // A broken profile file must not break the shell's TAB; `configure list` reports it properly.
    return [];
  }
}

/** serve's flags, from the server's options table, so a flag added there completes here too. */
export async function serverFlags(): Promise<readonly string[]> {
  const { SERVER_OPTIONS } = await import('@peerconn/server');
  return SERVER_OPTIONS.map((option) => `--${option.flag}`);
}

export const defaultSources: CompletionSources = { profiles: profileNames, serveFlags: serverFlags };

/** The command's own options, then those of every command above it (the globals live on the root). */
function optionsInScope(cmd: Command): Option[] {
  const options: Option[] = [];
  for (let current: Command | null = cmd; current; current = current.parent) options.push(...current.options);
  return options;
}

function takesValue(option: Option): boolean {
  return option.required || option.optional;
}

/**
 * Candidates for the last of `words` (the words after `peerconn`; the last one is the word being completed and
 * may be empty), filtered by what it starts with.
 */
export async function complete(
  program: Command,
  words: readonly string[],
  sources: CompletionSources = defaultSources,
): Promise<string[]> {
  const current = words.at(-1) ?? '';
  let cmd = program;
  let valueFor: Option | undefined;
  let positionals = 0;
  for (const word of words.slice(0, -1)) {
    if (valueFor) {
      valueFor = undefined;
      continue;
    }
    if (cmd.name() === 'serve') continue;
    if (word.startsWith('-')) {
      const option = optionsInScope(cmd).find((o) => o.long === word || o.short === word);
      if (option && takesValue(option)) valueFor = option;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === word);
    if (sub) {
      cmd = sub;
      positionals = 0;
    } else {
      positionals += 1;
    }
  }

  let candidates: readonly string[];
  if (valueFor) {
    candidates = valueFor.long === '--profile' ? await sources.profiles() : (valueFor.argChoices ?? []);
  } else if (cmd.name() === 'serve' && cmd.parent === program) {
    candidates = [...new Set([...(await sources.serveFlags()), '--help'])];
  } else if (current.startsWith('-')) {
    const flags = optionsInScope(cmd).flatMap((o) => (o.long && !o.hidden ? [o.long] : []));
    candidates = [...new Set([...flags, '--help'])];
  } else if (cmd.name() === 'help' && cmd.parent === program) {
    candidates = ['globals', ...program.commands.map((c) => c.name())];
  } else {
    const argument = cmd.registeredArguments[positionals];
    candidates = [...cmd.commands.map((c) => c.name()), ...(argument?.argChoices ?? [])];
  }
  return candidates.filter((word) => word.startsWith(current));
}

function bashScript(): string {
  return `# bash completion for peerconn; load with: source <(peerconn completion bash)
# The candidates come from peerconn itself, so they follow the installed version, the profiles you have and
# the flags of \`peerconn serve\`.
_peerconn() {
  local IFS=$'\\n'
  COMPREPLY=($("\${COMP_WORDS[0]}" ${HIDDEN_COMPLETE_COMMAND} "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}

complete -o default -F _peerconn peerconn
`;
}

export function completionScript(shell: Shell): string {
  const bash = bashScript();
  if (shell === 'bash') return bash;
  // zsh runs the bash script through its bashcompinit layer: one script, identical behaviour.
  return `# zsh completion for peerconn; load with: source <(peerconn completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bash}`;
}
