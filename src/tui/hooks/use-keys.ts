/** Hooks that register a view's key handling with the app's KeyRouter. */
import { useInput } from 'ink';
import { useContext, useId, useLayoutEffect, useRef } from 'react';
import type { Scope } from '../view-model/keys.js';
import { type Handlers, KeyRouter, KeyRouterContext, type PromptHandlers } from './key-router.js';

export type { Handlers, PromptHandlers } from './key-router.js';

/** The app's router, or a private one for a component rendered on its own (tests). */
function useRouter(): { router: KeyRouter; own: boolean } {
  const shared = useContext(KeyRouterContext);
  const own = useRef<KeyRouter | null>(null);
  if (shared) return { router: shared, own: false };
  own.current ??= new KeyRouter();
  return { router: own.current, own: true };
}

function useSlot(register: (router: KeyRouter, id: string) => void): void {
  const { router, own } = useRouter();
  const id = useId();
  register(router, id);
  // Layout cleanup runs during the commit, so an unmounted view stops taking keys at once.
  useLayoutEffect(() => () => router.delete(id), [router, id]);
  useInput((input, key) => void router.dispatch(input, key), { isActive: own });
}

/** Calls `handlers[command]` for keys the scope's bindings map to a command, while active. */
export function useBindings(scope: Scope, handlers: Handlers, isActive = true): void {
  useSlot((r, id) => r.set(id, { kind: 'bindings', scope, handlers, active: isActive }));
}

/** While active, every key edits the prompt; Enter submits, Esc cancels. */
export function usePrompt(prompt: PromptHandlers, isActive: boolean): void {
  useSlot((r, id) => r.set(id, { kind: 'prompt', prompt, active: isActive }));
}
