import { ACTION_PERFORMED, PRINCIPAL_CHANGED, TOKEN_REVOKED } from '@app/contract';
import type { ExportedEvent } from '../export-record';
import { escapeExtensionValue, escapeHeaderField } from './cef-escaping';
import { toCefAnomaly, toCefEvent } from './cef-line';
import {
  action,
  actionData,
  anomaly,
  changed,
  envelope,
  exchange,
  exchangeData,
  hostile,
  principal,
  revoked,
} from './cef-records.fixture';

interface ParsedCef {
  header: string[];
  extension: Record<string, string>;
}

const HEADER_UNESCAPES: Record<string, string> = { '\\': '\\', '|': '|' };
const VALUE_UNESCAPES: Record<string, string> = { '\\': '\\', '=': '=', r: '\r', n: '\n' };

/**
 * A strict reader of one CEF line, written from the standard rather than from the writer:
 * the header is split on unescaped pipes, the extension on `key=` boundaries whose `=` is
 * unescaped; an escape the standard does not define is an error.
 */
function parseCef(line: string): ParsedCef {
  expect(line).not.toMatch(/[\r\n]/);
  const header: string[] = [];
  let field = '';
  let i = 0;
  while (header.length < 7) {
    if (i >= line.length) throw new Error(`header has ${header.length} fields`);
    const char = line[i];
    if (char === '\\') {
      const unescaped = HEADER_UNESCAPES[line[i + 1]];
      if (unescaped === undefined) throw new Error(`bad header escape at ${i}`);
      field += unescaped;
      i += 2;
    } else if (char === '|') {
      header.push(field);
      field = '';
      i += 1;
    } else {
      field += char;
      i += 1;
    }
  }
  const text = line.slice(i);
  // Unescaped `=` signs, each ending a key that starts after a space (or the extension's start).
  const boundaries: Array<{ keyStart: number; valueStart: number }> = [];
  for (let at = 0; at < text.length; at++) {
    if (text[at] === '\\') at += 1;
    else if (text[at] === '=') {
      let keyStart = at;
      while (keyStart > 0 && /[A-Za-z0-9]/.test(text[keyStart - 1])) keyStart -= 1;
      if (keyStart === at || (keyStart > 0 && text[keyStart - 1] !== ' '))
        throw new Error(`unescaped = in a value at ${at}`);
      boundaries.push({ keyStart, valueStart: at + 1 });
    }
  }
  if (text !== '' && boundaries[0]?.keyStart !== 0) throw new Error('extension starts with no key');
  const extension: Record<string, string> = {};
  boundaries.forEach(({ keyStart, valueStart }, index) => {
    const key = text.slice(keyStart, valueStart - 1);
    const end = index + 1 < boundaries.length ? boundaries[index + 1].keyStart - 1 : text.length;
    const raw = text.slice(valueStart, end);
    let value = '';
    for (let at = 0; at < raw.length; at++) {
      if (raw[at] !== '\\') value += raw[at];
      else {
        const unescaped = VALUE_UNESCAPES[raw[at + 1]];
        if (unescaped === undefined) throw new Error(`bad escape in ${key}`);
        value += unescaped;
        at += 1;
      }
    }
    if (key in extension) throw new Error(`${key} twice`);
    extension[key] = value;
  });
  return { header, extension };
}

const ms = (iso: string) => String(Date.parse(iso));

describe('CEF escaping', () => {
  it('escapes exactly what the standard names, in the header and in the extension', () => {
    expect(escapeHeaderField('a|b\\c=d')).toBe('a\\|b\\\\c=d');
    expect(escapeHeaderField('one\r\ntwo\nthree')).toBe('one  two three');
    expect(escapeExtensionValue('a|b\\c=d\r\ne')).toBe('a|b\\\\c\\=d\\r\\ne');
    expect(escapeExtensionValue('plain é')).toBe('plain é');
    // Each special character alone, so none rides on another's escaping.
    expect(['a\\', 'a=', 'a\r', 'a\n'].map(escapeExtensionValue)).toEqual([
      'a\\\\',
      'a\\=',
      'a\\r',
      'a\\n',
    ]);
    expect(['a\\', 'a|', 'a\r', 'a\n'].map(escapeHeaderField)).toEqual([
      'a\\\\',
      'a\\|',
      'a ',
      'a ',
    ]);
  });
});

