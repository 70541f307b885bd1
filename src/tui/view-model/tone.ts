/** Maps the pure renderers' cell tones onto theme tokens. */
import type { CellTone } from './cells.js';
import { stateTone, type Theme, type Tone } from './theme.js';

/** The theme colour for a tone. */
export function toneColor(theme: Theme, tone: CellTone): Tone {
  if (typeof tone === 'object') return stateTone(theme, tone.state);
  switch (tone) {
    case 'dim':
      return theme.text.dim;
    case 'warning':
      return theme.warning;
    case 'error':
      return theme.error;
    case 'accent':
      return theme.accent;
    case 'ok':
      return theme.ok;
    default:
      return theme.text.primary;
  }
}
