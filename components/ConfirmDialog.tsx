import { Box, Text } from 'ink';
import { useState } from 'react';
import { useBindings } from '../src/tui/hooks/use-keys.js';
import { useTheme } from '../src/tui/hooks/use-theme.js';
import type { CancelTarget } from '../src/tui/view-model/cancel-target.js';

export interface ConfirmDialogProps {
  target: CancelTarget;
  multiCluster: boolean;
  width: number;
  height: number;
  onConfirm(): void;
  onDeny(): void;
}

/** A y typed within this time of the dialog opening is not an answer: it was typed before it could be read. */
export const CONFIRM_GRACE_MS = 400;

/** y/N before scancel, naming exactly what goes: id, name, state, and "all N tasks" for an array. */
export function ConfirmDialog({ target, multiCluster, width, height, onConfirm, onDeny }: ConfirmDialogProps) {
  const theme = useTheme();
  const [openedAt] = useState(() => Date.now());
  // Text typed into the wrong pane ("accuracy") must not cancel a job: ignore a y that comes too soon.
  const confirm = () => {
    if (Date.now() - openedAt >= CONFIRM_GRACE_MS) onConfirm();
  };
  useBindings('confirm', { confirm, deny: onDeny });
  const what =
    target.tasks !== null ? `array ${target.scancelId}: all ${target.tasks} tasks` : `job ${target.scancelId}`;
  const where = multiCluster ? ` on ${target.cluster}` : '';
  return (
    <Box flexDirection="column" height={height} width={width} flexShrink={0} paddingTop={1}>
      <Box
        flexDirection="column"
        borderStyle="round"
        borderColor={theme.warning}
        paddingX={1}
        width={Math.min(width, 72)}
      >
        <Text bold color={theme.warning} wrap="truncate-end">{`Cancel ${what}${where}?`}</Text>
        <Text wrap="truncate-end">{`${target.scancelId}  ${target.name || '-'}`}</Text>
        <Text wrap="truncate-end" color={theme.text.dim}>{`state ${target.state}`}</Text>
        <Text wrap="truncate-end" color={theme.text.dim}>{`runs: scancel ${target.scancelId}`}</Text>
        <Text wrap="truncate-end">
          <Text bold>y</Text> cancel it <Text bold>n</Text>/esc keep it
        </Text>
      </Box>
    </Box>
  );
}
