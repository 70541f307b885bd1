import { Box, Text } from 'ink';
import { useState } from 'react';
import { useBindings } from '../src/tui/hooks/use-keys.js';
import { useTheme } from '../src/tui/hooks/use-theme.js';
import { bindingLabel, helpSections } from '../src/tui/view-model/keys.js';

/** Every visible binding, generated from the same table that drives dispatch; scrolls when tall. */
export function HelpOverlay({ width, height, onClose }: { width: number; height: number; onClose(): void }) {
  const theme = useTheme();
  const [top, setTop] = useState(0);
  const lines: { text: string; title?: boolean }[] = [];
  for (const s of helpSections()) {
    if (lines.length) lines.push({ text: '' });
    lines.push({ text: s.title, title: true });
    for (const b of s.bindings) lines.push({ text: `  ${bindingLabel(b).padEnd(16)} ${b.description}` });
  }
  const room = Math.max(1, height - 1);
  const maxTop = Math.max(0, lines.length - room);
  useBindings('help', {
    close: onClose,
    down: () => setTop((t) => Math.min(maxTop, t + 1)),
    up: () => setTop((t) => Math.max(0, t - 1)),
  });
  const shown = lines.slice(Math.min(top, maxTop), Math.min(top, maxTop) + room);
  return (
    <Box flexDirection="column" height={height} width={width} flexShrink={0}>
      <Text bold color={theme.accent} wrap="truncate-end">
        {`Keys${maxTop > 0 ? '  (j/k scroll)' : ''}  · esc/? closes`}
      </Text>
      {shown.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a window of help lines
        <Text key={i} bold={l.title} color={l.title ? theme.accent : undefined} wrap="truncate-end">
          {l.text || ' '}
        </Text>
      ))}
    </Box>
  );
}
