import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseHandle } from '../../src/normalise-handle.ts';

describe('normaliseHandle', () => {
  const cases: [string, string][] = [
    ['+15551230000', '+15551230000'],
    ['5551230000', '+15551230000'],
    ['(555) 123-0000', '+15551230000'],
    ['+44 20 7946 0958', '+442079460958'],
    [' dana@example.org ', 'dana@example.org'],
    ['user-42', 'user-42'],
    ['12345', '12345'],
  ];
  for (const [input, expected] of cases) {
    it(`gives ${expected} when the handle is "${input}"`, () => {
      assert.equal(normaliseHandle(input), expected);
    });
  }
});
