import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrontHttpError } from '../../src/front-error.ts';
import { assertBoundary, setField } from '../../src/parse-multipart-body.ts';

describe('setField', () => {
  it('builds nested objects and arrays when names use brackets', () => {
    const target: Record<string, unknown> = {};
    setField(target, 'sender[handle]', '+1555');
    setField(target, 'to[0][handle]', 'a');
    setField(target, 'to[1][name]', 'B');
    setField(target, 'tags[]', 'x');
    setField(target, 'tags[]', 'y');

    assert.deepEqual(target, {
      sender: { handle: '+1555' },
      to: [{ handle: 'a' }, { name: 'B' }],
      tags: ['x', 'y'],
    });
  });

  it('throws a 400 when a name would reach the prototype', () => {
    assert.throws(() => setField({}, 'sender[__proto__]', 'x'), FrontHttpError);
  });
});

describe('assertBoundary', () => {
  it('passes when a quoted boundary is present and throws when it is missing', () => {
    assert.doesNotThrow(() => assertBoundary('multipart/form-data; boundary="a b"'));
    assert.throws(() => assertBoundary('multipart/form-data; charset=utf-8'), /boundary/);
  });
});
