import { Box, Text } from 'ink';
import { useMemo, useState } from 'react';
import { sanitizeField } from '../parsers/sanitize.js';
import type { DiagnosisState, JobEntry, LogInfo } from '../src/store.js';
import { useBindings, usePrompt } from '../src/tui/hooks/use-keys.js';
import { useTheme } from '../src/tui/hooks/use-theme.js';
import { useTick } from '../src/tui/hooks/use-tick.js';
import type { CellPart } from '../src/tui/view-model/cells.js';
import { diagnosisLines } from '../src/tui/view-model/diagnosis.js';
import type { JobContext } from '../src/tui/view-model/insight-lines.js';
import { headerLines } from '../src/tui/view-model/job-header.js';
import { layoutLog, matchLines, rowOfLine, styleLines } from '../src/tui/view-model/log-lines.js';
import {
  autoStream,
  hasOwnStderr,
  INITIAL_LOG_VIEW,
  type LogViewState,
  nextMatch,
  nextStream,
  type Stream,
  scrollBy,
  showRow,
  streamTags,
  visibleTop,
} from '../src/tui/view-model/log-view.js';
import { isFinished } from '../src/tui/view-model/rows.js';
import { HeaderLines } from './HeaderLines.js';
import { LogPane } from './LogPane.js';

export interface JobViewProps {
  jobKey: string;
  entry: JobEntry | undefined;
  diagnosis: DiagnosisState | undefined;
  /** On-demand data and the other jobs (dependency targets). */
  context?: JobContext;
  width: number;
  height: number;
  now: number;
  /** False while an overlay (help, confirmation) owns the keyboard. */
  active: boolean;
  onBack(): void;
  onCancel(): void;
  onDiagnose(): void;
  /** A short note for the status line (a key that has nothing to do here). */
  onNote?(text: string): void;
  onHelp(): void;
  onQuit(): void;
}

const EMPTY: string[] = [];

function placeholder(e: JobEntry, info: LogInfo | null): string | null {
  if (!info) return e.job.state === 'PENDING' ? 'no log until the job starts' : 'log path not known yet';
  const path = sanitizeField(info.path);
  if (info.status === 'waiting') return isFinished(e) ? `log missing: ${path}` : `log not written yet: ${path}`;
  if (info.status === 'error') return `log unreadable: ${sanitizeField(info.error ?? 'error')} (${path})`;
  if (info.status === 'unknown') return 'reading log…';
  return '(log is empty)';
}

function paneTitle(
  name: string,
  info: LogInfo | null,
  tags: string[],
  s: LogViewState,
  hits: number,
  hitIndex: number,
): CellPart[] {
  const t: CellPart[] = [{ text: `─ ${name} `, tone: 'accent' }];
  if (info) t.push({ text: `${sanitizeField(info.path.split('/').pop() ?? info.path)} `, tone: 'dim' });
  for (const tag of tags) t.push({ text: `· ${tag} `, tone: 'accent' });
  t.push({ text: s.follow ? '· following ' : '· paused (G to follow) ', tone: s.follow ? 'dim' : 'warning' });
  if (s.wrap) t.push({ text: '· wrap ', tone: 'dim' });
  if (s.query) t.push({ text: `· /${s.query} ${hits ? `${hitIndex + 1}/${hits}` : 'no match'} `, tone: 'accent' });
  return t;
}

