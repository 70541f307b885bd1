/**
 * Renders Ink into our own fake TTY of any size (ink-testing-library is fixed at 100
 * columns and has no rows), with a stdin that keys can be written into.
 */
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type { ReactElement } from 'react';
import stripAnsi from 'strip-ansi';
import { displayWidth } from '../../parsers/text-width.js';

/** A stdout with columns/rows, resize(), and every frame Ink wrote. */
export class FakeStdout extends EventEmitter {
  frames: string[] = [];
  isTTY = true;
  constructor(
    public columns = 80,
    public rows = 24,
  ) {
    super();
  }
  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };
  lastFrame = (): string => this.frames.at(-1) ?? '';
  resize(columns: number, rows = this.rows): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

/** A TTY stdin in Ink's paused mode: 'readable' then read(), like ink-testing-library's. */
export class FakeStdin extends EventEmitter {
  isTTY = true;
  private queue: string[] = [];
  write = (data: string): void => {
    this.queue.push(data);
    this.emit('readable');
  };
  read = (): string | null => this.queue.shift() ?? null;
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  enter: '\r',
  esc: '\u001B',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  backspace: '\u007F',
  ctrlC: '\u0003',
} as const;

const immediate = () => new Promise<void>((r) => setImmediate(r));

/**
 * Lets Ink's input parser, React and our timers settle. Ink flushes a lone ESC on
 * setImmediate; a plain timer can fire first when the event loop is busy, so wait
 * for the check phase before and after the timer.
 */
export async function settle(ms = 15): Promise<void> {
  await immediate();
  await new Promise((r) => setTimeout(r, ms));
  await immediate();
}

export interface Rendered {
  stdout: FakeStdout;
  stdin: FakeStdin;
  /** The last frame with ANSI styling removed: what a person sees. */
  frame(): string;
  /** The last frame as written, escapes included. */
  rawFrame(): string;
  /** Writes each key separately, settling after each. */
  press(...keys: string[]): Promise<void>;
  unmount(): void;
}

const mounted: (() => void)[] = [];

/** Unmounts everything renderAt mounted (call from afterEach so no timer outlives its test). */
export function cleanup(): void {
  for (const u of mounted.splice(0)) u();
}

/** Renders `node` at `columns` × `rows` with debug output (every frame kept, also under CI=true). */
export function renderAt(node: ReactElement, columns = 80, rows = 24): Rendered {
  const stdout = new FakeStdout(columns, rows);
  const stdin = new FakeStdin();
  const instance = render(node, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: new FakeStdout(columns, rows) as unknown as NodeJS.WriteStream,
    debug: true,
    patchConsole: false,
    exitOnCtrlC: false,
  });
  mounted.push(() => instance.unmount());
  return {
    stdout,
    stdin,
    frame: () => stripAnsi(stdout.lastFrame()),
    rawFrame: () => stdout.lastFrame(),
    async press(...keys) {
      for (const k of keys) {
        stdin.write(k);
        await settle();
      }
    },
    unmount: () => instance.unmount(),
  };
}

/** Display width of the widest line of a (stripped) frame. */
export function widestLine(frame: string): number {
  return Math.max(0, ...frame.split('\n').map((l) => displayWidth(l)));
}
