import { describe, expect, it } from 'vitest';
import { classifyIntent } from './offline-intent.js';

const specialists = [{ name: 'billing', keywords: ['invoice', 'refund', 'charged'] }];

describe('classifyIntent', () => {
  it.each([
    ['When are you open?', { kind: 'hours' }],
    ['what are your support hours on saturday', { kind: 'hours' }],
    ['Are you closed on holidays?', { kind: 'hours' }],
    ['I want to talk to a human', { kind: 'human' }],
    ['Please open a ticket for me', { kind: 'ticket', priority: 'medium' }],
    ['This is unacceptable, I want to complain', { kind: 'ticket', priority: 'high' }],
    ['I was charged twice', { kind: 'handoff', agent: 'billing' }],
    ['Where can I download my invoice?', { kind: 'handoff', agent: 'billing' }],
    ['How do I reset my password?', { kind: 'search' }],
    ['How do I add a person to my account?', { kind: 'search' }],
    ['How do I open the app settings?', { kind: 'search' }],
    ['', { kind: 'search' }],
  ])('%j → %j', (message, intent) => {
    expect(classifyIntent(message, specialists)).toEqual(intent);
  });

  it('searches instead of handing off when no specialist is configured', () => {
    expect(classifyIntent('I was charged twice', [])).toEqual({ kind: 'search' });
  });
});
