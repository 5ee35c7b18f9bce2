import { useLayoutEffect, useRef } from 'react';
import type { Environment } from '../../machines/config.ts';

/**
 * The connection's colour as a thin bar. The colour is set through the CSSOM (a custom
 * property), which a `style-src 'self'` policy allows; a style attribute in HTML it would not.
 */
export function ColorTag({ color, environment }: { color?: string; environment?: Environment }) {
  const ref = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    ref.current?.style.setProperty('--tag', color ?? '');
  }, [color]);
  return (
    <span
      ref={ref}
      aria-hidden="true"
      className={`color-tag${color ? ' color-tag-set' : ''}${environment ? ` env-tag-${environment}` : ''}`}
    />
  );
}
