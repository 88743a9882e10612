import { describe, expect, it } from 'vitest';
import { ORGANIZATION_ALIASES } from '../../functions/events/aliases.ts';
import {
  foldOrganizationName,
  organizationKey,
  organizationsMentioned,
} from '../../functions/events/organization.ts';

describe('organizationKey', () => {
  it.each([
    ['Coupang', 'coupang'],
    ['Coupang, Inc.', 'coupang'],
    ['COUPANG Corp.', 'coupang'],
    ['쿠팡', 'coupang'],
    ['쿠팡 주식회사', 'coupang'],
    ['(주)쿠팡', 'coupang'],
    ['SK Telecom Co., Ltd.', 'sk-telecom'],
    ['SKT', 'sk-telecom'],
    ['SK텔레콤', 'sk-telecom'],
    ['KT', 'kt'],
    ['케이티', 'kt'],
    ['LG Uplus', 'lg-uplus'],
    ['LG유플러스', 'lg-uplus'],
    ['Lotte Card', 'lotte-card'],
    ['롯데카드', 'lotte-card'],
    ['Acme Widgets GmbH', 'acme-widgets'],
    ['The Acme Group plc', 'acme'],
    ["Macy's Inc", 'macy'],
    ['AT&T Inc.', 'at&t'],
  ])('%s → %s', (name, key) => {
    expect(organizationKey(name)).toBe(key);
  });

  it.each([null, undefined, '', 'Inc.', '(주)'])('has no key for %j', (name) => {
    expect(organizationKey(name)).toBeNull();
  });

  it('resolves every name of every alias row to that row’s key', () => {
    for (const row of ORGANIZATION_ALIASES) {
      const keys = new Set(row.map((name) => organizationKey(name)));
      expect(keys.size, `row ${row.join(' / ')}`).toBe(1);
    }
  });

  it('never lets two alias rows share a key', () => {
    const keys = ORGANIZATION_ALIASES.map((row) => organizationKey(row[0]));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('folds CJK names without spaces and Latin names with them', () => {
    expect(foldOrganizationName('쿠팡 이츠')).toBe('쿠팡이츠');
    expect(foldOrganizationName('Acme  Widgets')).toBe('acme widgets');
  });
});

describe('organizationsMentioned', () => {
  it.each([
    ['President orders tougher fines after the Coupang breach', ['coupang']],
    ['대통령, 쿠팡 사태 계기로 징벌적 손해배상 강화 지시', ['coupang']],
    ['The market reacted', []],
    ['KT and SKT outages', ['sk-telecom', 'kt']],
    ['SKT는 유심 정보 유출을 확인했다', ['sk-telecom']],
  ])('%s', (text, keys) => {
    expect(organizationsMentioned(text).sort()).toEqual([...keys].sort());
  });
});
