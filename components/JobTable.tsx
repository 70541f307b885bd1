import { Box, Text } from 'ink';
import { useEffect, useRef } from 'react';
import { useTheme } from '../src/tui/hooks/use-theme.js';
import { type Column, pad } from '../src/tui/view-model/columns.js';
import type { Row } from '../src/tui/view-model/rows.js';
import { scrollTop } from '../src/tui/view-model/table-state.js';
import { JobRow } from './JobRow.js';

export interface JobTableProps {
  rows: Row[];
  columns: Column[];
  selectedIndex: number;
  /** Lines available, header included. */
  height: number;
  now: number;
  staleClusters: ReadonlySet<string>;
  /** Shown instead of rows when there are none. */
  emptyText: string;
  /** Told the keys of the job rows on screen, top first, when they change. */
  onVisible?(keys: string[]): void;
}

/** The job list: a header line and a window of rows around the selection. */
export function JobTable({
  rows,
  columns,
  selectedIndex,
  height,
  now,
  staleClusters,
  emptyText,
  onVisible,
}: JobTableProps) {
  const theme = useTheme();
  const topRef = useRef(0);
  const visible = Math.max(1, height - 1);
  const top = scrollTop(topRef.current, Math.max(0, selectedIndex), visible, rows.length);
  topRef.current = top;
  const shown = rows.slice(top, top + visible);
  // One string, so the effect runs when the rows on screen change, not on every frame.
  const onScreen = shown
    .filter((r) => r.kind === 'job')
    .map((r) => r.key)
    .join('\n');
  useEffect(() => onVisible?.(onScreen ? onScreen.split('\n') : []), [onScreen, onVisible]);
  const header = columns.map((c, i) => pad(c.header, c.width, c.align) + (i < columns.length - 1 ? ' ' : '')).join('');
  return (
    <Box flexDirection="column" height={height} flexShrink={0}>
      <Text bold color={theme.text.dim} wrap="truncate-end">
        {` ${header}`}
      </Text>
      {rows.length === 0 ? (
        <Text color={theme.text.dim} wrap="truncate-end">
          {` ${emptyText}`}
        </Text>
      ) : (
        shown.map((row, i) => {
          const cluster = row.kind === 'group' ? row.cluster : row.entry.cluster;
          return (
            <JobRow
              key={row.key}
              row={row}
              columns={columns}
              now={now}
              selected={top + i === selectedIndex}
              dim={row.finished || staleClusters.has(cluster)}
            />
          );
        })
      )}
    </Box>
  );
}
