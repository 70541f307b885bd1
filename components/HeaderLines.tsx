import { Box, Text } from 'ink';
import { displayWidth } from '../parsers/text-width.js';
import { useTheme } from '../src/tui/hooks/use-theme.js';
import type { CellPart } from '../src/tui/view-model/cells.js';
import { fitParts } from '../src/tui/view-model/fit.js';
import type { HeaderLine } from '../src/tui/view-model/job-header.js';
import { Parts } from './JobRow.js';
import { Sparkline } from './Sparkline.js';

/** Lines of coloured parts, each cut to `width`; a line with `spark` ends in a sparkline. */
export function HeaderLines({ lines, width }: { lines: (HeaderLine | CellPart[])[]; width: number }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" flexShrink={0}>
      {lines.map((l, i) => {
        const line = Array.isArray(l) ? { parts: l } : l;
        const parts = fitParts(line.parts, width);
        const rest = width - displayWidth(parts.map((p) => p.text).join(''));
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: header lines are positional
          <Box key={i} flexDirection="row" width={width} flexShrink={0}>
            <Text wrap="truncate-end">
              <Parts parts={parts} />
            </Text>
            {line.spark && rest > 0 ? <Sparkline values={line.spark} width={rest} color={theme.accent} /> : null}
          </Box>
        );
      })}
    </Box>
  );
}
