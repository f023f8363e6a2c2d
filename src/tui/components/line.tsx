// One screen line from plain segments; always a single terminal row.
import { Text } from 'ink';
import type { Line } from '../format.js';

export function LineView({ line }: { readonly line: Line }) {
  return (
    <Text wrap="truncate-end">
      {line.length === 0
        ? ' '
        : line.map((s, i) => (
            <Text key={i} {...(s.color ? { color: s.color } : {})} dimColor={s.dim === true} bold={s.bold === true} inverse={s.inverse === true}>
              {s.text}
            </Text>
          ))}
    </Text>
  );
}

export function Lines({ lines }: { readonly lines: readonly Line[] }) {
  return (
    <>
      {lines.map((line, i) => (
        <LineView key={i} line={line} />
      ))}
    </>
  );
}
