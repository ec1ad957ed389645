import {
  newSuppressionSchema,
  parseTriageInput,
  TriageInputError,
  triageNoteSchema,
} from './triage-input';

const suppression = {
  tenant: 'acme',
  targetTenant: null,
  rule: 'AUDIENCE_MISMATCH',
  principalId: null,
  principalIssuer: null,
  issuer: null,
  targetService: null,
  reason: 'known',
  expiresAt: null,
};

const refusal = (value: unknown) => {
  try {
    parseTriageInput(newSuppressionSchema, value, 'input');
  } catch (error) {
    expect(error).toBeInstanceOf(TriageInputError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('triage input', () => {
  it('accepts a suppression with a condition and a reason', () => {
    expect(parseTriageInput(newSuppressionSchema, suppression, 'input')).toEqual(suppression);
    expect(
      parseTriageInput(
        newSuppressionSchema,
        { ...suppression, rule: null, principalId: 'agent:bot', principalIssuer: 'https://a' },
        'input',
      ),
    ).toMatchObject({ rule: null, principalId: 'agent:bot' });
  });

  it('refuses, naming the field, what it cannot store or apply', () => {
    expect(refusal({ ...suppression, rule: 'NOT_A_RULE' })).toBe(
      'input.rule: is not a rule Provenant raises',
    );
    expect(refusal({ ...suppression, reason: '   ' })).toBe('input.reason: is required');
    expect(refusal({ ...suppression, rule: null })).toMatch(/^input: at least one condition/);
    expect(refusal({ ...suppression, principalIssuer: 'https://a' })).toBe(
      'input.principalIssuer: needs principalId',
    );
    expect(refusal({ ...suppression, issuer: 'x'.repeat(513) })).toMatch(/^input\.issuer: /);
    expect(refusal({ ...suppression, tenant: 'a\u0000b' })).toBe(
      'input.tenant: contains unstorable text',
    );
  });

  it('bounds a note, refuses unstorable text in it, and reads a blank one as none', () => {
    expect(parseTriageInput(triageNoteSchema, '  checked  ', 'note')).toBe('checked');
    expect(parseTriageInput(triageNoteSchema, '   ', 'note')).toBeNull();
    expect(parseTriageInput(triageNoteSchema, null, 'note')).toBeNull();
    expect(() => parseTriageInput(triageNoteSchema, 'x'.repeat(2001), 'note')).toThrow(
      TriageInputError,
    );
    expect(() => parseTriageInput(triageNoteSchema, 'a\ud800', 'note')).toThrow(
      'note: contains unstorable text',
    );
  });
});
