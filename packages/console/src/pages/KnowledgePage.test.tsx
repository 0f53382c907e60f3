import { fireEvent, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { settle } from '../../test/fake-server';
import { type Harness, renderConsole } from '../../test/harness';

let harness: Harness | undefined;
afterEach(() => harness?.stop());

const RESULTS = {
  query: '',
  results: [
    {
      title: 'Reset a forgotten password',
      url: 'https://help.acme.test/reset',
      score: 12.5,
      snippet: 'Open Settings, then Security, then Reset password.',
    },
    {
      title: 'Two-factor authentication',
      url: 'https://help.acme.test/2fa',
      score: 3.25,
      snippet: 'Turn on two-factor authentication in Security.',
    },
  ],
};

describe('the knowledge-base tester', () => {
  it('shows the ranked articles with snippets and scores for a question', async () => {
    harness = await renderConsole('/console/knowledge', (server) => {
      server.state.signedIn = true;
      server.state.knowledge = RESULTS;
    });
    fireEvent.input(screen.getByRole('searchbox', { name: 'Question' }), {
      target: { value: 'I forgot my password' },
    });
    fireEvent.submit(screen.getByRole('search'));
    await settle(10);
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe(
      '2 articles for “I forgot my password”',
    );
    const items = within(screen.getByRole('region')).getAllByRole('listitem');
    expect(items.map((i) => within(i).getByRole('heading').textContent)).toEqual([
      'Reset a forgotten password',
      'Two-factor authentication',
    ]);
    expect(items[0]?.textContent).toMatch(/Score 12\.500.*Open Settings, then Security/);
    expect(items[1]?.textContent).toMatch(/Score 3\.250/);
    expect(window.location.search).toBe('?q=I+forgot+my+password');
    const asked = harness.server.requests.find((r) => r.path === '/api/operator/knowledge/search');
    expect(asked?.query.get('q')).toBe('I forgot my password');
  });

  it('asks at once for a question in the address, and refuses an empty one', async () => {
    harness = await renderConsole('/console/knowledge?q=reset%20password', (server) => {
      server.state.signedIn = true;
      server.state.knowledge = { ...RESULTS, results: [] };
    });
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe(
      'No article matches “reset password”',
    );
    fireEvent.input(screen.getByRole('searchbox'), { target: { value: '   ' } });
    fireEvent.submit(screen.getByRole('search'));
    await settle();
    expect(screen.getByRole('alert').textContent).toBe('Type a question first.');
  });
});
