import { Box, Text } from 'ink';
import type { StyledSpan } from '../parsers/sanitize.js';
import { displayWidth } from '../parsers/text-width.js';
import { useTheme } from '../src/tui/hooks/use-theme.js';
import type { CellPart } from '../src/tui/view-model/cells.js';
import { fitParts } from '../src/tui/view-model/fit.js';
import type { VisualRow } from '../src/tui/view-model/log-lines.js';
import type { Theme } from '../src/tui/view-model/theme.js';
import { Parts } from './JobRow.js';

export interface LogPaneProps {
  title: CellPart[];
  width: number;
  /** The rows to show, already cut to `width - 1` columns. */
  rows: VisualRow[];
  height: number;
  /** Log line index of the root cause, highlighted with a ▶ gutter mark. */
  failureLine: number | null;
  /** Shown when there are no rows (log not written yet, missing...). */
  placeholder: string | null;
}

function spanColor(theme: Theme, c: string | undefined): string | undefined {
  return theme.noColor ? undefined : c;
}

function Spans({ spans, root }: { spans: StyledSpan[]; root: boolean }) {
  const theme = useTheme();
  return (
    <>
      {spans.map((s, i) => (
        <Text
          // biome-ignore lint/suspicious/noArrayIndexKey: spans are positional
          key={i}
          color={root && !s.fg ? theme.error : spanColor(theme, s.fg)}
          backgroundColor={spanColor(theme, s.bg)}
          bold={root || s.bold}
          dimColor={s.dim}
          italic={s.italic}
          underline={s.underline}
          inverse={s.inverse}
        >
          {s.text}
        </Text>
      ))}
    </>
  );
}

/** A window of log rows under a title line; the root-cause line is marked and bold. */
export function LogPane({ title, width, rows, height, failureLine, placeholder }: LogPaneProps) {
  const theme = useTheme();
  const head = fitParts(title, width);
  const rest = width - displayWidth(head.map((p) => p.text).join(''));
  return (
    <Box flexDirection="column" height={height} flexShrink={0} overflow="hidden">
      <Text wrap="truncate-end">
        <Parts parts={head} />
        <Text color={theme.accent}>{'─'.repeat(Math.max(0, rest))}</Text>
      </Text>
      {rows.length === 0 && placeholder ? (
        <Text color={theme.text.dim} wrap="truncate-end">
          {` ${placeholder}`}
        </Text>
      ) : (
        rows.map((r, i) => {
          const root = failureLine !== null && r.line === failureLine;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: a window of rows, keyed by position on screen
            <Text key={i} wrap="truncate-end">
              <Text color={theme.error}>{root && r.first ? '▶' : ' '}</Text>
              <Spans spans={r.spans} root={root} />
            </Text>
          );
        })
      )}
    </Box>
  );
}
