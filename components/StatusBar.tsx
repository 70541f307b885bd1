import { Box, Text } from 'ink';
import type { ClusterStatus } from '../src/store.js';
import { useTheme } from '../src/tui/hooks/use-theme.js';
import type { CellPart } from '../src/tui/view-model/cells.js';
import { fitParts } from '../src/tui/view-model/fit.js';
import type { Command, Scope } from '../src/tui/view-model/keys.js';
import { clusterParts, fitHints } from '../src/tui/view-model/status.js';
import { Parts } from './JobRow.js';

export interface Flash {
  text: string;
  tone: 'ok' | 'error' | 'warning' | 'dim';
}

export interface StatusBarProps {
  clusters: ClusterStatus[];
  now: number;
  scope: Scope;
  width: number;
  /** A short-lived message (e.g. the scancel result) shown instead of cluster health. */
  flash: Flash | null;
  /** Commands left out of the hints because they would do nothing here. */
  idle?: ReadonlySet<Command>;
}

/** Two lines: cluster health with data age (or a flash message), then key hints from the binding table. */
export function StatusBar({ clusters, now, scope, width, flash, idle }: StatusBarProps) {
  const theme = useTheme();
  const left: CellPart[] = [];
  if (flash) left.push({ text: flash.text, tone: flash.tone });
  else {
    for (const c of clusters) {
      if (left.length) left.push({ text: '  ', tone: 'plain' });
      left.push(...clusterParts(c, now, clusters.length > 1));
    }
    if (clusters.length === 0) left.push({ text: '◌ starting…', tone: 'dim' });
  }
  return (
    <Box flexDirection="column" height={2} width={width} flexShrink={0}>
      <Text wrap="truncate-end">
        <Parts parts={fitParts(left, width)} />
      </Text>
      <Text color={theme.text.dim} wrap="truncate-end">
        {fitHints(scope, width, idle)}
      </Text>
    </Box>
  );
}
