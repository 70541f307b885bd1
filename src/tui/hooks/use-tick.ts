/** A re-render clock that only runs while something on screen changes with time. */
import { useEffect, useState } from 'react';

/**
 * Re-renders every `intervalMs` while `active`; returns a counter. Callers read
 * `Date.now()` during render, so any render shows fresh times, and an idle screen
 * costs no timers faster than the interval it asks for.
 */
export function useTick(intervalMs: number, active = true): number {
  const [n, setN] = useState(0);
  useEffect(() => {
    if (!active || intervalMs <= 0) return;
    const timer = setInterval(() => setN((x) => x + 1), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, active]);
  return n;
}
