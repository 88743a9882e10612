import { absoluteUrl, collapseSpace, hasPageBudget, withQueryParam } from '../adapters/common.ts';
import { loadHtml, tableRows } from '../adapters/html.ts';
import type { ParseContext, ParseResult, RawEntry } from '../types.ts';

/**
 * PIPC 보도자료 board (eGovFrame, `bbsId=BS074`). Rows: 번호 | 제목 | 담당부서 | 등록일 | 첨부 | 조회수;
 * the anchor's `title` attribute has the full title where the cell text is cut with "…".
 * Pinned rows show "공지" instead of a number and repeat on every page (the guid dedupes them).
 * The eGovFrame pager is JavaScript (`fn_egov_link_page(N)`), not links, so the next page is the
 * request URL with `pageIndex` = current + 1 whenever the pager offers that page.
 */
export function parsePipcKrPress(body: string, ctx: ParseContext): ParseResult {
  const $ = loadHtml(body, ctx.source.id);
  const entries: RawEntry[] = [];
  for (const { cells, texts } of tableRows($, 'table.board', ['번호', '제목', '등록일'], ctx.source.id)) {
    const anchor = cells.get('제목')?.find('a').first();
    const title = collapseSpace(anchor?.attr('title') || texts['제목'] || '');
    if (!anchor || !title) continue;
    const url = canonicalArticleUrl(absoluteUrl(anchor.attr('href'), ctx.url));
    const nttId = url ? new URL(url).searchParams.get('nttId') : null;
    const attachments = (cells.get('첨부')?.find('[onclick*="fn_egov_downFile"]').toArray() ?? [])
      .map((link) => /fn_egov_downFile\('([^']+)','([^']*)','([^']*)'\)/.exec($(link).attr('onclick') ?? ''))
      .filter((match) => match !== null)
      .map(([, fileId, sequence, extension]) => `${fileId}:${sequence}:${extension}`);
    const entry: RawEntry = {
      title,
      lang: ctx.source.language,
      native: {
        번호: texts['번호'] ?? '',
        담당부서: texts['담당부서'] ?? '',
        등록일: texts['등록일'] ?? '',
        nttId,
        attachments,
      },
    };
    if (nttId) entry.guid = `pipc:BS074:${nttId}`;
    if (url) entry.url = url;
    if (texts['등록일']) entry.publishedAt = texts['등록일'];
    entries.push(entry);
  }
  return withNext(entries, $('.paging, .pagination').first().html() ?? '', ctx);
}

/** Article links carry the list's `pageIndex`; without it the same article has one URL on every page. */
function canonicalArticleUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const canonical = new URL(url);
  canonical.searchParams.delete('pageIndex');
  return canonical.href;
}

function withNext(entries: RawEntry[], pager: string, ctx: ParseContext): ParseResult {
  if (!hasPageBudget(ctx)) return { entries };
  const current = Number(new URL(ctx.url).searchParams.get('pageIndex') ?? 1) || 1;
  const offered = [...pager.matchAll(/fn_egov_link_page\((\d+)\)/g)].map((match) => Number(match[1]));
  return offered.includes(current + 1)
    ? { entries, next: withQueryParam(ctx.url, 'pageIndex', current + 1) }
    : { entries };
}