/** One job in detail: header, progress, throughput, ETA, failure banner, diagnosis and the live log. */
export function JobView(props: JobViewProps) {
  const { entry: e, width, height, now, active } = props;
  const theme = useTheme();
  const [s, setS] = useState<LogViewState>(INITIAL_LOG_VIEW);
  const frame = useTick(200, props.diagnosis?.status === 'running');
  const hasErr = hasOwnStderr(e);
  // The logs pick the stream (progress, root cause) until the user picks one with `o`.
  const stream: Stream = hasErr ? (s.stream ?? autoStream(e)) : 'out';
  const main = (stream === 'err' ? e?.stderr : e?.stdout) ?? null;
  const mainLines = main?.lines ?? EMPTY;
  const errLines = stream === 'split' ? (e?.stderr?.lines ?? EMPTY) : EMPTY;
  const styled = useMemo(() => styleLines(mainLines), [mainLines]);
  const errStyled = useMemo(() => styleLines(errLines), [errLines]);
  const matches = useMemo(() => matchLines(styled, s.query), [styled, s.query]);
  const logW = Math.max(1, width - 1);
  const rows = useMemo(() => layoutLog(styled, logW, s.wrap, s.query), [styled, logW, s.wrap, s.query]);
  const errRows = useMemo(() => layoutLog(errStyled, logW, s.wrap, ''), [errStyled, logW, s.wrap]);

  const header = e ? headerLines(e, now, width, props.context) : [];
  const diag = props.diagnosis
    ? diagnosisLines(props.diagnosis, width, Math.max(0, Math.min(8, height - 8)), frame)
    : [];
  const promptH = s.draft !== null ? 1 : 0;
  const avail = height - promptH;
  const shownHeader = header.slice(0, Math.max(2, avail - diag.length - 4));
  const logH = Math.max(2, avail - shownHeader.length - diag.length);
  const mainH = stream === 'split' ? Math.ceil(logH / 2) : logH;
  const contentH = Math.max(1, mainH - 1);
  const top = visibleTop(s, rows.length, contentH);

  const scroll = (d: number) => setS((x) => scrollBy(x, d, rows.length, contentH));
  const jump = (dir: 1 | -1) =>
    setS((x) => {
      const m = nextMatch(matches, x.match, dir);
      return m === null ? x : { ...showRow(x, rowOfLine(rows, m), rows.length, contentH), match: m };
    });
  useBindings(
    'job',
    {
      // Esc first clears an active search, then leaves, like a pager.
      back: () => (s.query ? setS((x) => ({ ...x, query: '', match: null })) : props.onBack()),
      help: props.onHelp,
      quit: props.onQuit,
      cancel: props.onCancel,
      diagnose: props.onDiagnose,
      down: () => scroll(1),
      up: () => scroll(-1),
      pageDown: () => scroll(contentH - 1),
      pageUp: () => scroll(-(contentH - 1)),
      top: () => setS((x) => ({ ...x, follow: false, top: 0 })),
      bottom: () => setS((x) => ({ ...x, follow: true })),
      follow: () => setS((x) => ({ ...x, follow: !x.follow, top: visibleTop(x, rows.length, contentH) })),
      wrap: () => setS((x) => ({ ...x, wrap: !x.wrap })),
      stream: () =>
        hasErr
          ? setS((x) => ({ ...x, stream: nextStream(stream) }))
          : props.onNote?.('one file holds both stdout and stderr: nothing to switch to'),
      search: () => setS((x) => ({ ...x, draft: '' })),
      nextMatch: () => jump(1),
      prevMatch: () => jump(-1),
    },
    active && s.draft === null,
  );
  usePrompt(
    {
      value: s.draft ?? '',
      onChange: (v) => setS((x) => ({ ...x, draft: v })),
      onCancel: () => setS((x) => ({ ...x, draft: null })),
      onSubmit: () =>
        setS((x) => {
          const query = x.draft ?? '';
          const hits = matchLines(styled, query);
          const last = hits.at(-1) ?? null;
          const next = { ...x, draft: null, query, match: last };
          if (last === null) return next;
          const laid = layoutLog(styled, logW, x.wrap, query);
          return showRow(next, rowOfLine(laid, last), laid.length, contentH);
        }),
    },
    active && s.draft !== null,
  );

  if (!e) {
    return (
      <Box height={height} flexDirection="column">
        <Text color={theme.text.dim}>{`waiting for job ${props.jobKey.split('/').pop()} (first poll)…`}</Text>
      </Box>
    );
  }
  const hitIndex = s.match === null ? 0 : Math.max(0, matches.indexOf(s.match));
  const errInfo = e.stderr ?? null;
  return (
    <Box flexDirection="column" height={height} width={width} flexShrink={0} overflow="hidden">
      <HeaderLines lines={shownHeader} width={width} />
      {diag.length ? <HeaderLines lines={diag} width={width} /> : null}
      <LogPane
        title={paneTitle(
          stream === 'err' ? 'stderr' : 'stdout',
          main,
          streamTags(e, stream === 'err' ? 'err' : 'out'),
          s,
          matches.length,
          hitIndex,
        )}
        width={width}
        rows={rows.slice(top, top + contentH)}
        height={mainH}
        failureLine={main?.failureLine ?? null}
        placeholder={placeholder(e, main)}
      />
      {stream === 'split' ? (
        <LogPane
          title={paneTitle('stderr', errInfo, streamTags(e, 'err'), { ...INITIAL_LOG_VIEW, wrap: s.wrap }, 0, 0)}
          width={width}
          rows={errRows.slice(Math.max(0, errRows.length - (logH - mainH - 1)))}
          height={logH - mainH}
          failureLine={errInfo?.failureLine ?? null}
          placeholder={placeholder(e, errInfo)}
        />
      ) : null}
      {s.draft !== null ? (
        <Text wrap="truncate-end">
          <Text color={theme.accent}>/</Text>
          {s.draft}
          <Text inverse> </Text>
        </Text>
      ) : null}
    </Box>
  );
}
