// Splits a line into the runs the renderer draws: each run has one ANSI style and at most one
// highlight (the current search match over other search matches over filter matches).
import type { AnsiStyle, StyledSpan } from './ansi';
import type { TextRange } from './filter';

export type MarkKind = 'filter' | 'search' | 'current';

export interface Mark extends TextRange {
  kind: MarkKind;
}

export interface Segment {
  from: number;
  to: number;
  style?: AnsiStyle;
  mark?: MarkKind;
}

const RANK: Record<MarkKind, number> = { filter: 1, search: 2, current: 3 };

export function segmentLine(length: number, spans: readonly StyledSpan[] | undefined, marks: readonly Mark[]): Segment[] {
  if (length === 0) return [];
  if (!spans?.length && marks.length === 0) return [{ from: 0, to: length }];
  const cuts = new Set<number>([0, length]);
  for (const s of spans ?? []) {
    cuts.add(Math.min(length, s.from));
    cuts.add(Math.min(length, s.to));
  }
  for (const m of marks) {
    cuts.add(Math.max(0, Math.min(length, m.from)));
    cuts.add(Math.max(0, Math.min(length, m.to)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const from = points[i];
    const to = points[i + 1];
    if (from === to) continue;
    const style = spans?.find((s) => s.from <= from && s.to >= to)?.style;
    let mark: MarkKind | undefined;
    for (const m of marks) if (m.from <= from && m.to >= to && (!mark || RANK[m.kind] > RANK[mark])) mark = m.kind;
    const last = out[out.length - 1];
    if (last && last.style === style && last.mark === mark) last.to = to;
    else {
      const seg: Segment = { from, to };
      if (style) seg.style = style;
      if (mark) seg.mark = mark;
      out.push(seg);
    }
  }
  return out;
}
