import { Box, Text } from 'ink';
import type { Dispatch } from 'react';
import { displayWidth } from '../parsers/text-width.js';
import type { State } from '../src/store.js';
import { useBindings, usePrompt } from '../src/tui/hooks/use-keys.js';
import { useTheme } from '../src/tui/hooks/use-theme.js';
import { idText } from '../src/tui/view-model/cells.js';
import { layoutColumns } from '../src/tui/view-model/columns.js';
import { fitWordings } from '../src/tui/view-model/fit.js';
import { buildRows, isFinished } from '../src/tui/view-model/rows.js';
import { selectedIndex, type TableAction, type TableState } from '../src/tui/view-model/table-state.js';
import { JobTable } from './JobTable.js';

export interface TableScreenProps {
  state: State;
  table: TableState;
  dispatch: Dispatch<TableAction>;
  width: number;
  height: number;
  now: number;
  finishedWindowS: number;
  active: boolean;
  onOpen(key: string): void;
  onCancel(key: string): void;
  onDiagnose(key: string): void;
  onHelp(): void;
  onQuit(): void;
  /** The job rows on screen changed (their logs are read first). */
  onVisible?(keys: string[]): void;
}

/** The job list with its title, filter prompt and key handling. */
export function TableScreen(p: TableScreenProps) {
  const { state, table, dispatch, width, height, now } = p;
  const theme = useTheme();
  const entries = Object.values(state.jobs);
  const rows = buildRows(entries, {
    sort: table.sort,
    filter: table.filter,
    expanded: table.expanded,
    now,
    finishedWindowS: p.finishedWindowS,
  });
  const clusters = new Set(entries.map((e) => e.cluster));
  const columns = layoutColumns(width, {
    idWidth: Math.max(5, ...rows.map((r) => displayWidth(idText(r)))),
    clusterWidth: clusters.size > 1 ? Math.max(...[...clusters].map((c) => displayWidth(c))) : null,
  });
  const index = selectedIndex(table, rows, state.jobs);
  const row = index >= 0 ? rows[index] : undefined;
  const promptH = table.draft !== null ? 1 : 0;
  const tableH = Math.max(2, height - 1 - promptH);
  const select = (i: number) => dispatch({ type: 'select', rows, index: i });
  const stale = new Set(
    Object.values(state.clusters)
      .filter((c) => c.stale)
      .map((c) => c.name),
  );

  useBindings(
    'table',
    {
      down: () => select(index + 1),
      up: () => select(index - 1),
      pageDown: () => select(index + tableH - 2),
      pageUp: () => select(index - (tableH - 2)),
      top: () => select(0),
      bottom: () => select(rows.length - 1),
      open: () => {
        if (row?.kind === 'group') dispatch({ type: 'expand', key: row.key, open: !row.expanded });
        else if (row) p.onOpen(row.key);
      },
      collapse: () => {
        if (row?.kind === 'group') dispatch({ type: 'expand', key: row.key, open: false });
        else if (row?.depth === 1) {
          const parent = rows.findLast((r, i) => i < index && r.kind === 'group');
          if (parent) {
            dispatch({ type: 'expand', key: parent.key, open: false });
            dispatch({ type: 'selectKey', key: parent.key, index: rows.indexOf(parent) });
          }
        }
      },
      filter: () => dispatch({ type: 'filterStart' }),
      clearFilter: () => dispatch({ type: 'filterClear' }),
      sort: () => dispatch({ type: 'sort' }),
      cancel: () => row && p.onCancel(row.key),
      diagnose: () => row?.kind === 'job' && p.onDiagnose(row.key),
      help: p.onHelp,
      quit: p.onQuit,
    },
    p.active && table.draft === null,
  );
  usePrompt(
    {
      value: table.draft ?? '',
      onChange: (text) => dispatch({ type: 'filterEdit', text }),
      onSubmit: () => dispatch({ type: 'filterCommit' }),
      onCancel: () => dispatch({ type: 'filterClear' }),
    },
    p.active && table.draft !== null,
  );

  const running = entries.filter((e) => e.job.state === 'RUNNING').length;
  const pending = entries.filter((e) => e.job.state === 'PENDING').length;
  const ended = entries.filter(isFinished).length;
  // Filter and sort first; then the counts, in short words where the long ones do not fit, and
  // only whole ones (see fitSegments).
  const lead = [table.filter && table.draft === null ? `filter /${table.filter}` : '', `sort ${table.sort}`];
  const counts = (words: [string, string, string]) => [
    `${entries.length} jobs`,
    `${running} ${words[0]}`,
    `${pending} ${words[1]}`,
    `${ended} ${words[2]}`,
  ];
  const title = fitWordings(
    [
      [...lead, ...counts(['running', 'pending', 'ended'])].filter(Boolean),
      [...lead, ...counts(['run', 'pend', 'end'])].filter(Boolean),
    ],
    width - 'hpc-watch  '.length,
  );
  const empty = table.filter
    ? `no job matches /${table.filter} (esc clears)`
    : Object.values(state.clusters).some((c) => c.lastPollAt !== null)
      ? 'no jobs (nothing queued or finished recently)'
      : 'loading…';
  return (
    <Box flexDirection="column" height={height} width={width} flexShrink={0}>
      <Text wrap="truncate-end">
        <Text bold color={theme.accent}>
          hpc-watch
        </Text>
        <Text color={theme.text.dim}>{`  ${title}`}</Text>
      </Text>
      <JobTable
        rows={rows}
        columns={columns}
        selectedIndex={index}
        height={tableH}
        now={now}
        staleClusters={stale}
        emptyText={empty}
        onVisible={p.onVisible}
      />
      {table.draft !== null ? (
        <Text wrap="truncate-end">
          <Text color={theme.accent}>/</Text>
          {table.draft}
          <Text inverse> </Text>
          <Text color={theme.text.dim}> enter keeps · esc clears</Text>
        </Text>
      ) : null}
    </Box>
  );
}
