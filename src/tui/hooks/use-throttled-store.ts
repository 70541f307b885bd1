/** Coalesces store changes into at most one React render per interval. */
import { useEffect, useState } from 'react';
import type { State, Store } from '../../store.js';

/**
 * A snapshot of the store that refreshes at most every `intervalMs`. The poller and
 * the tailers may `set` hundreds of times a second while a log grows at MB/s; Ink
 * needs a frame only when a person could see the difference (~10/s). Leading edge:
 * the first change after a quiet period renders at once.
 */
export function useThrottledStore(store: Store, intervalMs = 100): State {
  const [state, setState] = useState(store.getState);
  useEffect(() => {
    let timer: NodeJS.Timeout | null = null;
    let last = 0;
    const flush = () => {
      timer = null;
      last = Date.now();
      setState(store.getState());
    };
    const unsubscribe = store.subscribe(() => {
      if (timer) return;
      const wait = last + intervalMs - Date.now();
      if (wait <= 0 && intervalMs > 0) flush();
      else timer = setTimeout(flush, Math.max(0, wait));
    });
    // Whatever changed between the first render and subscribing.
    setState(store.getState());
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [store, intervalMs]);
  return state;
}
