/** Query parameters that only track the reader and never change what the page is. */
const TRACKING_PARAMS = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'msclkid',
  'mc_cid',
  'mc_eid',
  'igshid',
  'yclid',
  '_hsenc',
  '_hsmi',
  'ref',
  'ref_src',
  'cmpid',
  'ncid',
  'sr_share',
  'ito',
  'rss',
]);

function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('utm_') || TRACKING_PARAMS.has(lower);
}

/**
 * The canonical form of a link: absolute (resolved against `base`), http(s) only, lower-case
 * host without default port, no fragment, tracking parameters removed, remaining parameters
 * kept in their order (some boards use order-sensitive ids). Returns null for anything that
 * is not an http(s) URL — `javascript:`, `mailto:`, garbage.
 */
export function canonicalUrl(raw: string, base?: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim(), base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  url.username = '';
  url.password = '';
  url.hostname = url.hostname.toLowerCase().replace(/\.$/, '');
  const kept = [...url.searchParams.entries()].filter(([name]) => !isTrackingParam(name));
  url.search = '';
  for (const [name, value] of kept) url.searchParams.append(name, value);
  return url.toString();
}
