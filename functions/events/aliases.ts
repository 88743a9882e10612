/**
 * Organisations known under several names or scripts. Each row is one organisation: the
 * first name is the display name, every name (any script) resolves to the same key.
 * Extend by adding a row; tests/events/organization.test.ts checks every row resolves.
 */
export const ORGANIZATION_ALIASES: readonly (readonly string[])[] = [
  ['Coupang', '쿠팡', 'Coupang Corp', '쿠팡 주식회사'],
  ['SK Telecom', 'SKT', 'SK텔레콤', 'SK 텔레콤', '에스케이텔레콤'],
  ['KT', '케이티', 'KT Corp', 'Korea Telecom'],
  ['LG Uplus', 'LG U+', 'LG유플러스', 'LG 유플러스', 'LGU+', 'LG Uplus Corp'],
  ['Lotte Card', '롯데카드'],
  ['Yes24', '예스24'],
  ['GS Retail', 'GS리테일'],
  ['Kakao', '카카오'],
  ['Kakao Pay', '카카오페이'],
  ['Naver', '네이버'],
  ['Samsung Electronics', '삼성전자'],
  ['Hyundai Motor', '현대자동차', '현대차'],
  ['Interpark', '인터파크'],
  ['Musinsa', '무신사'],
  ['Toss', '토스', 'Viva Republica', '비바리퍼블리카'],
  ['Korea Hydro & Nuclear Power', '한국수력원자력', '한수원', 'KHNP'],
  ['Meta', 'Meta Platforms', 'Facebook', '메타'],
  ['Google', '구글', 'Alphabet'],
  ['Alibaba', 'AliExpress', '알리익스프레스', '알리바바'],
  ['Temu', '테무', 'PDD Holdings'],
  ['TikTok', '틱톡', 'ByteDance'],
  ['Microsoft', '마이크로소프트'],
  ['Apple', '애플'],
  ['Amazon', '아마존'],
  ['AT&T', 'ATT'],
  ['UnitedHealth', 'UnitedHealth Group', 'Change Healthcare'],
  ['Ticketmaster', 'Live Nation'],
  ['LY Corporation', 'LINE Yahoo', 'LINEヤフー', '라인야후'],
  ['Qantas', 'Qantas Airways'],
  ['Optus', 'Singtel Optus'],
  ['Medibank', 'Medibank Private'],
];
