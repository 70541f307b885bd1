import { Box, Text } from 'ink';
import { useRef } from 'react';
import { type Column, pad } from '../src/tui/columns.js';
import type { Row } from '../src/tui/rows.js';
import { useTheme } from '../src/tui/theme.js';
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
}

/** Keeps `index` visible with the fewest scroll moves, like a pager would. */
export function scrollTop(prevTop: number, index: number, visible: number, total: number): number {
  let top = prevTop;
  if (index < top) top = index;
  if (index >= top + visible) top = index - visible + 1;
  return Math.max(0, Math.min(top, total - visible));
}

/** The job list: a header line and a window of rows around the selection. */
export function JobTable({ rows, columns, selectedIndex, height, now, staleClusters, emptyText }: JobTableProps) {
  const theme = useTheme();
  const topRef = useRef(0);
  const visible = Math.max(1, height - 1);
  const top = scrollTop(topRef.current, Math.max(0, selectedIndex), visible, rows.length);
  topRef.current = top;
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
        rows.slice(top, top + visible).map((row, i) => {
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
