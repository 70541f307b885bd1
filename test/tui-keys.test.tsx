import type { Key } from 'ink';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { CONFIRM_GRACE_MS } from '../components/ConfirmDialog.js';
import { BINDINGS, bindingLabel, bindingsFor, commandFor, type Scope } from '../src/tui/view-model/keys.js';
import { fitHints } from '../src/tui/view-model/status.js';
import { lineWith, renderApp } from './helpers/app.js';
import { arrayJobs } from './helpers/fixtures.js';
import { cleanup, KEYS, settle } from './helpers/render-at.js';

afterEach(cleanup);

const noKey: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

describe('binding table', () => {
  test('no key means two things in one scope', () => {
    for (const scope of ['table', 'job', 'help', 'confirm'] as Scope[]) {
      const keys = bindingsFor(scope).flatMap((b) => b.keys);
      expect(new Set(keys).size, scope).toBe(keys.length);
    }
  });

  test('commandFor maps Ink key events through the table', () => {
    expect(commandFor('table', 'j', noKey)).toBe('down');
    expect(commandFor('table', '', { ...noKey, downArrow: true })).toBe('down');
    expect(commandFor('table', '', { ...noKey, return: true })).toBe('open');
    expect(commandFor('job', '', { ...noKey, escape: true })).toBe('back');
    expect(commandFor('job', 'q', noKey)).toBe('back');
    expect(commandFor('table', 'q', noKey)).toBe('quit');
    expect(commandFor('job', 'c', { ...noKey, ctrl: true })).toBe('quit');
    expect(commandFor('job', '?', noKey)).toBe('help');
    expect(commandFor('confirm', '?', noKey)).toBeNull();
    expect(commandFor('table', 'x', noKey)).toBeNull();
  });

  test('footer hints come from the table and fit the width', () => {
    expect(fitHints('table', 200)).toBe('enter open  / filter  s sort  c cancel  q quit  d diagnose  e events  ? help');
    const narrow = fitHints('table', 40);
    expect(narrow.length).toBeLessThanOrEqual(40);
    expect(narrow.endsWith('? help')).toBe(true);
  });
});

describe('keys that arrive in one read', () => {
  test('are split into single keys (tmux send-keys, a laggy link)', async () => {
    const app = await renderApp({ columns: 80, rows: 30 });
    await app.press('jj\r');
    // Each key waits a render turn; poll for the end state rather than guess a delay.
    await vi.waitFor(() => expect(app.frame()).not.toContain('JOBID'), { timeout: 2000, interval: 10 });
    expect(app.frame()).toContain('stream-tokens');
  });

  test('a pasted filter followed by Enter', async () => {
    const app = await renderApp({ columns: 80, rows: 30 });
    await app.press('/crash\r');
    await vi.waitFor(() => expect(app.frame()).toContain('filter /crash'), { timeout: 2000, interval: 10 });
    expect(app.frame()).not.toContain('train-llama');
  });
});

