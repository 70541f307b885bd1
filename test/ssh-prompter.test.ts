import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { serialPrompter, terminalPrompter } from '../src/transport/prompter.js';

function fakeTty() {
  const input = new PassThrough() as PassThrough & {
    isTTY: boolean;
    isRaw: boolean;
    setRawMode(v: boolean): void;
    rawCalls: boolean[];
  };
  input.isTTY = true;
  input.isRaw = false;
  input.rawCalls = [];
  input.setRawMode = (v: boolean) => {
    input.isRaw = v;
    input.rawCalls.push(v);
  };
  let shown = '';
  const output = {
    write: (s: string) => {
      shown += s;
      return true;
    },
  };
  return { input, output, shown: () => shown };
}

describe('terminal prompter', () => {
  it('reads a secret with echo off (raw mode), handles backspace, restores the terminal', async () => {
    const t = fakeTty();
    const p = terminalPrompter(t.input as never, t.output as never)!;
    const answer = p.prompt({
      cluster: 'lumi',
      message: 'Duo passcode: ',
      echo: false,
      instructions: 'Two-factor login',
    });
    t.input.write('1234x\x7f56\r');
    expect(await answer).toBe('123456');
    expect(t.shown()).toBe('Two-factor login\n[lumi] Duo passcode: \n');
    expect(t.input.rawCalls).toEqual([true, false]);
  });

  it('echoes when asked to, and Ctrl-C cancels (null)', async () => {
    const t = fakeTty();
    const p = terminalPrompter(t.input as never, t.output as never)!;
    const a = p.prompt({ cluster: 'c', message: 'User: ', echo: true });
    t.input.write('bob\n');
    expect(await a).toBe('bob');
    expect(t.shown()).toContain('[c] User: bob');
    const b = p.prompt({ cluster: 'c', message: 'Password: ', echo: false });
    t.input.write('\x03');
    expect(await b).toBeNull();
  });

  it('is null without a TTY', () => {
    const input = new PassThrough() as never;
    expect(terminalPrompter(input, { write: () => true } as never)).toBeNull();
  });

  it('serialises prompts from clusters connecting in parallel', async () => {
    const order: string[] = [];
    const p = serialPrompter({
      prompt: async (r) => {
        order.push(`start ${r.cluster}`);
        await new Promise((res) => setTimeout(res, r.cluster === 'a' ? 30 : 1));
        order.push(`end ${r.cluster}`);
        return r.cluster;
      },
    });
    const [a, b] = await Promise.all([
      p.prompt({ cluster: 'a', message: '', echo: false }),
      p.prompt({ cluster: 'b', message: '', echo: false }),
    ]);
    expect([a, b]).toEqual(['a', 'b']);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b']);
  });
});
