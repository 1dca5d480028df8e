// The server's option table as Markdown, rendered from the options table (packages/server/src/options.ts) into
// README.md and docs/server.md by `npm run docs`; test/generated-docs.test.ts fails when either copy is stale.
import { defaultTextOf, type OptionRow, SERVER_OPTIONS } from '../../packages/server/src/options.ts';

const cell = (text: string) => text.replaceAll('|', '\\|');

function defaultCell(row: OptionRow): string {
  const command = defaultTextOf(row, 'command');
  const inProcess = defaultTextOf(row, 'in-process');
  if (!row.type.arg) return 'off';
  if (command === undefined) return '—';
  const shown = /^[\w.:/-]+$/.test(command) ? `\`${command}\`` : command;
  return command === inProcess || row.commandOnly ? shown : `${shown} (in-process \`${inProcess}\`)`;
}

export function serverOptionsMarkdown(): string {
  const rows: readonly OptionRow[] = SERVER_OPTIONS;
  const lines = [
    '| Flag | Environment | In-process (`startServer`) | Default | Meaning |',
    '|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| \`--${row.flag}${row.type.arg ? ` ${cell(row.type.arg)}` : ''}\` | ${row.env.map((name) => `\`${name}\``).join(', ')} | ${row.commandOnly ? '— (the command only)' : `\`${row.key}\``} | ${cell(defaultCell(row))} | ${cell(row.help)} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
