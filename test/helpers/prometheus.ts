/**
 * A strict reader of the Prometheus text exposition format (0.0.4), enough to prove that what
 * /metrics serves parses: HELP/TYPE lines, `name{label="value",…} number`, escapes in values.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Parses an exposition; throws with the line number on anything malformed. */
export function parsePrometheus(text: string): { samples: Sample[]; types: Record<string, string> } {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const samples: Sample[] = [];
  const types: Record<string, string> = {};
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, i) => {
      const where = `line ${i + 1}: ${line}`;
      if (line.startsWith('# HELP ')) {
        if (!NAME.test(line.split(' ')[2] ?? '')) throw new Error(where);
        return;
      }
      if (line.startsWith('# TYPE ')) {
        const [, , name, type] = line.split(' ');
        if (!NAME.test(name ?? '') || !['gauge', 'counter', 'histogram', 'summary', 'untyped'].includes(type ?? ''))
          throw new Error(where);
        types[name!] = type!;
        return;
      }
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) throw new Error(where);
      const labels: Record<string, string> = {};
      let rest = m[2] ?? '';
      while (rest) {
        const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/.exec(rest);
        if (!lm) throw new Error(`${where} (labels)`);
        labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
        rest = rest.slice(lm[0].length);
      }
      const value = Number(m[3]);
      if (Number.isNaN(value) && m[3] !== 'NaN') throw new Error(`${where} (value)`);
      if (!types[m[1]!]) throw new Error(`${where} (no TYPE before it)`);
      samples.push({ name: m[1]!, labels, value });
    });
  return { samples, types };
}
