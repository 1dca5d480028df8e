// Shell completion generated from the live command tree, so verbs derived from the operation table are
// completed without being listed here.
import type { Command, Option } from 'commander';

interface Node {
  path: string;
  words: string[];
}

function walk(cmd: Command, path: string[], globals: readonly Option[], out: Node[]): void {
  const flags = [...cmd.options, ...(path.length > 0 ? globals : [])].flatMap((o) =>
    o.long ? [o.long] : [],
  );
  const subcommands = cmd.commands.map((c) => c.name());
  out.push({ path: path.join(' '), words: [...subcommands, ...flags, '--help'] });
  for (const sub of cmd.commands) walk(sub, [...path, sub.name()], globals, out);
}

function choiceOptions(cmd: Command, out: Map<string, readonly string[]>): void {
  for (const option of cmd.options) {
    if (option.long && option.argChoices) out.set(option.long, option.argChoices);
  }
  for (const sub of cmd.commands) choiceOptions(sub, out);
}

function bashScript(program: Command): string {
  const nodes: Node[] = [];
  walk(program, [], program.options, nodes);
  const choices = new Map<string, readonly string[]>();
  choiceOptions(program, choices);
  const cases = nodes.map((n) => `    '${n.path}') echo '${n.words.join(' ')}' ;;`).join('\n');
  const valueCases = [...choices]
    .map(
      ([flag, values]) => `    ${flag}) COMPREPLY=($(compgen -W '${values.join(' ')}' -- "$cur")); return ;;`,
    )
    .join('\n');
  return `# bash completion for peerconn; load with: source <(peerconn completion bash)
_peerconn_words() {
  case "$1" in
${cases}
  esac
}

_peerconn() {
  local cur prev path word i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
${valueCases}
  esac
  path=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    if [[ " $(_peerconn_words "$path") " == *" $word "* ]]; then
      path="\${path:+$path }$word"
    fi
  done
  COMPREPLY=($(compgen -W "$(_peerconn_words "$path")" -- "$cur"))
}

complete -o default -F _peerconn peerconn
`;
}

export function completionScript(shell: 'bash' | 'zsh', program: Command): string {
  const bash = bashScript(program);
  if (shell === 'bash') return bash;
  // zsh runs the bash script through its bashcompinit layer: one generator, identical behaviour.
  return `# zsh completion for peerconn; load with: source <(peerconn completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bash}`;
}
