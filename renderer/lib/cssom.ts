/*
 * Sizes and positions set through the CSSOM: a `style-src 'self'` policy blocks style
 * attributes written in HTML, not properties a script sets (React's `style` prop works the
 * same way). Used as callback refs.
 */
export const heightRef = (px: number) => (el: HTMLElement | null) => {
  if (el) el.style.height = `${px}px`;
};

export const translateYRef = (px: number) => (el: HTMLElement | null) => {
  if (el) el.style.transform = `translateY(${px}px)`;
};

/** A left edge as a share of the parent's width: a mark on a time axis. */
export const leftPercentRef = (percent: number) => (el: HTMLElement | null) => {
  if (el) el.style.left = `${percent}%`;
};
