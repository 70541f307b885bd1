/**
 * One input listener for the whole app, routing each key to whichever view is
 * active *now*. Views register during render rather than through Ink's per-hook
 * `useInput`, whose listener and `isActive` only change in a passive effect: a key
 * typed before that effect runs (fast typing, key repeat, a busy frame) would reach
 * the previous mode, e.g. the `c` of a filter "crash" opening the cancel dialog.
 */
import type { Key } from 'ink';
import { createContext } from 'react';
import { sanitizeField } from '../../../parsers/sanitize.js';
import { type Command, commandFor, type Scope } from '../view-model/keys.js';

export type Handlers = Partial<Record<Command, () => void>>;

export interface PromptHandlers {
  value: string;
  onChange(value: string): void;
  onSubmit(): void;
  onCancel(): void;
}

type Slot =
  | { kind: 'bindings'; scope: Scope; handlers: Handlers; active: boolean }
  | { kind: 'prompt'; prompt: PromptHandlers; active: boolean };

/** Routes keys to the active prompt first, then to active bindings in registration order. */
export class KeyRouter {
  private readonly slots = new Map<string, Slot>();
  // The prompt text as typed so far, ahead of the render that will show it.
  private readonly typed = new Map<string, string>();
  private readonly queue: [string, Key][] = [];
  private waiting = false;
  private epoch = 0;

  set(id: string, slot: Slot): void {
    this.epoch++;
    if (slot.kind === 'prompt') {
      const old = this.slots.get(id);
      const oldValue = old?.kind === 'prompt' ? old.prompt.value : undefined;
      if (oldValue !== slot.prompt.value || !slot.active) {
        this.typed.set(id, slot.prompt.value);
      }
    }
    this.slots.set(id, slot);
  }

  delete(id: string): void {
    this.slots.delete(id);
    this.typed.delete(id);
  }

  /**
   * Handles one input event. Ink hands over a run of plain characters as one event
   * (a paste, or keys that arrived in one read: tmux send-keys, a laggy ssh link),
   * so a run is split into single keys, with `\r` meaning Enter. React renders an
   * update on a later turn of the event loop, so each key waits for that render
   * to see what the previous key did (`jj⏎` opens the row two down).
   */
  dispatch(input: string, key: Key): void {
    if (!isPlainRun(input, key)) this.queue.push([input, key]);
    else {
      for (const piece of input.match(/[^\r\n\t\x7f\b]+|[\r\n\t\x7f\b]/g) ?? []) {
        const control = CONTROL[piece];
        this.queue.push(control ? ['', { ...key, ...control }] : [piece, key]);
      }
    }
    if (!this.waiting) this.drain();
  }

  private drain(): void {
    const next = this.queue[0];
    if (!next) return;
    const [input, key] = next;
    // A printable run goes to a prompt whole (a paste); otherwise one character per turn.
    if (input.length > 1 && !this.activePrompt() && isPlainRun(input, key)) {
      const [first, ...rest] = Array.from(input);
      next[0] = rest.join('');
      if (next[0] === '') this.queue.shift();
      this.dispatchOne(first!, { ...key, shift: first !== first!.toLowerCase() });
    } else {
      this.queue.shift();
      this.dispatchOne(input, key);
    }
    if (this.queue.length === 0) return;
    // Wait for the render this key caused (every render re-registers the slots),
    // giving up after a moment for a key that changed nothing.
    const seen = this.epoch;
    const since = Date.now();
    this.waiting = true;
    const check = () => {
      if (this.epoch === seen && Date.now() - since < NOOP_KEY_MS) {
        setTimeout(check, 1);
        return;
      }
      this.waiting = false;
      this.drain();
    };
    setImmediate(check);
  }

  private activePrompt(): [string, PromptHandlers] | null {
    for (const [id, s] of this.slots) if (s.kind === 'prompt' && s.active) return [id, s.prompt];
    return null;
  }

  private dispatchOne(input: string, key: Key): boolean {
    const prompt = this.activePrompt();
    if (prompt) {
      this.edit(prompt[0], prompt[1], input, key);
      return true;
    }
    for (const s of this.slots.values()) {
      if (s.kind !== 'bindings' || !s.active) continue;
      const command = commandFor(s.scope, input, key);
      const handler = command ? s.handlers[command] : undefined;
      if (handler) {
        handler();
        return true;
      }
      // y/N: anything but y is no, so text typed into the wrong pane cannot confirm a cancel.
      if (s.scope === 'confirm' && s.handlers.deny) {
        s.handlers.deny();
        return true;
      }
    }
    return false;
  }

  private edit(id: string, p: PromptHandlers, input: string, key: Key): void {
    const value = this.typed.get(id) ?? p.value;
    const set = (v: string) => {
      this.typed.set(id, v);
      p.onChange(v);
    };
    if (key.return) p.onSubmit();
    else if (key.escape) p.onCancel();
    else if (key.backspace || key.delete) set(Array.from(value).slice(0, -1).join(''));
    else if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.tab) return;
    else if (input) set((value + sanitizeField(input)).slice(0, 200));
  }
}

const NOOP_KEY_MS = 50;

const CONTROL: Record<string, Partial<Key>> = {
  '\r': { return: true },
  '\n': { return: true },
  '\t': { tab: true },
  '\x7f': { backspace: true },
  '\b': { backspace: true },
};

function isPlainRun(input: string, key: Key): boolean {
  if (input.length < 2 || key.ctrl || key.meta || key.escape || key.return) return false;
  return !(key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.tab);
}

export const KeyRouterContext = createContext<KeyRouter | null>(null);
