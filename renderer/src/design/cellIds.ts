/**
 * Which window a spreadsheet cell belongs to, by its id (EditCell's testId): a rejected entry is
 * reported under the window that holds the cell, not under the lens data.
 */

/** Cells of the merit editor and its default-merit settings. */
export const isMeritCell = (id: string) => /^(mf|dm)-/.test(id);

/** Bound cells of the variables window. */
export const isVariableCell = (id: string) => /^var-(lower|upper)-/.test(id);

/** Cells of the design windows (not the lens data). */
export const isDesignCell = (id: string) => isMeritCell(id) || isVariableCell(id);
