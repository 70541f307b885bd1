/** The one terminal-size hook: reads Ink's stdout and listens to 'resize' itself. */
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface TerminalSize {
  columns: number;
  rows: number;
}

function read(stdout: NodeJS.WriteStream): TerminalSize {
  return { columns: stdout.columns || 80, rows: stdout.rows || 24 };
}

/**
 * Current columns × rows. We subscribe ourselves because Ink attaches no resize
 * listener when CI is set (is-in-ci, read once at import; Ink's readme, "Continuous Integration"),
 * and a React state change is what
 * makes the layout recompute in both cases.
 */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => read(stdout));
  useEffect(() => {
    const onResize = () => {
      const next = read(stdout);
      setSize((old) => (old.columns === next.columns && old.rows === next.rows ? old : next));
    };
    onResize();
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
