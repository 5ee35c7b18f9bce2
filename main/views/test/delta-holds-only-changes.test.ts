import { expect, it } from 'vitest';
import type { ConnectionView } from '../../../machines/views.ts';
import { viewsDelta } from '../delta.ts';

const view = (id: string) => ({ id }) as ConnectionView;

it('a view that is not the object last sent is changed; one that is, is left out', () => {
  const a = view('a');
  const b = view('b');
  const sent = new Map([
    ['a', a],
    ['b', b],
  ]);
  const b2 = view('b');
  const current = new Map([
    ['a', a],
    ['b', b2],
  ]);
  expect(viewsDelta(['a', 'b'], (id) => current.get(id), sent)).toEqual({
    full: false,
    changed: [b2],
    removed: [],
  });
  expect(sent.get('b')).toBe(b2);
});

it('an id without a view now is removed, once', () => {
  const sent = new Map([['a', view('a')]]);
  expect(viewsDelta(['a'], () => undefined, sent)).toEqual({
    full: false,
    changed: [],
    removed: ['a'],
  });
  expect(viewsDelta(['a'], () => undefined, sent)).toBeNull();
});

it('a new connection is changed; an unknown id that never was sent is not removed', () => {
  const c = view('c');
  const sent = new Map<string, ConnectionView>();
  expect(viewsDelta(['c', 'ghost'], (id) => (id === 'c' ? c : undefined), sent)).toEqual({
    full: false,
    changed: [c],
    removed: [],
  });
});

it('nothing different: null, so nothing is sent', () => {
  const a = view('a');
  expect(viewsDelta(['a'], () => a, new Map([['a', a]]))).toBeNull();
  expect(viewsDelta([], () => a, new Map())).toBeNull();
});
