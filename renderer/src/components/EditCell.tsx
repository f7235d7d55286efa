/**
 * One spreadsheet cell (lens data editor, system settings). Two states, as in OpticStudio's
 * editors and any spreadsheet:
 * - selected (focused, not editing): arrow keys, Enter (down), Tab (right) move between the cells
 *   of the grid (gridNav.ts); typing replaces the value and starts an edit; F2 or a double click
 *   edits the value in place.
 * - editing: the text is the user's alone; nothing reaches the lens until Enter, Tab, ↑/↓ or
 *   leaving the cell commits it. A value that does not parse, or that the host rejects, leaves the
 *   lens as it was: the cell shows its previous value again and is marked with the error (red, the
 *   message in its tooltip and under the table). Escape drops the text and shows the value from
 *   before the edit, which is still the lens's value since nothing was sent.
 */
import { useContext, useRef, useState, createContext } from 'react';
import type { Parsed } from '../format.ts';
import { useStudio } from '../store.ts';
import { moveFocus } from './gridNav.ts';
import { locateMessage } from '../messages.ts';

/** Warnings of the lens pointing at cells, by cell id (the lens data editor provides them). */
export const CellFlags = createContext<Record<string, string>>({});

export interface EditCellProps<T> {
  /** The lens value, formatted. */
  display: string;
  parse: (text: string) => Parsed<T>;
  /** Sends the edit; resolves to the host's error message or null. */
  commit: (value: T) => Promise<string | null>;
  /** Also told of errors and their clearing (a form's own message line). */
  onError?: (message: string | null) => void;
  /** Names the cell in messages, e.g. "Surface 3" (the parse message adds the field). */
  where?: string;
  /** Position in a navigable grid (gridNav.ts); without it Enter commits and stays. */
  nav?: { row: number; col: number };
  numeric?: boolean;
  /** Also the cell's id for error marks. */
  testId?: string;
  title?: string;
  /** Shown in grey when the value is empty (e.g. a computed semi-diameter). */
  placeholder?: string;
}

/** "radius: …" from surface 3 → "Surface 3 radius: …"; messages that name their surface stay as they are. */
function located(where: string | undefined, message: string): string {
  const { text } = locateMessage(message);
  if (!where || /\bsurface \d+/i.test(text)) return text;
  return `${where} ${text}`;
}

export function EditCell<T>({ display, parse, commit, onError, where, nav, numeric, testId, title, placeholder }: EditCellProps<T>) {
  /** The text being edited; null when not editing. */
  const [draft, setDraft] = useState<string | null>(null);
  /** The committed text, shown until the host has answered. */
  const [pending, setPending] = useState<string | null>(null);
  const draftRef = useRef<string | null>(null);
  const error = useStudio((s) => (testId ? s.cellErrors[testId] : undefined));
  const flag = useContext(CellFlags)[testId ?? ''];

  const mark = (message: string | null) => {
    if (testId) useStudio.getState().setCellError(testId, message === null ? null : located(where, message));
    onError?.(message);
  };

  const startEdit = (text: string) => {
    draftRef.current = text;
    setDraft(text);
  };

  const stopEdit = () => {
    draftRef.current = null;
    setDraft(null);
  };

  /** Commits the draft; false when it was rejected before reaching the host (the cell is marked). */
  const commitDraft = (): boolean => {
    const text = draftRef.current;
    stopEdit();
    if (text === null) return true;
    if (text === display) {
      if (error) mark(null);
      return true;
    }
    const p = parse(text);
    if (!p.ok) {
      mark(p.error);
      return false;
    }
    setPending(text);
    void commit(p.value).then((err) => {
      setPending(null);
      mark(err);
    });
    return true;
  };

  const editing = draft !== null;
  const invalid = !!error;
  return (
    <input
      className={`cell${numeric ? ' num' : ''}${invalid ? ' invalid' : flag ? ' flagged' : ''}${editing ? ' editing' : ''}`}
      value={draft ?? pending ?? display}
      spellCheck={false}
      data-testid={testId}
      data-editing={editing ? 'true' : 'false'}
      data-nav-row={nav?.row}
      data-nav-col={nav?.col}
      aria-invalid={invalid || undefined}
      title={error ?? flag ?? title}
      placeholder={placeholder}
      onMouseDown={(e) => {
        // A click selects the cell (as a spreadsheet does); a double click edits in place.
        if (document.activeElement !== e.currentTarget) {
          e.preventDefault();
          e.currentTarget.focus();
        }
      }}
      onFocus={(e) => {
        if (draftRef.current === null) e.target.select();
      }}
      onDoubleClick={(e) => {
        const el = e.currentTarget;
        if (draftRef.current === null) startEdit(el.value);
        requestAnimationFrame(() => el.setSelectionRange(el.value.length, el.value.length));
      }}
      onChange={(e) => startEdit(e.target.value)}
      onBlur={() => {
        if (draftRef.current !== null) commitDraft();
      }}
      onKeyDown={(e) => {
        const el = e.currentTarget;
        const isEditing = draftRef.current !== null;
        const move = (dRow: number, dCol: number) => {
          if (nav) moveFocus(el, dRow, dCol);
          else el.select();
        };
        /** Shows the lens's value selected, now (React then finds the same value and leaves the selection). */
        const reselect = () => {
          el.value = display;
          el.select();
        };
        if (e.key === 'Escape') {
          e.preventDefault();
          stopEdit();
          if (error) mark(null);
          reselect();
          return;
        }
        if (e.key === 'Enter') {
          e.preventDefault();
          if (!isEditing || commitDraft()) move(e.shiftKey ? -1 : 1, 0);
          else reselect();
          return;
        }
        if (e.key === 'Tab') {
          if (!nav) {
            if (isEditing) commitDraft();
            return; // the browser moves on
          }
          e.preventDefault();
          if (!isEditing || commitDraft()) moveFocus(el, 0, e.shiftKey ? -1 : 1);
          else reselect();
          return;
        }
        if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
          if (!nav) return;
          e.preventDefault();
          if (!isEditing || commitDraft()) moveFocus(el, e.key === 'ArrowUp' ? -1 : 1, 0);
          else reselect();
          return;
        }
        if (!isEditing && (e.key === 'ArrowLeft' || e.key === 'ArrowRight') && nav) {
          e.preventDefault();
          moveFocus(el, 0, e.key === 'ArrowLeft' ? -1 : 1);
          return;
        }
        if (!isEditing && e.key === 'F2') {
          e.preventDefault();
          startEdit(el.value);
          // The caret goes to the end now, before the next key arrives.
          el.setSelectionRange(el.value.length, el.value.length);
        }
      }}
    />
  );
}
