// The references an HTML page makes: what it loads (scripts, stylesheets, images, frames, CSS
// url()s) and where its anchors point. Enough for pages snas-lab writes and nbconvert renders;
// not a general HTML parser.

export interface PageLink {
  url: string;
  /** 'load': fetched when the page opens; 'anchor': followed only when clicked. */
  kind: 'load' | 'anchor';
}

const TAG = /<(a|area|link|script|img|iframe|source|video|audio|embed|object|use|image)\b([^>]*)>/gi;
const ATTR = /\b(href|src|data|xlink:href)\s*=\s*("([^"]*)"|'([^']*)')/gi;
const CSS_URL = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]+))\s*\)/gi;
const CSS_IMPORT = /@import\s+(?:"([^"]*)"|'([^']*)')/gi;

/** Text inside <script> elements, which holds code rather than markup, is skipped (its src is not). */
function withoutScriptBodies(html: string): string {
  return html.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/gi, '$1$2');
}

function decodeEntities(s: string): string {
  return s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/** Every link of the page, in document order (CSS url()s last). */
export function pageLinks(html: string): PageLink[] {
  const markup = withoutScriptBodies(html);
  const links: PageLink[] = [];
  for (const tag of markup.matchAll(TAG)) {
    const name = tag[1]!.toLowerCase();
    const attrs = tag[2]!;
    const isStylesheet = name === 'link' && /\brel\s*=\s*["']?[^"'>]*\b(stylesheet|icon|preload|modulepreload|manifest)\b/i.test(attrs);
    for (const a of attrs.matchAll(ATTR)) {
      const url = decodeEntities((a[3] ?? a[4] ?? '').trim());
      if (!url) continue;
      const anchor = name === 'a' || name === 'area' || (name === 'link' && !isStylesheet);
      links.push({ url, kind: anchor ? 'anchor' : 'load' });
    }
  }
  const styles = [...markup.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1]!).join('\n')
    + [...markup.matchAll(/\bstyle\s*=\s*"([^"]*)"/gi)].map((m) => decodeEntities(m[1]!)).join('\n');
  for (const m of styles.matchAll(CSS_URL)) links.push({ url: (m[1] ?? m[2] ?? m[3] ?? '').trim(), kind: 'load' });
  for (const m of styles.matchAll(CSS_IMPORT)) links.push({ url: (m[1] ?? m[2] ?? '').trim(), kind: 'load' });
  return links.filter((l) => l.url !== '');
}

export type LinkTarget =
  | { type: 'internal'; path: string }
  | { type: 'fragment' | 'inline' }
  | { type: 'network' | 'absolute'; url: string };

/**
 * Where a link from a page at `from` (a path relative to the archive's root, '/'-separated)
 * points: a file of the archive (query and fragment dropped), the page itself, inline data, the
 * network, or an absolute path or file: URL of some machine.
 */
export function linkTarget(from: string, url: string): LinkTarget {
  if (url.startsWith('#')) return { type: 'fragment' };
  if (/^(data|javascript|mailto|about|blob):/i.test(url)) return { type: 'inline' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^file:/i.test(url)) return { type: 'network', url };
  if (url.startsWith('//')) return { type: 'network', url };
  if (/^file:/i.test(url) || url.startsWith('/') || /^[A-Za-z]:[\\/]/.test(url)) return { type: 'absolute', url };
  const clean = url.replace(/[?#].*$/, '');
  let decoded = clean;
  try { decoded = decodeURIComponent(clean); } catch { /* keep it as written */ }
  const parts = from.split('/').slice(0, -1);
  for (const seg of decoded.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return { type: 'absolute', url }; // climbs out of the archive
      parts.pop();
    } else parts.push(seg);
  }
  return { type: 'internal', path: parts.join('/') };
}
