import type { TransitionRecord } from '../../machines/views.ts';

/**
 * Saving what the chart shows, for a bug report: the chart as SVG (the same picture as
 * `npm run chart`, from svg.ts) or PNG, and the connection's history as JSON. Nothing here is
 * secret: a history record holds states, events, error kinds and SQLSTATEs, and a host:port.
 */

export function download(name: string, data: Blob): void {
  const url = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The click has handed the blob to the download by now; free it on the next turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export const svgBlob = (svg: string) => new Blob([svg], { type: 'image/svg+xml' });

/** Draws the SVG on a canvas at `scale` (2: sharp on a high-density screen); img-src allows data:. */
export async function pngBlob(svg: string, scale = 2): Promise<Blob> {
  const image = new Image();
  const loaded = new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('the chart could not be drawn as an image'));
  });
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await loaded;
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(image.width * scale);
  canvas.height = Math.ceil(image.height * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas to draw the chart on');
  context.scale(scale, scale);
  context.drawImage(image, 0, 0);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('no PNG'))), 'image/png'),
  );
}

export interface HistoryExport {
  connection: { id: string; name: string };
  exportedAt: string;
  transitions: TransitionRecord[];
}

export function historyJson(
  connection: { id: string; name: string },
  transitions: readonly TransitionRecord[],
  now = Date.now(),
): string {
  const doc: HistoryExport = {
    connection,
    exportedAt: new Date(now).toISOString(),
    transitions: [...transitions],
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** A file name from a connection's name: letters, digits, dots and dashes. */
export const fileStem = (name: string) =>
  name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'connection';
