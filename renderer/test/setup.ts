import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// Testing Library unmounts by itself only where test globals exist; this project has none.
afterEach(() => cleanup());

/*
 * happy-dom lays nothing out, so every element measures 0 × 0 and the virtualised lists would
 * draw no row. Scroll containers get a window's size; rows keep their CSS height of 30 px.
 */
const VIEWPORT = { width: 280, height: 600 };
const original = HTMLElement.prototype.getBoundingClientRect;
const SCROLLERS = ['sidebar-list', 'actors-list', 'lanes-list', 'result-scroll'];
const scroller = (el: HTMLElement) => SCROLLERS.some((c) => el.classList.contains(c));
HTMLElement.prototype.getBoundingClientRect = function (this: HTMLElement) {
  if (scroller(this)) {
    return {
      x: 0,
      y: 0,
      top: 0,
      left: 0,
      right: VIEWPORT.width,
      bottom: VIEWPORT.height,
      ...VIEWPORT,
      toJSON: () => ({}),
    } as DOMRect;
  }
  return original.call(this);
};
for (const prop of ['offsetHeight', 'clientHeight'] as const) {
  Object.defineProperty(HTMLElement.prototype, prop, {
    configurable: true,
    get(this: HTMLElement) {
      return scroller(this) ? VIEWPORT.height : 0;
    },
  });
}
