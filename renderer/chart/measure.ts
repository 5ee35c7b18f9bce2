/** Sizes measured for the chart's 12 px state names and 10.5 px edge labels (system UI font). */
export const nameWidth = (text: string) => Math.max(64, Math.ceil(text.length * 7.4) + 22);
export const labelWidth = (lines: readonly string[]) =>
  Math.max(...lines.map((l) => Math.ceil(l.length * 6) + 10));
export const LEAF_HEIGHT = 30;
export const LINE_HEIGHT = 13;
export const labelHeight = (lines: readonly string[]) => lines.length * LINE_HEIGHT + 2;
