import { describe, expect, it } from '@jest/globals';
import { buildForm, requiredInputMissing, validateAnswer, type FormSchema } from './humanForm';
import type { ConfigRecord } from '../definition';
import { failureOf } from '../testing';
import type { JsonValue } from '../../weft/types';

/** The review form of approval.weft. */
const approvalConfig: ConfigRecord = {
  label: 'Review reply',
  title: 'Approve the reply?',
  fields: [
    { fieldType: 'display', key: 'customer', required: true },
    { fieldType: 'editable_textarea', key: 'reply', required: true },
    { fieldType: 'select', key: 'tone', config: { options: ['warm', 'formal'] } },
    { fieldType: 'approve_reject', key: 'decision', config: { approveLabel: 'Send', rejectLabel: 'Drop' } },
  ],
};
const approvalInputs: Record<string, JsonValue> = { customer: 'Dana Okafor', reply: 'Hello Dana, a refund is on its way.', context: null };
const approvalForm = () => buildForm(approvalConfig, approvalInputs);

const field = (fieldType: string, key: string, extra: ConfigRecord = {}): ConfigRecord => ({ fieldType, key, ...extra });
const formOf = (fields: JsonValue[], inputs: Record<string, JsonValue> = {}) => buildForm({ fields }, inputs);

describe('buildForm', () => {
  it("builds approval.weft's form: shown values, pre-filled text, static options, button labels", () => {
    expect(approvalForm()).toEqual({
      title: 'Approve the reply?',
      description: null,
      context: null,
      fields: [
        { key: 'customer', fieldType: 'display', label: 'Customer', required: true, value: 'Dana Okafor' },
        { key: 'reply', fieldType: 'editable_textarea', label: 'Reply', required: true, value: 'Hello Dana, a refund is on its way.' },
        { key: 'tone', fieldType: 'select', label: 'Tone', required: false, options: ['warm', 'formal'] },
        { key: 'decision', fieldType: 'approve_reject', label: 'Decision', required: false, approveLabel: 'Send', rejectLabel: 'Drop' },
      ],
    });
  });

  it('is plain JSON, so it can be stored with its task', () => {
    const form = approvalForm();
    expect(JSON.parse(JSON.stringify(form))).toStrictEqual(form);
  });

  it('takes the options of select_input and multi_select_input from their inputs', () => {
    const form = formOf([field('select_input', 'pick'), field('multi_select_input', 'tags')], { pick: ['a', 'b'], tags: ['x'] });
    expect(form.fields.map((f) => f.options)).toEqual([['a', 'b'], ['x']]);
  });

  it('uses the given label, title and description, the default button labels, and the context input', () => {
    const form = buildForm(
      { title: 'Check', description: 'Look closely', fields: [field('approve_reject', 'ok', { label: 'Is it right?' })] },
      { context: { ticket: 7731 } },
    );
    expect(form).toMatchObject({ title: 'Check', description: 'Look closely', context: { ticket: 7731 } });
    expect(form.fields[0]).toMatchObject({ label: 'Is it right?', approveLabel: 'Approve', rejectLabel: 'Reject' });
  });

  it('builds a HumanTrigger form, which has no inputs', () => {
    const form = buildForm({ label: 'Start a review', fields: [field('text_input', 'ticket_id', { required: true })] });
    expect(form).toEqual({
      title: 'Start a review',
      description: null,
      context: null,
      fields: [{ key: 'ticket_id', fieldType: 'text_input', label: 'Ticket id', required: true }],
    });
  });

  it('fails the node on a field list that is not valid', async () => {
    const failure = await failureOf(Promise.resolve().then(() => buildForm({ fields: [{ key: 'x' }] })));
    expect(failure.message).toMatch(/^the form's fields are not valid: .*every field needs a fieldType/s);
  });
});

describe('requiredInputMissing', () => {
  it('is true when a required field fed by an input received null (the node skips)', () => {
    expect(requiredInputMissing(approvalConfig, { ...approvalInputs, customer: null })).toBe(true);
    expect(requiredInputMissing(approvalConfig, { reply: 'x' })).toBe(true);
  });

  it('is false when every required input arrived, or only optional ones are null', () => {
    expect(requiredInputMissing(approvalConfig, approvalInputs)).toBe(false);
    expect(requiredInputMissing({ fields: [field('display', 'note'), field('text_input', 'answer', { required: true })] }, { note: null })).toBe(false);
  });
});

describe('validateAnswer', () => {
  it('turns an approval into outputs: the answers, decision_approved true and decision_rejected null', () => {
    const check = validateAnswer(approvalForm(), { reply: 'Edited reply', tone: 'warm', decision: 'approve' });
    expect(check).toEqual({
      ok: true,
      outputs: { reply: 'Edited reply', tone: 'warm', decision_approved: true, decision_rejected: null },
    });
  });

  it('routes a rejection: decision_rejected true and decision_approved null', () => {
    const check = validateAnswer(approvalForm(), { reply: 'x', decision: 'reject' });
    expect(check).toMatchObject({ ok: true, outputs: { decision_approved: null, decision_rejected: true } });
  });

  it('takes true and false for approve and reject', () => {
    expect(validateAnswer(approvalForm(), { decision: true })).toMatchObject({ outputs: { decision_approved: true, decision_rejected: null } });
    expect(validateAnswer(approvalForm(), { decision: false })).toMatchObject({ outputs: { decision_approved: null, decision_rejected: true } });
  });

  it('keeps the pre-filled value of an editable field left out, and gives null for an optional field left out', () => {
    const check = validateAnswer(approvalForm(), {});
    expect(check).toEqual({
      ok: true,
      outputs: { reply: 'Hello Dana, a refund is on its way.', tone: null, decision_approved: null, decision_rejected: null },
    });
  });

  it('reports every problem at once: a required field missing, an unknown option, a wrong type, unknown keys', () => {
    const form = formOf([
      field('text_input', 'name', { required: true }),
      field('textarea', 'notes'),
      field('select', 'tone', { config: { options: ['warm', 'formal'] } }),
      field('multi_select', 'tags', { config: { options: ['a', 'b'] } }),
      field('approve_reject', 'decision'),
      field('display', 'customer'),
    ]);
    const check = validateAnswer(form, { notes: 42, tone: 'rude', tags: ['a', 'z'], decision: 'maybe', customer: 'x', colour: 'red' });
    expect(check).toEqual({
      ok: false,
      problems: [
        { field: 'customer', message: 'is shown, not answered' },
        { field: 'colour', message: 'is not a field of this form; its fields are name, notes, tone, tags, decision' },
        { field: 'name', message: 'is required' },
        { field: 'notes', message: 'must be text' },
        { field: 'tone', message: '"rude" is not one of the options: warm, formal' },
        { field: 'tags', message: '"z" is not one of the options: a, b' },
        { field: 'decision', message: 'must be "approve" or "reject" (or true / false)' },
      ],
    });
  });

  it('refuses a required text field answered with blank text', () => {
    const form = formOf([field('text_input', 'name', { required: true })]);
    expect(validateAnswer(form, { name: '  ' })).toEqual({ ok: false, problems: [{ field: 'name', message: 'is required' }] });
  });

  it('wants a list for multi_select, with at least one choice when required', () => {
    const form = formOf([
      field('multi_select', 'tags', { required: true, config: { options: ['a', 'b'] } }),
      field('multi_select', 'more', { config: { options: ['a'] } }),
    ]);
    expect(validateAnswer(form, { tags: [], more: 'a' })).toEqual({
      ok: false,
      problems: [
        { field: 'tags', message: 'choose at least one option' },
        { field: 'more', message: 'must be a list of options' },
      ],
    });
    expect(validateAnswer(form, { tags: ['b', 'a'] })).toEqual({ ok: true, outputs: { tags: ['b', 'a'], more: null } });
  });

  it('checks select_input answers against the options that came from the input', () => {
    const form = formOf([field('select_input', 'pick', { required: true })], { pick: ['north', 'south'] });
    expect(validateAnswer(form, { pick: 'south' })).toEqual({ ok: true, outputs: { pick: 'south' } });
    expect(validateAnswer(form, { pick: 'east' })).toMatchObject({ ok: false, problems: [{ field: 'pick', message: '"east" is not one of the options: north, south' }] });
  });

  it('refuses an answer that is not an object', () => {
    for (const answer of [null, 'yes', ['approve']]) {
      expect(validateAnswer(approvalForm(), answer)).toEqual({ ok: false, problems: [{ field: '', message: 'an answer is an object of field keys to values' }] });
    }
  });

  it('checks an answer against a form read back from storage', () => {
    const stored = JSON.parse(JSON.stringify(approvalForm())) as FormSchema;
    expect(validateAnswer(stored, { tone: 'formal', decision: 'approve' })).toMatchObject({ ok: true });
  });
});