describe('toCefEvent', () => {
  const events = { action, exchange, revoked, changed };

  it.each(Object.entries(events))(
    'writes %s as one line every hostile value survives',
    (_, event) => {
      const line = toCefEvent(event);
      const { header, extension } = parseCef(line);
      expect(header.slice(0, 4)).toEqual(['CEF:0', 'Provenant', 'Provenant', '0.1.0']);
      expect(header[4]).toBe(event.type);
      expect(Number(header[6])).toBeGreaterThanOrEqual(0);
      expect(Number(header[6])).toBeLessThanOrEqual(3);
      expect(extension).toMatchObject({
        rt: ms(envelope.receivedAt),
        start: ms(envelope.time),
        externalId: '42',
        deviceExternalId: envelope.source,
        cs2: envelope.tenantid,
        cs2Label: 'tenant',
      });
      // Non-ASCII is written as it is, not escaped.
      expect(line).toContain('漢字 🙂');
    },
  );

  it('maps a hop to the actor, the subject, the target and the decision', () => {
    const { header, extension } = parseCef(toCefEvent(action));
    expect(header[5]).toBe('Action performed');
    expect(header[6]).toBe('3');
    expect(extension).toEqual({
      rt: ms(envelope.receivedAt),
      start: ms(envelope.time),
      externalId: '42',
      deviceExternalId: envelope.source,
      cs1: actionData.requestId,
      cs1Label: 'requestId',
      cs2: envelope.tenantid,
      cs2Label: 'tenant',
      act: actionData.target.action,
      suser: actionData.actor.id,
      duser: actionData.onBehalfOf!.id,
      destinationServiceName: actionData.target.service,
      request: actionData.target.resource,
      outcome: 'deny',
      reason: actionData.reason,
      cs3: actionData.target.tenant,
      cs3Label: 'targetTenant',
      cs4: `jti:https://sts.acme.example#${actionData.token!.jti}`,
      cs4Label: 'tokenKey',
      cs5: actionData.hopId,
      cs5Label: 'hopId',
      cs6: actionData.parentHopId,
      cs6Label: 'parentHopId',
      flexString1: actionData.tool!.name,
      flexString1Label: 'tool',
      flexString2: JSON.stringify([hostile('tool'), 'agent:bot']),
      flexString2Label: 'actChain',
    });
  });

  it('leaves out what a hop does not say, and an allowed hop is low', () => {
    const bare: ExportedEvent = {
      ...envelope,
      type: ACTION_PERFORMED,
      data: {
        requestId: 'r',
        hopId: 'h',
        actor: principal('bot'),
        target: { service: 'crm' },
        decision: 'allow',
      },
    };
    const { header, extension } = parseCef(toCefEvent(bare));
    expect(header[6]).toBe('1');
    expect(extension.act).toBe('performed');
    for (const key of ['duser', 'request', 'reason', 'cs3', 'cs4', 'cs6', 'flexString1'])
      expect(extension).not.toHaveProperty(key);
  });

  it('maps an exchange to who obtained which token for whom', () => {
    const { header, extension } = parseCef(toCefEvent(exchange));
    expect(header.slice(5, 7)).toEqual(['Token exchanged', '1']);
    const data = exchangeData;
    expect(extension).toMatchObject({
      act: 'exchanged',
      suser: data.actor.id,
      duser: data.subject.id,
      cs1: data.requestId,
      cs4: `jti:https://sts.acme.example#${data.issuedToken.jti}`,
      cs5: `fp:sha256:${'ab'.repeat(32)}`,
      cs5Label: 'subjectTokenKey',
      cs6: `jti:https://sts.acme.example#${data.actorToken!.jti}`,
      cs6Label: 'actorTokenKey',
      flexString1: data.grantType,
      flexString1Label: 'grantType',
    });
  });

  it('maps a revocation and a lifecycle change with their effective times', () => {
    const revocation = parseCef(toCefEvent(revoked));
    expect(revocation.header.slice(4, 7)).toEqual([TOKEN_REVOKED, 'Token revoked', '2']);
    expect(revocation.extension).toMatchObject({
      act: 'revoked',
      reason: hostile('leaked'),
      cs3: hostile('acme'),
      cs3Label: 'tokenTenant',
      cs4: `jti:https://sts.acme.example#${hostile('t-1')}`,
      deviceCustomDate1: ms('2026-11-01T10:00:00Z'),
      deviceCustomDate1Label: 'revokedAt',
    });
    expect(revocation.extension).not.toHaveProperty('cs1');

    const change = parseCef(toCefEvent(changed));
    expect(change.header.slice(4, 7)).toEqual([PRINCIPAL_CHANGED, 'Principal changed', '2']);
    expect(change.extension).toMatchObject({
      act: 'offboarded',
      duser: hostile('alice'),
      cs3: hostile('acme'),
      cs3Label: 'principalTenant',
      flexString1: hostile('https://login.acme.example'),
      flexString1Label: 'principalIssuer',
      deviceCustomDate1: ms('2026-11-01T10:00:00Z'),
      deviceCustomDate1Label: 'effectiveAt',
    });
  });
});

