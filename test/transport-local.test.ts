/** The local transport: real child processes. */
import { describe, expect, it } from 'vitest';
import { LocalTransport } from '../src/transport/local.js';

describe('LocalTransport', () => {
  it('kills commands still running when closed, so quitting never waits on a stuck controller', async () => {
    const t = new LocalTransport();
    const running = t.exec(['sleep', '60']);
    await new Promise((r) => setTimeout(r, 100));
    await t.close();
    const r = await running;
    expect(r.signal).toBe('SIGTERM');
    expect(r.code).toBeNull();
    expect(r.notFound).toBe(false);
    expect(r.durationMs).toBeLessThan(30_000);
  });

  it('passes argv through without a shell, and still reports a missing program', async () => {
    const t = new LocalTransport();
    const echo = await t.exec(['printf', '%s', '$(id) `id` ; id']);
    expect(echo.stdout).toBe('$(id) `id` ; id');
    const missing = await t.exec(['hpcw-no-such-program-xyz']);
    expect(missing.notFound).toBe(true);
    await t.close();
  });
});
