/** Semantic colour tokens: components name a meaning, never a colour, so NO_COLOR is one switch. */

/** An Ink colour, or undefined for "terminal default" (always the case under NO_COLOR). */
export type Tone = string | undefined;

export interface Theme {
  noColor: boolean;
  state: {
    running: Tone;
    pending: Tone;
    completed: Tone;
    failed: Tone;
    cancelled: Tone;
    timeout: Tone;
    unknown: Tone;
  };
  text: { primary: Tone; dim: Tone };
  warning: Tone;
  error: Tone;
  ok: Tone;
  accent: Tone;
}

/** no-color.org: the variable counts when present and not empty. */
export function isNoColor(env: NodeJS.ProcessEnv = process.env): boolean {
  return typeof env.NO_COLOR === 'string' && env.NO_COLOR !== '';
}

/** The default palette, or an all-undefined one when colour is off. */
export function createTheme(noColor = isNoColor()): Theme {
  const c = (name: string): Tone => (noColor ? undefined : name);
  return {
    noColor,
    state: {
      running: c('green'),
      pending: c('yellow'),
      completed: c('blue'),
      failed: c('red'),
      cancelled: c('magenta'),
      timeout: c('redBright'),
      unknown: c('gray'),
    },
    text: { primary: undefined, dim: c('gray') },
    warning: c('yellow'),
    error: c('red'),
    ok: c('green'),
    accent: c('cyan'),
  };
}

/** Colour token for a SLURM base state. */
export function stateTone(theme: Theme, state: string): Tone {
  switch (state) {
    case 'RUNNING':
    case 'COMPLETING':
    case 'CONFIGURING':
      return theme.state.running;
    case 'PENDING':
    case 'REQUEUED':
    case 'SUSPENDED':
      return theme.state.pending;
    case 'COMPLETED':
      return theme.state.completed;
    case 'CANCELLED':
    case 'PREEMPTED':
    case 'REVOKED':
      return theme.state.cancelled;
    case 'TIMEOUT':
    case 'DEADLINE':
      return theme.state.timeout;
    case 'FAILED':
    case 'OUT_OF_MEMORY':
    case 'NODE_FAIL':
    case 'BOOT_FAIL':
    case 'SPECIAL_EXIT':
      return theme.state.failed;
    default:
      return theme.state.unknown;
  }
}
