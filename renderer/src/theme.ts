/**
 * The studio's colour theme (dark or light), remembered across reloads in localStorage and applied
 * as `<html data-theme>` before the first render, so the page never flashes the other theme.
 * Canvas and WebGL views read `getTheme()` and redraw when `useTheme` changes.
 */
import { create } from 'zustand';

export type Theme = 'dark' | 'light';

const KEY = 'lens-studio.theme';

function stored(): Theme {
  try {
    const t = localStorage.getItem(KEY);
    if (t === 'light' || t === 'dark') return t;
  } catch {
    // storage disabled
  }
  return 'dark';
}

function apply(theme: Theme): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.theme = theme;
}

export const useTheme = create<{ theme: Theme; setTheme(t: Theme): void }>()((set) => {
  const initial = typeof localStorage === 'undefined' ? 'dark' : stored();
  apply(initial);
  return {
    theme: initial,
    setTheme(theme) {
      apply(theme);
      try {
        localStorage.setItem(KEY, theme);
      } catch {
        // storage disabled: the theme lasts for this page
      }
      set({ theme });
    },
  };
});

export function getTheme(): Theme {
  return useTheme.getState().theme;
}

/** A CSS custom property of the page (theme colours), or `fallback`. */
export function cssVar(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}
