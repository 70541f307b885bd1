/** Throughput history as block characters. */
const BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * One character per column: values bucket-averaged into `width` columns when there are
 * more, right-aligned (newest at the right edge) when there are fewer. Scaled from zero,
 * not from the minimum, so a steady run looks steady instead of noisy. Null = gap.
 */
export function sparkline(values: readonly (number | null)[], width: number): string {
  if (width <= 0 || values.length === 0) return '';
  const cols: (number | null)[] = [];
  if (values.length <= width) cols.push(...values);
  else {
    for (let i = 0; i < width; i++) {
      const from = Math.floor((i * values.length) / width);
      const to = Math.max(from + 1, Math.floor(((i + 1) * values.length) / width));
      const nums = values.slice(from, to).filter((v): v is number => v !== null && Number.isFinite(v));
      cols.push(nums.length ? nums.reduce((a, v) => a + v, 0) / nums.length : null);
    }
  }
  const max = Math.max(0, ...cols.filter((v): v is number => v !== null && Number.isFinite(v)));
  return cols
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return ' ';
      if (max <= 0) return BLOCKS[0]!;
      return BLOCKS[Math.min(7, Math.max(0, Math.round((v / max) * 7)))]!;
    })
    .join('');
}
