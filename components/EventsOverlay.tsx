import { Box, Text } from 'ink';
import { useState } from 'react';
import type { JobEvent } from '../src/events/types.js';
import { useBindings } from '../src/tui/hooks/use-keys.js';
import { useTheme } from '../src/tui/hooks/use-theme.js';
import { eventListLines } from '../src/tui/view-model/event-list.js';
import { fitParts } from '../src/tui/view-model/fit.js';
import { Parts } from './JobRow.js';

export interface EventsOverlayProps {
  events: readonly JobEvent[];
  width: number;
  height: number;
  now: number;
  onClose(): void;
}

/** The last events, newest first; scrolls when there are more than fit. */
export function EventsOverlay({ events, width, height, now, onClose }: EventsOverlayProps) {
  const theme = useTheme();
  const [top, setTop] = useState(0);
  const lines = eventListLines(events, now);
  const room = Math.max(1, height - 1);
  const maxTop = Math.max(0, lines.length - room);
  useBindings('events', {
    close: onClose,
    down: () => setTop((t) => Math.min(maxTop, t + 1)),
    up: () => setTop((t) => Math.max(0, t - 1)),
  });
  const from = Math.min(top, maxTop);
  return (
    <Box flexDirection="column" height={height} width={width} flexShrink={0}>
      <Text bold color={theme.accent} wrap="truncate-end">
        {`Events${maxTop > 0 ? '  (j/k scroll)' : ''}  · esc/e closes`}
      </Text>
      {lines.length === 0 ? (
        <Text color={theme.text.dim}>{' nothing yet: starts, ends, failures and stalls show up here'}</Text>
      ) : (
        lines.slice(from, from + room).map((l, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a window of lines
          <Text key={i} wrap="truncate-end">
            <Parts parts={fitParts(l, width)} />
          </Text>
        ))
      )}
    </Box>
  );
}
