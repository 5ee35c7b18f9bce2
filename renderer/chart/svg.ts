import type { Layout } from './layout.ts';
import { HEADER, LABEL_PX, LINE_HEIGHT, NAME_PX } from './measure.ts';
import type { Chart } from './model.ts';

/**
 * A laid-out chart as a standalone SVG document: the same boxes and routes as the live chart,
 * no DOM needed, so the UI's export and `npm run chart` draw the same picture. Colours are
 * written out (no CSS variables): the file is read outside the app, in a bug report or a doc.
 */

export interface SvgOptions {
  /** Dotted paths of the active states, drawn lit. */
  active?: readonly string[];
  /** Edge ids of the transition taken, drawn bold. */
  taken?: ReadonlySet<string>;
  title?: string;
}

const esc = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const PAD = 16;

export function chartSvg(chart: Chart, layout: Layout, options: SvgOptions = {}): string {
  const active = new Set(options.active ?? []);
  const taken = options.taken ?? new Set<string>();
  const width = Math.ceil(layout.width + 2 * PAD);
  const height = Math.ceil(layout.height + 2 * PAD);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="${-PAD} ${-PAD} ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">`,
  );
  if (options.title) out.push(`<title>${esc(options.title)}</title>`);
  out.push(
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#7b8794"/></marker>',
    '<marker id="arrow-taken" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#1f6feb"/></marker></defs>',
    `<rect x="${-PAD}" y="${-PAD}" width="${width}" height="${height}" fill="#ffffff"/>`,
  );
  // Parents before children, so a compound's fill lies under its children.
  for (const node of chart.nodes) {
    const box = layout.nodes.get(node.path);
    if (!box) continue;
    const on = active.has(node.path);
    const dash = node.region ? ' stroke-dasharray="5 3"' : '';
    const fill = node.compound ? (on ? '#eef4ff' : '#fafbfc') : on ? '#1f6feb' : '#ffffff';
    const stroke = on ? '#1f6feb' : node.child ? '#8250df' : '#b8c0cc';
    out.push(
      `<g data-state="${esc(node.path)}"><rect x="${box.absX}" y="${box.absY}" width="${box.width}" height="${box.height}" rx="${node.compound ? 8 : 6}" fill="${fill}" stroke="${stroke}" stroke-width="${on ? 1.6 : 1}"${dash}/>`,
    );
    const label = node.child ? `${node.key} (child actor)` : node.key;
    if (node.compound) {
      out.push(
        `<text x="${box.absX + 10}" y="${box.absY + Math.round(HEADER * 0.72)}" font-size="${NAME_PX}" font-weight="600" fill="${node.child ? '#8250df' : '#1f2328'}">${esc(label)}</text></g>`,
      );
    } else {
      out.push(
        `<text x="${box.absX + box.width / 2}" y="${box.absY + box.height / 2 + Math.round(NAME_PX * 0.35)}" font-size="${NAME_PX}" text-anchor="middle" fill="${on ? '#ffffff' : '#1f2328'}">${esc(label)}</text></g>`,
      );
    }
  }
  for (const placed of layout.edges.values()) {
    const on = placed.members.some((id) => taken.has(id));
    const dash = placed.spawn ? ' stroke-dasharray="4 3"' : '';
    for (const path of placed.paths) {
      const d = path.points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x} ${p.y}`).join(' ');
      const marker = path.arrow ? ` marker-end="url(#${on ? 'arrow-taken' : 'arrow'})"` : '';
      out.push(
        `<path d="${d}" fill="none" stroke="${on ? '#1f6feb' : '#7b8794'}" stroke-width="${on ? 2 : 1}"${dash}${marker}/>`,
      );
    }
    const l = placed.label;
    if (!l) continue;
    out.push(
      `<rect x="${l.x}" y="${l.y}" width="${l.width}" height="${l.height}" fill="#ffffff" fill-opacity="0.85"/>`,
    );
    placed.lines.forEach((line, i) => {
      out.push(
        `<text x="${l.x + l.width / 2}" y="${l.y + LINE_HEIGHT - 1 + i * LINE_HEIGHT}" font-size="${LABEL_PX}" text-anchor="middle" fill="${on ? '#1f6feb' : '#57606a'}">${esc(line)}</text>`,
      );
    });
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
