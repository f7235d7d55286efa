/**
 * One spreadsheet cell of the lens data editor. While focused it shows what the user types;
 * every keystroke is parsed and, when it parses, sent to the host as a live edit (coalesced into
 * one undo step per focus). A parse or host error marks the cell red and is shown below the table.
 * Enter commits and leaves the cell; Escape undoes what this focus changed and leaves the cell.
 */
import { useRef, useState } from 'react';
import type { Parsed } from '../format.ts';
import { useStudio } from '../store.ts';

let focusCounter = 0;

export interface EditCellProps<T> {
  /** The lens value, formatted. */
  display: string;
  parse: (text: string) => Parsed<T>;
  /** Sends the edit; resolves to an error message or null. */
  commit: (value: T, coalesceKey: string) => Promise<string | null>;
  onError: (message: string | null) => void;
  numeric?: boolean;
  testId?: string;
  title?: string;
  placeholder?: string;
}

export function EditCell<T>({ display, parse, commit, onError, numeric, testId, title, placeholder }: EditCellProps<T>) {
  const [text, setText] = useState<string | null>(null);
  const [invalid, setInvalid] = useState(false);
  const seq = useRef(0);
  const key = useRef('');
  /** Whether an edit of this focus reached the lens (then Escape undoes it: one coalesced step). */
  const applied = useRef(false);

  const apply = (t: string) => {
    setText(t);
    const p = parse(t);
    const mine = ++seq.current;
    if (!p.ok) {
      setInvalid(true);
      onError(p.error);
      return;
    }
    void commit(p.value, key.current).then((err) => {
      if (err === null) applied.current = true;
      if (mine !== seq.current) return; // a newer keystroke decides
      setInvalid(err !== null);
      onError(err);
    });
  };

  const end = () => {
    seq.current++;
    setText(null);
    if (invalid) onError(null);
    setInvalid(false);
  };

  return (
    <input
      className={`cell${numeric ? ' num' : ''}${invalid ? ' invalid' : ''}`}
      value={text ?? display}
      spellCheck={false}
      data-testid={testId}
      title={title}
      placeholder={placeholder}
      onFocus={(e) => {
        key.current = `${testId ?? 'cell'}#${++focusCounter}`;
        applied.current = false;
        e.target.select();
      }}
      onChange={(e) => apply(e.target.value)}
      onBlur={end}
      onKeyDown={(e) => {
        if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
        else if (e.key === 'Escape') {
          seq.current++;
          setText(null);
          setInvalid(false);
          onError(null);
          if (applied.current) void useStudio.getState().undo();
          applied.current = false;
          (e.target as HTMLInputElement).blur();
        }
      }}
    />
  );
}
