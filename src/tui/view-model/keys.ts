/**
 * Key bindings as data, lazygit-style: this one table drives dispatch (useBindings),
 * the footer hints and the `?` help, so the three can never disagree.
 */
import type { Key } from 'ink';

export type Scope = 'global' | 'table' | 'job' | 'help' | 'events' | 'confirm';

export type Command =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'top'
  | 'bottom'
  | 'open'
  | 'collapse'
  | 'back'
  | 'filter'
  | 'clearFilter'
  | 'search'
  | 'nextMatch'
  | 'prevMatch'
  | 'stream'
  | 'follow'
  | 'wrap'
  | 'sort'
  | 'cancel'
  | 'diagnose'
  | 'help'
  | 'events'
  | 'quit'
  | 'close'
  | 'confirm'
  | 'deny';

export interface KeyBinding {
  /** Normalised names from keyName(): a character, or `up`, `return`, `escape`, `ctrl+c`... */
  keys: readonly string[];
  command: Command;
  description: string;
  scope: Scope;
  /** Listed in the `?` help. */
  visible: boolean;
  /** Footer hint text; bindings without one only appear in the help. */
  hint?: string;
}

const b = (
  scope: Scope,
  keys: string[],
  command: Command,
  description: string,
  hint?: string,
  visible = true,
): KeyBinding => ({ keys, command, description, scope, visible, hint });

/** Order matters: footer hints are dropped from the end when the pane is narrow. */
export const BINDINGS: readonly KeyBinding[] = [
  b('table', ['return', 'right', 'l'], 'open', 'open job / expand array', 'open'),
  b('table', ['/'], 'filter', 'filter by id, name or state', 'filter'),
  b('table', ['s'], 'sort', 'sort: state → time left → progress', 'sort'),
  b('table', ['c'], 'cancel', 'cancel job (scancel, asks first)', 'cancel'),
  b('table', ['q'], 'quit', 'quit', 'quit'),
  b('table', ['d'], 'diagnose', 'diagnose failure', 'diagnose'),
  b('table', ['j', 'down'], 'down', 'move down'),
  b('table', ['k', 'up'], 'up', 'move up'),
  b('table', ['pagedown'], 'pageDown', 'page down'),
  b('table', ['pageup'], 'pageUp', 'page up'),
  b('table', ['g', 'home'], 'top', 'first job'),
  b('table', ['G', 'end'], 'bottom', 'last job'),
  b('table', ['h', 'left'], 'collapse', 'collapse array'),
  b('table', ['escape'], 'clearFilter', 'clear filter'),
  b('job', ['escape', 'q'], 'back', 'back to the job list', 'back'),
  b('job', ['f'], 'follow', 'follow the log tail on/off', 'follow'),
  b('job', ['o'], 'stream', 'show stdout / stderr / split', 'out/err'),
  b('job', ['/'], 'search', 'search the log', 'search'),
  b('job', ['c'], 'cancel', 'cancel job (scancel, asks first)', 'cancel'),
  b('job', ['d'], 'diagnose', 'diagnose failure', 'diagnose'),
  b('job', ['n'], 'nextMatch', 'next match'),
  b('job', ['N'], 'prevMatch', 'previous match'),
  b('job', ['j', 'down'], 'down', 'scroll down'),
  b('job', ['k', 'up'], 'up', 'scroll up (stops following)'),
  b('job', ['pagedown'], 'pageDown', 'page down'),
  b('job', ['pageup'], 'pageUp', 'page up'),
  b('job', ['g', 'home'], 'top', 'log start'),
  b('job', ['G', 'end'], 'bottom', 'log end (follows again)'),
  b('job', ['w'], 'wrap', 'wrap long lines on/off'),
  b('global', ['e'], 'events', 'recent events (starts, ends, failures, stalls)', 'events'),
  b('global', ['?'], 'help', 'help', 'help'),
  b('global', ['ctrl+c'], 'quit', 'quit'),
  b('help', ['escape', '?', 'q'], 'close', 'close help', undefined, false),
  b('help', ['j', 'down'], 'down', 'scroll down', undefined, false),
  b('help', ['k', 'up'], 'up', 'scroll up', undefined, false),
  b('events', ['escape', 'e', 'q'], 'close', 'close the event list', undefined, false),
  b('events', ['j', 'down'], 'down', 'scroll down', undefined, false),
  b('events', ['k', 'up'], 'up', 'scroll up', undefined, false),
  b('confirm', ['y', 'Y'], 'confirm', 'yes', undefined, false),
  b('confirm', ['n', 'N', 'escape', 'q'], 'deny', 'no', undefined, false),
];

const LABELS: Record<string, string> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  return: 'enter',
  escape: 'esc',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  'ctrl+c': 'ctrl-c',
};

/** Display label for one key name. */
export function keyLabel(name: string): string {
  return LABELS[name] ?? name;
}

/** All keys of a binding, e.g. `j/↓`. */
export function bindingLabel(binding: KeyBinding): string {
  return binding.keys.map(keyLabel).join('/');
}

/** Normalises Ink's (input, key) pair to the names used in BINDINGS. */
export function keyName(input: string, key: Key): string | null {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'return';
  if (key.escape) return 'escape';
  if (key.tab) return 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && input) return `ctrl+${input.toLowerCase()}`;
  return input.length === 1 ? input : null;
}

/** Bindings a scope answers to: its own first, then the global ones (not for modal scopes). */
export function bindingsFor(scope: Scope): KeyBinding[] {
  const own = BINDINGS.filter((x) => x.scope === scope);
  if (scope === 'confirm' || scope === 'help' || scope === 'events' || scope === 'global') return own;
  return [...own, ...BINDINGS.filter((x) => x.scope === 'global')];
}

/** The command a key press means in a scope, or null. */
export function commandFor(scope: Scope, input: string, key: Key): Command | null {
  const name = keyName(input, key);
  if (name === null) return null;
  return bindingsFor(scope).find((x) => x.keys.includes(name))?.command ?? null;
}

const NONE: ReadonlySet<Command> = new Set();

/** Commands that do nothing for this job: cancel once it ended, `o` when one file holds both streams. */
export function idleCommands(finished: boolean, ownStderr: boolean): ReadonlySet<Command> {
  const idle = new Set<Command>();
  if (finished) idle.add('cancel');
  if (!ownStderr) idle.add('stream');
  return idle;
}

/** Footer hints for a scope, in priority order, without commands that would do nothing here. */
export function hintsFor(scope: Scope, idle: ReadonlySet<Command> = NONE): { keys: string; text: string }[] {
  return bindingsFor(scope)
    .filter((x) => x.hint && !idle.has(x.command))
    .map((x) => ({ keys: keyLabel(x.keys[0]!), text: x.hint! }));
}

/** The help screen's sections: every visible binding, grouped by scope. */
export function helpSections(): { title: string; bindings: KeyBinding[] }[] {
  const titles: [Scope, string][] = [
    ['table', 'Job list'],
    ['job', 'Job view'],
    ['global', 'Everywhere'],
  ];
  return titles.map(([scope, title]) => ({ title, bindings: BINDINGS.filter((x) => x.scope === scope && x.visible) }));
}
