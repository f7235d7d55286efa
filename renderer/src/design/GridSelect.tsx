/**
 * A picker that is a cell of a spreadsheet grid (gridNav.ts), as the lens data editor's surface
 * type: arrows, Enter and Tab move to the neighbouring cells; Space or a click opens it.
 */
import { moveFocus } from '../components/gridNav.ts';

export function GridSelect<T extends string>({
  value,
  options,
  onChange,
  nav,
  testId,
  title,
}: {
  value: T;
  options: readonly (readonly [T, string])[];
  onChange: (v: T) => void;
  nav: { row: number; col: number };
  testId?: string;
  title?: string;
}) {
  return (
    <select
      className="cell"
      value={value}
      data-testid={testId}
      data-nav-row={nav.row}
      data-nav-col={nav.col}
      data-editing="false"
      title={title}
      onChange={(e) => onChange(e.target.value as T)}
      onKeyDown={(e) => {
        const moves: Record<string, [number, number]> = {
          ArrowUp: [-1, 0],
          ArrowDown: [1, 0],
          ArrowLeft: [0, -1],
          ArrowRight: [0, 1],
          Enter: [e.shiftKey ? -1 : 1, 0],
          Tab: [0, e.shiftKey ? -1 : 1],
        };
        const m = moves[e.key];
        if (!m) return;
        e.preventDefault();
        moveFocus(e.currentTarget, m[0], m[1]);
      }}
    >
      {options.map(([k, label]) => (
        <option key={k} value={k}>
          {label}
        </option>
      ))}
    </select>
  );
}
