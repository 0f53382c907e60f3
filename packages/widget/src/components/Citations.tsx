import type { Citation } from '@parley/shared';
import { safeHref } from '../markdown/safe-href';

export interface CitationsProps {
  citations: Citation[];
  /** Relative article URLs resolve against the Parley server, not the host page. */
  server: string;
  label: string;
}

/** The help-center articles an answer is grounded in; unsafe URLs are left out. */
export function Citations({ citations, server, label }: CitationsProps) {
  const links = citations.flatMap(({ title, url }) => {
    const href = safeHref(url, server);
    return href ? [{ title, href }] : [];
  });
  if (links.length === 0) return null;
  return (
    <div class="cites">
      <p>{label}</p>
      <ul>
        {links.map(({ title, href }) => (
          <li key={href}>
            <a href={href} target="_blank" rel="noopener noreferrer">
              {title || href}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