describe('? help', () => {
  test.each(['table', 'job'])('lists every visible binding (opened from the %s)', async (from) => {
    const app = await renderApp({ columns: 100, rows: 60, initialJobKey: from === 'job' ? 'local/2001' : undefined });
    await app.press('?');
    const f = app.frame();
    for (const b of BINDINGS.filter((x) => x.visible)) {
      const line = f.split('\n').find((l) => l.includes(bindingLabel(b)) && l.includes(b.description));
      expect(line, `${b.scope}: ${bindingLabel(b)} ${b.description}`).toBeDefined();
    }
    expect(f).not.toContain('JOBID');
    await app.press(KEYS.esc);
    expect(app.frame()).toContain(from === 'job' ? 'train-llama-7b' : 'JOBID');
  });

  test('scrolls when the pane is short, and ? closes it', async () => {
    const app = await renderApp({ columns: 60, rows: 16 });
    await app.press('?');
    expect(app.frame()).toContain('j/k scroll');
    expect(app.frame()).toContain('Job list');
    await app.press(...'jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj');
    expect(app.frame()).toContain('Everywhere');
    await app.press('?');
    expect(app.frame()).toContain('JOBID');
  });

  test('the footer shows the hints of the current scope', async () => {
    const app = await renderApp({ columns: 80 });
    expect(app.frame().split('\n').at(-1)).toBe(fitHints('table', 80));
    await app.press(KEYS.enter);
    // The first job runs and writes one file for both streams: no `o`, but `c`.
    const footer = app.frame().split('\n').at(-1)!;
    expect(footer).toBe(fitHints('job', 80, new Set(['stream'])));
    expect(footer).toMatch(/c cancel/);
    expect(footer).not.toMatch(/o out\/err/);
  });

  test('a finished job offers no cancel, and o on one file says why nothing changes', async () => {
    const app = await renderApp({ columns: 80, initialJobKey: 'local/2005' });
    const footer = () => app.frame().split('\n').at(-1)!;
    expect(footer()).not.toMatch(/cancel/);
    await app.press('o');
    expect(app.frame().split('\n').at(-2)).toMatch(/one file holds both stdout and stderr/);
  });
});

/** A person reads the dialog before answering; a y sooner than that is ignored. */
const readDialog = () => new Promise((r) => setTimeout(r, CONFIRM_GRACE_MS + 50));

describe('c: cancel with confirmation', () => {
  test('shows exactly what will be cancelled; n keeps the job', async () => {
    const app = await renderApp({ columns: 60 });
    await app.press('c');
    const f = app.frame();
    expect(f).toContain('Cancel job 2001?');
    expect(f).toContain('train-llama-7b');
    expect(f).toContain('state RUNNING');
    expect(f).toContain('scancel 2001');
    await app.press('n');
    expect(app.frame()).toContain('JOBID');
    expect(app.controller.cancel).not.toHaveBeenCalled();
  });

  test('Esc also keeps the job', async () => {
    const app = await renderApp();
    await app.press('c', KEYS.esc);
    expect(app.frame()).toContain('JOBID');
    expect(app.controller.cancel).not.toHaveBeenCalled();
  });

  test('text typed into the wrong pane cannot confirm: any other key answers no', async () => {
    const app = await renderApp();
    // "accuracy": a second 'c' answers no; the final "cy" comes too fast to be an answer
    await app.press('a', 'c', 'c', 'u', 'r', 'a', 'c', 'y');
    expect(app.controller.cancel).not.toHaveBeenCalled();
    expect(app.frame()).toContain('Cancel job');
  });

  test('y calls controller.cancel with the selected key and shows the result', async () => {
    const app = await renderApp();
    await app.press('j', 'c');
    await readDialog();
    await app.press('y');
    expect(app.controller.cancel).toHaveBeenCalledExactlyOnceWith('local/2002');
    await settle();
    expect(app.frame()).toContain('scancel 2002: sent');
  });

  test('from the job view too', async () => {
    const app = await renderApp({ initialJobKey: 'local/2002' });
    await app.press('c');
    expect(app.frame()).toContain('finetune-big-model');
    await readDialog();
    await app.press('y');
    expect(app.controller.cancel).toHaveBeenCalledWith('local/2002');
    expect(app.frame()).toContain('finetune-big-model');
  });

  test('an array parent says all N tasks and cancels the array id', async () => {
    const app = await renderApp({ jobs: arrayJobs });
    await app.press('c');
    expect(app.frame()).toContain('Cancel array 3000: all 8 tasks?');
    expect(app.frame()).toContain('scancel 3000');
    expect(app.frame()).toContain('2R 5PD 1CD');
    await readDialog();
    await app.press('y');
    expect(app.controller.cancel).toHaveBeenCalledWith('group:local/3000');
  });

  test('a finished job is not offered for cancelling', async () => {
    const app = await renderApp({ columns: 80, rows: 30 });
    await app.press('G', 'c');
    expect(app.frame()).toContain('has already ended');
    expect(lineWith(app.frame(), 'Cancel')).toBeUndefined();
  });
});
