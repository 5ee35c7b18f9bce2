import { expect, it } from 'vitest';
import { type PageWakeCause, wakeOnPage } from '../wake-on-page.ts';

/** A window and a document as the page sees them, with a clock the test moves. */
function page() {
  const win = new EventTarget();
  const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  let at = 0;
  const sent: PageWakeCause[] = [];
  const stop = wakeOnPage(win, doc, (cause) => sent.push(cause), { now: () => at });
  const show = (state: 'visible' | 'hidden') => {
    doc.visibilityState = state;
    doc.dispatchEvent(new Event('visibilitychange'));
  };
  return {
    win,
    sent,
    stop,
    show,
    wait: (ms: number) => {
      at += ms;
    },
  };
}

it('coming back online sends wake_all with cause online, each time', () => {
  const p = page();
  p.win.dispatchEvent(new Event('online'));
  p.win.dispatchEvent(new Event('online'));
  expect(p.sent).toEqual(['online', 'online']);
});

it('shown again after 10 s hidden sends cause visible; a quick glance away sends nothing', () => {
  const p = page();
  p.show('hidden');
  p.wait(3_000);
  p.show('visible');
  expect(p.sent).toEqual([]);

  p.show('hidden');
  p.wait(10_000);
  p.show('visible');
  expect(p.sent).toEqual(['visible']);
});

it('after stop, nothing is sent', () => {
  const p = page();
  p.stop();
  p.win.dispatchEvent(new Event('online'));
  p.show('hidden');
  p.wait(60_000);
  p.show('visible');
  expect(p.sent).toEqual([]);
});
