/**
 * The chart's type sizes, in its own coordinates, and the boxes measured for them (monospace,
 * system fonts in Chromium; styles.css sets the same sizes). Fitted whole to its panel in a
 * 1280 x 800 window the chart is drawn at under half size, so the state names are set large
 * and the transition labels small: the names read at a glance (10 px on screen), the labels
 * are read by zooming in or by hovering one, which magnifies it (and the time-travel detail
 * line names every transition taken).
 */
export const NAME_PX = 22;
export const LABEL_PX = 8;
/** A compound state's name is its header, over its children. */
export const HEADER = Math.round(NAME_PX * 1.6);
export const nameWidth = (text: string) =>
  Math.max(NAME_PX * 4, Math.ceil(text.length * NAME_PX * 0.617) + Math.round(NAME_PX * 1.2));
export const labelWidth = (lines: readonly string[]) =>
  Math.max(...lines.map((l) => Math.ceil(l.length * LABEL_PX * 0.572) + 6));
export const LEAF_HEIGHT = Math.round(NAME_PX * 1.8);
export const LINE_HEIGHT = Math.round(LABEL_PX * 1.25);
export const labelHeight = (lines: readonly string[]) => lines.length * LINE_HEIGHT + 2;
