import { Text } from 'ink';
import { sparkline } from '../src/tui/view-model/sparkline.js';
import type { Tone } from '../src/tui/view-model/theme.js';

/** A one-line ▁▂▃▄▅▆▇█ chart of `values`, exactly `width` columns or fewer. */
export function Sparkline({
  values,
  width,
  color,
}: {
  values: readonly (number | null)[];
  width: number;
  color?: Tone;
}) {
  return (
    <Text color={color} wrap="truncate-end">
      {sparkline(values, width)}
    </Text>
  );
}
