import { describe, expect, it } from 'vitest';
import { formatBrief } from '../src/headless/summary-brief.js';
import type { SummaryDoc, SummaryJob } from '../src/headless/summary-json.js';
import { formatSummary } from '../src/headless/summary-text.js';
import { progress, summaryJob } from './helpers/fixtures.js';

const job = summaryJob;
const doc = (jobs: SummaryJob[]): SummaryDoc => ({
  generated_at: 'x',
  clusters: [{ name: 'hpc', ok: true, error: null }],
  jobs,
});

describe('--summary text: the PROG column is the run, like ETA', () => {
  const epochs = job({
    job_id: '21',
    progress: progress({ current: 400, total: 500, epoch: 5, epoch_total: 10, rate: 2, rate_unit: 'it/s' }),
    eta_s: 1300,
  });
  const steps = job({ job_id: '22', progress: progress({ current: 450, total: 1000 }), eta_s: 275 });

  it('shows the whole run, not the epoch bar, and leaves the JSON progress as the bar', () => {
    const out = formatSummary(doc([epochs, steps]));
    expect(out.split('\n').find((l) => l.startsWith('21'))).toMatch(/ 48% +2 it\/s +21m40s/);
    expect(out.split('\n').find((l) => l.startsWith('22'))).toMatch(/ 45% /);
    expect(epochs.progress).toMatchObject({ current: 400, total: 500, epoch: 5, epoch_total: 10 });
  });

  it('the brief says the same', () => {
    expect(formatBrief(doc([epochs]), null)).toContain('21 train RUNNING · 48% · ETA 21m40s');
  });
});
