/** The event layer's news for a view: re-renders when an event arrives and hands it to `onEvent`. */
import { useEffect, useRef, useState } from 'react';
import type { EventFeed, JobEvent } from '../../events/types.js';

/** The recent events (newest last); `onEvent` sees each new one once. */
export function useEventFeed(feed: EventFeed | null, onEvent?: (ev: JobEvent) => void): readonly JobEvent[] {
  const [recent, setRecent] = useState<readonly JobEvent[]>(() => [...(feed?.recent ?? [])]);
  const cb = useRef(onEvent);
  cb.current = onEvent;
  useEffect(() => {
    if (!feed) return;
    return feed.on((ev) => {
      setRecent([...feed.recent]);
      cb.current?.(ev);
    });
  }, [feed]);
  return recent;
}
