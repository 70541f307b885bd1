import chalk from 'chalk';
import { afterEach, describe, expect, test } from 'vitest';
import { createTheme, isNoColor } from '../src/tui/view-model/theme.js';
import { renderApp } from './helpers/app.js';
import { cleanup, settle, widestLine } from './helpers/render-at.js';

afterEach(cleanup);

describe('resize', () => {
  test('60 → 120 → 60 re-lays out the table', async () => {
    const app = await renderApp({ columns: 60, rows: 24 });
    expect(app.frame()).not.toContain('PARTITION');
    app.stdout.resize(120);
    await settle();
    expect(app.frame()).toContain('PARTITION');
    expect(widestLine(app.frame())).toBeLessThanOrEqual(120);
    app.stdout.resize(60);
    await settle();
    expect(app.frame()).not.toContain('PARTITION');
    expect(widestLine(app.frame())).toBeLessThanOrEqual(60);
  });

  test('the job view re-lays out too', async () => {
    const app = await renderApp({ columns: 60, initialJobKey: 'local/2005' });
    expect(app.frame()).toContain('  allocate 2.00 GiB');
    app.stdout.resize(120);
    await settle();
    expect(app.frame()).toContain('Tried to allocate 2.00 GiB');
  });

  test('the frame is one line shorter than the terminal (a full-height frame makes Ink clear the screen)', async () => {
    const app = await renderApp({ columns: 80, rows: 20 });
    expect(app.frame().split('\n')).toHaveLength(19);
    app.stdout.resize(80, 30);
    await settle();
    expect(app.frame().split('\n')).toHaveLength(29);
  });

  test('the resize listener goes away on unmount', async () => {
    const app = await renderApp();
    expect(app.stdout.listenerCount('resize')).toBeGreaterThan(0);
    app.unmount();
    expect(app.stdout.listenerCount('resize')).toBe(0);
  });

  test('too small: one line asking for more room, and back when it grows', async () => {
    const app = await renderApp({ columns: 40, rows: 20 });
    expect(app.frame()).toBe('enlarge the pane (needs 50x10)');
    app.stdout.resize(80, 8);
    await settle();
    expect(app.frame()).toBe('enlarge the pane (needs 50x10)');
    app.stdout.resize(80, 24);
    await settle();
    expect(app.frame()).toContain('JOBID');
  });

  test('q still quits from the small-terminal message', async () => {
    const app = await renderApp({ columns: 40, rows: 20 });
    await app.press('q');
    expect(app.controller.quit).toHaveBeenCalled();
  });
});

describe('NO_COLOR', () => {
  test('the env var switches the palette off when set and non-empty', () => {
    expect(isNoColor({ NO_COLOR: '1' })).toBe(true);
    expect(isNoColor({ NO_COLOR: '' })).toBe(false);
    expect(isNoColor({})).toBe(false);
    expect(createTheme(true).state.failed).toBeUndefined();
    expect(createTheme(false).state.failed).toBeDefined();
  });

  test('no colour escapes in the frame, log colours included', async () => {
    const level = chalk.level;
    chalk.level = 1;
    const fg = /\x1b\[(3[0-7]|9[0-7]|4[0-7]|10[0-7]|38;|48;)/;
    try {
      const colour = await renderApp({ initialJobKey: 'local/2010', theme: createTheme(false) });
      expect(colour.rawFrame()).toMatch(fg);
      const none = await renderApp({ initialJobKey: 'local/2010', theme: createTheme(true) });
      expect(none.rawFrame()).not.toMatch(fg);
      const table = await renderApp({ theme: createTheme(true) });
      expect(table.rawFrame()).not.toMatch(fg);
    } finally {
      chalk.level = level;
    }
  });
});