describe('toCefAnomaly', () => {
  it('writes the rule as signature and name, the severity in its CEF band', () => {
    const { header, extension } = parseCef(toCefAnomaly(anomaly));
    expect(header.slice(4, 7)).toEqual([
      'provenant.anomaly.CROSS_TENANT_DELEGATION',
      'Cross tenant delegation',
      '10',
    ]);
    expect(extension).toEqual({
      rt: ms(anomaly.detectedAt),
      externalId: '7',
      act: 'detected',
      outcome: 'open',
      cn1: '1',
      cn1Label: 'version',
      msg: anomaly.summary,
      cs1: anomaly.requestId,
      cs1Label: 'requestId',
      cs2: anomaly.tenant,
      cs2Label: 'tenant',
      cs3: anomaly.targetTenant,
      cs3Label: 'targetTenant',
      cs4: anomaly.rule,
      cs4Label: 'rule',
      cs5: 'CRITICAL',
      cs5Label: 'severity',
      cs6: JSON.stringify(anomaly.details),
      cs6Label: 'details',
      flexString1: 'NEW',
      flexString1Label: 'triage',
    });
  });

  it('writes a later version as what changed it, at the time it changed, with the reason', () => {
    const withdrawn = {
      ...anomaly,
      verdict: 'WITHDRAWN',
      verdictReason: 'cleared | by = later\nfacts',
      version: 2,
      changedAt: '2026-11-01T10:00:00.000Z',
    } as const;
    expect(parseCef(toCefAnomaly(withdrawn)).extension).toMatchObject({
      rt: ms(withdrawn.changedAt),
      externalId: '7',
      act: 'withdrawn',
      outcome: 'withdrawn',
      cn1: '2',
      flexString2: withdrawn.verdictReason,
      flexString2Label: 'verdictReason',
    });
    const triaged = { ...anomaly, triage: 'FALSE_POSITIVE', version: 3 } as const;
    expect(parseCef(toCefAnomaly(triaged)).extension).toMatchObject({
      act: 'updated',
      outcome: 'open',
      flexString1: 'FALSE_POSITIVE',
    });
    expect(parseCef(toCefAnomaly(anomaly)).extension).not.toHaveProperty('cn2');
    expect(parseCef(toCefAnomaly({ ...anomaly, suppressedBy: '42' })).extension).toMatchObject({
      cn2: '42',
      cn2Label: 'suppressedBy',
    });
  });

  it.each([
    ['LOW', '3'],
    ['MEDIUM', '6'],
    ['HIGH', '8'],
    ['CRITICAL', '10'],
  ] as const)('maps %s to %s', (severity, cef) => {
    expect(parseCef(toCefAnomaly({ ...anomaly, severity })).header[6]).toBe(cef);
  });

  it('keeps a hostile rule inside its header fields, on one line', () => {
    const rule = 'ODD|RULE\\ with\r\nbreaks=';
    const { header, extension } = parseCef(
      toCefAnomaly({ ...anomaly, rule, requestId: null, targetTenant: null, details: null }),
    );
    expect(header[4]).toBe('provenant.anomaly.ODD|RULE\\ with  breaks=');
    expect(header[5]).toBe('Odd|rule\\ with  breaks=');
    expect(header[6]).toBe('10');
    expect(extension.cs4).toBe(rule);
    for (const key of ['cs1', 'cs3', 'cs6']) expect(extension).not.toHaveProperty(key);
  });
});
