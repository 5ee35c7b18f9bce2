import { useEffect, useState } from 'react';
import { formatCountdown } from '../lib/format.ts';

/**
 * Time left until `at` (epoch ms), ticking ten times a second; only this element re-renders.
 * At zero it says so and stops: the next view tells whether the attempt went.
 */
export function Countdown({ at, now = Date.now }: { at: number; now?: () => number }) {
  const [left, setLeft] = useState(() => at - now());
  useEffect(() => {
    setLeft(at - now());
    const timer = setInterval(() => {
      const ms = at - now();
      setLeft(ms);
      if (ms <= 0) clearInterval(timer);
    }, 100);
    return () => clearInterval(timer);
  }, [at, now]);
  return (
    <span className="countdown" role="timer" aria-live="off">
      {left > 0 ? `next try in ${formatCountdown(left)}` : 'trying now'}
    </span>
  );
}
