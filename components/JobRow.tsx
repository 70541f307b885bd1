import { Text } from 'ink';
import { displayWidth } from '../parsers/text-width.js';
import { useTheme } from '../src/tui/hooks/use-theme.js';
import type { CellPart } from '../src/tui/view-model/cells.js';
import { type Column, cellParts } from '../src/tui/view-model/columns.js';
import { fitParts } from '../src/tui/view-model/fit.js';
import type { Row } from '../src/tui/view-model/rows.js';
import { toneColor } from '../src/tui/view-model/tone.js';

export interface JobRowProps {
  row: Row;
  columns: Column[];
  now: number;
  selected: boolean;
  /** Finished, or from a cluster whose data is stale. */
  dim: boolean;
}

/**
 * One table row: cells already cut and padded to their widths, so the row is one line of text.
 * One Text (not a Box per cell) keeps the layout tree to a node per row; a 50-row table with a
 * Box per cell cost Yoga a few hundred nodes and the first frame ~100 ms.
 */
export function JobRow({ row, columns, now, selected, dim }: JobRowProps) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      <Text color={theme.accent}>{selected ? '›' : ' '}</Text>
      {columns.map((c, i) => {
        const parts = fitParts(cellParts(row, c, now), c.width);
        const gap = Math.max(0, c.width - displayWidth(parts.map((p) => p.text).join('')));
        const sep = i < columns.length - 1 ? ' ' : '';
        return (
          <Text key={c.id} inverse={selected} dimColor={dim}>
            {c.align === 'right' ? ' '.repeat(gap) : ''}
            <Parts parts={parts} />
            {c.align === 'left' ? ' '.repeat(gap) : ''}
            {sep}
          </Text>
        );
      })}
    </Text>
  );
}

/** Coloured pieces of a cell. */
export function Parts({ parts }: { parts: CellPart[] }) {
  const theme = useTheme();
  return (
    <>
      {parts.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: parts have no identity beyond their position
        <Text key={i} color={toneColor(theme, p.tone)}>
          {p.text}
        </Text>
      ))}
    </>
  );
}
